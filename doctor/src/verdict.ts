/**
 * From what the checks and replays found to what a user should do: which modes work (`s3` with which settings,
 * `proxied`), what each failing combination lacks with the error Convex would log, and whether the configured
 * mode will work (the exit status). Pure: no I/O.
 */
import { EXIT_FAILS, EXIT_OK } from "./errors.ts";
import { describeFlags, flagCount, flagsMissing, flagsToEnv, type ConvexFlags } from "./flags.ts";
import type { Check, ConfiguredVerdict, ModeVerdict, SequenceRun, Verdict } from "./types.ts";

/** What the user configured, before it is judged. */
export interface ConfiguredMode {
  readonly source: string;
  readonly mode: "s3" | "proxied";
  /** s3 only: the exact settings; absent when any working combination counts. */
  readonly flags?: ConvexFlags;
}

export interface VerdictInput {
  /** The first check that stopped the replays (DNS, TCP, TLS, keys, bucket), if any. */
  readonly blocking?: Check;
  /** One replay per combination (small object). */
  readonly matrix: readonly SequenceRun[];
  /** The simplest working combination replayed again with a multipart and an empty object. */
  readonly confirmation?: SequenceRun;
  /** Convex's defaults through the project's proxy; absent with `proxiedSkipped`. */
  readonly proxied?: SequenceRun;
  readonly proxiedSkipped?: string;
  readonly configured?: ConfiguredMode;
  /** A problem of the configuration itself (e.g. a partial S3 environment): the configured mode cannot work. */
  readonly configFailure?: Check;
  /** The configured s3 settings replayed with every object size (always run when s3 settings are configured). */
  readonly configuredRun?: SequenceRun;
}

/** The simplest working combination: fewest settings changed from Convex's defaults, first in matrix order. */
export function simplestWorking(runs: readonly SequenceRun[]): SequenceRun | undefined {
  let best: SequenceRun | undefined;
  for (const run of runs) if (run.ok && (best === undefined || flagCount(run.flags) < flagCount(best.flags))) best = run;
  return best;
}

function failingList(runs: readonly SequenceRun[], recommended: ConvexFlags | undefined): ModeVerdict["failing"] {
  return runs
    .filter((run) => !run.ok && run.failure)
    .map((run) => ({
      label: run.label,
      missing: recommended ? flagsMissing(run.flags, recommended) : [],
      step: run.failure?.step ?? "",
      convexError: run.failure?.convexError ?? "",
    }));
}

function releaseNote(flags: ConvexFlags): string {
  if (flags.disableRangePrefetch) return " (AWS_S3_DISABLE_RANGE_PREFETCH needs a Convex release from 2026-07-17 on)";
  if (flags.disableChecksums) return " (needs a Convex release from 2025-10-15 on; older ones ignore AWS_S3_DISABLE_CHECKSUMS in part: use proxied)";
  return "";
}

function s3Verdict(input: VerdictInput): ModeVerdict {
  const best = simplestWorking(input.matrix);
  const defaults = input.matrix[0];
  const defaultsFail = defaults && !defaults.ok && defaults.failure ? `; Convex's defaults fail at ${defaults.failure.step}: ${defaults.failure.convexError}` : "";
  if (!best) {
    const first = input.matrix.find((run) => run.failure);
    return {
      mode: "s3",
      works: false,
      summary: `s3 does not work with any combination of Convex's settings${first?.failure ? ` (e.g. ${first.label} fails at ${first.failure.step}: ${first.failure.convexError})` : ""}`,
      failing: failingList(input.matrix, undefined),
    };
  }
  if (input.confirmation && !input.confirmation.ok && input.confirmation.failure) {
    return {
      mode: "s3",
      works: false,
      flags: best.flags,
      summary: `s3 with ${describeFlags(best.flags)} stores a small file, but not a multipart or empty one: ${input.confirmation.failure.step}: ${input.confirmation.failure.convexError}`,
      failing: failingList([...input.matrix, input.confirmation], undefined),
    };
  }
  return {
    mode: "s3",
    works: true,
    flags: best.flags,
    env: flagsToEnv(best.flags),
    summary: `s3 works with ${describeFlags(best.flags)}${releaseNote(best.flags)}${defaultsFail}`,
    failing: failingList(input.matrix, best.flags),
  };
}

