/**
 * The doctor's report: what every check and every replay of Convex's S3 sequence found, and the verdict. This is
 * also the `--json` output (stable field names; `version` changes when they do).
 */
import type { ConvexS3StepEvent } from "./convex-s3-sequence.ts";
import type { ConvexFlags } from "./flags.ts";

export type CheckStatus = "ok" | "warn" | "fail" | "skip";

/** Reachability, addressing, integrity and housekeeping checks, one line each in the report. */
export interface Check {
  /** Stable id, e.g. `dns`, `tls`, `clock`, `path-style`, `crc32-verified`. */
  readonly id: string;
  readonly title: string;
  readonly status: CheckStatus;
  /** What the endpoint answered. */
  readonly detail: string;
  /** What to do, for `warn` and `fail`. */
  readonly fix?: string;
}

/** How a replay went wrong, and what Convex itself would log at that point. */
export interface RunFailure {
  readonly step: string;
  readonly httpStatus?: number;
  /** S3 error code, `ConvexError` for a check Convex makes on an answer, or a system code (ECONNREFUSED, ...). */
  readonly code: string;
  readonly message?: string;
  /** The error line Convex would log (see doctor/src/convex-errors.ts). */
  readonly convexError: string;
  /** Why, in a sentence, and what changes it. */
  readonly cause: string;
}

/** One replay of Convex's sequence with one combination of settings. */
export interface SequenceRun {
  /** e.g. `s3: AWS_S3_DISABLE_SSE=true`, `proxied: Convex's defaults`. */
  readonly label: string;
  readonly mode: "s3" | "proxied";
  readonly flags: ConvexFlags;
  /** Sizes of the objects written, in bytes (one replay each). */
  readonly objectSizes: readonly number[];
  readonly ok: boolean;
  readonly steps: readonly ConvexS3StepEvent[];
  readonly failure?: RunFailure;
  readonly ms: number;
}

/** Whether one storage mode will work, and how. */
export interface ModeVerdict {
  readonly mode: "s3" | "proxied";
  readonly works: boolean;
  /** The settings to use (s3: the simplest combination that worked; proxied: what the backend gets). */
  readonly flags?: ConvexFlags;
  /** The backend environment lines for those settings. */
  readonly env?: Readonly<Record<string, string>>;
  /** One sentence for people. */
  readonly summary: string;
  /** Per failing combination: its label, what it lacks, and Convex's error. */
  readonly failing: readonly { readonly label: string; readonly missing: readonly string[]; readonly step: string; readonly convexError: string }[];
}

/** What the user configured (`--config`, `--backend-env` or `--mode`), and whether it will work. */
export interface ConfiguredVerdict {
  /** Where the configuration came from, e.g. `config/alice.yaml (storage.mode s3, profile rgw)`. */
  readonly source: string;
  readonly mode: "s3" | "proxied";
  /** For s3: the exact settings configured; absent when any working s3 combination counts (`--mode s3`). */
  readonly flags?: ConvexFlags;
  readonly works: boolean;
  readonly summary: string;
}

export interface Verdict {
  /** `ok` when the configured mode (or, with none configured, some mode) will work. */
  readonly status: "ok" | "fail";
  /** The headline: what to do. */
  readonly summary: string;
  readonly modes: readonly ModeVerdict[];
  readonly configured?: ConfiguredVerdict;
  readonly exitCode: number;
}

export interface DoctorReport {
  readonly version: 1;
  readonly endpoint: string;
  readonly bucket: string;
  readonly region: string;
  /** Every object the doctor wrote was under this prefix, and it was emptied at the end. */
  readonly scratchPrefix: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly checks: readonly Check[];
  readonly runs: readonly SequenceRun[];
  readonly verdict: Verdict;
}
