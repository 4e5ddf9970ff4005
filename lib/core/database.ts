/**
 * The workspace's database when it is Postgres: the name Convex uses, the checks a server URL must pass, and the
 * init step that creates the database before the backend starts (Convex connects to it but never creates it).
 * Facts: the database is the instance name with `-` turned into `_`; the URL carries no path, no query and a
 * username; SSL is required unless DO_NOT_REQUIRE_SSL is set (convex-backend crates/clusters/src/lib.rs).
 */
import type { ConfigIssue } from "./errors.ts";

/** The database Convex opens for an instance (`deployment_name.replace('-', "_")`). */
export function databaseName(instanceName: string): string {
  return instanceName.replace(/-/g, "_");
}

/** Schemes Convex accepts for POSTGRES_URL. */
const POSTGRES_SCHEMES = ["postgres:", "postgresql:"];

/**
 * Checks a Postgres server URL the way Convex reads it, for a URL known at synthesis time. Every issue names
 * `field`; the URL's password is never shown.
 */
export function postgresUrlIssues(url: string, field: string): ConfigIssue[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [{ field, value: "(not a URL)", fix: "use postgres://USER:PASSWORD@HOST:PORT, e.g. postgres://convex:secret@db.example.com:5432" }];
  }
  const shown = redactedUrl(parsed);
  const issues: ConfigIssue[] = [];
  if (!POSTGRES_SCHEMES.includes(parsed.protocol)) issues.push({ field, value: shown, fix: "use a postgres:// or postgresql:// URL" });
  if (parsed.username === "") issues.push({ field, value: shown, fix: "put the role in the URL (postgres://USER:PASSWORD@HOST:PORT): Convex refuses a URL without a username" });
  if (parsed.pathname !== "" && parsed.pathname !== "/") {
    issues.push({ field, value: shown, fix: "remove the database name from the URL: Convex opens the database named after the instance itself" });
  } else if (parsed.pathname === "/") issues.push({ field, value: shown, fix: "remove the trailing '/': the URL must end with HOST:PORT" });
  if (parsed.search !== "") issues.push({ field, value: shown, fix: "remove the query parameters: Convex adds sslmode itself (database.requireSsl)" });
  if (parsed.hostname === "") issues.push({ field, value: shown, fix: "put the server's host in the URL" });
  return issues;
}

function redactedUrl(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password !== "") copy.password = "***";
  return JSON.stringify(copy.href);
}

/** What the init step is told about the database to create. */
export interface PostgresInitInput {
  /** The database to create (see {@link databaseName}). */
  readonly database: string;
  /** Where the URL comes from, for the messages, e.g. `database.urlSecretName (Secret alice-db, key url)`. */
  readonly urlSource: string;
  /** Require TLS to the server (libpq `sslmode=require`, or `verify-full` with a CA file). */
  readonly requireSsl: boolean;
  /** A CA bundle the server's certificate is checked against, as a path inside the init container. @default - none */
  readonly caFile?: string;
  /**
   * libpq's sslmode as given, e.g. a Coder template's Terraform expression over its require-SSL variable.
   * @default - from requireSsl and caFile
   */
  readonly sslMode?: string;
}

/**
 * The environment of the init step besides `DATABASE_URL` (which comes by reference): libpq's own variables, so
 * the URL stays exactly what the backend gets.
 */
export function postgresInitEnvironment(input: PostgresInitInput): Record<string, string> {
  const env: Record<string, string> = {
    CONVEX_DATABASE: input.database,
    // A URL without a database name connects to PGDATABASE.
    PGDATABASE: "postgres",
    PGCONNECT_TIMEOUT: "10",
    PGSSLMODE: input.sslMode ?? (input.requireSsl ? (input.caFile ? "verify-full" : "require") : "prefer"),
    PGAPPNAME: "convex-database-init",
  };
  if (input.caFile) env.PGSSLROOTCERT = input.caFile;
  return env;
}

/**
 * The init step's shell script (POSIX sh with psql, as in the official postgres image): checks DATABASE_URL as
 * Convex will, creates the database CONVEX_DATABASE when it is missing and does nothing otherwise. A failure prints
 * one line that names the setting to fix, never the URL (it holds the password), then psql's own message.
 */
export function postgresInitScript(urlSource: string): string {
  const q = shellQuote(urlSource);
  return [
    "set -u",
    `src=${q}`,
    'fail() { echo "convex-database-init: $1" >&2; [ -n "${2:-}" ] && echo "psql said: $2" >&2; exit 1; }',
    'case "${DATABASE_URL:-}" in',
    '  "") fail "$src is empty or missing: put postgres://USER:PASSWORD@HOST:PORT in it" ;;',
    "  postgres://*|postgresql://*) ;;",
    '  *) fail "$src must start with postgres:// or postgresql://" ;;',
    "esac",
    'rest=${DATABASE_URL#*://}',
    'authority=${rest%%/*}',
    '[ "$authority" = "$rest" ] || fail "$src must end with HOST:PORT: remove the database name (Convex opens $CONVEX_DATABASE itself)"',
    'case "$rest" in *\\?*) fail "$src must have no query parameters (database.requireSsl sets sslmode)" ;; esac',
    'case "$authority" in [!:@]*@*) ;; *) fail "$src must name a role: postgres://USER:PASSWORD@HOST:PORT" ;; esac',
    'explain() {',
    '  case "$1" in',
    '    *"password authentication failed"*|*"no pg_hba.conf entry"*|*"role"*"does not exist"*) fail "the server refused the role or password in $src: fix the credentials there" "$1" ;;',
    '    *"could not translate host name"*|*"Connection refused"*|*"could not connect"*|*"timeout expired"*|*"No route to host"*|*"Network is unreachable"*) fail "cannot reach the server named in $src: check its host and port, and that this workload may connect to it" "$1" ;;',
    '    *"server does not support SSL"*) fail "the server does not offer TLS: enable it there, or set database.requireSsl: false" "$1" ;;',
    '    *"certificate verify failed"*|*"root certificate file"*) fail "the server\'s TLS certificate is not trusted: set database.caSecretName to its CA" "$1" ;;',
    '    *"permission denied to create database"*) fail "the role in $src may not create databases: ALTER ROLE <role> CREATEDB, or create $CONVEX_DATABASE yourself" "$1" ;;',
    '    *) fail "creating $CONVEX_DATABASE failed" "$1" ;;',
    "  esac",
    "}",
    'found=$(psql "$DATABASE_URL" -XtAq -v ON_ERROR_STOP=1 -c "SELECT 1 FROM pg_database WHERE datname = \'$CONVEX_DATABASE\'" 2>&1) || explain "$found"',
    'if [ "$found" = 1 ]; then echo "convex-database-init: database $CONVEX_DATABASE exists"; exit 0; fi',
    'out=$(psql "$DATABASE_URL" -XtAq -v ON_ERROR_STOP=1 -c "CREATE DATABASE \\"$CONVEX_DATABASE\\"" 2>&1) || {',
    '  case "$out" in *"already exists"*) echo "convex-database-init: database $CONVEX_DATABASE exists"; exit 0 ;; esac',
    '  explain "$out"',
    "}",
    'echo "convex-database-init: created database $CONVEX_DATABASE"',
  ].join("\n");
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}
