import { existsSync, readFileSync } from "node:fs";
import { databaseUrlIssues, SERVER_DATABASES, type ServerDatabaseKind } from "../core/database.ts";
import { ConfigError, showValue } from "../core/errors.ts";
import type { DatabaseServer } from "../core/plan.ts";
import { sensitiveLiteral } from "../terraform/hcl-string.ts";
import { absolutePath, keysFileExpression } from "./external-credentials.ts";

/** A named server's URL for the Docker target, and how the init step's messages name where it comes from. */
export interface DockerDatabaseUrl {
  /** The URL as a sensitive Terraform expression. */
  readonly url: string;
  /** Where the URL comes from, e.g. `database.urlEnv (environment variable ALICE_PG_URL)`. */
  readonly source: string;
}

/**
 * Resolves a Postgres or MySQL server named by the configuration on Docker, and checks its URL now the way Convex
 * will read it (databaseUrlIssues): a ConfigError names the field and never shows the password. A URL file holds a
 * line as in an env file, named like the backend's variable: `POSTGRES_URL=postgres://...` or `MYSQL_URL=mysql://...`.
 * - `environment`: read now from `env`; the URL is written, inside `sensitive(...)`, into the synthesized
 *   configuration (cdktf.out, git-ignored) and lives in state.
 * - `file`: read now only to check it; Terraform reads it again at plan time (`file()` and `regex()`), so the URL
 *   never appears in the synthesized configuration, only in state. A relative path or `~/` is resolved against `cwd`.
 */
export function dockerDatabaseUrl(
  kind: ServerDatabaseKind,
  server: Extract<DatabaseServer, { kind: "environment" | "file" }>,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): DockerDatabaseUrl {
  const { urlVariable, shape } = SERVER_DATABASES[kind];
  if (server.kind === "environment") {
    const field = `database.urlEnv (environment variable ${server.variable})`;
    const value = env[server.variable];
    if (value === undefined || value === "") {
      throw new ConfigError([{ field: "database.urlEnv", value: showValue(server.variable), fix: `export ${server.variable}=${shape} before synthesizing (it is never written to the YAML file)` }]);
    }
    const issues = databaseUrlIssues(kind, value, field);
    if (issues.length > 0) throw new ConfigError(issues);
    return { url: sensitiveLiteral(value), source: field };
  }
  const path = absolutePath(server.path, cwd);
  const field = `database.urlFile (${path})`;
  const missing = (fix: string) => new ConfigError([{ field: "database.urlFile", value: showValue(server.path), fix }]);
  if (!existsSync(path)) throw missing(`create the file with a line ${urlVariable}=${shape} (chmod 600)`);
  const match = new RegExp(`^${urlVariable}=(\\S+)`, "m").exec(readFileSync(path, "utf8"));
  if (match?.[1] === undefined) throw missing(`the file has no line ${urlVariable}=${shape}: add one`);
  const issues = databaseUrlIssues(kind, match[1], field);
  if (issues.length > 0) throw new ConfigError(issues);
  return { url: keysFileExpression(path, urlVariable), source: field };
}
