/**
 * The doctor's command line. Every problem is collected and reported at once, naming the flag, the value and the
 * fix. Pure: parses `argv`, reads nothing else.
 */
import { parseArgs } from "node:util";
import { DoctorInputError, showValue, type ConfigIssue } from "./errors.ts";
import { DEFAULT_REQUEST_TIMEOUT_MS } from "./convex-s3-sequence.ts";

export const USAGE = `Usage: npm run doctor -- [source] [options]

Tells you which storage mode (s3 with which Convex settings, or proxied) your S3 endpoint needs, by replaying
Convex's exact S3 requests against it in a scratch prefix it cleans up.

Source (one of):
  --endpoint URL --bucket NAME   an endpoint and an existing bucket; keys from AWS_ACCESS_KEY_ID and
                                 AWS_SECRET_ACCESS_KEY (optional AWS_SESSION_TOKEN) or --keys-file
  --config FILE                  a workspace YAML file (config/workspace.example.yaml format): its storage mode,
                                 bucket, region and the exact settings the stacks give the backend
                                 (an ObjectBucketClaim bucket also needs --endpoint and --bucket)
  --backend-env                  the Convex backend's own environment (S3_ENDPOINT_URL, AWS_REGION,
                                 S3_STORAGE_*_BUCKET, AWS_* keys and flags): run it inside the workspace

Options:
  --keys-file FILE     AWS_ACCESS_KEY_ID=... and AWS_SECRET_ACCESS_KEY=... lines (never printed)
  --region REGION      AWS_REGION (default: AWS_REGION, else us-east-1)
  --mode s3|proxied    the mode you will configure: the exit status says whether it works (default: any)
  --target kubernetes|docker   which stack's settings --config describes (default: from the bucket kind)
  --timeout-ms N       time limit of every request (default ${DEFAULT_REQUEST_TIMEOUT_MS})
  --json               the report as JSON on stdout
  --no-color           no colours (also NO_COLOR=1; colours only on a terminal)
  --help

Exit status: 0 the configured mode (or, with none configured, some mode) works; 1 it does not; 2 bad input.`;

export interface DoctorArgs {
  readonly endpoint?: string;
  readonly bucket?: string;
  readonly region?: string;
  readonly keysFile?: string;
  readonly config?: string;
  readonly backendEnv: boolean;
  readonly mode?: "s3" | "proxied";
  readonly target?: "kubernetes" | "docker";
  readonly timeoutMs: number;
  readonly json: boolean;
  readonly color: boolean;
  readonly help: boolean;
}

/** S3 bucket names: 3-63 characters, lower-case letters, digits, '.', '-'. */
export const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Problems with an endpoint URL (empty when it is fine). */
export function endpointIssues(field: string, value: string): ConfigIssue[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [{ field, value: showValue(value), fix: "use an http:// or https:// URL, e.g. http://rook-ceph-rgw-store.rook-ceph.svc:80" }];
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return [{ field, value: showValue(value), fix: "use http:// or https://" }];
  if (url.pathname !== "/" || url.search !== "" || url.username !== "" || url.password !== "") {
    return [{ field, value: showValue(value), fix: "give only scheme, host and port (no path, query or user), e.g. https://s3.example.com" }];
  }
  return [];
}

/** Parses the doctor's arguments; throws DoctorInputError listing every problem. */
export function parseDoctorArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, isTty: boolean): DoctorArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        endpoint: { type: "string" },
        bucket: { type: "string" },
        region: { type: "string" },
        "keys-file": { type: "string" },
        config: { type: "string" },
        "backend-env": { type: "boolean", default: false },
        mode: { type: "string" },
        target: { type: "string" },
        "timeout-ms": { type: "string" },
        json: { type: "boolean", default: false },
        "no-color": { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new DoctorInputError([{ field: "arguments", value: showValue(argv.join(" ")), fix: `${(error as Error).message}; see --help` }]);
  }
  const issues: ConfigIssue[] = [];
  const str = (name: string) => values[name] as string | undefined;
  const help = values.help === true;
  const endpoint = str("endpoint");
  const bucket = str("bucket");
  const config = str("config");
  const backendEnv = values["backend-env"] === true;
  const sources = [config !== undefined ? "--config" : "", backendEnv ? "--backend-env" : ""].filter((s) => s !== "");
  if (sources.length > 1) issues.push({ field: "--config / --backend-env", value: showValue(sources.join(" ")), fix: "give one source: --config FILE or --backend-env" });
  if (backendEnv && (endpoint !== undefined || bucket !== undefined)) {
    issues.push({ field: "--endpoint / --bucket", value: showValue(endpoint ?? bucket), fix: "--backend-env reads S3_ENDPOINT_URL and S3_STORAGE_*_BUCKET: drop --endpoint and --bucket" });
  }
  if (!help && sources.length === 0) {
    if (endpoint === undefined) issues.push({ field: "--endpoint", value: "(not set)", fix: "name the S3 endpoint, e.g. --endpoint http://127.0.0.1:7480 (or use --config FILE or --backend-env)" });
    if (bucket === undefined) issues.push({ field: "--bucket", value: "(not set)", fix: "name an existing bucket, e.g. --bucket convex-files (Convex never creates buckets)" });
  }
  if (endpoint !== undefined) issues.push(...endpointIssues("--endpoint", endpoint));
  if (bucket !== undefined && !BUCKET_NAME.test(bucket)) issues.push({ field: "--bucket", value: showValue(bucket), fix: "use an S3 bucket name: 3-63 lower-case letters, digits, '.' or '-'" });
  const mode = str("mode");
  if (mode !== undefined && mode !== "s3" && mode !== "proxied") issues.push({ field: "--mode", value: showValue(mode), fix: "use s3 or proxied" });
  if (mode !== undefined && sources.length > 0) issues.push({ field: "--mode", value: showValue(mode), fix: `${sources[0]} already says which mode is configured: drop --mode` });
  const target = str("target");
  if (target !== undefined && target !== "kubernetes" && target !== "docker") issues.push({ field: "--target", value: showValue(target), fix: "use kubernetes or docker" });
  if (target !== undefined && config === undefined) issues.push({ field: "--target", value: showValue(target), fix: "--target only applies to --config" });
  const timeoutText = str("timeout-ms");
  const timeoutMs = timeoutText === undefined ? DEFAULT_REQUEST_TIMEOUT_MS : Number(timeoutText);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 120_000) {
    issues.push({ field: "--timeout-ms", value: showValue(timeoutText), fix: "use a whole number of milliseconds from 100 to 120000" });
  }
  const region = str("region");
  if (region !== undefined && (region === "" || /[\s/]/.test(region))) issues.push({ field: "--region", value: showValue(region), fix: "use a region name without spaces or slashes, e.g. us-east-1" });
  if (issues.length > 0) throw new DoctorInputError(issues);
  const noColor = values["no-color"] === true || (env.NO_COLOR !== undefined && env.NO_COLOR !== "");
  return {
    ...(endpoint !== undefined ? { endpoint: endpoint.replace(/\/$/, "") } : {}),
    ...(bucket !== undefined ? { bucket } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(str("keys-file") !== undefined ? { keysFile: str("keys-file") } : {}),
    ...(config !== undefined ? { config } : {}),
    backendEnv,
    ...(mode !== undefined ? { mode: mode as "s3" | "proxied" } : {}),
    ...(target !== undefined ? { target: target as "kubernetes" | "docker" } : {}),
    timeoutMs,
    json: values.json === true,
    color: isTty && !noColor && values.json !== true,
    help,
  };
}
