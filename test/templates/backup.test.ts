/**
 * The backup and restore code both Coder templates share (stacks/template-backup.ts, stacks/template-restore.ts), on a
 * stack of its own: the admin variables, the restore_from parameter, the Kubernetes CronJob and restore init container,
 * and the restore checks, as synthesized and as the real terraform evaluates them (test/support/template-eval.ts).
 * Expected values are written out by hand. The templates' own wiring: kubernetes.test.ts, docker-backup.test.ts; the
 * real plans: test/terraform/template-backup.plan.test.ts. This suite is the fast mirror (one small synthesis).
 */
import { App, DataResource, Testing, TerraformStack, TerraformVariable } from "cdktf";
import { describe, expect, it } from "vitest";
import { NODE_IMAGE } from "../../lib/core/images.ts";
import { BACKUP_VARIABLES, kubernetesTemplateBackup, scheduleNeedsBucket, TEMPLATE_BACKUP_PREFIX, templateBackupSettings, type KubernetesTemplateBackup } from "../../stacks/template-backup.ts";
import { isSet, templateDatabase } from "../../stacks/template-database.ts";
import { RESTORE_PARAMETER, RESTORE_PATTERN, RESTORING } from "../../stacks/template-restore.ts";
import { coderInputs, templateBase } from "../../stacks/template-shared.ts";
import { setupOnce } from "../support/setup-once.ts";
import { evaluateBuild, TerraformRefused, type CoderBuildInput, type EvaluatedBuild, type TemplateJson } from "../support/template-eval.ts";

type Body = Record<string, unknown>;
const OWNER_ID = "0b6c3c1e-1111-4222-8333-944455556666"; // the owner id template-eval.ts hands every build
const BUCKET = { backup_bucket_endpoint: "http://backups.example.internal:7480", backup_bucket_name: "team-backups", backup_credentials_secret: "backup-keys" };
const VARS = { wildcard_access_url: "*.apps.example.com" };
const SERVER = { database_url: "postgres://convex:secret@db.example:5432" };

let json: TemplateJson;
let parts: KubernetesTemplateBackup;
let docker: { scheduled: string; bucketNamed: string; bucketVariables: readonly string[]; prefix: string };

/** A stack with the shared inputs, a database variable, the Kubernetes backup parts and a probe carrying what they return. */
function backupStack(): TerraformStack {
  const stack = new TerraformStack(new App(), "backup");
  templateBase(stack);
  const inputs = coderInputs(stack);
  const server = new TerraformVariable(stack, "database_url", { type: "string", default: "" });
  const database = templateDatabase(stack, inputs, isSet(server.stringValue), "postgres");
  parts = kubernetesTemplateBackup(stack, {
    inputs,
    namespace: "coder-workspaces",
    name: (component) => `convex-${inputs.workspace.id}-${component}`,
    dataVolumeName: "data-claim",
    database,
    region: "eu-west-3",
    databaseVariable: "database_url",
  });
  new DataResource(stack, "Probe", { input: { restore: parts.restore, restoring: parts.restoring } });
  return stack;
}

/** The settings on a stack of their own, with the Docker template's keys variable. */
function dockerSettings(): typeof docker {
  const stack = new TerraformStack(new App(), "settings");
  const settings = templateBackupSettings(stack, {
    inputs: coderInputs(stack),
    instanceName: "convex",
    region: "us-east-1",
    keys: { name: "backup_credentials_file", description: "The keys file." },
  });
  new DataResource(stack, "Prefix", { input: { prefix: settings.prefix } });
  const synthesized = JSON.parse(Testing.synth(stack)) as TemplateJson;
  const prefix = (synthesized.resource.terraform_data?.Prefix?.input as { prefix: string }).prefix;
  return { scheduled: settings.scheduled, bucketNamed: settings.bucketNamed, bucketVariables: settings.bucketVariables, prefix };
}

