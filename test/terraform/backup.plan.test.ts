/**
 * Scheduled backups in the synthesized workspace-kubernetes stack, planned by the real terraform binary
 * (scripts/terraform-harness): the CronJob's schedule, retention, references and placement, the restore init
 * container, and nothing at all when `backup:` is absent.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { TerraformConfig } from "../../scripts/terraform-harness/stand-in.ts";
import { planWithTerraform, type PlanResult } from "../../scripts/terraform-harness/terraform.ts";
import { buildTemplateForTest } from "../support/built-template.ts";
import { inventory, names } from "../support/plan-inventory.ts";
import { synthDocker } from "../support/docker-synth.ts";
import { synthKubernetes } from "../support/synth.ts";

const k8sLocal = { kubernetes_deployment_v1: 2, kubernetes_network_policy_v1: 2, kubernetes_service_v1: 2, kubernetes_persistent_volume_claim_v1: 1, kubernetes_secret_v1: 1, random_id: 1, terraform_data: 1 };
const BACKUP = { schedule: "17 3 * * *", keep: 5 };

type Body = Record<string, unknown>;
/** A nested block as the plan shows it: a one-element list or the object itself. */
const first = (value: unknown): Body => (Array.isArray(value) ? value[0] : value) as Body;

function cronJob(plan: PlanResult): Body {
  const found = plan.resources.filter((r) => r.type === "kubernetes_cron_job_v1");
  expect(found).toHaveLength(1);
  return (found[0] as { values: Body }).values;
}

function podSpec(job: Body): Body {
  return first(first(first(first(first(job.spec).job_template).spec).template).spec);
}

function envOf(container: Body): Record<string, unknown> {
  return Object.fromEntries((container.env as Body[]).map((e) => [e.name, e.value ?? first(e.value_from)]));
}

