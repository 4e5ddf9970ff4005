/** Shared by the Postgres init tests: the test server's URL, and SQL as its superuser (planned-script.ts runs the step). */
import { spawnSync } from "node:child_process";
import type { PostgresInfo } from "./postgres.global-setup.ts";

/** The test server's URL for `user` (no database name, as Convex wants it). */
export function serverUrl(pg: PostgresInfo, user: string, password: string, suffix = ""): string {
  return `postgres://${user}:${password}@127.0.0.1:${pg.port}${suffix}`;
}

/** Runs SQL as the superuser in database `postgres` and returns psql's unaligned output. */
export function superuserSql(pg: PostgresInfo, statement: string): string {
  const result = spawnSync("psql", ["-XtAq", "-v", "ON_ERROR_STOP=1", serverUrl(pg, pg.superuser, pg.password), "-c", statement], { env: { ...process.env, PGDATABASE: "postgres" }, encoding: "utf8", timeout: 30_000 });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.trim();
}
