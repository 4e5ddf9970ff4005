/**
 * Backups and restore in the Docker template (stacks/template-backup-docker.ts), as built by
 * `npm run build:templates`: the runner containers as written, and what terraform makes of them per build (the
 * harness of test/support/template-eval.ts). Expected values are written out by hand. The real plan of every cell
 * (template x backup x restore x start) is test/terraform/template-backup.plan.test.ts; this suite is the fast one.
 */
import { afterAll, describe, expect, it } from "vitest";
import { buildTemplateForTest, type BuiltTemplateUnderTest } from "../support/built-template.ts";
import { setupOnce } from "../support/setup-once.ts";
import { evaluateBuild, TerraformRefused, type CoderBuildInput, type EvaluatedBuild } from "../support/template-eval.ts";

type Resource = Record<string, unknown>;
const BUCKET = { backup_bucket_endpoint: "http://backups.example.internal:7480", backup_bucket_name: "team-backups", backup_credentials_file: "/etc/convex-backup/keys.env" };
const VARS = { wildcard_access_url: "*.apps.example.com" };
const POSTGRES = { database_url: "postgres://convex:secret@db.example:5432" };

let template: BuiltTemplateUnderTest;
let json: BuiltTemplateUnderTest["json"];
setupOnce(() => {
  template = buildTemplateForTest("docker");
  ({ json } = template);
}, 120_000);
afterAll(() => template?.remove());

const container = (prefix: string): Resource => {
  const found = Object.entries(json.resource.docker_container ?? {}).find(([k]) => k.startsWith(`${prefix}_`));
  if (found === undefined) throw new Error(`no docker_container ${prefix}`);
  return found[1];
};
/** A resource's body without CDKTF's metadata, its labels and the bundle's text (the runner's own tests cover it). */
const body = (r: Resource): Resource =>
  Object.fromEntries(
    Object.entries(r)
      .filter(([k]) => k !== "//" && k !== "labels")
      .map(([k, v]) => [k, k === "upload" ? (v as { file: string }[]).map((u) => u.file) : v]),
  );

/** The runner's settings both containers get: the data volume, the team bucket, and the keys file's path (never the keys). */
const RUNNER_ENV = [
  "CONVEX_DATA_DIR=/convex/data",
  "BACKUP_WORK_DIR=/tmp",
  "INSTANCE_NAME=${local.instance_name}",
  "STORAGE_MODE=${local.storage_mode}",
  "BACKUP_PREFIX=convex-backups/${data.coder_workspace_owner.me.id}/${lower(data.coder_workspace.me.name)}/",
  "BACKUP_KEEP=${tostring(var.backup_keep)}",
  "BACKUP_S3_ENDPOINT=${var.backup_bucket_endpoint}",
  "BACKUP_S3_BUCKET=${var.backup_bucket_name}",
  "BACKUP_S3_REGION=us-east-1",
];
const KEYS_MOUNT = [{ type: "bind", source: "${var.backup_credentials_file}", target: "/run/secrets/convex-backup-keys.env", read_only: true }];
const COMMON = {
  image: "${docker_image.ProxyImage_56BB7157.image_id}",
  networks_advanced: [{ name: "${docker_network.Network_1C6012B5.name}" }],
  upload: ["/opt/convex-backup/convex-backup.mjs"],
  mounts: KEYS_MOUNT,
  host: [{ host: "host.docker.internal", ip: "host-gateway" }],
  depends_on: ["docker_volume.Backend_Data_AD12DE1A"],
};

