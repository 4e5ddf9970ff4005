/**
 * A real MariaDB server on 127.0.0.1 for the tests, from Debian's packages (`mariadb-server` and `mariadb-client`,
 * installed with apt when missing): one throw-away data directory (mode 0700, owned by the user the server runs as)
 * in a temporary directory, TCP on 127.0.0.1 only, password authentication, stopped and deleted by `stop()`. Run as
 * root (as here and in CI), the server runs as Debian's `mysql` user. Convex targets MySQL 8; MariaDB is the
 * MySQL-protocol server Debian ships, and what the tests run against.
 *
 * Environment: MYSQL_TEST_PORT (default 53306) is the port; a port in use fails the start loudly.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

export interface MysqlServer {
  readonly host: "127.0.0.1";
  readonly port: number;
  /** An administrator with every privilege and its password (the tests create the users they need with it). */
  readonly admin: string;
  readonly password: string;
  /** Server version, e.g. `10.11.19-MariaDB-0+deb12u1`. */
  readonly version: string;
  /** Runs SQL as the administrator and returns the client's batch output. */
  sql(statement: string): string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;
const SERVER = "/usr/sbin/mariadbd";

/** Debian's server and client packages, installed once when missing (needs root and apt). */
function ensureInstalled(): void {
  if (existsSync(SERVER) && existsSync("/usr/bin/mysql")) return;
  execFileSync("apt-get", ["install", "-y", "-q", "--no-install-recommends", "mariadb-server", "mariadb-client"], {
    stdio: "inherit",
    timeout: 600_000,
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  if (!existsSync(SERVER)) throw new Error(`mariadb-server was installed with apt, but ${SERVER} does not exist`);
}

export async function startMysql(): Promise<MysqlServer> {
  ensureInstalled();
  const port = Number(process.env.MYSQL_TEST_PORT ?? 53306);
  const dir = mkdtempSync(join(tmpdir(), "mysql-test-"));
  const data = join(dir, "data");
  const socket = join(dir, "mysqld.sock");
  const admin = "convex_admin";
  const password = `pw-${process.pid}-${Date.now()}`;
  // mariadbd refuses to run as root: as root, it runs as Debian's mysql user, which owns the directory.
  const asRoot = userInfo().uid === 0;
  mkdirSync(data, { mode: 0o700 });
  chmodSync(dir, 0o700);
  if (asRoot) {
    const uid = idOf("-u");
    const gid = idOf("-g");
    chownSync(dir, uid, gid);
    chownSync(data, uid, gid);
  }
  const user = asRoot ? ["--user=mysql"] : [];
  execFileSync("mariadb-install-db", ["--no-defaults", `--datadir=${data}`, "--auth-root-authentication-method=normal", "--skip-test-db", ...user], {
    stdio: "pipe",
    timeout: START_TIMEOUT_MS,
    cwd: dir,
  });
  const args = [
    "--no-defaults",
    `--datadir=${data}`,
    `--socket=${socket}`,
    `--pid-file=${join(dir, "mysqld.pid")}`,
    `--port=${port}`,
    "--bind-address=127.0.0.1",
    "--skip-name-resolve",
    "--skip-log-bin",
    "--innodb-buffer-pool-size=32M",
    "--innodb-flush-log-at-trx-commit=0",
    ...user,
  ];
  const child = spawn(SERVER, args, { stdio: ["ignore", "ignore", "pipe"], cwd: dir });
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  // Until the administrator exists, root connects on the socket without a password (install-db's `normal` auth).
  const client = (statement: string, login: string[]) =>
    execFileSync("mysql", ["--no-defaults", ...login, "--connect-timeout=5", "--batch", "--skip-column-names", "-e", statement], {
      env: { ...process.env, MYSQL_PWD: "" },
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
      timeout: 30_000,
    }).trim();
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mariadbd exited with ${child.exitCode} on 127.0.0.1:${port}:\n${log}`);
    try {
      client("SELECT 1", ["-S", socket, "-u", "root"]);
      break;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`mariadbd did not answer on 127.0.0.1:${port} within ${START_TIMEOUT_MS} ms:\n${log}`, { cause: error });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  client(`CREATE USER '${admin}'@'%' IDENTIFIED BY '${password}'; GRANT ALL ON *.* TO '${admin}'@'%' WITH GRANT OPTION`, ["-S", socket, "-u", "root"]);
  const sql = (statement: string) =>
    execFileSync("mysql", ["--no-defaults", "--protocol=TCP", "-h", "127.0.0.1", "-P", String(port), "-u", admin, "--connect-timeout=5", "--batch", "--skip-column-names", "-e", statement], {
      env: { ...process.env, MYSQL_PWD: password },
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
      timeout: 30_000,
    }).trim();
  const version = sql("SELECT VERSION()");
  return { host: "127.0.0.1", port, admin, password, version, sql, stop: () => stop(child, dir) };
}

async function stop(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null) {
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM"); // clean shutdown
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Debian's mysql user's uid (`-u`) or gid (`-g`). */
function idOf(flag: "-u" | "-g"): number {
  return Number(execFileSync("id", [flag, "mysql"], { encoding: "utf8" }).trim());
}
