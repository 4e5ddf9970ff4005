/**
 * Backups and restore in both Coder templates, planned by the real terraform binary (scripts/terraform-harness):
 * every cell of template x backup on/off x restore_from on/off x start_count 1/0 against an inventory written by
 * hand (nothing created when off, the runner gone at stop, every volume kept), the runners' exact command, mounts
 * and environment (keys by reference only), and each refusal's message.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { TerraformConfig } from "../../scripts/terraform-harness/stand-in.ts";
import { planWithTerraform, type PlanResult } from "../../scripts/terraform-harness/terraform.ts";
import { buildTemplateForTest } from "../support/built-template.ts";
import { inventory, names } from "../support/plan-inventory.ts";

type Body = Record<string, unknown>;
const first = (value: unknown): Body => (Array.isArray(value) ? value[0] : value) as Body;

const OWNER_ID = "0b6c3c1e-1111-4222-8333-944455556666";
/** The workspace's prefix in the team bucket: the owner's id, then the workspace's name lower-cased ("Dev"). */
const PREFIX = `convex-backups/${OWNER_ID}/dev/`;
const SCHEDULE = { backup_schedule: "17 3 * * *", backup_keep: "4" };
const BUCKET = { backup_bucket_endpoint: "http://backups.example.internal:7480", backup_bucket_name: "team-backups" };

interface Cell {
  readonly vars?: Record<string, string>;
  readonly mode?: string;
  readonly restoreFrom?: string;
  readonly start?: 0 | 1;
}

function planner(id: "kubernetes" | "docker", base: Record<string, string>) {
  const built = buildTemplateForTest(id);
  const plan = (cell: Cell, graph = false): Promise<PlanResult> => {
    const start = cell.start ?? 1;
    return planWithTerraform(built.json as TerraformConfig, {
      vars: { ...base, ...cell.vars },
      graph,
      data: {
        "coder_parameter.storage_mode": { value: cell.mode ?? "local" },
        "coder_parameter.restore_from": { value: cell.restoreFrom ?? "" },
        "coder_workspace.me": { start_count: start, transition: start ? "start" : "stop", name: "Dev" },
        "coder_workspace_owner.me": { id: OWNER_ID },
      },
    });
  };
  // terraform wraps long diagnostics: compare with the line breaks folded.
  const refusal = (cell: Cell) => plan(cell).then(() => "planned", (error: Error) => error.message.replace(/\s+/g, " "));
  return { built, plan, refusal };
}

/** The one planned instance of construct `construct` (its logical id without the hash) of `type`. */
const planned = (plan: PlanResult, type: string, construct: string): { values: Body; resource: string } => {
  const found = plan.resources.filter((r) => r.type === type && r.resource.slice(type.length + 1).replace(/_[0-9A-F]{8}$/, "") === construct);
  expect(found, `${type} ${construct}`).toHaveLength(1);
  return found[0] as { values: Body; resource: string };
};

/** Docker's `NAME=value` list as a map (entries unknown at plan time are absent). */
const dockerEnv = (c: Body): Record<string, string> =>
  Object.fromEntries((c.env as (string | null)[]).filter((e): e is string => typeof e === "string").map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));

/** A Kubernetes env list as a map of values or value_from blocks. */
const kubernetesEnv = (container: Body): Record<string, unknown> => Object.fromEntries((container.env as Body[]).map((e) => [e.name, e.value ?? first(e.value_from)]));