describe("docker template: the backup and restore containers as written", () => {
  it("declares backup_credentials_file: a path on the Docker host, read by the containers and never by Terraform", () => {
    expect(json.variable?.backup_credentials_file).toEqual({
      type: "string",
      default: "",
      description:
        "Path on the Docker host of a file with the backup bucket's AWS_ACCESS_KEY_ID=... and AWS_SECRET_ACCESS_KEY=... lines, readable by uid 1000 " +
        "(e.g. install -m 0400 -o 1000 -g 1000 keys.env /etc/convex-backup/keys.env). Mounted read-only into the backup containers; never read by Terraform.",
    });
  });

  it("the backup container: the schedule, as the node user, the data volume read-only, the keys file bind-mounted, only while a SQLite workspace runs", () => {
    expect(body(container("Backup"))).toMatchObject({
      ...COMMON,
      name: `convex-\${data.coder_workspace.me.id}-backup`,
      command: ["node", "/opt/convex-backup/convex-backup.mjs", "schedule"],
      user: "1000:1000",
      count: '${var.backup_schedule != "" && local.database == "sqlite" ? local.start_count : 0}',
      env: [...RUNNER_ENV, "BACKUP_CONFIGURED_BY=coder-template", "BACKUP_CREDENTIALS_FILE=/run/secrets/convex-backup-keys.env", "BACKUP_SCHEDULE=${var.backup_schedule}"],
      volumes: [{ container_path: "/convex/data", read_only: true, volume_name: "${docker_volume.Backend_Data_AD12DE1A.name}" }],
      lifecycle: {
        precondition: [
          {
            condition: '${!(var.backup_schedule != "") || (var.backup_bucket_endpoint != "" && var.backup_bucket_name != "" && var.backup_credentials_file != "")}',
            error_message: "backup_schedule is set: also set backup_bucket_endpoint, backup_bucket_name and backup_credentials_file (coder templates push --variable ...).",
          },
        ],
      },
    });
    expect(container("Backup").labels).toEqual(expect.arrayContaining([{ label: "app.kubernetes.io/component", value: "backup" }]));
  });

  it("the restore container: the restore of the key below the owner's prefix, as root, the data volume writable, at every start of a restore_from workspace", () => {
    expect(body(container("Restore"))).toMatchObject({
      ...COMMON,
      name: `convex-\${data.coder_workspace.me.id}-restore`,
      command: ["node", "/opt/convex-backup/convex-backup.mjs", "restore"],
      user: "0:0",
      count: "${local.restoring ? local.start_count : 0}",
      env: [
        ...RUNNER_ENV,
        'BACKUP_RESTORE_KEY=${(data.coder_parameter.restore_from.value == "latest") ? "latest" : "convex-backups/${data.coder_workspace_owner.me.id}/${data.coder_parameter.restore_from.value}"}',
        "BACKUP_CONFIGURED_BY=coder-template",
        "BACKUP_CREDENTIALS_FILE=/run/secrets/convex-backup-keys.env",
      ],
      volumes: [{ container_path: "/convex/data", volume_name: "${docker_volume.Backend_Data_AD12DE1A.name}" }],
    });
    expect(container("Restore").labels).toEqual(expect.arrayContaining([{ label: "app.kubernetes.io/component", value: "restore" }]));
    // The restore comes after what the backend already waits for (MinIO, the proxy, the database inits).
    expect(container("Backend").depends_on).toEqual([
      "docker_container.Minio_CB72C220",
      "docker_container.S3Proxy_707C607E",
      "docker_container.DatabaseInit_C1F5949D",
      "docker_container.MysqlDatabaseInit_5681963F",
      "docker_container.Restore_1151E6A7",
    ]);
  });

  it("no runner container carries a key in its environment", () => {
    for (const prefix of ["Backup", "Restore"]) {
      expect((container(prefix).env as string[]).filter((e) => /^AWS_/.test(e)), prefix).toEqual([]);
    }
  });
});

describe("docker template: backups and restore per build, evaluated by terraform", () => {
  const builds: Record<string, EvaluatedBuild> = {};
  const input = (vars: Record<string, string>, rest: Partial<CoderBuildInput> = {}): CoderBuildInput => ({ storageMode: "local", startCount: 1, vars: { ...VARS, ...vars }, ...rest });
  setupOnce(() => {
    const schedule = { ...BUCKET, backup_schedule: "17 3 * * *" };
    builds.off = evaluateBuild(json, input({}));
    builds.scheduled = evaluateBuild(json, input(schedule));
    builds.stopped = evaluateBuild(json, input(schedule, { startCount: 0 }));
    builds.postgres = evaluateBuild(json, input({ ...schedule, ...POSTGRES }));
    builds.restoring = evaluateBuild(json, input(BUCKET, { restoreFrom: "latest" }));
  }, 120_000);

  const runners = (b: EvaluatedBuild) => b.resources.filter((r) => /^docker_container\.(Backup|Restore)_/.test(r) || r.startsWith("terraform_data."));
  /** The refusal terraform gives the build, with line breaks folded. */
  const refusal = (build: CoderBuildInput): string => {
    try {
      evaluateBuild(json, build);
    } catch (e) {
      if (e instanceof TerraformRefused) return e.output.replace(/\s*\n[\s│]*/g, " ");
      throw e;
    }
    return "accepted";
  };

  it("runs no runner until the admin sets a schedule; the backup container while a SQLite workspace runs, not at stop or with a shared server", () => {
    expect(runners(builds.off as EvaluatedBuild)).toEqual([]);
    expect(runners(builds.scheduled as EvaluatedBuild)).toEqual(["docker_container.Backup_DA3807AC"]);
    expect(runners(builds.stopped as EvaluatedBuild)).toEqual([]);
    expect(runners(builds.postgres as EvaluatedBuild)).toEqual([]);
  });

  it("restore_from: the restore container and the check, no backup container without a schedule", () => {
    expect(runners(builds.restoring as EvaluatedBuild)).toEqual(["docker_container.Restore_1151E6A7", "terraform_data.RestoreCheck"]);
  });

  it("refuses a schedule without the bucket, and a restore with a shared server, naming what to set", () => {
    expect(refusal(input({ backup_schedule: "@daily" }))).toContain(
      "backup_schedule is set: also set backup_bucket_endpoint, backup_bucket_name and backup_credentials_file (coder templates push --variable ...).",
    );
    const restore = refusal(input({ ...BUCKET, ...POSTGRES }, { restoreFrom: "latest" }));
    expect(restore).toContain("restore_from: this template keeps every workspace's tables on a shared Postgres or MySQL server (database_url)");
    expect(refusal(input({}, { restoreFrom: "latest" }))).toContain(
      'restore_from is "latest", but this template has no backup bucket: its admin sets backup_bucket_endpoint, backup_bucket_name, backup_credentials_file',
    );
  });
});