describe("backups on Kubernetes, planned by the real terraform", () => {
  it("nothing is created when backups are off (no CronJob, no bundle, no claim in local mode)", async () => {
    const plan = await planWithTerraform(synthKubernetes({ storage: { mode: "local" } }));
    expect(inventory(plan)).toEqual(k8sLocal);
  });

  it("local mode: a CronJob on the schedule in UTC, keeping N, on the backend's node with the data volume read-only, into a claimed workspace bucket by reference", async () => {
    const plan = await planWithTerraform(synthKubernetes({ storage: { mode: "local" }, backup: BACKUP }));
    expect(inventory(plan)).toEqual({ ...k8sLocal, kubernetes_cron_job_v1: 1, kubernetes_config_map_v1: 1, kubernetes_manifest: 1 });
    const job = cronJob(plan);
    expect(first(job.metadata).name).toBe("convex-alice-dev-backup");
    expect(first(job.spec)).toMatchObject({ schedule: "17 3 * * *", timezone: "Etc/UTC", concurrency_policy: "Forbid" });
    const pod = podSpec(job);
    const term = first(first(first(pod.affinity).pod_affinity).required_during_scheduling_ignored_during_execution);
    expect(term.topology_key).toBe("kubernetes.io/hostname");
    expect(first(term.label_selector).match_labels).toEqual({ "app.kubernetes.io/name": "convex-backend", "app.kubernetes.io/instance": "alice-dev", "app.kubernetes.io/component": "backend" });
    expect(first(pod.security_context)).toMatchObject({ run_as_non_root: true, run_as_user: "1000" });
    const data = (pod.volume as Body[]).find((v) => v.name === "data") as Body;
    expect(first(data.persistent_volume_claim)).toEqual({ claim_name: "convex-alice-dev-data", read_only: true });
    const container = first(pod.container);
    expect(container.command).toEqual(["node", "/opt/convex-backup/convex-backup.mjs", "backup"]);
    expect((container.volume_mount as Body[]).find((m) => m.name === "data")).toMatchObject({ mount_path: "/convex/data", read_only: true });
    const env = envOf(container);
    expect(env).toMatchObject({
      INSTANCE_NAME: "convex-alice-dev",
      STORAGE_MODE: "local",
      BACKUP_PREFIX: "convex-backups/convex-alice-dev/",
      BACKUP_KEEP: "5",
      BACKUP_S3_ENDPOINT: "http://$(BUCKET_HOST):$(BUCKET_PORT)",
    });
    // Keys, host and bucket name from the claim's Secret and ConfigMap; nothing secret in the configuration.
    expect(first((env.AWS_SECRET_ACCESS_KEY as Body).secret_key_ref)).toMatchObject({ name: "convex-alice-dev-bucket", key: "AWS_SECRET_ACCESS_KEY" });
    expect(first((env.BACKUP_S3_BUCKET as Body).config_map_key_ref)).toMatchObject({ name: "convex-alice-dev-bucket", key: "BUCKET_NAME" });
    expect(Object.keys(env)).not.toContain("INSTANCE_SECRET");
  });

  it("s3 mode with a separate backup bucket: its keys from the named Secret, the workspace claim unchanged", async () => {
    const plan = await planWithTerraform(
      synthKubernetes({
        storage: { mode: "s3" },
        backup: { ...BACKUP, bucket: { endpoint: "https://backups.example.com", bucketName: "team-convex-backups", credentialsSecretName: "backup-keys" } },
      }),
    );
    expect(inventory(plan)).toEqual({ ...k8sLocal, kubernetes_manifest: 1, kubernetes_cron_job_v1: 1, kubernetes_config_map_v1: 1 });
    const env = envOf(first(podSpec(cronJob(plan)).container));
    expect(env).toMatchObject({ BACKUP_S3_ENDPOINT: "https://backups.example.com", BACKUP_S3_BUCKET: "team-convex-backups", STORAGE_MODE: "s3" });
    expect(first((env.AWS_ACCESS_KEY_ID as Body).secret_key_ref)).toMatchObject({ name: "backup-keys", key: "AWS_ACCESS_KEY_ID" });
  });

  it("restoreFrom: the backend's pod gets the restore init container (root, data volume writable) and waits for its bundle", async () => {
    const plan = await planWithTerraform(synthKubernetes({ storage: { mode: "local" }, backup: { ...BACKUP, restoreFrom: "latest" } }), { graph: true });
    const backend = plan.resources.find((r) => r.type === "kubernetes_deployment_v1" && first(r.values.metadata).name === "convex-alice-dev-backend") as { values: Body; resource: string };
    const pod = first(first(first(backend.values.spec).template).spec);
    const init = (pod.init_container as Body[]).find((c) => c.name === "restore") as Body;
    expect((init.command as string[]).at(-1)).toBe("restore");
    expect(envOf(init)).toMatchObject({ BACKUP_RESTORE_KEY: "latest", INSTANCE_NAME: "convex-alice-dev" });
    expect((init.volume_mount as Body[]).find((m) => m.name === "data")).not.toHaveProperty("read_only", true);
    expect(first(init.security_context)).toMatchObject({ run_as_user: "0", allow_privilege_escalation: false });
    const deps = [...(plan.dependencies.get(backend.resource) ?? [])];
    expect(deps.some((d) => d.startsWith("kubernetes_config_map_v1.Backup_Bundle"))).toBe(true);
  });

  it("restricted egress with a MinIO bucket: the backup pods' own NetworkPolicy (no ingress, egress to DNS and MinIO) plans", async () => {
    const plan = await planWithTerraform(synthKubernetes({ storage: { mode: "proxied", bucket: { kind: "minio" } }, networkPolicy: { egress: { restrict: true } }, backup: { ...BACKUP, restoreFrom: "latest" } }));
    const policy = plan.resources.find((r) => r.type === "kubernetes_network_policy_v1" && first((r as { values: Body }).values.metadata).name === "convex-alice-dev-backup") as { values: Body } | undefined;
    const spec = first(policy?.values.spec);
    expect(spec.policy_types).toEqual(["Ingress", "Egress"]);
    expect(spec.ingress).toEqual([]);
    expect(first(spec.pod_selector).match_labels).toEqual({ "app.kubernetes.io/name": "convex-backup", "app.kubernetes.io/instance": "alice-dev", "app.kubernetes.io/component": "backup" });
    expect((spec.egress as Body[]).map((rule) => (rule.ports as Body[]).map((p) => `${p.port}/${p.protocol}`))).toEqual([["53/TCP", "53/UDP"], ["9000/TCP"]]);
  });
});

