/**
 * A real PostgreSQL server on 127.0.0.1 for the tests, from Debian's packages (installed with apt when missing): one
 * throw-away cluster in a temporary directory, password authentication (scram-sha-256) over TCP, stopped and deleted
 * by `stop()`. Run as root (as here and in CI), the server runs as Debian's `postgres` user.
 *
 * Environment: PG_TEST_PORT (default 55432) is the port; a port in use fails the start loudly.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

export interface PostgresServer {
  readonly host: "127.0.0.1";
  readonly port: number;
  /** The superuser and its password (the tests create the roles they need with it). */
  readonly superuser: string;
  readonly password: string;
  /** Server version, e.g. `15.18`. */
  readonly version: string;
  /** `postgres://user:password@127.0.0.1:port`: no database name, as Convex wants it. */
  url(user?: string, password?: string): string;
  /** Runs SQL as the superuser (in database `postgres`) and returns psql's unaligned output. */
  sql(statement: string): string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;

function binDir(): string | undefined {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).filter((v) => existsSync(join(base, v, "bin", "postgres"))).sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(base, versions[0], "bin");
}

/** Debian's server package, installed once when missing (needs root and apt). */
function ensureInstalled(): string {
  const found = binDir();
  if (found) return found;
  execFileSync("apt-get", ["install", "-y", "-q", "--no-install-recommends", "postgresql"], { stdio: "inherit", timeout: 600_000, env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  const installed = binDir();
  if (!installed) throw new Error("postgresql was installed with apt, but no /usr/lib/postgresql/*/bin/postgres exists");
  return installed;
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = ensureInstalled();
  const port = Number(process.env.PG_TEST_PORT ?? 55432);
  const dir = mkdtempSync(join(tmpdir(), "pg-test-"));
  const data = join(dir, "data");
  const password = `pw-${process.pid}-${Date.now()}`;
  const superuser = "convex_admin";
  // initdb and postgres refuse to run as root: as root, run them as Debian's postgres user (directly, so that a
  // signal reaches the server itself).
  const owner = userInfo().uid === 0 ? { uid: idOf("-u"), gid: idOf("-g") } : {};
  writeFileSync(join(dir, "pwfile"), `${password}\n`);
  if (owner.uid !== undefined) {
    chownSync(dir, owner.uid, owner.gid);
    chownSync(join(dir, "pwfile"), owner.uid, owner.gid);
  }
  execFileSync(join(bin, "initdb"), ["-D", data, "-U", superuser, "--auth=scram-sha-256", `--pwfile=${join(dir, "pwfile")}`, "-E", "UTF8", "--locale=C"], {
    stdio: "pipe",
    timeout: START_TIMEOUT_MS,
    cwd: dir,
    ...owner,
  });
  const args = ["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"];
  const child = spawn(join(bin, "postgres"), args, { stdio: ["ignore", "ignore", "pipe"], cwd: dir, ...owner });
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  const psql = (statement: string, database = "postgres") =>
    execFileSync("psql", ["-XtAq", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port), "-U", superuser, "-d", database, "-c", statement], {
      env: { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: "5" },
      encoding: "utf8",
      timeout: 30_000,
    }).trim();
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode} on 127.0.0.1:${port}:\n${log}`);
    try {
      psql("SELECT 1");
      break;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`postgres did not answer on 127.0.0.1:${port} within ${START_TIMEOUT_MS} ms:\n${log}`, { cause: error });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const version = psql("SHOW server_version").split(" ")[0] as string;
  return {
    host: "127.0.0.1",
    port,
    superuser,
    password,
    version,
    url: (user = superuser, pw = password) => `postgres://${encodeURIComponent(user)}:${encodeURIComponent(pw)}@127.0.0.1:${port}`,
    sql: (statement) => psql(statement),
    stop: () => stop(child, dir),
  };
}

async function stop(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null) {
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGINT"); // fast shutdown
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Debian's postgres user's uid (`-u`) or gid (`-g`). */
function idOf(flag: "-u" | "-g"): number {
  return Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
}