setupOnce(() => {
  const stack = backupStack();
  stack.prepareStack();
  json = JSON.parse(Testing.synth(stack)) as TemplateJson;
  docker = dockerSettings();
}, 120_000);

const resource = (type: string, name: string): Body => json.resource[type]?.[name] ?? {};
const cronJob = (): Body => resource("kubernetes_cron_job_v1", "Backup_DA3807AC");
const probe = (): Body => (resource("terraform_data", "Probe").input ?? {}) as Body;
/** The runner's environment every command gets, before the command's own variables. */
const RUNNER_ENV = [
  { name: "CONVEX_DATA_DIR", value: "/convex/data" },
  { name: "BACKUP_WORK_DIR", value: "/tmp" },
  { name: "INSTANCE_NAME", value: "${local.instance_name}" },
  { name: "STORAGE_MODE", value: "${local.storage_mode}" },
  { name: "BACKUP_PREFIX", value: "convex-backups/${data.coder_workspace_owner.me.id}/${lower(data.coder_workspace.me.name)}/" },
  { name: "BACKUP_KEEP", value: "${tostring(var.backup_keep)}" },
  { name: "BACKUP_S3_ENDPOINT", value: "${var.backup_bucket_endpoint}" },
  { name: "BACKUP_S3_BUCKET", value: "${var.backup_bucket_name}" },
  { name: "BACKUP_S3_REGION", value: "eu-west-3" },
];
const RESTORE_KEY = '${(data.coder_parameter.restore_from.value == "latest") ? "latest" : "convex-backups/${data.coder_workspace_owner.me.id}/${data.coder_parameter.restore_from.value}"}';
const BUCKET_NAMED = 'var.backup_bucket_endpoint != "" && var.backup_bucket_name != "" && var.backup_credentials_secret != ""';
const CRON_HINT_TEXT = 'five fields "minute hour day-of-month month day-of-week" in UTC, e.g. "17 3 * * *" (03:17 every day), or @daily';

