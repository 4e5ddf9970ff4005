import { Container } from "@cdktf/provider-docker/lib/container/index.js";
import type { ITerraformDependable, Precondition } from "cdktf";
import { Construct } from "constructs";
import { databaseInitStep } from "../core/database-init.ts";
import type { ServerDatabaseKind } from "../core/database.ts";
import { DATABASE_CLIENTS } from "../core/images.ts";
import { tfExpression } from "../terraform/expression.ts";
import { dockerLabels } from "./labels.ts";

export interface DatabaseInitProps {
  /** The server's kind: it picks the script and the image's user. */
  readonly kind: ServerDatabaseKind;
  /** Container name. */
  readonly name: string;
  /** The kind's pinned client image (a pulled image's id, or DATABASE_CLIENTS in lib/core/images.ts). */
  readonly image: string;
  /** Network the server is reached on: the workspace network. */
  readonly networkName: string;
  /** The database to create (the instance name with `-` turned into `_`). */
  readonly database: string;
  /** The server URL as a sensitive Terraform expression: postgres://USER:PASSWORD@HOST:PORT or mysql://... */
  readonly url: string;
  /** Where the URL comes from, for the messages, e.g. `database.urlEnv (environment variable ALICE_PG_URL)`. */
  readonly urlSource: string;
  /** Require TLS to the server. */
  readonly requireSsl: boolean;
  /** The client's TLS mode as given (lib/core/database-init.ts DatabaseInitInput). @default - from requireSsl */
  readonly sslMode?: string;
  readonly labels: Record<string, string>;
  /** What must be up first, e.g. the workspace's server container. @default - nothing else */
  readonly dependsOn?: ITerraformDependable[];
  /** Checks before it runs, e.g. a template's check of the URL variable. @default - none */
  readonly preconditions?: Precondition[];
}

/**
 * Creates the workspace's database before the backend starts, with the same script as the Kubernetes init container
 * (lib/core/database-init.ts), in a one-shot container of the kind's pinned client image that Terraform waits for: `attach`
 * makes apply block until it exits, `logs` keeps its output in `container_logs`, `must_run = false` keeps the exited
 * container acceptable, and it is not auto-removed (a refresh would then plan it again). The provider ignores exit
 * codes, so a postcondition fails the apply when the script failed and shows where its one-line reason is. It runs as
 * the image's non-root user on a read-only root filesystem. It runs again when it is replaced (another URL, image or
 * database name); a second run finds the database and does nothing.
 */
export class DatabaseInit extends Construct {
  readonly resource: Container;

  constructor(scope: Construct, id: string, props: DatabaseInitProps) {
    super(scope, id);
    const step = databaseInitStep(props.kind, { database: props.database, urlSource: props.urlSource, requireSsl: props.requireSsl, sslMode: props.sslMode });
    const uid = DATABASE_CLIENTS[props.kind].uid;
    this.resource = new Container(this, "Resource", {
      name: props.name,
      image: props.image,
      entrypoint: ["/bin/sh", "-c", step.script],
      env: [`DATABASE_URL=${props.url}`, ...Object.entries(step.env).map(([name, value]) => `${name}=${value}`)],
      user: `${uid}:${uid}`,
      readOnly: true,
      attach: true,
      logs: true,
      mustRun: false,
      restart: "no",
      networksAdvanced: [{ name: props.networkName }],
      labels: dockerLabels(props.labels),
      dependsOn: props.dependsOn,
      lifecycle: {
        precondition: props.preconditions,
        postcondition: [
          {
            condition: tfExpression("self.exit_code == 0"),
            errorMessage: `creating database ${props.database} failed; the reason is the line starting with convex-database-init in: docker logs ${props.name}`,
          },
        ],
      },
    });
  }
}
