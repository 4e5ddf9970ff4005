/** Shared by the database init tests: run a planned init command with sh, and SQL as the test server's superuser. */
import { spawnSync } from "node:child_process";
import type { PostgresInfo } from "./postgres.global-setup.ts";

/** The test server's URL for `user` (no database name, as Convex wants it). */
export function serverUrl(pg: PostgresInfo, user: string, password: string, suffix = ""): string {
  return `postgres://${user}:${password}@127.0.0.1:${pg.port}${suffix}`;
}

/** Runs `[shell, "-c", script]` as planned, with only PATH and `env`: its exit status and everything it printed. */
export function runPlannedScript(command: readonly string[], env: Record<string, string>): { status: number | null; output: string } {
  const [shell, flag, script] = command as [string, string, string];
  const result = spawnSync(shell === "/bin/sh" ? "sh" : shell, [flag, script], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env }, encoding: "utf8", timeout: 30_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Runs SQL as the superuser in database `postgres` and returns psql's unaligned output. */
export function superuserSql(pg: PostgresInfo, statement: string): string {
  const result = spawnSync("psql", ["-XtAq", "-v", "ON_ERROR_STOP=1", serverUrl(pg, pg.superuser, pg.password), "-c", statement], { env: { ...process.env, PGDATABASE: "postgres" }, encoding: "utf8", timeout: 30_000 });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.trim();
}