function proxiedVerdict(input: VerdictInput): ModeVerdict {
  if (!input.proxied) {
    return { mode: "proxied", works: false, summary: `proxied was not tested: ${input.proxiedSkipped ?? "no reason given"}`, failing: [] };
  }
  const run = input.proxied;
  if (!run.ok) {
    return {
      mode: "proxied",
      works: false,
      summary: `proxied fails: through the project's S3 proxy, ${run.failure?.step} fails: ${run.failure?.convexError} (${run.failure?.cause})`,
      failing: failingList([run], undefined),
    };
  }
  return {
    mode: "proxied",
    works: true,
    flags: run.flags,
    env: { S3_ENDPOINT_URL: "<the workspace's S3 proxy>", ...flagsToEnv(run.flags) },
    summary: "proxied works: Convex's defaults (SSE AES256, CRC32) succeed through the project's S3 proxy in front of this endpoint",
    failing: [],
  };
}

function judgeConfigured(input: VerdictInput, s3: ModeVerdict, proxied: ModeVerdict): ConfiguredVerdict | undefined {
  const configured = input.configured;
  if (!configured) return undefined;
  if (configured.mode === "proxied") {
    return { source: configured.source, mode: "proxied", works: proxied.works, summary: proxied.works ? "proxied will work" : `proxied will NOT work: ${proxied.summary}` };
  }
  if (!configured.flags) {
    return { source: configured.source, mode: "s3", works: s3.works, summary: s3.works ? `s3 will work with ${describeFlags(s3.flags as ConvexFlags)}` : `s3 will NOT work: ${s3.summary}` };
  }
  const flags = configured.flags;
  const shown = describeFlags(flags);
  const run = input.configuredRun;
  if (!run) return { source: configured.source, mode: "s3", flags, works: false, summary: `s3 with ${shown} was not replayed` };
  if (run.ok) return { source: configured.source, mode: "s3", flags, works: true, summary: `s3 with ${shown} will work` };
  const missing = s3.works && s3.flags ? flagsMissing(flags, s3.flags) : [];
  const fix = missing.length > 0 ? `; add ${missing.join(" ")}${proxied.works ? ", or use proxied" : ""}` : proxied.works ? "; use proxied" : "";
  return {
    source: configured.source,
    mode: "s3",
    flags,
    works: false,
    summary: `s3 with ${shown} will NOT work: ${run.failure ? `${run.failure.step}: ${run.failure.convexError}` : "failed"}${fix}`,
  };
}

/** The verdict. */
export function decideVerdict(input: VerdictInput): Verdict {
  if (input.blocking) {
    const reason = `${input.blocking.title}: ${input.blocking.detail}`;
    const untested = (mode: "s3" | "proxied"): ModeVerdict => ({ mode, works: false, summary: `${mode} not tested: ${reason}`, failing: [] });
    const configured = input.configured
      ? { source: input.configured.source, mode: input.configured.mode, ...(input.configured.flags ? { flags: input.configured.flags } : {}), works: false, summary: `will NOT work: ${reason}` }
      : undefined;
    return {
      status: "fail",
      summary: `${reason}${input.blocking.fix ? `. Fix: ${input.blocking.fix}` : ""}`,
      modes: [untested("s3"), untested("proxied")],
      ...(configured ? { configured } : {}),
      exitCode: EXIT_FAILS,
    };
  }
  const s3 = s3Verdict(input);
  const proxied = proxiedVerdict(input);
  const judged = judgeConfigured(input, s3, proxied);
  const configured =
    judged && input.configFailure ? { ...judged, works: false, summary: `will NOT work: ${input.configFailure.title}: ${input.configFailure.detail}` } : judged;
  const works = configured ? configured.works : s3.works || proxied.works;
  let summary: string;
  if (configured) {
    summary = `Configured (${configured.source}): ${configured.summary}`;
  } else if (s3.works && proxied.works) {
    summary = `Use s3 with ${describeFlags(s3.flags as ConvexFlags)}, or proxied`;
  } else if (proxied.works) {
    summary = `Use proxied: ${s3.summary}`;
  } else if (s3.works) {
    summary = `Use s3 with ${describeFlags(s3.flags as ConvexFlags)}: ${proxied.summary}`;
  } else {
    summary = `Neither mode works: ${s3.summary}; ${proxied.summary}`;
  }
  return {
    status: works ? "ok" : "fail",
    summary,
    modes: [s3, proxied],
    ...(configured ? { configured } : {}),
    exitCode: works ? EXIT_OK : EXIT_FAILS,
  };
}
