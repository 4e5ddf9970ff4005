/** Markdown output of the proxy benchmark: the results table, the goal check, machine facts, BENCHMARKS.md. */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, release, totalmem } from "node:os";
import { formatNumber, median } from "./stats.ts";

/** One measured quantity over several rounds: direct, through the bare TCP relay, and through the proxy. */
export interface ResultRow {
  readonly object: string;
  readonly concurrency: number;
  readonly metric: string;
  /** Median over rounds. */
  readonly direct: number;
  /** Median over rounds. */
  readonly relay: number;
  /** Median over rounds. */
  readonly proxy: number;
  /** relay / direct of each round. */
  readonly relayRatios: readonly number[];
  /** relay - direct of each round. */
  readonly relayDeltas: readonly number[];
  /** proxy / direct of each round (the two measurements of a round ran back to back). */
  readonly ratios: readonly number[];
  /** proxy - direct of each round. */
  readonly deltas: readonly number[];
  /** Latencies get a "proxy - direct" column; throughputs only the ratio matters. */
  readonly kind: "throughput" | "latency";
}

/** Median of the per-round proxy / direct ratios. */
export function medianRatio(row: ResultRow): number {
  return median(row.ratios);
}

/** Median of the per-round proxy - direct differences. */
export function medianDelta(row: ResultRow): number {
  return median(row.deltas);
}

export interface GoalCheck {
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean;
  /** The same quantity for the bare TCP relay: what any extra hop costs on this machine. */
  readonly relay: string;
  readonly relayMet: boolean;
}

export function resultsTable(rows: readonly ResultRow[]): string {
  const lines = [
    "| Object | Concurrency | Metric | Direct | Relay | Proxy | Relay / direct | Proxy / direct | (rounds: min - max) | Relay - direct | Proxy - direct |",
    "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const row of rows) {
    const ratio = medianRatio(row).toFixed(3);
    const range = `${Math.min(...row.ratios).toFixed(2)} - ${Math.max(...row.ratios).toFixed(2)}`;
    const signed = (value: number): string => `${value >= 0 ? "+" : ""}${value.toFixed(3)}`;
    const delta = row.kind === "latency" ? signed(medianDelta(row)) : "";
    const relayDelta = row.kind === "latency" ? signed(median(row.relayDeltas)) : "";
    lines.push(
      `| ${row.object} | ${row.concurrency} | ${row.metric} | ${formatNumber(row.direct)} | ${formatNumber(row.relay)} | ${formatNumber(row.proxy)} | ` +
        `${median(row.relayRatios).toFixed(3)} | ${ratio} | ${range} | ${relayDelta} | ${delta} |`,
    );
  }
  return lines.join("\n");
}

export function goalsTable(goals: readonly GoalCheck[]): string {
  return [
    "| Goal | Proxy | Met | Bare TCP relay (floor) | Relay meets it |",
    "|---|---|---|---|---|",
    ...goals.map(
      (goal) => `| ${goal.goal} | ${goal.measured} | ${goal.met ? "yes" : "**no**"} | ${goal.relay} | ${goal.relayMet ? "yes" : "no"} |`,
    ),
  ].join("\n");
}

function osName(): string {
  try {
    const text = readFileSync("/etc/os-release", "utf8");
    return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text)?.[1] ?? "unknown";
  } catch {
    return "unknown";
  }
}

function gitCommit(repoRoot: string): string {
  try {
    return execFileSync("git", ["-C", repoRoot, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

export interface MachineFacts {
  readonly date: string;
  readonly lines: readonly string[];
}

/** 1-minute load average, e.g. "0.52". */
export function loadAverage(): string {
  return loadavg()[0].toFixed(2);
}

export function machineFacts(repoRoot: string, cephVersion: string, rgwDescription: string, loadAtStart: string): MachineFacts {
  const date = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  return {
    date,
    lines: [
      `- Date: ${date}; repository commit ${gitCommit(repoRoot)}`,
      `- CPU: ${availableParallelism()} cores (nproc), ${cpus()[0]?.model ?? "unknown model"}`,
      `- Memory: ${(totalmem() / 1024 ** 3).toFixed(1)} GiB; 1-minute load average ${loadAtStart} at the start, ${loadAverage()} at the end`,
      `- OS: ${osName()}, kernel ${release()}`,
      `- Node ${process.version}`,
      `- Ceph ${cephVersion} RGW (beast), memstore OSD, everything on 127.0.0.1: ${rgwDescription}`,
    ],
  };
}

const RUN_MARKER = "<!-- bench-run -->";
const KEEP_RUNS = 5;

/**
 * Writes BENCHMARKS.md: a fixed header, then this run first, then up to KEEP_RUNS - 1 earlier runs kept from
 * the existing file.
 */
export function writeBenchmarksFile(path: string, header: string, run: string): void {
  const previous = existsSync(path) ? readFileSync(path, "utf8").split(RUN_MARKER).slice(1) : [];
  const runs = [`\n${run.trim()}\n\n`, ...previous].slice(0, KEEP_RUNS);
  writeFileSync(path, `${header.trim()}\n\n${runs.map((r) => `${RUN_MARKER}${r}`).join("")}`.trimEnd() + "\n");
}
