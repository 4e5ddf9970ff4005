/**
 * Node side of scripts/ceph-rgw/up.sh and down.sh, shared by the vitest global setup (test/support/) and the
 * proxy benchmark (bench/): start or reuse the loopback Ceph RGW with a time limit, read its s3.env, stop it,
 * create extra S3 users and run RGW's garbage collector. Only node: built-ins.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));

/** The repository root (two levels above this file). */
export const REPO_ROOT = resolve(HERE, "../..");

/** Cluster directory used when RGW_DIR is not set. */
export const DEFAULT_RGW_DIR = resolve(REPO_ROOT, ".tmp/ceph-rgw");

/** A running RGW, as described by `$RGW_DIR/s3.env`. */
export interface RgwCluster {
  /** S3 endpoint, e.g. `http://127.0.0.1:7480` (path-style addressing). */
  readonly endpoint: string;
  readonly region: string;
  /** Keys of the S3 user `convex` that up.sh creates. */
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Upstream Ceph version, e.g. `16.2.15`. */
  readonly cephVersion: string;
  /** The cluster directory (RGW_DIR). */
  readonly dir: string;
  /** Path of the cluster's ceph.conf, for radosgw-admin. */
  readonly cephConf: string;
}

/** The cluster directory: RGW_DIR (made absolute) or {@link DEFAULT_RGW_DIR}. */
export function rgwDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.RGW_DIR ? resolve(env.RGW_DIR) : DEFAULT_RGW_DIR;
}

export interface RunResult {
  readonly code: number;
  readonly output: string;
}

/**
 * Runs a command with a time limit; the whole process group is killed when the limit passes. Output (stdout
 * and stderr interleaved) is collected and, with `echo`, also copied to this process's stderr as it arrives.
 */
