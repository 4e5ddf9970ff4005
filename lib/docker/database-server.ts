import { Container } from "@cdktf/provider-docker/lib/container/index.js";
import type { Volume } from "@cdktf/provider-docker/lib/volume/index.js";
import { Password } from "@cdktf/provider-random/lib/password/index.js";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import type { ServerDatabaseKind } from "../core/database.ts";
import { dockerDataVolume } from "./data-volume.ts";
import { dockerLabels } from "./labels.ts";

/** How one kind's official server image is run for a workspace. */
export interface DatabaseServerImageSpec {
  /** The server's port inside the workspace network (never published on the host). */
  readonly port: number;
  /** The account Convex connects as. */
  readonly user: string;
  /** Where the image keeps its data; the Docker volume is mounted there. */
  readonly dataPath: string;
  /** The image's variables that create the account with `password` on first start. */
  env(password: string): string[];
  /** Ready means accepting TCP connections on 127.0.0.1 (see each kind). */
  readonly healthcheck: { readonly test: readonly string[]; readonly interval: string; readonly timeout: string; readonly retries: number; readonly startPeriod: string };
  /** The signal for a clean, fast shutdown. */
  readonly stopSignal: string;
}

const HEALTH_TIMING = { interval: "5s", timeout: "5s", retries: 5, startPeriod: "30s" } as const;

/** The official images' settings per kind. */
export const DATABASE_SERVER_IMAGES: Readonly<Record<ServerDatabaseKind, DatabaseServerImageSpec>> = {
  postgres: {
    port: 5432,
    // The role the official image creates from POSTGRES_USER (a superuser).
    user: "convex",
    // PGDATA of the official image up to major 17 (18 moved it under /var/lib/postgresql/18).
    dataPath: "/var/lib/postgresql/data",
    env: (password) => ["POSTGRES_USER=convex", `POSTGRES_PASSWORD=${password}`, "PGDATA=/var/lib/postgresql/data"],
    // The entrypoint first runs a temporary server on the Unix socket only (docker-entrypoint.sh,
    // docker_temp_server_start with listen_addresses=''), so a TCP probe is not fooled by it.
    healthcheck: { test: ["CMD", "pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432", "-U", "convex", "-d", "postgres"], ...HEALTH_TIMING },
    // Postgres's fast shutdown, the image's own STOPSIGNAL.
    stopSignal: "SIGINT",
  },
  mysql: {
    port: 3306,
    // The image creates root@'%' (MYSQL_ROOT_HOST's default) with MYSQL_ROOT_PASSWORD: it may create databases.
    user: "root",
    dataPath: "/var/lib/mysql",
    env: (password) => [`MYSQL_ROOT_PASSWORD=${password}`],
    // The entrypoint's temporary server runs with --skip-networking (docker-entrypoint.sh, docker_temp_server_start),
    // so a TCP probe is not fooled by it; `mysqladmin ping` exits 0 as soon as the server answers, even when it
    // refuses the (absent) credentials.
    healthcheck: { test: ["CMD", "mysqladmin", "--no-defaults", "ping", "--protocol=TCP", "-h", "127.0.0.1", "-P", "3306", "--silent"], ...HEALTH_TIMING },
    // mysqld's clean shutdown, the image's default.
    stopSignal: "SIGTERM",
  },
};

export interface DatabaseServerContainerProps {
  readonly kind: ServerDatabaseKind;
  /** Container name; the backend and the init step reach the server as `<name>:<port>`. */
  readonly name: string;
  /** Name of the Docker volume holding the server's data. */
  readonly dataVolumeName: string;
  /** Image to run: a pulled image's id or the pinned POSTGRES_SERVER_IMAGE / MYSQL_SERVER_IMAGE (lib/core/images.ts). */
  readonly image: string;
  readonly networkName: string;
  readonly labels: Record<string, string>;
  /** Refuse `terraform destroy` of the volume (follows convex.dataVolume.protect). @default true */
  readonly protectDataVolume?: boolean;
  /** Seconds `terraform apply` waits for the server to accept connections. @default 120 */
  readonly healthyTimeoutSeconds?: number;
}

/**
 * A Postgres or MySQL server for one workspace (the Docker target's default for `database.kind: postgres` and
 * `mysql`): the official image, its own volume, the account's password generated at apply time, no published port
 * (only the workspace network reaches it, so it runs without TLS). `wait = true`: apply continues past it only once
 * it accepts connections. It stops with its clean-shutdown signal and a grace period, so Terraform never kills it
 * mid-write.
 */
export class DatabaseServerContainer extends Construct {
  readonly resource: Container;
  readonly dataVolume: Volume;
  /** The account's password (sensitive). */
  readonly password: string;
  /** `<scheme>://<user>:<password>@<name>:<port>`, as containers on the workspace network reach it (sensitive). */
  readonly url: string;

  constructor(scope: Construct, id: string, props: DatabaseServerContainerProps) {
    super(scope, id);
    const spec = DATABASE_SERVER_IMAGES[props.kind];
    // Letters and digits only: the password goes into the URL as it is.
    this.password = new Password(this, "Password", { length: 32, special: false }).result;
    this.url = Token.asString(Fn.sensitive(`${props.kind}://${spec.user}:${this.password}@${props.name}:${spec.port}`));
    this.dataVolume = dockerDataVolume(this, "Data", { name: props.dataVolumeName, labels: props.labels, protect: props.protectDataVolume ?? true });
    this.resource = new Container(this, "Resource", {
      name: props.name,
      image: props.image,
      env: spec.env(this.password),
      labels: dockerLabels(props.labels),
      networksAdvanced: [{ name: props.networkName }],
      mounts: [{ type: "volume", source: this.dataVolume.name, target: spec.dataPath }],
      healthcheck: { ...spec.healthcheck, test: [...spec.healthcheck.test] },
      wait: true,
      waitTimeout: props.healthyTimeoutSeconds ?? 120,
      stopSignal: spec.stopSignal,
      stopTimeout: 30,
      destroyGraceSeconds: 30,
      restart: "unless-stopped",
    });
  }
}
