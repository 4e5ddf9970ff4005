import { Fn, TerraformVariable, Token } from "cdktf";
import type { Construct } from "constructs";
import { backupBundle } from "../backup/bundle.ts";
import { backupRunnerEnv, type BackupPlan } from "../lib/core/backup.ts";
import { CRON_HINT } from "../lib/core/cron.ts";
import type { EnvEntry } from "../lib/core/env.ts";
import { NODE_IMAGE } from "../lib/core/images.ts";
import type { StorageModeName } from "../lib/core/storage.ts";
import { ConvexBackup } from "../lib/kubernetes/convex-backup.ts";
import type { RefSources } from "../lib/kubernetes/env.ts";
import { tfExpression } from "../lib/terraform/expression.ts";
import { coderLabels, coderSelectorLabels, type CoderInputs } from "./template-shared.ts";

/** `local.start_count` (template-shared.ts): Coder's start_count. */
const START_LOCAL = "start_count";

/** The admin variables of a template's backups (set with `coder templates push --variable`). */
export const BACKUP_VARIABLES = {
  schedule: "backup_schedule",
  keep: "backup_keep",
  endpoint: "backup_bucket_endpoint",
  bucket: "backup_bucket_name",
  secret: "backup_credentials_secret",
} as const;

export interface TemplateBackupProps {
  readonly inputs: CoderInputs;
  readonly namespace: string;
  /** `convex-<workspace id>`: the runner's prefix is `convex-backups/<workspace id>/`, one per workspace. */
  readonly name: (component: string) => string;
  readonly dataVolumeName: string;
  readonly instanceName: string;
  readonly region: string;
  /**
   * The admin variable that names a shared Postgres or MySQL server: when it is set the workspace's tables are there,
   * not on the data volume, and no CronJob is made (back the server up with its own tools).
   */
  readonly databaseVariable: string;
}

/**
 * Backups in the Kubernetes template, off until an admin sets `backup_schedule`: a CronJob per workspace that runs
 * only while the workspace runs (count = start_count: its pod must sit next to the backend, which a stopped workspace
 * does not run, and a stopped backend writes nothing new), into a team backup bucket the admin names with its keys in
 * a Secret of the namespace. Not the workspace's claim: a Coder workspace's bucket is deleted with it, and `local`
 * workspaces have none. With a shared Postgres or MySQL server (the database variable set) nothing is made.
 */
export function kubernetesTemplateBackup(stack: Construct, props: TemplateBackupProps): ConvexBackup {
  const schedule = new TerraformVariable(stack, BACKUP_VARIABLES.schedule, {
    type: "string",
    default: "",
    description: `Snapshots of every workspace's data volume, as a cron schedule: ${CRON_HINT}. Empty: no backups.`,
    validation: [
      {
        condition: tfExpression(`var.${BACKUP_VARIABLES.schedule} == "" || can(regex("^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|[0-9A-Za-z*/,-]+( [0-9A-Za-z*/,-]+){4})$", var.${BACKUP_VARIABLES.schedule}))`),
        errorMessage: `backup_schedule: use ${CRON_HINT}, or "" for no backups.`,
      },
    ],
  });
  const keep = new TerraformVariable(stack, BACKUP_VARIABLES.keep, {
    type: "number",
    default: 7,
    description: "How many snapshots of each workspace to keep (the newest).",
    validation: [{ condition: tfExpression(`var.${BACKUP_VARIABLES.keep} >= 1 && floor(var.${BACKUP_VARIABLES.keep}) == var.${BACKUP_VARIABLES.keep}`), errorMessage: "backup_keep: use a whole number, at least 1." }],
  });
  const endpoint = new TerraformVariable(stack, BACKUP_VARIABLES.endpoint, { type: "string", default: "", description: "S3 endpoint of the team backup bucket, e.g. http://rook-ceph-rgw-store.rook-ceph.svc:80." });
  const bucket = new TerraformVariable(stack, BACKUP_VARIABLES.bucket, { type: "string", default: "", description: "Name of the team backup bucket." });
  const secret = new TerraformVariable(stack, BACKUP_VARIABLES.secret, {
    type: "string",
    default: "",
    description: "Secret in the namespace with the backup bucket's AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
  });
  // cdktf renders Op.neq(x, "") with an empty literal it cannot print: the counts are written as expressions.
  const scheduled = `var.${BACKUP_VARIABLES.schedule} != ""`;
  const on = `${scheduled} && var.${props.databaseVariable} == ""`;
  const plan: BackupPlan = {
    schedule: schedule.stringValue,
    keep: 1,
    prefix: `convex-backups/${props.inputs.workspace.id}/`,
    target: { kind: "external", endpoint: endpoint.stringValue, bucketName: bucket.stringValue, region: props.region, credentialsSecretName: secret.stringValue, accessKeyIdKey: "AWS_ACCESS_KEY_ID", secretAccessKeyKey: "AWS_SECRET_ACCESS_KEY" },
  };
  const env: EnvEntry[] = backupRunnerEnv(
    { backup: plan, instanceName: props.instanceName, storageMode: props.inputs.modeLocal.asString as StorageModeName, region: props.region },
    "backup",
  ).map((e) => (e.name === "BACKUP_KEEP" ? { name: e.name, value: { kind: "literal", value: Fn.tostring(keep.numberValue) } } : e));
  const refs: RefSources = {
    backupAccessKeyId: { secret: secret.stringValue, key: "AWS_ACCESS_KEY_ID" },
    backupSecretAccessKey: { secret: secret.stringValue, key: "AWS_SECRET_ACCESS_KEY" },
  };
  return new ConvexBackup(stack, "Backup", {
    name: props.name("backup"),
    namespace: props.namespace,
    labels: coderLabels(props.inputs, "backup"),
    schedule: schedule.stringValue,
    image: NODE_IMAGE,
    bundle: backupBundle(),
    env,
    refSources: refs,
    dataVolumeClaimName: props.dataVolumeName,
    backendSelectorLabels: coderSelectorLabels(props.inputs, "backend"),
    presenceCount: Token.asNumber(tfExpression(`${on} ? 1 : 0`)),
    cronJobCount: Token.asNumber(tfExpression(`${on} ? local.${START_LOCAL} : 0`)),
    preconditions: [
      {
        // Guarded by the schedule too: it holds whether or not the CronJob is counted in.
        condition: tfExpression(`!(${scheduled}) || (var.${BACKUP_VARIABLES.endpoint} != "" && var.${BACKUP_VARIABLES.bucket} != "" && var.${BACKUP_VARIABLES.secret} != "")`),
        errorMessage: `backup_schedule is set: also set ${BACKUP_VARIABLES.endpoint}, ${BACKUP_VARIABLES.bucket} and ${BACKUP_VARIABLES.secret} (coder templates push --variable ...).`,
      },
    ],
  });
}
