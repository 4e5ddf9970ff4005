/**
 * Postgres's init step (lib/core/database-init.ts): psql, as in the official postgres image. libpq reads the URL as
 * Convex's driver does, so the script passes DATABASE_URL to psql unchanged.
 */
import type { DatabaseInitInput } from "./database-init.ts";
import { urlCheckPrologue } from "./init-script.ts";

/** libpq's sslmode for a setting: verify-full with a CA file, require without one, prefer when TLS is not required. */
export function postgresSslMode(requireSsl: boolean, caFile: string | undefined): string {
  if (!requireSsl) return "prefer";
  return caFile ? "verify-full" : "require";
}

/**
 * The environment of the init step besides `DATABASE_URL` (which comes by reference): libpq's own variables, so
 * the URL stays exactly what the backend gets.
 */
export function postgresInitEnvironment(input: DatabaseInitInput): Record<string, string> {
  const env: Record<string, string> = {
    CONVEX_DATABASE: input.database,
    // A URL without a database name connects to PGDATABASE.
    PGDATABASE: "postgres",
    PGCONNECT_TIMEOUT: "10",
    PGSSLMODE: input.sslMode ?? postgresSslMode(input.requireSsl, input.caFile),
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
  return [
    ...urlCheckPrologue("postgres", urlSource, "psql"),
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