describe("template backups: the admin variables and the restore_from parameter as written", () => {
  it("declares the schedule, how many to keep, the bucket and its keys, each with its description and validation", () => {
    const variable = json.variable ?? {};
    expect(BACKUP_VARIABLES).toEqual({
      schedule: "backup_schedule",
      keep: "backup_keep",
      endpoint: "backup_bucket_endpoint",
      bucket: "backup_bucket_name",
      secret: "backup_credentials_secret",
      file: "backup_credentials_file",
    });
    expect(TEMPLATE_BACKUP_PREFIX).toBe("convex-backups/");
    expect(variable.backup_schedule).toEqual({
      type: "string",
      default: "",
      description: `Snapshots of every workspace's data volume, as a cron schedule: ${CRON_HINT_TEXT}. Empty: no backups.`,
      validation: [
        {
          condition:
            '${var.backup_schedule == "" || can(regex("^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|[0-9A-Za-z*/,-]+( [0-9A-Za-z*/,-]+){4})$", var.backup_schedule))}',
          error_message: `backup_schedule: use ${CRON_HINT_TEXT}, or "" for no backups.`,
        },
      ],
    });
    expect(variable.backup_keep).toEqual({
      type: "number",
      default: 7,
      description: "How many snapshots of each workspace to keep (the newest).",
      validation: [{ condition: "${var.backup_keep >= 1 && floor(var.backup_keep) == var.backup_keep}", error_message: "backup_keep: use a whole number, at least 1." }],
    });
    expect(variable.backup_bucket_endpoint).toEqual({ type: "string", default: "", description: "S3 endpoint of the team backup bucket, e.g. http://rook-ceph-rgw-store.rook-ceph.svc:80." });
    expect(variable.backup_bucket_name).toEqual({ type: "string", default: "", description: "Name of the team backup bucket." });
    expect(variable.backup_credentials_secret).toEqual({
      type: "string",
      default: "",
      description: "Secret in the namespace with the backup bucket's AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
    });
  });

  it("declares restore_from: immutable, empty by default, after storage_mode, with Coder's validation and the local that says a restore was asked for", () => {
    expect(RESTORE_PARAMETER).toBe("restore_from");
    expect(RESTORING).toBe("local.restoring");
    expect(RESTORE_PATTERN).toBe("^(latest|[a-z0-9]+(-[a-z0-9]+)*/[0-9]{8}T[0-9]{6}Z[.]tar[.]gz)?$");
    const { "//": _, ...parameter } = (json.data?.coder_parameter?.restore_from ?? {}) as Body;
    expect(parameter).toEqual({
      name: "restore_from",
      display_name: "Restore from backup",
      description:
        "Fill this workspace's Convex data from a backup snapshot before its first start. Empty: a fresh deployment. " +
        "`latest`: the newest snapshot of your earlier workspace with this workspace's name (deleted or lost). " +
        "Or `<workspace name>/<UTC time>.tar.gz` for one snapshot of any of your workspaces (the end of a key the " +
        "backup log prints). Needs Local disk storage and the template's backup bucket.",
      type: "string",
      default: "",
      mutable: false,
      icon: "/emojis/1f4e6.png",
      order: 2,
      validation: [
        {
          regex: "^(latest|[a-z0-9]+(-[a-z0-9]+)*/[0-9]{8}T[0-9]{6}Z[.]tar[.]gz)?$",
          error: "Use latest, or <workspace name>/<UTC time>.tar.gz, e.g. dev/20261201T031700Z.tar.gz; leave it empty for a fresh deployment.",
        },
      ],
    });
    expect(json.locals?.restoring).toBe("${(length(data.coder_parameter.restore_from.value) >= 1)}");
    expect(probe().restoring).toBe("${local.restoring}");
  });

  it("the settings' conditions, variables and prefix as text, for the other template's keys variable too", () => {
    expect(docker.scheduled).toBe('var.backup_schedule != ""');
    expect(docker.bucketNamed).toBe('var.backup_bucket_endpoint != "" && var.backup_bucket_name != "" && var.backup_credentials_file != ""');
    expect(docker.bucketVariables).toEqual(["backup_bucket_endpoint", "backup_bucket_name", "backup_credentials_file"]);
    expect(docker.prefix).toBe("convex-backups/${data.coder_workspace_owner.me.id}/${lower(data.coder_workspace.me.name)}/");
    const stack = new TerraformStack(new App(), "needs-bucket");
    const settings = templateBackupSettings(stack, { inputs: coderInputs(stack), instanceName: "convex", region: "us-east-1", keys: { name: "backup_keys", description: "" } });
    // The condition as synthesized is pinned on the CronJob below; here the message names another keys variable.
    expect(scheduleNeedsBucket(settings).errorMessage).toBe(
      "backup_schedule is set: also set backup_bucket_endpoint, backup_bucket_name and backup_keys (coder templates push --variable ...).",
    );
  });
});

