/**
 * Replays Convex's S3 sequence (doctor/src/convex-s3-sequence.ts) with one combination of Convex's settings, for
 * each object size asked, in the scratch prefix; and lists the combinations Convex offers.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { Agent } from "node:http";
import { CONVEX_RANGE_PROBE_BYTES, runConvexS3Sequence, type ConvexS3StepEvent } from "./convex-s3-sequence.ts";
import { runFailure } from "./convex-errors.ts";
import { describeFlags, type ConvexFlags } from "./flags.ts";
import type { Keys } from "./credentials.ts";
import type { SequenceRun } from "./types.ts";

/** Where and as whom the replays run. */
export interface ReplayTarget {
  readonly endpoint: string;
  readonly region: string;
  readonly bucket: string;
  readonly keys: Keys;
  /** Every key written starts with it. */
  readonly prefix: string;
  readonly requestTimeoutMs: number;
  /** @default - the SDK's own agent */
  readonly agent?: Agent;
}

export interface ReplayOptions {
  readonly label: string;
  readonly mode: "s3" | "proxied";
  readonly flags: ConvexFlags;
  /** One replay per size, in order; the run stops at the first failure. */
  readonly objectSizes: readonly number[];
}

/** Runs the replays of one combination; never throws for what the endpoint answers. */
export async function replay(target: ReplayTarget, options: ReplayOptions): Promise<SequenceRun> {
  const started = performance.now();
  const steps: ConvexS3StepEvent[] = [];
  const { flags } = options;
  const slug = `run-${randomBytes(4).toString("hex")}`;
  for (const size of options.objectSizes) {
    const before = steps.length;
    try {
      await runConvexS3Sequence({
        target: {
          endpoint: target.endpoint,
          region: target.region,
          accessKeyId: target.keys.accessKeyId,
          secretAccessKey: target.keys.secretAccessKey,
          ...(target.keys.sessionToken ? { sessionToken: target.keys.sessionToken } : {}),
          forcePathStyle: flags.forcePathStyle,
          requestChecksumCalculation: flags.requestChecksumCalculation,
          responseChecksumValidation: flags.responseChecksumValidation,
          requestTimeoutMs: target.requestTimeoutMs,
          ...(target.agent ? { agent: target.agent } : {}),
        },
        bucket: target.bucket,
        key: `${target.prefix}${slug}/${size}`,
        body: randomBytes(size),
        disableSse: flags.disableSse,
        disableChecksums: flags.disableChecksums,
        disableRangePrefetch: flags.disableRangePrefetch,
        rangeProbeBytes: CONVEX_RANGE_PROBE_BYTES,
        onStep: (event) => steps.push(size === options.objectSizes[0] ? event : { ...event, step: `${event.step} [${formatSize(size)}]` }),
      });
    } catch (error) {
      const failed = steps.slice(before).find((event) => !event.ok);
      const failure = failed
        ? { step: failed.step, code: failed.code ?? "Error", ...(failed.httpStatus ? { httpStatus: failed.httpStatus } : {}), ...(failed.message ? { message: failed.message } : {}) }
        : { step: "(sequence)", code: "ConvexError", message: (error as Error).message };
      return { label: options.label, mode: options.mode, flags, objectSizes: options.objectSizes, ok: false, steps, failure: runFailure(failure, flags, options.mode), ms: performance.now() - started };
    }
  }
  return { label: options.label, mode: options.mode, flags, objectSizes: options.objectSizes, ok: true, steps, ms: performance.now() - started };
}

/** `100 B`, `5 MiB + 1 KiB`. */
export function formatSize(bytes: number): string {
  const mib = Math.floor(bytes / (1024 * 1024));
  const rest = bytes - mib * 1024 * 1024;
  const restText = rest === 0 ? "" : rest % 1024 === 0 ? `${rest / 1024} KiB` : `${rest} B`;
  if (mib === 0) return restText === "" ? "0 B" : restText;
  return restText === "" ? `${mib} MiB` : `${mib} MiB + ${restText}`;
}

/**
 * The combinations the matrix runs: AWS_S3_DISABLE_SSE x AWS_S3_DISABLE_CHECKSUMS x AWS_REQUEST_CHECKSUM_CALCULATION,
 * on top of `base` (addressing and range prefetch, which their own probes decide). Convex's defaults first.
 */
export function flagCombinations(base: ConvexFlags): ConvexFlags[] {
  const out: ConvexFlags[] = [];
  for (const disableSse of [false, true]) {
    for (const disableChecksums of [false, true]) {
      for (const requestChecksumCalculation of ["WHEN_SUPPORTED", "WHEN_REQUIRED"] as const) {
        out.push({ ...base, disableSse, disableChecksums, requestChecksumCalculation });
      }
    }
  }
  return out;
}

/** `s3: AWS_S3_DISABLE_SSE=true` */
export function s3Label(flags: ConvexFlags): string {
  return `s3: ${describeFlags(flags)}`;
}
