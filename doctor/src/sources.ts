/**
 * Where the doctor's target comes from: the command line, a workspace YAML file (through lib/core's loader and
 * planner, so the settings checked are exactly the ones the stacks give the backend), or the Convex backend's own
 * environment. Reads files and the environment; sends nothing.
 */
import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { loadWorkspaceConfig } from "../../lib/core/config.ts";
import { S3_BUCKET_VARIABLES, S3_SELECTION_VARIABLES } from "../../lib/core/backend-env.ts";
import { envToRecord } from "../../lib/core/env.ts";
import { planWorkspace, type Target } from "../../lib/core/plan.ts";
import { BUCKET_NAME, endpointIssues, type DoctorArgs } from "./args.ts";
import { DEFAULT_KEYS_SOURCE, readKeys, type KeysSource } from "./credentials.ts";
import { DoctorInputError, showValue, type ConfigIssue } from "./errors.ts";
import { flagsFromEnv, type FlagWarning } from "./flags.ts";
import type { DoctorInput } from "./run.ts";
import type { Check } from "./types.ts";

type Env = Readonly<Record<string, string | undefined>>;

/** The message `run_backend.sh` prints before it falls back to local storage (and the database locks to it). */
export const LOCAL_FALLBACK_WARNING = "Warning: Some AWS/S3 environment variables are missing. Falling back to local storage.";

/** `~/x` and relative paths made absolute (as the Docker stack resolves a keys file). */
function absolutePath(path: string, cwd: string): string {
  if (path === "~" || path.startsWith("~/")) return resolve(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(cwd, path);
}

function keysSource(args: DoctorArgs, cwd: string): KeysSource {
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

/** `--config FILE`: lib/core's loader and planner decide the mode, bucket, region and the backend's settings. */
function fromConfig(args: DoctorArgs, env: Env, cwd: string): DoctorInput {
  const file = args.config as string;
  const config = loadWorkspaceConfig({ env: { ...env, WORKSPACE_CONFIG: file }, cwd });
  const spec = config.storage.bucket;
  const mode = config.storage.mode;
  if (mode !== "s3" && mode !== "proxied") {
    throw new DoctorInputError([{ field: `${file}: storage.mode`, value: showValue(mode), fix: "the doctor checks the s3 and proxied modes: set storage.mode (or STORAGE_MODE) to the mode you will deploy" }]);
  }
  const dockerOnly = spec?.kind === "minio" || (spec?.kind === "external" && (spec.accessKeyIdEnv !== undefined || spec.credentialsFile !== undefined));
  const target: Target = args.target ?? (dockerOnly ? "docker" : "kubernetes");
  const plan = planWorkspace(config, { target, ...(args.endpoint ? { minioEndpoint: args.endpoint } : target === "docker" ? { minioEndpoint: "http://minio" } : {}) });
  const storage = plan.storage;
  if (storage.mode === "local") throw new Error("unreachable: the mode was checked above");
  const bucketSpec = storage.bucket;
  const issues: ConfigIssue[] = [];
  let endpoint = args.endpoint;
  let bucket = args.bucket;
  if (bucketSpec.kind === "external") {
    endpoint ??= bucketSpec.endpoint.replace(/\/$/, "");
    bucket ??= bucketSpec.bucketName;
  } else if (bucketSpec.kind === "minio") {
    bucket ??= bucketSpec.bucketName;
    if (endpoint === undefined) issues.push({ field: "--endpoint", value: "(not set)", fix: "the workspace's MinIO runs inside its Docker network: pass the URL it is reachable at from here, e.g. --endpoint http://127.0.0.1:9000" });
  } else {
    const why = "Rook generates the claim's bucket: pass --endpoint http://<BUCKET_HOST>:<BUCKET_PORT> and --bucket <BUCKET_NAME> from the claim's ConfigMap, or run the doctor inside the workspace with --backend-env";
    if (endpoint === undefined) issues.push({ field: "--endpoint", value: "(not set)", fix: why });
    if (bucket === undefined) issues.push({ field: "--bucket", value: "(not set)", fix: why });
  }
  if (issues.length > 0) throw new DoctorInputError(issues);
  const keys =
    bucketSpec.kind === "external" && bucketSpec.dockerCredentials && args.keysFile === undefined
      ? readKeys(
          bucketSpec.dockerCredentials.kind === "file"
            ? { kind: "file", path: absolutePath(bucketSpec.dockerCredentials.path, cwd) }
            : { kind: "environment", accessKeyIdVariable: bucketSpec.dockerCredentials.accessKeyIdEnv, secretAccessKeyVariable: bucketSpec.dockerCredentials.secretAccessKeyEnv },
          env,
        )
      : readKeys(keysSource(args, cwd), env);
  const literalEnv = envToRecord(plan.backendEnv);
  const source = `${file} (storage.mode ${mode}, bucket ${bucketSpec.kind}, profile ${bucketSpec.profile})`;
  return {
    endpoint: endpoint as string,
    bucket: bucket as string,
    region: config.storage.region,
    keys,
    requestTimeoutMs: args.timeoutMs,
    proxySse: config.storage.proxy.sse,
    configured: mode === "proxied" ? { source, mode: "proxied" } : { source, mode: "s3", flags: flagsFromEnv(literalEnv).flags },
  };
}

/** The doctor's input from its arguments; throws DoctorInputError (or lib/core's ConfigError) for bad input. */
export function resolveDoctorInput(args: DoctorArgs, env: Env, cwd: string): DoctorInput {
  if (args.backendEnv) return fromBackendEnv(args, env);
  if (args.config !== undefined) return fromConfig(args, env, cwd);
  return fromArguments(args, env, cwd);
}
