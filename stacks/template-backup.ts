import { Fn, TerraformVariable, Token, type IResolvable } from "cdktf";
import type { Construct } from "constructs";
import { backupBundle } from "../backup/bundle.ts";
import type { CoderParameter } from "../lib/coder/parameter.ts";
import { backupRunnerEnv, type BackupPlan } from "../lib/core/backup.ts";
import { CRON_HINT } from "../lib/core/cron.ts";
import { entry, type EnvEntry } from "../lib/core/env.ts";
import { NODE_IMAGE } from "../lib/core/images.ts";
import type { StorageModeName } from "../lib/core/storage.ts";
import { bundleConfigMapName, ConvexBackup, restoreInitParts, type RestoreInitParts } from "../lib/kubernetes/convex-backup.ts";
import type { RefSources } from "../lib/kubernetes/env.ts";
import { tfExpression } from "../lib/terraform/expression.ts";
import type { TemplateDatabase } from "./template-database.ts";
import { restoreCheck, restoreKey, restoreParameter, RESTORING } from "./template-restore.ts";
import { coderLabels, coderSelectorLabels, type CoderInputs } from "./template-shared.ts";

/** `local.start_count` (template-shared.ts): Coder's start_count. */
const START_LOCAL = "start_count";

/** The admin variables of a template's backups (set with `coder templates push --variable`). */
export const BACKUP_VARIABLES = {
  schedule: "backup_schedule",
  keep: "backup_keep",
  endpoint: "backup_bucket_endpoint",
  bucket: "backup_bucket_name",
  /** Kubernetes: the Secret in the namespace holding the bucket's keys. */
  secret: "backup_credentials_secret",
  /** Docker: the keys file on the Docker host, bind-mounted into the runner's containers. */
  file: "backup_credentials_file",
} as const;

/** The team bucket's key prefix; below it `<owner id>/<workspace name>/` per workspace. */
export const TEMPLATE_BACKUP_PREFIX = "convex-backups/";

/** What both templates' backups and restores are made of: the admin variables, the parameter and the runner's environment. */
export interface TemplateBackupSettings {
  readonly schedule: TerraformVariable;
  readonly keep: TerraformVariable;
  /** The variable naming the bucket's keys (a Secret on Kubernetes, a file on Docker). */
  readonly keys: TerraformVariable;
  readonly restoreFrom: CoderParameter;
  /** "this workspace was created with restore_from". */
  readonly restoring: IResolvable;
  /** "an admin set a schedule", as text. */
  readonly scheduled: string;
  /** "the admin named the bucket and its keys", as text. */
  readonly bucketNamed: string;
  /** The variables that name the bucket and its keys. */
  readonly bucketVariables: readonly string[];
  /** `convex-backups/<owner id>/<workspace name>/`: this workspace's snapshots. */
  readonly prefix: string;
  /** The runner's environment for one command; keys by reference (`backupAccessKeyId`) unless the template swaps them. */
  runnerEnv(command: "backup" | "restore"): EnvEntry[];
}

export interface TemplateBackupSettingsProps {
  readonly inputs: CoderInputs;
  readonly instanceName: string;
  readonly region: string;
  /** The variable that names the bucket's keys (a Secret on Kubernetes, a file on Docker), and what it holds. */
  readonly keys: { readonly name: string; readonly description: string };
}

/**
 * Declares the backup admin variables and the `restore_from` parameter both templates share, and resolves the
 * runner's environment. Snapshots go to a team backup bucket the admin names (not the workspace's own bucket, which
 * Coder deletes with the workspace and which `local` workspaces do not have), under
 * `convex-backups/<owner id>/<workspace name>/`: a new workspace with the name of a deleted one finds its snapshots
 * (`restore_from = latest`) and carries on with them. The owner's id, not name: a renamed user keeps their
 * snapshots; a renamed workspace starts a new series (the old one stays, unpruned).
 */
export function templateBackupSettings(stack: Construct, props: TemplateBackupSettingsProps): TemplateBackupSettings {
  const { inputs } = props;
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
  const keys = new TerraformVariable(stack, props.keys.name, { type: "string", default: "", description: props.keys.description });
  const { parameter: restoreFrom, restoring } = restoreParameter(stack);
  const ownerPrefix = `${TEMPLATE_BACKUP_PREFIX}${inputs.owner.id}/`;
  const prefix = `${ownerPrefix}${Fn.lower(inputs.workspace.name)}/`;
  const plan: BackupPlan = {
    schedule: schedule.stringValue,
    keep: 1,
    prefix,
    target: { kind: "external", endpoint: endpoint.stringValue, bucketName: bucket.stringValue, region: props.region, credentialsSecretName: keys.stringValue, accessKeyIdKey: "AWS_ACCESS_KEY_ID", secretAccessKeyKey: "AWS_SECRET_ACCESS_KEY" },
    restoreFrom: restoreKey(restoreFrom, ownerPrefix),
  };
  const bucketVariables = [BACKUP_VARIABLES.endpoint, BACKUP_VARIABLES.bucket, props.keys.name];
  return {
    schedule,
    keep,
    keys,
    restoreFrom,
    restoring,
    // cdktf renders Op.neq(x, "") with an empty literal it cannot print: conditions are written as expressions.
    scheduled: `var.${BACKUP_VARIABLES.schedule} != ""`,
    bucketNamed: bucketVariables.map((v) => `var.${v} != ""`).join(" && "),
    bucketVariables,
    prefix,
    runnerEnv: (command) =>
      backupRunnerEnv({ backup: plan, instanceName: props.instanceName, storageMode: inputs.modeLocal.asString as StorageModeName, region: props.region }, command)
        .map((e) => (e.name === "BACKUP_KEEP" ? entry(e.name, Fn.tostring(keep.numberValue)) : e))
        .concat(entry("BACKUP_CONFIGURED_BY", "coder-template")),
  };
}