describe("template backups on Kubernetes: the CronJob, its bundle and the restore init container as written", () => {
  it("the CronJob: its name, schedule, counts, the bucket check, the backend's node, the data volume read-only", () => {
    const job = cronJob();
    expect(job.count).toBe('${var.backup_schedule != "" && var.database_url == "" ? local.start_count : 0}');
    expect(job.metadata).toEqual({
      name: "convex-${data.coder_workspace.me.id}-backup",
      namespace: "coder-workspaces",
      labels: expect.objectContaining({ "app.kubernetes.io/component": "backup", "app.kubernetes.io/name": "convex-backup", "com.coder.resource": "true" }),
    });
    expect(job.lifecycle).toEqual({
      precondition: [
        {
          condition: `\${!(var.backup_schedule != "") || (${BUCKET_NAMED})}`,
          error_message: "backup_schedule is set: also set backup_bucket_endpoint, backup_bucket_name and backup_credentials_secret (coder templates push --variable ...).",
        },
      ],
    });
    const spec = job.spec as { schedule: string; job_template: { spec: { template: { spec: Body } } } };
    expect(spec.schedule).toBe("${var.backup_schedule}");
    const pod = spec.job_template.spec.template.spec;
    const [container] = pod.container as Body[];
    expect(container).toMatchObject({ name: "backup", image: NODE_IMAGE, command: ["node", "/opt/convex-backup/convex-backup.mjs", "backup"] });
    expect(pod.volume).toContainEqual({ name: "data", persistent_volume_claim: { claim_name: "data-claim", read_only: true } });
    expect(pod.affinity).toEqual({
      pod_affinity: {
        required_during_scheduling_ignored_during_execution: [
          {
            label_selector: [
              {
                match_labels: {
                  "app.kubernetes.io/name": "convex-backend",
                  "app.kubernetes.io/instance": "coder-workspace-${data.coder_workspace.me.id}",
                  "app.kubernetes.io/component": "backend",
                },
              },
            ],
            topology_key: "kubernetes.io/hostname",
          },
        ],
      },
    });
    const bundle = resource("kubernetes_config_map_v1", "Backup_Bundle_C5748439");
    expect(bundle.count).toBe('${(var.backup_schedule != "" || local.restoring) && var.database_url == "" ? 1 : 0}');
    expect(bundle.metadata).toMatchObject({ name: "convex-${data.coder_workspace.me.id}-backup-bundle", namespace: "coder-workspaces" });
  });

  it("the backup's environment: the runner's settings, the keys from the named Secret, and who configured it", () => {
    const [container] = (cronJob().spec as { job_template: { spec: { template: { spec: { container: Body[] } } } } }).job_template.spec.template.spec.container;
    expect(container?.env).toEqual([
      ...RUNNER_ENV,
      { name: "AWS_ACCESS_KEY_ID", value_from: { secret_key_ref: { name: "${var.backup_credentials_secret}", key: "AWS_ACCESS_KEY_ID" } } },
      { name: "AWS_SECRET_ACCESS_KEY", value_from: { secret_key_ref: { name: "${var.backup_credentials_secret}", key: "AWS_SECRET_ACCESS_KEY" } } },
      { name: "BACKUP_CONFIGURED_BY", value: "coder-template" },
    ]);
  });

  it("the restore init container: the restore of the key below the owner's prefix, the keys from the Secret, the bundle's ConfigMap", () => {
    const restore = probe().restore as { initContainer: Body; volumes: Body[] };
    expect(restore.initContainer).toMatchObject({ name: "restore", image: NODE_IMAGE, command: ["node", "/opt/convex-backup/convex-backup.mjs", "restore"] });
    expect(restore.initContainer.env).toEqual([
      ...RUNNER_ENV,
      { name: "AWS_ACCESS_KEY_ID", valueFrom: { secretKeyRef: { name: "${var.backup_credentials_secret}", key: "AWS_ACCESS_KEY_ID" } } },
      { name: "AWS_SECRET_ACCESS_KEY", valueFrom: { secretKeyRef: { name: "${var.backup_credentials_secret}", key: "AWS_SECRET_ACCESS_KEY" } } },
      { name: "BACKUP_RESTORE_KEY", value: RESTORE_KEY },
      { name: "BACKUP_CONFIGURED_BY", value: "coder-template" },
    ]);
    expect(restore.volumes).toContainEqual({ name: "backup-bundle", configMap: { name: "convex-${data.coder_workspace.me.id}-backup-bundle" } });
  });

  it("the restore checks: counted in only while a restore_from workspace starts, each guarded like the count, each message saying the fix", () => {
    const check = resource("terraform_data", "RestoreCheck");
    const guard = "local.start_count == 0 || !local.restoring ||";
    expect(check.count).toBe("${local.restoring ? local.start_count : 0}");
    expect(check.input).toEqual({ restore_from: "${data.coder_parameter.restore_from.value}" });
    expect(check.lifecycle).toEqual({
      precondition: [
        {
          condition: `\${${guard} (${BUCKET_NAMED})}`,
          error_message:
            'restore_from is "${data.coder_parameter.restore_from.value}", but this template has no backup bucket: its admin sets backup_bucket_endpoint, ' +
            "backup_bucket_name, backup_credentials_secret (coder templates push --variable ...); or create the workspace with restore_from empty.",
        },
        {
          condition: `\${${guard} (local.storage_mode == "local")}`,
          error_message:
            "restore_from restores into a Local disk workspace only (storage_mode local); this one is ${local.storage_mode}: an s3 or proxied workspace's " +
            "files were in its own bucket, deleted with it. Create the workspace with Local disk, or with restore_from empty and move the data with " +
            "npx convex export and npx convex import --replace-all.",
        },
        {
          condition: `\${${guard} (local.database == "sqlite")}`,
          error_message:
            "restore_from: this template keeps every workspace's tables on a shared Postgres or MySQL server (database_url), and a snapshot holds a " +
            "SQLite database. Create the workspace with restore_from empty and use npx convex import --replace-all.",
        },
      ],
    });
  });
});

