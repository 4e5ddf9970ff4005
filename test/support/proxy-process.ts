/**
 * Builds the bundled proxy (scripts/build-proxy.mjs, into a temporary directory) and runs it as a child process, the way the Kubernetes and Docker constructs do
 * (`node s3-proxy.mjs` with S3PROXY_* variables), and reads its port from the "listening" log line.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface BuiltBundle {
  readonly status: number | null;
  readonly output: string;
  /** The bundle, in a temporary directory of its own (never dist/ in the checkout). */
  readonly path: string;
  /** Deletes the temporary directory. */
  remove(): void;
}

/** Runs scripts/build-proxy.mjs with `--outfile` in a fresh temporary directory. */
export function buildBundle(): BuiltBundle {
  const dir = mkdtempSync(path.join(tmpdir(), "s3-proxy-bundle-"));
  const outfile = path.join(dir, "s3-proxy.mjs");
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, "scripts", "build-proxy.mjs"), "--outfile", outfile], { cwd: REPO_ROOT, encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}${result.stderr}`, path: outfile, remove: () => rmSync(dir, { recursive: true, force: true }) };
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

/** Starts the bundle at `bundlePath` (from `buildBundle`) with `env` (S3PROXY_LISTEN defaults to 127.0.0.1:0). */
export async function startProxyProcess(bundlePath: string, env: Record<string, string>): Promise<ProxyProcess> {
  const child = spawn(process.execPath, [bundlePath], {
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
