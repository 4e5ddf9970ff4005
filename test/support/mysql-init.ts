/** Shared by the MySQL init tests: the test server's URL, and SQL as its administrator (planned-script.ts runs the step). */
import { spawnSync } from "node:child_process";
import type { MysqlInfo } from "./mysql.global-setup.ts";

/** The test server's URL for `user` (no database name, as Convex wants it); user and password percent-encoded. */
export function mysqlUrl(server: MysqlInfo, user: string, password: string, suffix = ""): string {
  return `mysql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${server.port}${suffix}`;
}

/** Runs SQL as the administrator and returns the client's batch output. */
export function adminSql(server: MysqlInfo, statement: string): string {
  const result = spawnSync(
    "mysql",
    ["--no-defaults", "--protocol=TCP", "-h", "127.0.0.1", "-P", String(server.port), "-u", server.admin, "--batch", "--skip-column-names", "-e", statement],
    { env: { ...process.env, MYSQL_PWD: server.password }, encoding: "utf8", timeout: 30_000 },
  );
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.trim();
}

/** How many databases named `name` the server has. */
export function databaseCount(server: MysqlInfo, name: string): string {
  return adminSql(server, `SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '${name}'`);
}