describe("template backups per build, evaluated by terraform", () => {
  const builds: Record<string, EvaluatedBuild> = {};
  const input = (vars: Record<string, string>, rest: Partial<CoderBuildInput> = {}): CoderBuildInput => ({ storageMode: "local", startCount: 1, vars: { ...VARS, ...vars }, ...rest });
  const keyOf = "restore_key";
  setupOnce(() => {
    const schedule = { ...BUCKET, backup_schedule: "17 3 * * *" };
    const restoreKey = { [keyOf]: RESTORE_KEY, prefix: RUNNER_ENV[4]?.value, keep: RUNNER_ENV[5]?.value };
    builds.off = evaluateBuild(json, input({}, { expressions: restoreKey }));
    builds.scheduled = evaluateBuild(json, input({ ...schedule, backup_keep: "3" }, { expressions: restoreKey }));
    builds.stopped = evaluateBuild(json, input(schedule, { startCount: 0 }));
    builds.server = evaluateBuild(json, input({ ...schedule, ...SERVER }));
    builds.latest = evaluateBuild(json, input(BUCKET, { restoreFrom: "latest", expressions: restoreKey }));
    builds.snapshot = evaluateBuild(json, input(BUCKET, { restoreFrom: "dev/20261201T031700Z.tar.gz", expressions: restoreKey }));
  }, 120_000);

  const made = (b: EvaluatedBuild | undefined) => (b?.resources ?? []).filter((r) => !r.startsWith("terraform_data.Probe")).filter((r) => !/^data\.|^coder_/.test(r));
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

  it("makes nothing until the admin sets a schedule; the CronJob and its bundle while a SQLite workspace runs; no CronJob at stop or with a shared server", () => {
    expect(made(builds.off)).toEqual([]);
    expect(made(builds.scheduled)).toEqual(["kubernetes_config_map_v1.Backup_Bundle_C5748439", "kubernetes_cron_job_v1.Backup_DA3807AC"]);
    expect(made(builds.stopped)).toEqual(["kubernetes_config_map_v1.Backup_Bundle_C5748439"]);
    expect(made(builds.server)).toEqual([]);
  });

  it("restore_from: the bundle and the check, no CronJob without a schedule; `restoring` only for a value", () => {
    expect(builds.off?.locals.restoring).toBe(false);
    expect(made(builds.latest)).toEqual(["kubernetes_config_map_v1.Backup_Bundle_C5748439", "terraform_data.RestoreCheck"]);
    expect(builds.latest?.locals.restoring).toBe(true);
  });

  it("the runner's key, prefix and count: latest as is, a snapshot below the owner's prefix, the workspace name lower-case, the kept count as text", () => {
    expect(builds.latest?.values[keyOf]).toBe("latest");
    expect(builds.snapshot?.values[keyOf]).toBe(`convex-backups/${OWNER_ID}/dev/20261201T031700Z.tar.gz`);
    expect(builds.off?.values.prefix).toBe(`convex-backups/${OWNER_ID}/dev/`);
    expect(builds.off?.values.keep).toBe("7");
    expect(builds.scheduled?.values.keep).toBe("3");
  });

  it("accepts the cron forms and refuses others, and only whole counts of snapshots from 1 (the variables' own conditions, one terraform run)", () => {
    const variable = json.variable ?? {};
    const rule = (name: string) => ((variable[name]?.validation as { condition: string }[] | undefined)?.[0]?.condition ?? "").replace(/^\$\{|\}$/g, "");
    const schedules = { "": true, "@daily": true, "@hourly": true, "@annually": true, "17 3 * * *": true, "0 */6 * * MON-FRI": true, "17 3 * *": false, "17 3 * * * *": false, "@every 1h": false, "x@daily": false, "@dailyx": false, "17 3 * * *;": false };
    const keeps = { 1: true, 7: true, 0: false, 2.5: false, [-3]: false };
    const expressions = {
      ...Object.fromEntries(Object.keys(schedules).map((v) => [`s:${v}`, `\${${rule("backup_schedule").split("var.backup_schedule").join(JSON.stringify(v))}}`])),
      ...Object.fromEntries(Object.keys(keeps).map((v) => [`k:${v}`, `\${${rule("backup_keep").split("var.backup_keep").join(v)}}`])),
    };
    const values = evaluateBuild(json, input({}, { expressions })).values;
    expect(Object.fromEntries(Object.keys(schedules).map((v) => [v, values[`s:${v}`]]))).toEqual(schedules);
    expect(Object.fromEntries(Object.keys(keeps).map((v) => [v, values[`k:${v}`]]))).toEqual(keeps);
  });

  it("refuses a schedule without the bucket, and a restore without the bucket, into s3 storage or with a shared server, naming the fix; not at a stop", () => {
    expect(refusal(input({ backup_schedule: "@daily", backup_bucket_name: "team-backups" }))).toContain(
      "backup_schedule is set: also set backup_bucket_endpoint, backup_bucket_name and backup_credentials_secret (coder templates push --variable ...).",
    );
    const noBucket = refusal(input({ backup_bucket_endpoint: "http://backups.example.internal:7480", backup_bucket_name: "team-backups" }, { restoreFrom: "latest" }));
    expect(noBucket).toContain('restore_from is "latest", but this template has no backup bucket: its admin sets backup_bucket_endpoint, backup_bucket_name, backup_credentials_secret');
    // Which of the check's three conditions failed (terraform prints the whole one-line configuration with it).
    expect(noBucket).toContain("output.precondition_terraform_data_RestoreCheck.precondition[0]");
    expect(noBucket).not.toContain("RestoreCheck.precondition[1]");
    const s3 = refusal(input(BUCKET, { storageMode: "s3", restoreFrom: "latest" }));
    expect(s3).toContain("restore_from restores into a Local disk workspace only (storage_mode local); this one is s3:");
    expect(s3).toContain("RestoreCheck.precondition[1]");
    expect(s3).not.toContain("RestoreCheck.precondition[0]");
    expect(refusal(input({ ...BUCKET, ...SERVER }, { restoreFrom: "latest" }))).toContain(
      "restore_from: this template keeps every workspace's tables on a shared Postgres or MySQL server (database_url), and a snapshot holds a SQLite database.",
    );
    expect(refusal(input({ ...SERVER }, { storageMode: "proxied", restoreFrom: "latest", startCount: 0 }))).toBe("accepted");
  });
});