/** The message of a schedule without a bucket (both templates). */
export function scheduleNeedsBucket(settings: TemplateBackupSettings): { condition: string; errorMessage: string } {
  return {
    // Guarded by the schedule too: it holds whether or not the runner is counted in.
    condition: tfExpression(`!(${settings.scheduled}) || (${settings.bucketNamed})`),
    errorMessage: `backup_schedule is set: also set ${settings.bucketVariables.slice(0, -1).join(", ")} and ${settings.bucketVariables.at(-1)} (coder templates push --variable ...).`,
  };
}

export interface TemplateBackupProps {
  readonly inputs: CoderInputs;
  readonly namespace: string;
  /** `convex-<workspace id>-<component>`: the CronJob's and bundle's names. */
  readonly name: (component: string) => string;
  readonly dataVolumeName: string;
  readonly database: TemplateDatabase;
  readonly region: string;
  /**
   * The admin variable that names a shared Postgres server: when it is set the workspace's tables are there, not on
   * the data volume, and no CronJob is made (back the server up with its own tools).
   */
  readonly databaseVariable: string;
}

/** The Kubernetes template's backup parts: the CronJob (with its bundle), and the restore init container. */
export interface KubernetesTemplateBackup {
  readonly backup: ConvexBackup;
  /** The init container of the `local` SQLite backend's restore Deployment (counted in only with `restore_from`). */
  readonly restore: RestoreInitParts;
  /** "this workspace was created with restore_from". */
  readonly restoring: IResolvable;
}

/**
 * Backups in the Kubernetes template, off until an admin sets `backup_schedule`: a CronJob per workspace that runs
 * only while the workspace runs (count = start_count: its pod must sit next to the backend, which a stopped workspace
 * does not run, and a stopped backend writes nothing new), into a team backup bucket the admin names with its keys in
 * a Secret of the namespace. With a shared Postgres server (the database variable set) nothing is made. The runner's
 * bundle ConfigMap is also made for a workspace created with `restore_from`, whose backend Deployment then carries
 * the restore init container.
 */
export function kubernetesTemplateBackup(stack: Construct, props: TemplateBackupProps): KubernetesTemplateBackup {
  const settings = templateBackupSettings(stack, {
    inputs: props.inputs,
    instanceName: props.database.instanceName,
    region: props.region,
    keys: { name: BACKUP_VARIABLES.secret, description: "Secret in the namespace with the backup bucket's AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY." },
  });
  const sqlite = `var.${props.databaseVariable} == ""`;
  const on = `${settings.scheduled} && ${sqlite}`;
  const refs: RefSources = {
    backupAccessKeyId: { secret: settings.keys.stringValue, key: "AWS_ACCESS_KEY_ID" },
    backupSecretAccessKey: { secret: settings.keys.stringValue, key: "AWS_SECRET_ACCESS_KEY" },
  };
  const name = props.name("backup");
  const backup = new ConvexBackup(stack, "Backup", {
    name,
    namespace: props.namespace,
    labels: coderLabels(props.inputs, "backup"),
    schedule: settings.schedule.stringValue,
    image: NODE_IMAGE,
    bundle: backupBundle(),
    env: settings.runnerEnv("backup"),
    refSources: refs,
    dataVolumeClaimName: props.dataVolumeName,
    backendSelectorLabels: coderSelectorLabels(props.inputs, "backend"),
    presenceCount: Token.asNumber(tfExpression(`(${settings.scheduled} || ${RESTORING}) && ${sqlite} ? 1 : 0`)),
    cronJobCount: Token.asNumber(tfExpression(`${on} ? local.${START_LOCAL} : 0`)),
    preconditions: [scheduleNeedsBucket(settings)],
  });
  restoreCheck(stack, { inputs: props.inputs, restoreFrom: settings.restoreFrom, bucketNamed: settings.bucketNamed, bucketVariables: settings.bucketVariables, databaseVariable: props.databaseVariable });
  const restore = restoreInitParts({ bundleConfigMapName: bundleConfigMapName(name), image: NODE_IMAGE, env: settings.runnerEnv("restore"), refSources: refs });
  return { backup, restore, restoring: settings.restoring };
}