describe("backups on Docker, planned by the real terraform", () => {
  const dockerLocal = { docker_container: 3, docker_image: 2, docker_network: 1, docker_volume: 1, random_id: 1, terraform_data: 1 };
  const container = (plan: PlanResult, name: string): Body => {
    const found = plan.resources.filter((r) => r.type === "docker_container" && r.values.name === name);
    expect(found).toHaveLength(1);
    return (found[0] as { values: Body }).values;
  };
  /** The literal entries; references to generated keys are unknown at plan time (null). */
  const envList = (c: Body): Record<string, string> =>
    Object.fromEntries((c.env as (string | null)[]).filter((e): e is string => typeof e === "string").map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));

  it("nothing is created when backups are off", async () => {
    const plan = await planWithTerraform(synthDocker({ storage: { mode: "local" } }));
    expect(inventory(plan)).toEqual(dockerLocal);
  });

  it("local mode: a scheduled container (the runner's schedule command) with the data volume read-only, into a MinIO created for it", async () => {
    const plan = await planWithTerraform(synthDocker({ storage: { mode: "local" }, backup: BACKUP }));
    // MinIO (container, image, volume, root keys), the backup container and its image.
    expect(inventory(plan)).toEqual({ ...dockerLocal, docker_container: 5, docker_image: 4, docker_volume: 2, random_password: 2 });
    const backup = container(plan, "convex-alice-dev-backup");
    expect((backup.command as string[]).at(-1)).toBe("schedule");
    expect(backup.user).toBe("1000:1000");
    expect(first(backup.volumes)).toMatchObject({ volume_name: "convex-alice-dev-data", container_path: "/convex/data", read_only: true });
    expect(envList(backup)).toMatchObject({
      BACKUP_SCHEDULE: "17 3 * * *",
      BACKUP_KEEP: "5",
      BACKUP_PREFIX: "convex-backups/convex-alice-dev/",
      BACKUP_S3_ENDPOINT: "http://convex-alice-dev-minio:9000",
      STORAGE_MODE: "local",
    });
    // The two keys: MinIO's generated root keys by Terraform reference, unknown (and sensitive) at plan time.
    expect((backup.env as unknown[]).filter((e) => e === null)).toHaveLength(2);
    expect(Object.keys(envList(backup))).not.toContain("AWS_SECRET_ACCESS_KEY");
  });

  it("restoreFrom: a one-shot restore container the backend's container waits for", async () => {
    const plan = await planWithTerraform(synthDocker({ storage: { mode: "s3" }, backup: { ...BACKUP, restoreFrom: "latest" } }), { graph: true });
    const restore = container(plan, "convex-alice-dev-restore");
    expect((restore.command as string[]).at(-1)).toBe("restore");
    expect(restore.must_run).toBe(false);
    const backend = plan.resources.find((r) => r.type === "docker_container" && r.values.name === "convex-alice-dev-backend") as { resource: string };
    expect([...(plan.dependencies.get(backend.resource) ?? [])].some((d) => d.startsWith("docker_container.Restore"))).toBe(true);
  });

  it("fails if a separate backup bucket is asked of Docker (its keys come from a Kubernetes Secret)", () => {
    expect(() => synthDocker({ storage: { mode: "s3" }, backup: { ...BACKUP, bucket: { endpoint: "https://b.example.com", bucketName: "team-backups", credentialsSecretName: "k" } } })).toThrow(
      'backup.bucket: got "team-backups"; a separate backup bucket reads its keys from a Kubernetes Secret; on Docker snapshots go to the workspace bucket (MinIO, or storage.bucket): remove backup.bucket',
    );
  });
});

