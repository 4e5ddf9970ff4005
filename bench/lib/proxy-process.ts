/**
 * Runs the S3 compatibility proxy from its bundle (dist/s3-proxy.mjs) as a child process, configured only by
 * environment, the way it runs in a workspace.
 *
 * Contract with the proxy: on start it prints one JSON line to stdout with `"msg":"listening"` and
 * `"port":<number>`; `GET /readyz` answers 200 once the upstream is reachable.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline";
import { runWithTimeout } from "../../scripts/ceph-rgw/cluster.ts";
import type { S3Endpoint } from "./workload.ts";

/**
 * Builds the proxy bundle from the working tree with `node scripts/build-proxy.mjs --outfile <outfile>` (the same
 * minified build the stacks ship) and returns its path. Always built anew: a dist/s3-proxy.mjs left from an
 * earlier checkout would benchmark old code. `entry` bundles another entry point the same way (`--entry`).
 */
export async function buildProxyBundle(repoRoot: string, outfile: string, entry?: string): Promise<string> {
  const script = resolve(repoRoot, "scripts/build-proxy.mjs");
  mkdirSync(dirname(outfile), { recursive: true });
  const args = [script, "--outfile", outfile, ...(entry === undefined ? [] : ["--entry", entry])];
  const result = await runWithTimeout(process.execPath, args, { timeoutMs: 120_000 });
  if (result.code !== 0 || !existsSync(outfile)) {
    throw new Error(`node ${args.slice(1).join(" ")} exited with ${result.code} and ${existsSync(outfile) ? "built" : "did not build"} it:\n${result.output}`);
  }
  return outfile;
}

/**
 * Builds the benchmark's signing floor (bench/lib/signing-relay.ts, which imports the proxy's SigV4 modules) with
 * the proxy's build script (`--entry`), and returns its path. Started with startProxyProcess: it takes the proxy's
 * environment and prints the same "listening" line.
 */
export function buildSigningRelayBundle(repoRoot: string, outfile: string): Promise<string> {
  return buildProxyBundle(repoRoot, outfile, resolve(repoRoot, "bench/lib/signing-relay.ts"));
}

export interface ProxyProcessOptions {
  readonly bundle: string;
  readonly upstream: S3Endpoint;
  /** Keys the benchmark's client signs with. */
  readonly clientAccessKeyId: string;
  readonly clientSecretAccessKey: string;
  readonly buckets: readonly string[];
  /** S3PROXY_SSE. @default "strip" */
  readonly sse?: string;
  /** File the proxy's stdout (its JSON log lines) is written to. */
  readonly logFile: string;
  /** Options for node before the bundle (e.g. `--cpu-prof`). @default - none */
  readonly nodeArgs?: readonly string[];
  /** Limit for "listening" plus /readyz, in milliseconds. @default 20_000 */
  readonly startTimeoutMs?: number;
}

export interface ProxyProcess {
  /** e.g. `http://127.0.0.1:40123`. */
  readonly endpoint: string;
  readonly pid: number;
  /** The last lines the proxy wrote (stdout and stderr), for error messages. */
  recentOutput(): string;
  /** SIGTERM, then SIGKILL after 5 s. */
  stop(): Promise<void>;
}

const TAIL_LINES = 40;

/** The port of the proxy's `{"msg":"listening","port":N}` line in `log`, if it printed one yet. */
function listeningPort(log: string): number | undefined {
  for (const line of log.split("\n")) {
    if (!line.includes('"listening"')) continue;
    try {
      const entry = JSON.parse(line) as { msg?: unknown; port?: unknown };
      if (entry.msg === "listening" && typeof entry.port === "number") return entry.port;
    } catch {
      // not a JSON line: keep looking
    }
  }
  return undefined;
}

/** Starts the proxy and waits for its "listening" line and a 200 from /readyz. */
export async function startProxyProcess(options: ProxyProcessOptions): Promise<ProxyProcess> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    S3PROXY_LISTEN: "127.0.0.1:0",
    S3PROXY_UPSTREAM_URL: options.upstream.endpoint,
    S3PROXY_UPSTREAM_REGION: options.upstream.region,
    S3PROXY_UPSTREAM_ACCESS_KEY_ID: options.upstream.accessKeyId,
    S3PROXY_UPSTREAM_SECRET_ACCESS_KEY: options.upstream.secretAccessKey,
    S3PROXY_ACCESS_KEY_ID: options.clientAccessKeyId,
    S3PROXY_SECRET_ACCESS_KEY: options.clientSecretAccessKey,
    S3PROXY_BUCKETS: options.buckets.join(","),
    S3PROXY_SSE: options.sse ?? "strip",
  };
  // The proxy logs a JSON line per request. Its stdout goes to a file, as a container runtime takes it, so the
  // benchmark's client process does not also read and parse every line while it is being measured.
  mkdirSync(dirname(options.logFile), { recursive: true });
  const logFd = openSync(options.logFile, "w");
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.bundle], { env, stdio: ["ignore", logFd, "pipe"] });
  closeSync(logFd);
  const stderrTail: string[] = [];
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on("line", (line) => {
    stderrTail.push(line);
    if (stderrTail.length > TAIL_LINES) stderrTail.shift();
  });
  const recentOutput = (): string => {
    const logLines = existsSync(options.logFile) ? readFileSync(options.logFile, "utf8").trimEnd().split("\n").slice(-TAIL_LINES) : [];
    return [...logLines, ...stderrTail].join("\n");
  };
  const exited = new Promise<string>((resolveExit) => {
    child.on("exit", (code, signal) => resolveExit(`exited (code ${code}, signal ${signal})`));
  });

  const timeoutMs = options.startTimeoutMs ?? 20_000;
  const deadline = Date.now() + timeoutMs;
  const fail = (why: string): Error => {
    child.kill("SIGKILL");
    return new Error(`proxy ${options.bundle} ${why}; its last output:\n${recentOutput()}`);
  };

  let port: number | undefined;
  while (port === undefined) {
    port = listeningPort(readFileSync(options.logFile, "utf8"));
    if (port !== undefined) break;
    if (child.exitCode !== null || child.signalCode !== null) throw fail(`${await exited} before printing its "listening" line`);
    if (Date.now() > deadline) throw fail(`printed no {"msg":"listening","port":...} line within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const endpoint = `http://127.0.0.1:${port}`;

  let lastStatus = "no answer";
  for (;;) {
    try {
      const response = await fetch(`${endpoint}/readyz`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) break;
      lastStatus = `HTTP ${response.status}`;
    } catch (error) {
      lastStatus = error instanceof Error ? error.message : String(error);
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      throw fail(`/readyz did not answer 200 within ${timeoutMs} ms (last: ${lastStatus})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    endpoint,
    pid: child.pid ?? -1,
    recentOutput,
    async stop(): Promise<void> {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
