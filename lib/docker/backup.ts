import { Container } from "@cdktf/provider-docker/lib/container/index.js";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { BACKUP_BUNDLE_DIR, BACKUP_BUNDLE_FILE, backupCommand } from "../../backup/bundle.ts";
import { BACKUP_DATA_DIR } from "../core/backup.ts";
import { dockerLabels } from "./labels.ts";
import { tfExpression } from "../terraform/expression.ts";

/** The `node` user of the official Node images: the scheduled container only reads the data volume. */
const NODE_USER = "1000:1000";

/** Where a keys file from the Docker host is mounted in the runner's container (BACKUP_CREDENTIALS_FILE). */
export const BACKUP_CREDENTIALS_PATH = "/run/secrets/convex-backup-keys.env";

export interface RunnerContainerProps {
  /** Container name, e.g. `convex-alice-dev-backup`. */
  readonly name: string;
  /** A stock Node image, Node >= 22.13 for node:sqlite (the pinned NODE_IMAGE), or its pulled id. */
  readonly image: string;
  readonly networkName: string;
  /** The runner bundle (backup/bundle.ts), uploaded before the container starts. */
  readonly bundle: string;
  /** The rendered environment (lib/docker/env.ts over lib/core/backup.ts `backupRunnerEnv`). */
  readonly env: readonly string[];
  /** The backend's data volume. */
  readonly dataVolumeName: string;
  readonly labels: Record<string, string>;
  /** What must exist first (the bucket's MinIO). @default - nothing else */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * A file on the Docker host with the bucket's `AWS_ACCESS_KEY_ID=` and `AWS_SECRET_ACCESS_KEY=` lines, bind-mounted
   * read-only at {@link BACKUP_CREDENTIALS_PATH} (the environment then names it in BACKUP_CREDENTIALS_FILE instead
   * of carrying the keys). @default - no mount: the keys are in `env`
   */
  readonly credentialsFile?: string;
  /** Extra `/etc/hosts` entries, e.g. host.docker.internal for an endpoint on the Docker host. @default - none */
  readonly hosts?: { readonly host: string; readonly ip: string }[];
  /** Terraform `count`, e.g. Coder's start_count. @default - always created */
  readonly count?: number;
}

/** The parts both runner containers share: bundle, keys file, hosts, network, count. */
function runnerCommon(props: RunnerContainerProps) {
  return {
    count: props.count,
    name: props.name,
    image: props.image,
    env: [...props.env],
    upload: [{ file: `${BACKUP_BUNDLE_DIR}/${BACKUP_BUNDLE_FILE}`, content: props.bundle }],
    mounts: props.credentialsFile === undefined ? undefined : [{ type: "bind", source: props.credentialsFile, target: BACKUP_CREDENTIALS_PATH, readOnly: true }],
    host: props.hosts?.map((h) => ({ ...h })),
    labels: dockerLabels(props.labels),
    networksAdvanced: [{ name: props.networkName }],
    dependsOn: props.dependsOn,
  };
}

/**
 * The Docker target's scheduled backups: one long-running container (stock Node image, the runner's `schedule`
 * command) that takes a snapshot at each time the schedule names, in UTC, with the backend's data volume mounted
 * read-only, as the non-root `node` user, on the workspace network (MinIO is reached there). It runs independently
 * of the backend: a snapshot of a stopped backend is as consistent as one of a running backend.
 */
export class ScheduledBackup extends Construct {
  readonly resource: Container;

  constructor(scope: Construct, id: string, props: RunnerContainerProps) {
    super(scope, id);
    this.resource = new Container(this, "Resource", {
      ...runnerCommon(props),
      command: backupCommand("schedule"),
      user: NODE_USER,
      volumes: [{ volumeName: props.dataVolumeName, containerPath: BACKUP_DATA_DIR, readOnly: true }],
      restart: "unless-stopped",
      destroyGraceSeconds: 30,
    });
  }
}

/**
 * The Docker target's restore: a one-shot container (the runner's `restore`, as root like the backend, the data
 * volume writable) that runs before the backend's first start; on a volume that holds a database it does nothing.
 * A failing restore fails the apply (postcondition on its exit code) with the command that shows why.
 */
export class RestoreFromBackup extends Construct {
  readonly resource: Container;

  constructor(scope: Construct, id: string, props: RunnerContainerProps) {
    super(scope, id);
    this.resource = new Container(this, "Resource", {
      ...runnerCommon(props),
      command: backupCommand("restore"),
      user: "0:0",
      volumes: [{ volumeName: props.dataVolumeName, containerPath: BACKUP_DATA_DIR }],
      attach: true,
      logs: true,
      mustRun: false,
      restart: "no",
      lifecycle: {
        postcondition: [{ condition: tfExpression("self.exit_code == 0"), errorMessage: `the restore from backup failed; read why with: docker logs ${props.name}` }],
      },
    });
  }
}
