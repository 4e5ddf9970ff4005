import { Container } from "@cdktf/provider-docker/lib/container/index.js";
import { Volume } from "@cdktf/provider-docker/lib/volume/index.js";
import { Password } from "@cdktf/provider-random/lib/password/index.js";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { dockerLabels } from "./labels.ts";

/** Postgres's port inside the workspace network (never published on the host). */
export const POSTGRES_PORT = 5432;
/** The role the official image creates from POSTGRES_USER; Convex connects as it. */
export const POSTGRES_ROLE = "convex";
/** PGDATA of the official image up to major 17 (18 moved it under /var/lib/postgresql/18). */
export const POSTGRES_DATA_PATH = "/var/lib/postgresql/data";

/**
 * Ready means accepting TCP connections on 127.0.0.1: the official image's entrypoint first runs a temporary server
 * on the Unix socket only (docker-entrypoint.sh, docker_temp_server_start with listen_addresses=''), so a TCP probe
 * is not fooled by it. `pg_isready` ships in the image.
 */
export const POSTGRES_HEALTHCHECK = {
  test: ["CMD", "pg_isready", "-q", "-h", "127.0.0.1", "-p", String(POSTGRES_PORT), "-U", POSTGRES_ROLE, "-d", "postgres"],
  interval: "5s",
  timeout: "5s",
  retries: 5,
  startPeriod: "30s",
} as const;

export interface PostgresServerProps {
  /** Container name; the backend and the init step reach the server as `<name>:5432`. */
  readonly name: string;
  /** Name of the Docker volume holding the cluster (PGDATA). */
  readonly dataVolumeName: string;
  /** Image to run: a pulled image's id or the pinned POSTGRES_SERVER_IMAGE (lib/core/images.ts). */
  readonly image: string;
  readonly networkName: string;
  readonly labels: Record<string, string>;
  /** Refuse `terraform destroy` of the volume (follows convex.dataVolume.protect). @default true */
  readonly protectDataVolume?: boolean;
  /** Seconds `terraform apply` waits for the server to accept connections. @default 120 */
  readonly healthyTimeoutSeconds?: number;
}

/**
 * A PostgreSQL server for one workspace (the Docker target's default for `database.kind: postgres`): the official
 * image, its own volume, the `convex` role's password generated at apply time, no published port (only the workspace
 * network reaches it, so it runs without TLS). `wait = true`: apply continues past it only once it accepts
 * connections. It stops with SIGINT (Postgres's fast shutdown, the image's own STOPSIGNAL) and a grace period, so
 * Terraform never kills it mid-write.
 */
export class PostgresServer extends Construct {
  readonly resource: Container;
  readonly dataVolume: Volume;
  /** The `convex` role's password (sensitive). */
  readonly password: string;
  /** `postgres://convex:<password>@<name>:5432`, as containers on the workspace network reach it (sensitive). */
  readonly url: string;

  constructor(scope: Construct, id: string, props: PostgresServerProps) {
    super(scope, id);
    // Letters and digits only: the password goes into the URL as it is.
    this.password = new Password(this, "Password", { length: 32, special: false }).result;
    this.url = Token.asString(Fn.sensitive(`postgres://${POSTGRES_ROLE}:${this.password}@${props.name}:${POSTGRES_PORT}`));
    this.dataVolume = new Volume(this, "Data", {
      name: props.dataVolumeName,
      labels: dockerLabels(props.labels),
      lifecycle: { preventDestroy: props.protectDataVolume ?? true, ignoreChanges: "all" },
    });
    this.resource = new Container(this, "Resource", {
      name: props.name,
      image: props.image,
      env: [`POSTGRES_USER=${POSTGRES_ROLE}`, `POSTGRES_PASSWORD=${this.password}`, `PGDATA=${POSTGRES_DATA_PATH}`],
      labels: dockerLabels(props.labels),
      networksAdvanced: [{ name: props.networkName }],
      mounts: [{ type: "volume", source: this.dataVolume.name, target: POSTGRES_DATA_PATH }],
      healthcheck: { ...POSTGRES_HEALTHCHECK, test: [...POSTGRES_HEALTHCHECK.test] },
      wait: true,
      waitTimeout: props.healthyTimeoutSeconds ?? 120,
      stopSignal: "SIGINT",
      stopTimeout: 30,
      destroyGraceSeconds: 30,
      restart: "unless-stopped",
    });
  }
}
