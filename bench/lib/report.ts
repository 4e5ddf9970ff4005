/** Markdown output of the proxy benchmark: the results table, the goal check, machine facts, BENCHMARKS.md. */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, release, totalmem } from "node:os";
import { formatNumber, median } from "./stats.ts";

/** The paths a request can take: straight to RGW, or through one of three hops. */
export type Via = "direct" | "tcp" | "http" | "proxy";
/** The hops, in the order the tables show them: TCP relay, HTTP relay, proxy. */
export type Hop = Exclude<Via, "direct">;
export const HOPS: readonly Hop[] = ["tcp", "http", "proxy"];
export const HOP_NAMES: Readonly<Record<Hop, string>> = { tcp: "TCP relay", http: "HTTP relay", proxy: "Proxy" };

/** One measured quantity over several rounds, for every path. */
export interface ResultRow {
  readonly object: string;
  readonly concurrency: number;
  readonly metric: string;
  /** Medians over rounds, by path. */
  readonly medians: Readonly<Record<Via, number>>;
  /** hop / direct of each round (the paths of a round ran back to back), by hop. */
  readonly ratios: Readonly<Record<Hop, readonly number[]>>;
  /** hop - direct of each round, by hop. */
  readonly deltas: Readonly<Record<Hop, readonly number[]>>;
  /** Latencies get "- direct" columns; for throughputs only the ratio matters. */
  readonly kind: "throughput" | "latency";
}

/** Median of the per-round hop / direct ratios. */
export function medianRatio(row: ResultRow, hop: Hop = "proxy"): number {
  return median(row.ratios[hop]);
}

/** Median of the per-round hop - direct differences. */
export function medianDelta(row: ResultRow, hop: Hop = "proxy"): number {
  return median(row.deltas[hop]);
}

export interface GoalCheck {
  readonly goal: string;
  /** The measured value for each hop, formatted, and whether it meets the goal. */
  readonly byHop: Readonly<Record<Hop, { readonly measured: string; readonly met: boolean }>>;
}

const signed = (value: number): string => `${value >= 0 ? "+" : ""}${value.toFixed(3)}`;

export function resultsTable(rows: readonly ResultRow[]): string {
  const lines = [
    `| Object | Concurrency | Metric | Direct | ${HOPS.map((h) => HOP_NAMES[h]).join(" | ")} | ${HOPS.map((h) => `${HOP_NAMES[h]} / direct`).join(" | ")} | (proxy rounds: min - max) | ${HOPS.map((h) => `${HOP_NAMES[h]} - direct`).join(" | ")} |`,
    `|---|---:|---|---:|${HOPS.map(() => "---:").join("|")}|${HOPS.map(() => "---:").join("|")}|---:|${HOPS.map(() => "---:").join("|")}|`,
  ];
  for (const row of rows) {
    const range = `${Math.min(...row.ratios.proxy).toFixed(2)} - ${Math.max(...row.ratios.proxy).toFixed(2)}`;
    const values = HOPS.map((h) => formatNumber(row.medians[h]));
    const ratios = HOPS.map((h) => medianRatio(row, h).toFixed(3));
    const deltas = HOPS.map((h) => (row.kind === "latency" ? signed(medianDelta(row, h)) : ""));
    lines.push(
      `| ${row.object} | ${row.concurrency} | ${row.metric} | ${formatNumber(row.medians.direct)} | ${values.join(" | ")} | ${ratios.join(" | ")} | ${range} | ${deltas.join(" | ")} |`,
    );
  }
  return lines.join("\n");
}

/** Goal, the proxy's measured value, met?, then the same measure for each control (met or not) beside it. */
export function goalsTable(goals: readonly GoalCheck[]): string {
  const controls = HOPS.filter((h) => h !== "proxy");
  const verdict = (met: boolean): string => (met ? "met" : "**not met**");
  return [
    `| Goal | Proxy measured | Met? | ${controls.map((h) => `${HOP_NAMES[h]} (control)`).join(" | ")} |`,
    `|---|---|---|${controls.map(() => "---").join("|")}|`,
    ...goals.map(
      (goal) =>
        `| ${goal.goal} | ${goal.byHop.proxy.measured} | ${verdict(goal.byHop.proxy.met)} | ${controls.map((h) => `${goal.byHop[h].measured} (${verdict(goal.byHop[h].met)})`).join(" | ")} |`,
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

/** Samples the 1-minute load average every `intervalMs` until `stop()`, which summarizes the samples. */
export function sampleLoadAverage(intervalMs = 15_000): { stop(): string } {
  const samples = [loadavg()[0]];
  const timer = setInterval(() => samples.push(loadavg()[0]), intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      samples.push(loadavg()[0]);
      return `during the run min ${Math.min(...samples).toFixed(2)}, median ${median(samples).toFixed(2)}, max ${Math.max(...samples).toFixed(2)} (${samples.length} samples, every ${intervalMs / 1000} s)`;
    },
  };
}

export function machineFacts(
  repoRoot: string,
  cephVersion: string,
  rgwDescription: string,
  loadAtStart: string,
  loadDuringRun?: string,
): MachineFacts {
  const date = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  return {
    date,
    lines: [
      `- Date: ${date}; repository commit ${gitCommit(repoRoot)}`,
      `- CPU: ${availableParallelism()} cores (nproc), ${cpus()[0]?.model ?? "unknown model"}`,
      `- Memory: ${(totalmem() / 1024 ** 3).toFixed(1)} GiB; 1-minute load average ${loadAtStart} at the start, ${loadAverage()} at the end${loadDuringRun === undefined ? "" : `, ${loadDuringRun}`}`,
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
