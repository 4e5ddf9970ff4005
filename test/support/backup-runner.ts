/**
 * Runs the backup runner the way its containers do: the bundle (backup/bundle.ts) written to a file and started by
 * the pinned image's Node version (test/support/pinned-node.ts) with the container's options, plus the SQLite
 * fixtures (test/fixtures/backup) under the same Node.
 */
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Readable, Writable } from "node:stream";
import { BACKUP_BUNDLE_FILE, BACKUP_NODE_OPTIONS, backupBundle, backupCommand } from "../../backup/bundle.ts";
import { pinnedNode } from "./pinned-node.ts";

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Writes the bundle into `dir` (as the ConfigMap mount holds it) and returns the directory. */
export function writeBundle(dir: string): string {
  writeFileSync(join(dir, BACKUP_BUNDLE_FILE), backupBundle());
  return dir;
}

/** The `node` user of the official Node images, which the CronJob runs as: it can only read the data volume. */
export const NODE_USER = 1000;

/**
 * One run of `node ... convex-backup.mjs <command>` with only `env` (and PATH) in its environment, optionally as
 * another user (e.g. NODE_USER, to read the data directory the way the CronJob's read-only mount allows).
 */
export function runRunner(bundleDir: string, command: "backup" | "restore", env: Record<string, string>, options: { uid?: number; timeoutMs?: number } = {}): Promise<Finished> {
  const [, ...args] = backupCommand(command, bundleDir);
  return runNode(args, env, options.timeoutMs ?? 120_000, options.uid);
}

/** Runs a fixture script (test/fixtures/backup/<name>) to completion. */
export function runFixture(name: string, args: string[], timeoutMs = 60_000): Promise<Finished> {
  return runNode([...BACKUP_NODE_OPTIONS, fixture(name), ...args], {}, timeoutMs, undefined);
}

/** Runs an ES module given as text under the pinned Node (node:sqlite available). */
export function runNodeScript(source: string, timeoutMs = 600_000): Promise<Finished> {
  return runNode([...BACKUP_NODE_OPTIONS, "--input-type=module", "-e", source], {}, timeoutMs, undefined);
}

/** Starts the runner's long-running `schedule` command (the Docker container's) as `uid`. */
export function startRunner(bundleDir: string, env: Record<string, string>, uid: number): ChildProcessByStdio<Writable, Readable, Readable> {
  const [, ...args] = backupCommand("schedule", bundleDir);
  return spawn(pinnedNode(), args, { stdio: ["pipe", "pipe", "pipe"], env: { PATH: process.env.PATH ?? "", ...env }, uid, gid: uid });
}

/** Starts a fixture that runs until its stdin is closed. */
export function startFixture(name: string, args: string[]): ChildProcessByStdio<Writable, Readable, Readable> {
  return spawn(pinnedNode(), [...BACKUP_NODE_OPTIONS, fixture(name), ...args], { stdio: ["pipe", "pipe", "pipe"], env: { PATH: process.env.PATH ?? "" } });
}

function fixture(name: string): string {
  return resolve("test/fixtures/backup", name);
}

function runNode(args: string[], env: Record<string, string>, timeoutMs: number, uid: number | undefined): Promise<Finished> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(pinnedNode(), args, { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"], ...(uid === undefined ? {} : { uid, gid: uid }) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`node ${args.join(" ")} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once("error", reject);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, ms: Math.round(performance.now() - started) });
    });
  });
}
