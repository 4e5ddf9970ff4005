/**
 * Convex's S3 settings, as the backend reads them from its environment (get-convex/convex-backend
 * `crates/aws_utils/src/lib.rs`, and aws-config for the two checksum settings; see
 * /work/shared/facts/convex-backend.md sections 4 and 6). Pure: no I/O.
 */
import type { ChecksumMode } from "./convex-s3-sequence.ts";

/** One combination of Convex's S3 settings. */
export interface ConvexFlags {
  /** AWS_S3_FORCE_PATH_STYLE=true: `endpoint/bucket/key` instead of `bucket.endpoint/key`. */
  readonly forcePathStyle: boolean;
  /** AWS_S3_DISABLE_SSE=true: no `x-amz-server-side-encryption: AES256` on CreateMultipartUpload. */
  readonly disableSse: boolean;
  /** AWS_S3_DISABLE_CHECKSUMS=true: no CRC32 requested on uploads, none required back. */
  readonly disableChecksums: boolean;
  /** AWS_S3_DISABLE_RANGE_PREFETCH=true: no size-learning ranged GET. */
  readonly disableRangePrefetch: boolean;
  /** AWS_REQUEST_CHECKSUM_CALCULATION (the SDK's own checksums on requests). */
  readonly requestChecksumCalculation: ChecksumMode;
  /** AWS_RESPONSE_CHECKSUM_VALIDATION (the SDK's check of checksums in responses). */
  readonly responseChecksumValidation: ChecksumMode;
}

/** What Convex does with none of the variables set. */
export const CONVEX_DEFAULT_FLAGS: ConvexFlags = {
  forcePathStyle: false,
  disableSse: false,
  disableChecksums: false,
  disableRangePrefetch: false,
  requestChecksumCalculation: "WHEN_SUPPORTED",
  responseChecksumValidation: "WHEN_SUPPORTED",
};

/** The boolean flags, with the variable each is read from. */
export const BOOLEAN_FLAG_VARIABLES = {
  forcePathStyle: "AWS_S3_FORCE_PATH_STYLE",
  disableSse: "AWS_S3_DISABLE_SSE",
  disableChecksums: "AWS_S3_DISABLE_CHECKSUMS",
  disableRangePrefetch: "AWS_S3_DISABLE_RANGE_PREFETCH",
} as const satisfies Partial<Record<keyof ConvexFlags, string>>;

/** The SDK checksum settings, with their variables. */
export const CHECKSUM_MODE_VARIABLES = {
  requestChecksumCalculation: "AWS_REQUEST_CHECKSUM_CALCULATION",
  responseChecksumValidation: "AWS_RESPONSE_CHECKSUM_VALIDATION",
} as const satisfies Partial<Record<keyof ConvexFlags, string>>;

/** Every variable the doctor models, in the order they are printed. */
export const FLAG_VARIABLES: readonly string[] = [...Object.values(BOOLEAN_FLAG_VARIABLES), ...Object.values(CHECKSUM_MODE_VARIABLES)];

/**
 * The environment lines that give `flags`: only what differs from Convex's defaults, booleans as the literal
 * `true` (Convex reads them with Rust's `bool::from_str`: `1`, `yes` or `TRUE` stay false).
 */
export function flagsToEnv(flags: ConvexFlags): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [field, variable] of Object.entries(BOOLEAN_FLAG_VARIABLES) as [keyof typeof BOOLEAN_FLAG_VARIABLES, string][]) {
    if (flags[field]) env[variable] = "true";
  }
  for (const [field, variable] of Object.entries(CHECKSUM_MODE_VARIABLES) as [keyof typeof CHECKSUM_MODE_VARIABLES, string][]) {
    if (flags[field] !== CONVEX_DEFAULT_FLAGS[field]) env[variable] = flags[field];
  }
  return env;
}

/** `AWS_S3_DISABLE_SSE=true AWS_S3_DISABLE_CHECKSUMS=true`, or `Convex's defaults (no flag)`. */
export function describeFlags(flags: ConvexFlags): string {
  const lines = Object.entries(flagsToEnv(flags)).map(([name, value]) => `${name}=${value}`);
  return lines.length === 0 ? "Convex's defaults (no flag)" : lines.join(" ");
}

/** The variables set in `target` that `base` lacks (or sets differently): what a failing combination is missing. */
export function flagsMissing(base: ConvexFlags, target: ConvexFlags): string[] {
  const have = flagsToEnv(base);
  return Object.entries(flagsToEnv(target))
    .filter(([name, value]) => have[name] !== value)
    .map(([name, value]) => `${name}=${value}`);
}

/** A flag value Convex would read differently from what its author probably meant. */
export interface FlagWarning {
  readonly variable: string;
  readonly value: string;
  readonly fix: string;
}

/**
 * Convex's flags as the backend would read `env`: booleans on only for the exact string `true`, checksum modes
 * `WHEN_SUPPORTED` or `WHEN_REQUIRED` (aws-config accepts them in any case). Values that look meant but are
 * read otherwise are returned as warnings.
 */
export function flagsFromEnv(env: Readonly<Record<string, string | undefined>>): { flags: ConvexFlags; warnings: FlagWarning[] } {
  const warnings: FlagWarning[] = [];
  const flags: { -readonly [K in keyof ConvexFlags]: ConvexFlags[K] } = { ...CONVEX_DEFAULT_FLAGS };
  for (const [field, variable] of Object.entries(BOOLEAN_FLAG_VARIABLES) as [keyof typeof BOOLEAN_FLAG_VARIABLES, string][]) {
    const value = env[variable];
    if (value === undefined || value === "") continue;
    flags[field] = value === "true";
    if (value !== "true" && value !== "false") {
      warnings.push({ variable, value, fix: `Convex reads only the exact string "true" as on (Rust bool::from_str): ${JSON.stringify(value)} leaves it off; write true or false` });
    }
  }
  for (const [field, variable] of Object.entries(CHECKSUM_MODE_VARIABLES) as [keyof typeof CHECKSUM_MODE_VARIABLES, string][]) {
    const value = env[variable];
    if (value === undefined || value === "") continue;
    const upper = value.toUpperCase();
    if (upper === "WHEN_SUPPORTED" || upper === "WHEN_REQUIRED") {
      flags[field] = upper;
    } else {
      warnings.push({ variable, value, fix: "use WHEN_SUPPORTED or WHEN_REQUIRED (the AWS SDK rejects anything else)" });
    }
  }
  return { flags, warnings };
}

/** True when both name the same settings. */
export function sameFlags(a: ConvexFlags, b: ConvexFlags): boolean {
  return describeFlags(a) === describeFlags(b);
}

/** How many settings differ from Convex's defaults: the simpler combination wins a tie. */
export function flagCount(flags: ConvexFlags): number {
  return Object.keys(flagsToEnv(flags)).length;
}