describe("backups and restore in the Docker template, planned by the real terraform", () => {
  const { built, plan, refusal } = planner("docker", { wildcard_access_url: "*.apps.example.com" });
  afterAll(() => built.remove());
  const keysFile = { backup_credentials_file: "/etc/convex-backup/keys.env" };
  const on = { ...SCHEDULE, ...BUCKET, ...keysFile };
  const bucketOnly = { ...BUCKET, ...keysFile };

  // A local-mode workspace, written out by hand: started, its backend, dashboard, key maker and workspace containers;
  // five images (backend, dashboard, MinIO, Node, Postgres client); network; volumes: backend data, MinIO data,
  // home, admin key; the instance secret, MinIO's root keys and the proxy's key pair; the proxy's CA and certificate.
  const started = {
    coder_agent: 1, coder_app: 3, coder_metadata: 1, coder_script: 1,
    docker_container: 4, docker_image: 5, docker_network: 1, docker_volume: 4,
    random_id: 1, random_password: 4, tls_cert_request: 1, tls_locally_signed_cert: 1, tls_private_key: 2, tls_self_signed_cert: 1,
  };
  // Stopped: no container and no metadata; images, network, volumes, keys stay.
  const { coder_metadata: _metadata, docker_container: _containers, ...stopped } = started;

  const cells: { name: string; cell: Cell; expected: Record<string, number>; runners: string[] }[] = [
    { name: "backup off, restore off, started", cell: {}, expected: started, runners: [] },
    { name: "backup off, restore off, stopped", cell: { start: 0 }, expected: stopped, runners: [] },
    { name: "backup on, restore off, started: + the backup container", cell: { vars: on }, expected: { ...started, docker_container: 5 }, runners: ["Backup"] },
    { name: "backup on, restore off, stopped: the backup container gone, volumes kept", cell: { vars: on, start: 0 }, expected: stopped, runners: [] },
    { name: "backup off, restore on, started: + the restore container and its check", cell: { vars: bucketOnly, restoreFrom: "latest" }, expected: { ...started, docker_container: 5, terraform_data: 1 }, runners: ["Restore"] },
    { name: "backup off, restore on, stopped", cell: { vars: bucketOnly, restoreFrom: "latest", start: 0 }, expected: stopped, runners: [] },
    { name: "backup on, restore on, started: both runners", cell: { vars: on, restoreFrom: "latest" }, expected: { ...started, docker_container: 6, terraform_data: 1 }, runners: ["Backup", "Restore"] },
    { name: "backup on, restore on, stopped", cell: { vars: on, restoreFrom: "latest", start: 0 }, expected: stopped, runners: [] },
  ];
  for (const { name, cell, expected, runners } of cells) {
    it(`${name}`, async () => {
      const planned = await plan(cell);
      expect(inventory(planned)).toEqual(expected);
      expect(names(planned, "docker_container").filter((n) => n === "Backup" || n === "Restore")).toEqual(runners);
      expect(names(planned, "docker_volume")).toEqual(["AdminKeyVolume", "Backend_Data", "Home", "Minio_Data"]);
    });
  }

  it("the backup container: the schedule command as the node user, the data volume read-only, the keys file bind-mounted read-only, no key in its environment", async () => {
    const backup = planned(await plan({ vars: on }), "docker_container", "Backup").values;
    expect(backup.command).toEqual(["node", "/opt/convex-backup/convex-backup.mjs", "schedule"]);
    expect(backup.user).toBe("1000:1000");
    expect(first(backup.volumes)).toMatchObject({ container_path: "/convex/data", read_only: true });
    expect(backup.mounts).toEqual([expect.objectContaining({ type: "bind", source: "/etc/convex-backup/keys.env", target: "/run/secrets/convex-backup-keys.env", read_only: true })]);
    expect(first(backup.host)).toEqual({ host: "host.docker.internal", ip: "host-gateway" });
    const env = dockerEnv(backup);
    expect(env).toEqual({
      CONVEX_DATA_DIR: "/convex/data",
      BACKUP_WORK_DIR: "/tmp",
      INSTANCE_NAME: "convex",
      STORAGE_MODE: "local",
      BACKUP_PREFIX: PREFIX,
      BACKUP_KEEP: "4",
      BACKUP_S3_ENDPOINT: "http://backups.example.internal:7480",
      BACKUP_S3_BUCKET: "team-backups",
      BACKUP_S3_REGION: "us-east-1",
      BACKUP_CONFIGURED_BY: "coder-template",
      BACKUP_CREDENTIALS_FILE: "/run/secrets/convex-backup-keys.env",
      BACKUP_SCHEDULE: "17 3 * * *",
    });
    // Every entry is known at plan time: nothing from state, no key, no instance secret.
    expect((backup.env as unknown[]).every((e) => typeof e === "string")).toBe(true);
  });

  it("restore_from: the restore container (root, data volume writable) runs the restore command with the key below the owner's prefix, and the backend waits for it", async () => {
    const latest = await plan({ vars: bucketOnly, restoreFrom: "latest" }, true);
    const restore = planned(latest, "docker_container", "Restore");
    expect(restore.values.command).toEqual(["node", "/opt/convex-backup/convex-backup.mjs", "restore"]);
    expect(restore.values.user).toBe("0:0");
    expect(first(restore.values.volumes)).not.toHaveProperty("read_only", true);
    expect(dockerEnv(restore.values)).toMatchObject({ BACKUP_RESTORE_KEY: "latest", BACKUP_PREFIX: PREFIX, INSTANCE_NAME: "convex", BACKUP_CREDENTIALS_FILE: "/run/secrets/convex-backup-keys.env" });
    const backend = planned(latest, "docker_container", "Backend");
    expect([...(latest.dependencies.get(backend.resource) ?? [])].some((d) => d.startsWith("docker_container.Restore"))).toBe(true);
    const one = planned(await plan({ vars: bucketOnly, restoreFrom: "old-dev/20261201T031700Z.tar.gz" }), "docker_container", "Restore");
    expect(dockerEnv(one.values).BACKUP_RESTORE_KEY).toBe(`convex-backups/${OWNER_ID}/old-dev/20261201T031700Z.tar.gz`);
  });

  it("no backup container and no restore with a shared Postgres server; a restore_from there is refused with the fix", async () => {
    const pg = { database_url: "postgres://convex:pw@db.example.internal:5432" };
    expect(names(await plan({ vars: { ...on, ...pg } }), "docker_container")).not.toContain("Backup");
    expect(await refusal({ vars: { ...on, ...pg }, restoreFrom: "latest" })).toContain(
      "restore_from: this template keeps every workspace's tables on a shared Postgres server (database_url), and a snapshot holds a SQLite database. Create the workspace with restore_from empty and use npx convex import --replace-all.",
    );
  });

  it("fails the plan with the variables to set: a schedule without the bucket, a restore without the bucket, a restore into an s3 workspace", async () => {
    expect(await refusal({ vars: SCHEDULE })).toContain(
      "backup_schedule is set: also set backup_bucket_endpoint, backup_bucket_name and backup_credentials_file (coder templates push --variable ...).",
    );
    expect(await refusal({ restoreFrom: "latest" })).toContain(
      'restore_from is "latest", but this template has no backup bucket: its admin sets backup_bucket_endpoint, backup_bucket_name, backup_credentials_file (coder templates push --variable ...); or create the workspace with restore_from empty.',
    );
    expect(await refusal({ vars: bucketOnly, restoreFrom: "latest", mode: "s3" })).toContain(
      "restore_from restores into a Local disk workspace only (storage_mode local); this one is s3: an s3 or proxied workspace's files were in its own bucket, deleted with it.",
    );
    // A stop of such a workspace is not refused: the checks hold only while it starts.
    expect(await refusal({ restoreFrom: "latest", start: 0 })).toBe("planned");
  });
});

