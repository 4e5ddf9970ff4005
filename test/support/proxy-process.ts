/**
 * Runs the bundled proxy (dist/s3-proxy.mjs) as a child process, the way the Kubernetes and Docker constructs do
 * (`node s3-proxy.mjs` with S3PROXY_* variables), and reads its port from the "listening" log line.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const BUNDLE_PATH = path.join(REPO_ROOT, "dist", "s3-proxy.mjs");

/** Runs scripts/build-proxy.mjs; returns its exit status and output. */
export function buildBundle(): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, "scripts", "build-proxy.mjs")], { cwd: REPO_ROOT, encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

export interface ProxyProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  /** Every stdout line so far. */
  readonly lines: string[];
  /** The process's resident set size from /proc/<pid>/status, in bytes. */
  rssBytes(): number;
  /** Sends `signal` (SIGTERM by default) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startProxyProcess(env: Record<string, string>): Promise<ProxyProcess> {
  const child = spawn(process.execPath, [BUNDLE_PATH], {
    env: { PATH: process.env.PATH ?? "", S3PROXY_LISTEN: "127.0.0.1:0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const listening = await new Promise<{ port: number; url: string }>((resolve, reject) => {
    let buffered = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf("\n")) !== -1) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        lines.push(line);
        const entry = JSON.parse(line) as { msg?: string; port?: number; url?: string };
        if (entry.msg === "listening" && typeof entry.port === "number" && typeof entry.url === "string") {
          resolve({ port: entry.port, url: entry.url });
        }
      }
    });
    child.once("exit", (code) => reject(new Error(`the proxy exited with ${code} before listening: ${stderr}`)));
  });
  return {
    child,
    ...listening,
    lines,
    rssBytes() {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      const kib = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
      if (kib === undefined) throw new Error(`no VmRSS in /proc/${child.pid}/status`);
      return Number(kib) * 1024;
    },
    stop(signal = "SIGTERM") {
      return new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once("exit", (code) => resolve(code));
        child.kill(signal);
      });
    },
  };
}
