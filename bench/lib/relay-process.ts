/**
 * Runs one of the benchmark's controls as a child process, the same way the proxy runs (its own Node process and
 * event loop, on 127.0.0.1): bench/lib/tcp-relay.mjs (bytes only), bench/lib/http-relay.mjs (node:http, nothing
 * else) or bench/lib/undici-relay.mjs (the same with undici for the upstream leg), each in front of RGW.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { REPO_ROOT } from "../../scripts/ceph-rgw/cluster.ts";

export interface RelayProcess {
  /** e.g. `http://127.0.0.1:40123`: RGW's endpoint, one hop further away. */
  readonly endpoint: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export type RelayKind = "tcp" | "http" | "undici";

/**
 * Starts the `kind` relay in front of `target` (an `http://host:port` URL), with `nodeArgs` for node (e.g.
 * `--cpu-prof`), and waits up to 10 s for its port.
 */
export async function startRelayProcess(kind: RelayKind, target: string, nodeArgs: readonly string[] = []): Promise<RelayProcess> {
  const url = new URL(target);
  const port = url.port === "" ? "80" : url.port;
  const child = spawn(process.execPath, [...nodeArgs, resolve(REPO_ROOT, `bench/lib/${kind}-relay.mjs`), url.hostname, port], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolveExit) => child.once("exit", () => resolveExit()));
  const listening = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the ${kind} relay printed no listening line within 10 s`));
    }, 10_000);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once("line", (line) => {
      clearTimeout(timer);
      const entry = JSON.parse(line) as { port?: unknown };
      if (typeof entry.port === "number") resolvePort(entry.port);
      else reject(new Error(`the ${kind} relay printed '${line}', expected {"msg":"listening","port":N}`));
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the ${kind} relay exited before listening`));
    });
  });
  return {
    endpoint: `http://127.0.0.1:${listening}`,
    pid: child.pid ?? -1,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
