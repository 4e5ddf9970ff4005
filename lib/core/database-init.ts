/**
 * The init step that creates a workspace's database on its server before the backend starts (Convex connects to it
 * but never creates it): one POSIX sh script per server kind, run in the kind's official client image, with the
 * server URL in DATABASE_URL by reference (the same value the backend's POSTGRES_URL or MYSQL_URL gets). It checks
 * the URL as Convex will, creates the database when it is missing and does nothing otherwise; a failure prints one
 * line starting with `convex-database-init:` that names the setting to fix, never the URL (it holds the password).
 */
import type { ServerDatabaseKind } from "./database.ts";
import { mysqlInitEnvironment, mysqlInitScript, mysqlSslMode } from "./mysql-init.ts";
import { postgresInitEnvironment, postgresInitScript, postgresSslMode } from "./postgres-init.ts";

/** What the init step is told about the database to create. */
export interface DatabaseInitInput {
  /** The database to create (see databaseName). */
  readonly database: string;
  /** Where the URL comes from, for the messages, e.g. `database.urlSecretName (Secret alice-db, key url)`. */
  readonly urlSource: string;
  /** Require TLS to the server (a certificate checked against `caFile` when one is given). */
  readonly requireSsl: boolean;
  /** A CA bundle the server's certificate is checked against, as a path inside the init container. @default - none */
  readonly caFile?: string;
  /**
   * The client's TLS mode as given, e.g. a Coder template's Terraform expression over its require-SSL variable:
   * libpq's sslmode for Postgres, the mysql client's --ssl-mode for MySQL.
   * @default - from requireSsl and caFile
   */
  readonly sslMode?: string;
}

/** The init step of one database: its shell script and its environment besides DATABASE_URL. */
export interface DatabaseInitStep {
  readonly script: string;
  readonly env: Readonly<Record<string, string>>;
}

/** The init step for a server of `kind`. */
export function databaseInitStep(kind: ServerDatabaseKind, input: DatabaseInitInput): DatabaseInitStep {
  return kind === "postgres"
    ? { script: postgresInitScript(input.urlSource), env: postgresInitEnvironment(input) }
    : { script: mysqlInitScript(input.urlSource), env: mysqlInitEnvironment(input) };
}

/** The init step's client TLS mode for a setting (libpq's sslmode, or the mysql client's --ssl-mode). */
export function initSslMode(kind: ServerDatabaseKind, requireSsl: boolean, caFile?: string): string {
  return kind === "postgres" ? postgresSslMode(requireSsl, caFile) : mysqlSslMode(requireSsl, caFile);
}