export function runWithTimeout(
  command: string,
  args: readonly string[],
  options: { readonly env?: NodeJS.ProcessEnv; readonly timeoutMs: number; readonly echo?: boolean },
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    const onData = (chunk: Buffer): void => {
      output += chunk.toString("utf8");
      if (options.echo) process.stderr.write(chunk);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    }, options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${command}: ${error.message}`, { cause: error }));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(new Error(`${command} ${args.join(" ")} did not finish within ${options.timeoutMs} ms; output:\n${output}`));
        return;
      }
      resolvePromise({ code: code ?? (signal ? 128 : 1), output });
    });
  });
}

export interface StartRgwOptions {
  /** @default rgwDir() */
  readonly dir?: string;
  /** Limit for up.sh, including a first-time package install, in milliseconds. @default 600_000 */
  readonly timeoutMs?: number;
  /**
   * Pid registered as a user of the cluster (RGW_LEASE_PID). A cluster started with a lease is stopped by the
   * last {@link stopRgw} with a lease; a cluster someone started by hand is reused and left running.
   * @default - no lease: the cluster is started (or reused) and stays up until down.sh runs
   */
  readonly leasePid?: number;
  /** Copy up.sh's output to stderr while it runs. @default false */
  readonly echo?: boolean;
  /** Extra environment for up.sh (RGW_PORT, RGW_MEMSTORE_BYTES, ...). @default - the current environment */
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs up.sh (start or reuse) and returns the cluster. Throws with up.sh's output when it fails. */
export async function startRgw(options: StartRgwOptions = {}): Promise<RgwCluster> {
  const dir = options.dir ?? rgwDir();
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, RGW_DIR: dir };
  if (options.leasePid !== undefined) env.RGW_LEASE_PID = String(options.leasePid);
  const script = resolve(REPO_ROOT, "scripts/ceph-rgw/up.sh");
  const result = await runWithTimeout(script, [], { env, timeoutMs: options.timeoutMs ?? 600_000, echo: options.echo });
  if (result.code !== 0) {
    const failure = /up\.sh FAILED: (.*)/.exec(result.output)?.[1] ?? `exit code ${result.code}`;
    throw new Error(`scripts/ceph-rgw/up.sh failed: ${failure}\n(logs: ${dir}/log/; full output follows)\n${result.output}`);
  }
  return readRgwCluster(dir);
}

export interface StopRgwOptions {
  /** @default rgwDir() */
  readonly dir?: string;
  /** The lease given to {@link startRgw}. @default - no lease: stop unconditionally */
  readonly leasePid?: number;
  /** @default 60_000 */
  readonly timeoutMs?: number;
}

/** Runs down.sh with SIGKILL stops (memstore data is discarded anyway). Throws with its output on failure. */
export async function stopRgw(options: StopRgwOptions = {}): Promise<string> {
  const dir = options.dir ?? rgwDir();
  const env: NodeJS.ProcessEnv = { ...process.env, RGW_DIR: dir, RGW_FAST_STOP: "1" };
  if (options.leasePid !== undefined) env.RGW_LEASE_PID = String(options.leasePid);
  else delete env.RGW_LEASE_PID;
  const script = resolve(REPO_ROOT, "scripts/ceph-rgw/down.sh");
  const result = await runWithTimeout(script, [], { env, timeoutMs: options.timeoutMs ?? 60_000 });
  if (result.code !== 0) throw new Error(`scripts/ceph-rgw/down.sh exited with ${result.code}:\n${result.output}`);
  return result.output;
}

/** Parses `KEY=value` lines. */
function parseEnvFile(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split("\n")) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) values.set(match[1], match[2]);
  }
  return values;
}

/** Reads `$dir/s3.env` written by up.sh. */
export async function readRgwCluster(dir: string = rgwDir()): Promise<RgwCluster> {
  const file = resolve(dir, "s3.env");
  const values = parseEnvFile(await readFile(file, "utf8"));
  const get = (key: string): string => {
    const value = values.get(key);
    if (!value) throw new Error(`${file} has no ${key}=...; was it written by scripts/ceph-rgw/up.sh?`);
    return value;
  };
  return {
    endpoint: get("S3_ENDPOINT_URL"),
    region: get("AWS_REGION"),
    accessKeyId: get("AWS_ACCESS_KEY_ID"),
    secretAccessKey: get("AWS_SECRET_ACCESS_KEY"),
    cephVersion: get("CEPH_VERSION"),
    cephConf: get("CEPH_CONF"),
    dir,
  };
}

/** Runs radosgw-admin against the cluster's ceph.conf (30 s limit) and returns its stdout+stderr. */
export async function radosgwAdmin(cluster: Pick<RgwCluster, "cephConf">, args: readonly string[]): Promise<string> {
  const result = await runWithTimeout("radosgw-admin", ["-c", cluster.cephConf, ...args], { timeoutMs: 30_000 });
  if (result.code !== 0) {
    throw new Error(`radosgw-admin ${args.join(" ")} exited with ${result.code}:\n${result.output}`);
  }
  return result.output;
}

export interface RgwUser {
  readonly uid: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/**
 * Creates an S3 user with fresh random keys. `uid` must be new (radosgw-admin refuses an existing uid); tests
 * should derive it from something unique to the run.
 */
export async function createRgwUser(cluster: Pick<RgwCluster, "cephConf">, uid: string): Promise<RgwUser> {
  if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(uid)) {
    throw new Error(`RGW user id '${uid}' is invalid: use 1-63 characters of a-z, 0-9, '-' and '_'`);
  }
  const accessKeyId = `T${randomBytes(10).toString("hex").toUpperCase()}`.slice(0, 20);
  const secretAccessKey = randomBytes(30).toString("base64url").slice(0, 40);
  await radosgwAdmin(cluster, [
    "user",
    "create",
    `--uid=${uid}`,
    `--display-name=test user ${uid}`,
    `--access-key=${accessKeyId}`,
    `--secret-key=${secretAccessKey}`,
  ]);
  return { uid, accessKeyId, secretAccessKey };
}

/** Deletes an S3 user and everything it owns. */
export async function deleteRgwUser(cluster: Pick<RgwCluster, "cephConf">, uid: string): Promise<void> {
  await radosgwAdmin(cluster, ["user", "rm", `--uid=${uid}`, "--purge-data"]);
}

/**
 * Runs RGW's garbage collector now, so deleted and overwritten objects give their RAM back to the memstore OSD
 * (RGW normally waits before it reclaims tails).
 */
export async function rgwGcProcess(cluster: Pick<RgwCluster, "cephConf">): Promise<void> {
  await radosgwAdmin(cluster, ["gc", "process", "--include-all"]);
}
