/**
 * The workspace's database when it lives on a server (Postgres or MySQL): the name Convex uses, the checks a server
 * URL must pass, and the init step that creates the database before the backend starts (Convex connects to it but
 * never creates it). Facts: the database is the instance name with `-` turned into `_`; the URL carries no path, no
 * query and a username; SSL is required unless DO_NOT_REQUIRE_SSL is set (convex-backend crates/clusters/src/lib.rs,
 * persistence_args_from_cluster_url). The init steps are in ./database-init.ts.
 */
import type { ConfigIssue } from "./errors.ts";

/** The database Convex opens for an instance (`deployment_name.replace('-', "_")`). */
export function databaseName(instanceName: string): string {
  return instanceName.replace(/-/g, "_");
}

/** The database servers Convex connects to (besides SQLite on the data volume). */
export type ServerDatabaseKind = "postgres" | "mysql";

/** What differs between the server kinds, for the backend's environment, the URL checks and the messages. */
export interface ServerDatabaseTraits {
  /** For messages: `Postgres` or `MySQL`. */
  readonly label: string;
  /** The backend's URL variable (run_backend.sh picks the driver by it). */
  readonly urlVariable: "POSTGRES_URL" | "MYSQL_URL";
  /** The backend's CA file variable. */
  readonly caVariable: "PG_CA_FILE" | "MYSQL_CA_FILE";
  /** URL schemes Convex accepts, as WHATWG URL protocols. */
  readonly schemes: readonly string[];
  /** The URL's shape, for messages. */
  readonly shape: string;
  /** A complete example URL, for messages. */
  readonly example: string;
  /** The query parameters Convex appends itself when SSL is required. */
  readonly sslParameters: string;
  /** Who connects, in messages: `role` (Postgres) or `user` (MySQL). */
  readonly principal: string;
}

export const SERVER_DATABASES: Readonly<Record<ServerDatabaseKind, ServerDatabaseTraits>> = {
  postgres: {
    label: "Postgres",
    urlVariable: "POSTGRES_URL",
    caVariable: "PG_CA_FILE",
    schemes: ["postgres:", "postgresql:"],
    shape: "postgres://USER:PASSWORD@HOST:PORT",
    example: "postgres://convex:secret@db.example.com:5432",
    sslParameters: "sslmode",
    principal: "role",
  },
  mysql: {
    label: "MySQL",
    urlVariable: "MYSQL_URL",
    caVariable: "MYSQL_CA_FILE",
    // mysql_async's Opts::from_str accepts only mysql://.
    schemes: ["mysql:"],
    shape: "mysql://USER:PASSWORD@HOST:PORT",
    example: "mysql://convex:secret@db.example.com:3306",
    sslParameters: "require_ssl and verify_ca",
    principal: "user",
  },
};

/**
 * Checks a server URL the way Convex reads it, for a URL known at synthesis time. Every issue names `field`; the
 * URL's password is never shown.
 */
export function databaseUrlIssues(kind: ServerDatabaseKind, url: string, field: string): ConfigIssue[] {
  const traits = SERVER_DATABASES[kind];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [{ field, value: "(not a URL)", fix: `use ${traits.shape}, e.g. ${traits.example}` }];
  }
  const shown = redactedUrl(parsed);
  const issues: ConfigIssue[] = [];
  if (!traits.schemes.includes(parsed.protocol)) issues.push({ field, value: shown, fix: `use a ${traits.schemes.map((s) => `${s}//`).join(" or ")} URL` });
  if (parsed.username === "") issues.push({ field, value: shown, fix: `put the ${traits.principal} in the URL (${traits.shape}): Convex refuses a URL without a username` });
  if (parsed.pathname !== "" && parsed.pathname !== "/") {
    issues.push({ field, value: shown, fix: "remove the database name from the URL: Convex opens the database named after the instance itself" });
  } else if (parsed.pathname === "/") issues.push({ field, value: shown, fix: "remove the trailing '/': the URL must end with HOST:PORT" });
  if (parsed.search !== "") issues.push({ field, value: shown, fix: `remove the query parameters: Convex adds ${traits.sslParameters} itself (database.requireSsl)` });
  if (parsed.hostname === "") issues.push({ field, value: shown, fix: "put the server's host in the URL" });
  return issues;
}

function redactedUrl(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password !== "") copy.password = "***";
  return JSON.stringify(copy.href);
}
