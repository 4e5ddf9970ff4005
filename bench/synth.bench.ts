/**
 * Synthesis time of the workspace-kubernetes stack, whole process, as a user runs it:
 * `npx cdktf synth` (CLI + app) and, in the same run, the app alone (`node scripts/synth-app.mjs`, the command cdktf.json runs).
 * Runs each several times, interleaved, and prints medians and their ratio.
 *
 *   npm run bench:synth            # 7 rounds, STORAGE_MODE=s3
 *   ROUNDS=11 STORAGE_MODE=proxied npm run bench:synth
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const rounds = Number(process.env.ROUNDS ?? 7);
const env = { ...process.env, CHECKPOINT_DISABLE: "1", CI: "true", STORAGE_MODE: process.env.STORAGE_MODE ?? "s3", WORKSPACE_NAME: "bench" };

function timed(command: string, args: string[]): number {
  const outdir = mkdtempSync(join(tmpdir(), "synth-bench-"));
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: root, env: { ...env, CDKTF_OUTDIR: outdir }, encoding: "utf8", timeout: 120_000 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${result.stderr}`);
  return ms;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

const cli: number[] = [];
const app: number[] = [];
for (let i = 0; i < rounds; i++) {
  cli.push(timed("npx", ["cdktf", "synth", "--output", mkdtempSync(join(tmpdir(), "synth-bench-"))]));
  app.push(timed("node", ["scripts/synth-app.mjs"]));
}
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(`machine: ${cpus().length} cores, node ${process.version}, STORAGE_MODE=${env.STORAGE_MODE}, ${rounds} rounds`);
console.log("| command | median | min | max |");
console.log("| --- | --- | --- | --- |");
console.log(`| npx cdktf synth | ${fmt(median(cli))} | ${fmt(Math.min(...cli))} | ${fmt(Math.max(...cli))} |`);
console.log(`| node scripts/synth-app.mjs (app only) | ${fmt(median(app))} | ${fmt(Math.min(...app))} | ${fmt(Math.max(...app))} |`);
console.log(`CLI overhead: ${fmt(median(cli) - median(app))}; app share of the CLI run: ${(median(app) / median(cli)).toFixed(2)}`);