describe("backups and restore in the Kubernetes template, planned by the real terraform", () => {
  const { built, plan, refusal } = planner("kubernetes", { namespace: "coder-workspaces", wildcard_access_url: "*.apps.example.com" });
  afterAll(() => built.remove());
  const keysSecret = { backup_credentials_secret: "convex-backup-keys" };
  const on = { ...SCHEDULE, ...BUCKET, ...keysSecret };
  const bucketOnly = { ...BUCKET, ...keysSecret };

  // A local-mode workspace, written out by hand: started, the backend, dashboard and workspace Deployments; the
  // backend's and dashboard's Services; the data and home claims; the instance secret and the proxy's keys (Secrets,
  // random values); the proxy's CA and certificate.
  const started = {
    coder_agent: 1, coder_app: 3, coder_metadata: 1, coder_script: 1,
    kubernetes_deployment_v1: 3, kubernetes_persistent_volume_claim_v1: 2, kubernetes_secret_v1: 2, kubernetes_service_v1: 2,
    random_id: 1, random_password: 2, tls_cert_request: 1, tls_locally_signed_cert: 1, tls_private_key: 2, tls_self_signed_cert: 1,
  };
  // Stopped: no Deployment and no metadata; Services, claims, Secrets stay.
  const { coder_metadata: _metadata, kubernetes_deployment_v1: _deployments, ...stopped } = started;
  const deployments = ["Backend", "Dashboard", "Workspace"];
  const restoring = ["Backend_LocalRestore", "Dashboard", "Workspace"];

  const cells: { name: string; cell: Cell; expected: Record<string, number>; cronJobs: string[]; backends: string[] }[] = [
    { name: "backup off, restore off, started", cell: {}, expected: started, cronJobs: [], backends: deployments },
    { name: "backup off, restore off, stopped", cell: { start: 0 }, expected: stopped, cronJobs: [], backends: [] },
    { name: "backup on, restore off, started: + the CronJob and its bundle", cell: { vars: on }, expected: { ...started, kubernetes_cron_job_v1: 1, kubernetes_config_map_v1: 1 }, cronJobs: ["Backup"], backends: deployments },
    { name: "backup on, restore off, stopped: the CronJob gone, the bundle and claims kept", cell: { vars: on, start: 0 }, expected: { ...stopped, kubernetes_config_map_v1: 1 }, cronJobs: [], backends: [] },
    { name: "backup off, restore on, started: the restoring backend instead of the plain one, the bundle, the check", cell: { vars: bucketOnly, restoreFrom: "latest" }, expected: { ...started, kubernetes_config_map_v1: 1, terraform_data: 1 }, cronJobs: [], backends: restoring },
    { name: "backup off, restore on, stopped", cell: { vars: bucketOnly, restoreFrom: "latest", start: 0 }, expected: { ...stopped, kubernetes_config_map_v1: 1 }, cronJobs: [], backends: [] },
    { name: "backup on, restore on, started", cell: { vars: on, restoreFrom: "latest" }, expected: { ...started, kubernetes_cron_job_v1: 1, kubernetes_config_map_v1: 1, terraform_data: 1 }, cronJobs: ["Backup"], backends: restoring },
    { name: "backup on, restore on, stopped", cell: { vars: on, restoreFrom: "latest", start: 0 }, expected: { ...stopped, kubernetes_config_map_v1: 1 }, cronJobs: [], backends: [] },
  ];
  for (const { name, cell, expected, cronJobs, backends } of cells) {
    it(`${name}`, async () => {
      const result = await plan(cell);
      expect(inventory(result)).toEqual(expected);
      expect(names(result, "kubernetes_cron_job_v1")).toEqual(cronJobs);
      expect(names(result, "kubernetes_deployment_v1")).toEqual(backends);
      expect(names(result, "kubernetes_persistent_volume_claim_v1")).toEqual(["Backend_Data", "Home"]);
    });
  }

  it("the CronJob writes below the owner's prefix in the team bucket, keys from the admin's Secret", async () => {
    const job = planned(await plan({ vars: on }), "kubernetes_cron_job_v1", "Backup").values;
    const pod = first(first(first(first(first(job.spec).job_template).spec).template).spec);
    const env = kubernetesEnv(first(pod.container));
    expect(env).toMatchObject({ BACKUP_PREFIX: PREFIX, BACKUP_KEEP: "4", INSTANCE_NAME: "convex", BACKUP_CONFIGURED_BY: "coder-template", BACKUP_S3_BUCKET: "team-backups" });
    expect(first((env.AWS_SECRET_ACCESS_KEY as Body).secret_key_ref)).toMatchObject({ name: "convex-backup-keys", key: "AWS_SECRET_ACCESS_KEY" });
  });

  it("restore_from: the restoring backend's pod runs the restore init container (root, data volume writable, keys by reference) and waits for the bundle", async () => {
    const result = await plan({ vars: bucketOnly, restoreFrom: "old-dev/20261201T031700Z.tar.gz" }, true);
    const backend = planned(result, "kubernetes_deployment_v1", "Backend_LocalRestore");
    const pod = first(first(first(backend.values.spec).template).spec);
    const init = (pod.init_container as Body[]).find((c) => c.name === "restore") as Body;
    expect(init.command).toEqual(["node", "/opt/convex-backup/convex-backup.mjs", "restore"]);
    expect(first(init.security_context)).toMatchObject({ run_as_user: "0" });
    const env = kubernetesEnv(init);
    expect(env).toMatchObject({ BACKUP_RESTORE_KEY: `convex-backups/${OWNER_ID}/old-dev/20261201T031700Z.tar.gz`, STORAGE_MODE: "local", INSTANCE_NAME: "convex", BACKUP_CONFIGURED_BY: "coder-template" });
    expect(first((env.AWS_ACCESS_KEY_ID as Body).secret_key_ref)).toMatchObject({ name: "convex-backup-keys", key: "AWS_ACCESS_KEY_ID" });
    expect((pod.volume as Body[]).find((v) => v.name === "backup-bundle")).toBeDefined();
    expect([...(result.dependencies.get(backend.resource) ?? [])].some((d) => d.startsWith("kubernetes_config_map_v1.Backup_Bundle"))).toBe(true);
    // The plain backend has no restore step.
    const plain = planned(await plan({}), "kubernetes_deployment_v1", "Backend");
    expect(first(first(first(plain.values.spec).template).spec).init_container ?? []).toEqual([]);
  });

  it("refuses a restore without the bucket, into a proxied workspace, or with a shared Postgres server, naming the fix", async () => {
    expect(await refusal({ restoreFrom: "latest" })).toContain(
      'restore_from is "latest", but this template has no backup bucket: its admin sets backup_bucket_endpoint, backup_bucket_name, backup_credentials_secret (coder templates push --variable ...)',
    );
    expect(await refusal({ vars: bucketOnly, restoreFrom: "latest", mode: "proxied" })).toContain("restore_from restores into a Local disk workspace only (storage_mode local); this one is proxied");
    expect(await refusal({ vars: { ...bucketOnly, database_url_secret_name: "shared-pg" }, restoreFrom: "latest" })).toContain(
      "restore_from: this template keeps every workspace's tables on a shared Postgres server (database_url_secret_name)",
    );
  });
});
