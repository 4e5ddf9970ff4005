import { Container } from "@cdktf/provider-docker/lib/container/index.js";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { BACKUP_BUNDLE_DIR, BACKUP_BUNDLE_FILE, backupCommand } from "../../backup/bundle.ts";
import { BACKUP_DATA_DIR } from "../core/backup.ts";
import { dockerLabels } from "./labels.ts";
import { tfExpression } from "../terraform/expression.ts";

/** The `node` user of the official Node images: the scheduled container only reads the data volume. */
const NODE_USER = "1000:1000";

interface RunnerContainerProps {
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
      name: props.name,
      image: props.image,
      command: backupCommand("schedule"),
      user: NODE_USER,
      env: [...props.env],
      upload: [{ file: `${BACKUP_BUNDLE_DIR}/${BACKUP_BUNDLE_FILE}`, content: props.bundle }],
      volumes: [{ volumeName: props.dataVolumeName, containerPath: BACKUP_DATA_DIR, readOnly: true }],
      labels: dockerLabels(props.labels),
      networksAdvanced: [{ name: props.networkName }],
      restart: "unless-stopped",
      destroyGraceSeconds: 30,
      dependsOn: props.dependsOn,
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
      name: props.name,
      image: props.image,
      command: backupCommand("restore"),
      user: "0:0",
      env: [...props.env],
      upload: [{ file: `${BACKUP_BUNDLE_DIR}/${BACKUP_BUNDLE_FILE}`, content: props.bundle }],
      volumes: [{ volumeName: props.dataVolumeName, containerPath: BACKUP_DATA_DIR }],
      labels: dockerLabels(props.labels),
      networksAdvanced: [{ name: props.networkName }],
      attach: true,
      logs: true,
      mustRun: false,
      restart: "no",
      dependsOn: props.dependsOn,
      lifecycle: {
        postcondition: [{ condition: tfExpression("self.exit_code == 0"), errorMessage: `the restore from backup failed; read why with: docker logs ${props.name}` }],
      },
    });
  }
}
