/**
 * Where the doctor's target comes from: the command line, a workspace YAML file (through lib/core's loader and
 * planner: doctor/src/config-source.ts), or the Convex backend's own environment. Reads files and the
 * environment; sends nothing.
 */
import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { S3_BUCKET_VARIABLES, S3_SELECTION_VARIABLES } from "../../lib/core/backend-env.ts";
import { BUCKET_NAME, endpointIssues, type DoctorArgs } from "./args.ts";
import { DEFAULT_KEYS_SOURCE, readKeys, type KeysSource } from "./credentials.ts";
import { DoctorInputError, showValue, type ConfigIssue } from "./errors.ts";
import { flagsFromEnv, type FlagWarning } from "./flags.ts";
import type { DoctorInput } from "./run.ts";
import type { Check } from "./types.ts";

export type Env = Readonly<Record<string, string | undefined>>;

/** The message `run_backend.sh` prints before it falls back to local storage (and the database locks to it). */
export const LOCAL_FALLBACK_WARNING = "Warning: Some AWS/S3 environment variables are missing. Falling back to local storage.";

/** `~/x` and relative paths made absolute (as the Docker stack resolves a keys file). */
export function absolutePath(path: string, cwd: string): string {
  if (path === "~" || path.startsWith("~/")) return resolve(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(cwd, path);
}

export function keysSource(args: DoctorArgs, cwd: string): KeysSource {
  return args.keysFile !== undefined ? { kind: "file", path: absolutePath(args.keysFile, cwd) } : DEFAULT_KEYS_SOURCE;
}

function warningChecks(warnings: readonly FlagWarning[]): Check[] {
  return warnings.map((w) => ({ id: `flag-${w.variable}`, title: w.variable, status: "warn" as const, detail: `is ${JSON.stringify(w.value)}`, fix: w.fix }));
}

/** `--endpoint URL --bucket NAME` (with `--mode`). */
function fromArguments(args: DoctorArgs, env: Env, cwd: string): DoctorInput {
  return {
    endpoint: args.endpoint as string,
    bucket: args.bucket as string,
    region: args.region ?? (env.AWS_REGION || "us-east-1"),
    keys: readKeys(keysSource(args, cwd), env),
    requestTimeoutMs: args.timeoutMs,
    ...(args.mode ? { configured: { source: `--mode ${args.mode}`, mode: args.mode } } : {}),
  };
}

/** `--backend-env`: exactly what Convex's run_backend.sh and aws_utils read. */
function fromBackendEnv(args: DoctorArgs, env: Env): DoctorInput {
  const set = S3_SELECTION_VARIABLES.filter((name) => (env[name] ?? "") !== "");
  if (set.length === 0) {
    throw new DoctorInputError([
      { field: "--backend-env", value: showValue("AWS_REGION, S3_STORAGE_*_BUCKET not set"), fix: "this environment has no S3 storage (Convex uses local storage): run the doctor in the backend's environment, or give --endpoint and --bucket" },
    ]);
  }
  const checks: Check[] = [];
  if (set.length !== S3_SELECTION_VARIABLES.length) {
    const missing = S3_SELECTION_VARIABLES.filter((name) => !set.includes(name));
    checks.push({
      id: "backend-env",
      title: "Backend S3 environment",
      status: "fail",
      detail: `${set.join(", ")} set but ${missing.join(", ")} missing: Convex prints "${LOCAL_FALLBACK_WARNING}" and the first boot locks the database to local storage`,
      fix: "set AWS_REGION and all five S3_STORAGE_*_BUCKET together (the project's stacks always do)",
    });
  }
  const region = env.AWS_REGION || args.region || "us-east-1";
  const buckets = [...new Set(S3_BUCKET_VARIABLES.map((name) => env[name]).filter((value): value is string => value !== undefined && value !== ""))];
  const bucket = env.S3_STORAGE_FILES_BUCKET || (buckets[0] as string);
  if (buckets.length > 1) {
    checks.push({ id: "buckets", title: "Buckets", status: "warn", detail: `the five S3_STORAGE_*_BUCKET name ${buckets.length} buckets (${buckets.join(", ")}); this run checks ${bucket}`, fix: "run the doctor with --endpoint and --bucket for each of the others" });
  }
  const issues: ConfigIssue[] = [];
  const endpoint = (env.S3_ENDPOINT_URL || `https://s3.${region}.amazonaws.com`).replace(/\/$/, "");
  if (env.S3_ENDPOINT_URL) issues.push(...endpointIssues("S3_ENDPOINT_URL", env.S3_ENDPOINT_URL));
  if (!BUCKET_NAME.test(bucket)) issues.push({ field: "S3_STORAGE_FILES_BUCKET", value: showValue(bucket), fix: "use an S3 bucket name: 3-63 lower-case letters, digits, '.' or '-'" });
  if (issues.length > 0) throw new DoctorInputError(issues);
  const { flags, warnings } = flagsFromEnv(env);
  checks.push(...warningChecks(warnings));
  return {
    endpoint,
    bucket,
    region,
    keys: readKeys(DEFAULT_KEYS_SOURCE, env),
    requestTimeoutMs: args.timeoutMs,
    insideWorkspace: true,
    configChecks: checks,
    configured: { source: `the backend's environment${env.S3_ENDPOINT_URL ? "" : " (no S3_ENDPOINT_URL: AWS S3 itself)"}`, mode: "s3", flags },
  };
}

/** Reads `--config FILE` (doctor/src/config-source.ts; left out of the in-workspace bundle). */
export type ConfigResolver = (args: DoctorArgs, env: Env, cwd: string) => DoctorInput;

/** The doctor's input from its arguments; throws DoctorInputError (or lib/core's ConfigError) for bad input. */
export function resolveDoctorInput(args: DoctorArgs, env: Env, cwd: string, fromConfig?: ConfigResolver): DoctorInput {
  if (args.backendEnv) return fromBackendEnv(args, env);
  if (args.config !== undefined) {
    if (!fromConfig) {
      throw new DoctorInputError([{ field: "--config", value: showValue(args.config), fix: "this build of the doctor reads no YAML file: use --backend-env here, or npm run doctor -- --config FILE in the repository" }]);
    }
    return fromConfig(args, env, cwd);
  }
  return fromArguments(args, env, cwd);
}
