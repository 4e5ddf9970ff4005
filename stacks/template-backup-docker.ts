import type { Container } from "@cdktf/provider-docker/lib/container/index.js";
import type { Volume } from "@cdktf/provider-docker/lib/volume/index.js";
import { dependable, Token } from "cdktf";
import type { Construct } from "constructs";
import { backupBundle } from "../backup/bundle.ts";
import { entry, type EnvEntry } from "../lib/core/env.ts";
import { BACKUP_CREDENTIALS_PATH, RestoreFromBackup, ScheduledBackup } from "../lib/docker/backup.ts";
import { tfExpression } from "../lib/terraform/expression.ts";
import { BACKUP_VARIABLES, scheduleNeedsBucket, templateBackupSettings } from "./template-backup.ts";
import type { TemplateDatabase } from "./template-database.ts";
import { restoreCheck, RESTORING } from "./template-restore.ts";
import type { CoderInputs } from "./template-shared.ts";

/** The keys the runner would read from its environment: on Docker they come from the mounted keys file instead. */
const KEY_VARIABLES = new Set(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]);

export interface DockerTemplateBackupProps {
  readonly inputs: CoderInputs;
  /** `convex-<workspace id>-<component>`: the containers' names. */
  readonly name: (component: string) => string;
  readonly labels: (component: string) => Record<string, string>;
  readonly database: TemplateDatabase;
  readonly region: string;
  /** The pulled Node image's id (the proxy's, NODE_IMAGE). */
  readonly image: string;
  readonly networkName: string;
  readonly dataVolume: Volume;
  /** The backend's container: it waits for the restore. */
  readonly backend: Container;
  /** `/etc/hosts` entries (host.docker.internal), for a bucket on the Docker host. */
  readonly hosts: { readonly host: string; readonly ip: string }[];
  /** Renders an environment as Docker's `NAME=value` list (the template's templateDockerEnv). */
  readonly render: (env: readonly EnvEntry[]) => string[];
  /** The admin variable that names a shared Postgres or MySQL server (no backups or restore then). */
  readonly databaseVariable: string;
}

/**
 * Backups in the Docker template, off until an admin sets `backup_schedule`: the runner's `schedule` container per
 * workspace, only while the workspace runs (count = start_count, as on Kubernetes: the template's compute stops with
 * the workspace, and a stopped backend writes nothing new), with the data volume read-only, into the team backup
 * bucket the admin names (the workspace's MinIO is deleted with the workspace, and `local` workspaces have none). The
 * bucket's keys are a file on the Docker host (`backup_credentials_file`) bind-mounted read-only: they never pass
 * through Terraform, so no workspace's state (which its owner can pull) holds the team bucket's keys. A workspace
 * created with `restore_from` runs the one-shot restore container before its backend at every start (a no-op once
 * the volume holds a database).
 */
export function dockerTemplateBackup(stack: Construct, props: DockerTemplateBackupProps): void {
  const settings = templateBackupSettings(stack, {
    inputs: props.inputs,
    instanceName: props.database.instanceName,
    region: props.region,
    keys: {
      name: BACKUP_VARIABLES.file,
      description:
        "Path on the Docker host of a file with the backup bucket's AWS_ACCESS_KEY_ID=... and AWS_SECRET_ACCESS_KEY=... lines, readable by uid 1000 " +
        "(e.g. install -m 0400 -o 1000 -g 1000 keys.env /etc/convex-backup/keys.env). Mounted read-only into the backup containers; never read by Terraform.",
    },
  });
  const env = (command: "backup" | "restore", extra: EnvEntry[]) =>
    props.render([...settings.runnerEnv(command).filter((e) => !KEY_VARIABLES.has(e.name)), entry("BACKUP_CREDENTIALS_FILE", BACKUP_CREDENTIALS_PATH), ...extra]);
  const sqlite = 'local.database == "sqlite"';
  const common = {
    image: props.image,
    networkName: props.networkName,
    bundle: backupBundle(),
    dataVolumeName: props.dataVolume.name,
    credentialsFile: settings.keys.stringValue,
    hosts: props.hosts,
    dependsOn: [props.dataVolume],
  };
  const backup = new ScheduledBackup(stack, "Backup", {
    ...common,
    name: props.name("backup"),
    labels: props.labels("backup"),
    env: env("backup", [entry("BACKUP_SCHEDULE", settings.schedule.stringValue)]),
    count: Token.asNumber(tfExpression(`${settings.scheduled} && ${sqlite} ? local.start_count : 0`)),
  });
  backup.resource.lifecycle = { precondition: [scheduleNeedsBucket(settings)] };
  restoreCheck(stack, { inputs: props.inputs, restoreFrom: settings.restoreFrom, bucketNamed: settings.bucketNamed, bucketVariables: settings.bucketVariables, databaseVariable: props.databaseVariable });
  // RestoreCheck fails the plan unless the workspace is Local disk and SQLite with a bucket: counted in on restore_from alone.
  const restore = new RestoreFromBackup(stack, "Restore", {
    ...common,
    name: props.name("restore"),
    labels: props.labels("restore"),
    env: env("restore", []),
    count: Token.asNumber(tfExpression(`${RESTORING} ? local.start_count : 0`)),
  });
  props.backend.dependsOn = [...(props.backend.dependsOn ?? []), dependable(restore.resource)];
}
