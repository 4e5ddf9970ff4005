/**
 * `--config FILE`: the workspace YAML file read with lib/core's loader and resolved with its planner, so the mode,
 * bucket, region and the backend's exact S3 settings are the ones the stacks would deploy. Kept apart from
 * sources.ts so the in-workspace bundle (which has the backend's environment instead) carries no YAML or schema code.
 */
import { loadWorkspaceConfig } from "../../lib/core/config.ts";
import { envToRecord } from "../../lib/core/env.ts";
import { planWorkspace, type Target } from "../../lib/core/plan.ts";
import type { DoctorArgs } from "./args.ts";
import { readKeys } from "./credentials.ts";
import { DoctorInputError, showValue, type ConfigIssue } from "./errors.ts";
import { flagsFromEnv } from "./flags.ts";
import type { DoctorInput } from "./run.ts";
import { absolutePath, keysSource, type Env } from "./sources.ts";

/** `--config FILE`: lib/core's loader and planner decide the mode, bucket, region and the backend's settings. */
export function fromConfig(args: DoctorArgs, env: Env, cwd: string): DoctorInput {
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