describe("backups in the Kubernetes Coder template (admin variables), planned by the real terraform", () => {
  const built = buildTemplateForTest("kubernetes");
  afterAll(() => built.remove());
  const base = { namespace: "coder-workspaces", wildcard_access_url: "*.apps.example.com" };
  const on = { ...base, backup_schedule: "17 3 * * *", backup_keep: "4", backup_bucket_endpoint: "http://rgw.rook-ceph.svc:80", backup_bucket_name: "team-backups", backup_credentials_secret: "convex-backup-keys" };
  const plan = (vars: Record<string, string>, mode: string, start: 0 | 1) =>
    planWithTerraform(built.json as TerraformConfig, {
      vars,
      data: { "coder_parameter.storage_mode": { value: mode }, "coder_workspace.me": { start_count: start, transition: start ? "start" : "stop" } },
    });

  it("off by default: no CronJob and no bundle in any mode", async () => {
    for (const mode of ["local", "s3", "proxied"]) {
      const planned = await plan(base, mode, 1);
      expect(names(planned, "kubernetes_cron_job_v1"), mode).toEqual([]);
      expect(names(planned, "kubernetes_config_map_v1").filter((n) => n.startsWith("Backup")), mode).toEqual([]);
    }
  });

  it("with a schedule: a CronJob only while the workspace runs, into the team bucket by reference, one prefix per workspace", async () => {
    const started = await plan(on, "local", 1);
    expect(names(started, "kubernetes_cron_job_v1")).toEqual(["Backup"]);
    const job = cronJob(started);
    expect(first(job.spec)).toMatchObject({ schedule: "17 3 * * *", timezone: "Etc/UTC" });
    const env = envOf(first(podSpec(job).container));
    expect(env).toMatchObject({ BACKUP_KEEP: "4", BACKUP_S3_BUCKET: "team-backups", BACKUP_S3_ENDPOINT: "http://rgw.rook-ceph.svc:80", STORAGE_MODE: "local" });
    expect(String(env.BACKUP_PREFIX)).toMatch(/^convex-backups\/.+\/$/);
    expect(first((env.AWS_SECRET_ACCESS_KEY as Body).secret_key_ref)).toMatchObject({ name: "convex-backup-keys", key: "AWS_SECRET_ACCESS_KEY" });
    // With a shared Postgres server the tables are not on the data volume: no CronJob.
    expect(names(await plan({ ...on, database_url_secret_name: "shared-pg" }, "local", 1), "kubernetes_cron_job_v1")).toEqual([]);
    const stopped = await plan(on, "s3", 0);
    expect(names(stopped, "kubernetes_cron_job_v1")).toEqual([]);
    expect(names(stopped, "kubernetes_config_map_v1")).toEqual(["Backup_Bundle"]);
  });

  it("fails the plan with the variables to set when a schedule has no bucket, and refuses a malformed schedule", async () => {
    // terraform wraps long diagnostics: compare with the line breaks folded.
    const refusal = (vars: Record<string, string>) => plan(vars, "local", 1).then(() => "planned", (error: Error) => error.message.replace(/\s+/g, " "));
    expect(await refusal({ ...base, backup_schedule: "@daily" })).toContain(
      "backup_schedule is set: also set backup_bucket_endpoint, backup_bucket_name and backup_credentials_secret (coder templates push --variable ...)",
    );
    expect(await refusal({ ...on, backup_schedule: "every night" })).toContain('backup_schedule: use five fields "minute hour day-of-month month day-of-week" in UTC');
  });
});
