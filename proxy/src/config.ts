/**
 * Builds `ProxyOptions` from the environment. Every default is resolved here, once; every problem is collected and
 * reported together in one `ProxyConfigError`.
 */
import { ProxyConfigError } from "./errors.ts";
import { loadServingIdentity, loadUpstreamCa, type ServingIdentity } from "./tls/pem.ts";
import type { Credentials, ProxyOptions, SsePolicy, UpstreamChecksums } from "./types.ts";

/** The defaults of every option that has one (see the TSDoc of `ProxyOptions`). */
export const PROXY_DEFAULTS = {
  listen: "0.0.0.0:8333",
  upstreamRegion: "us-east-1",
  sse: "strip" as SsePolicy,
  upstreamChecksums: "compute" as UpstreamChecksums,
  maxClockSkewMs: 900_000,
  maxXmlBodyBytes: 4 * 1024 * 1024,
  maxXmlBytesInFlight: 8 * 1024 * 1024,
  upstreamIdleTimeoutMs: 120_000,
  clientIdleTimeoutMs: 120_000,
  readinessTimeoutMs: 2_000,
  upstreamResponseTimeoutMs: 30_000,
  headersTimeoutMs: 20_000,
  bodyTimeoutMs: 20_000,
  minBodyBytesPerSecond: 1_024,
  maxConcurrentRequests: 64,
  maxConcurrentUploads: 48,
} as const;

/** Paths the proxy serves itself; a bucket with one of these names could not be reached. */
export const RESERVED_BUCKET_NAMES: readonly string[] = ["healthz", "readyz", "metrics"];

const SSE_POLICIES: readonly SsePolicy[] = ["strip", "reject", "passthrough"];
const UPSTREAM_CHECKSUMS: readonly UpstreamChecksums[] = ["compute", "passthrough"];
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Reads and validates the proxy's configuration. Throws a `ProxyConfigError` that lists every problem. */
export function loadProxyOptions(env: NodeJS.ProcessEnv): ProxyOptions {
  const problems: string[] = [];
  const value = (name: string): string | undefined => {
    const raw = env[name];
    return raw === undefined || raw.trim() === "" ? undefined : raw.trim();
  };

  const listenText = value("S3PROXY_LISTEN") ?? PROXY_DEFAULTS.listen;
  const listen = parseListen(listenText);
  if (listen === undefined) {
    problems.push(
      `S3PROXY_LISTEN is '${listenText}': expected host:port with a port from 0 to 65535, e.g. 0.0.0.0:8333 or [::]:8333`,
    );
  }

  const upstreamText = value("S3PROXY_UPSTREAM_URL");
  let upstreamUrl: URL | undefined;
  if (upstreamText === undefined) {
    problems.push(
      "S3PROXY_UPSTREAM_URL is not set: set it to the S3 endpoint the proxy forwards to, e.g. http://rook-ceph-rgw-store.rook-ceph.svc:80",
    );
  } else {
    upstreamUrl = parseUpstreamUrl(upstreamText, problems);
  }

  const upstreamRegion = value("S3PROXY_UPSTREAM_REGION") ?? PROXY_DEFAULTS.upstreamRegion;
  if (/\s|\//.test(upstreamRegion)) {
    problems.push(`S3PROXY_UPSTREAM_REGION is '${upstreamRegion}': a region has no spaces or slashes, e.g. us-east-1`);
  }

  const upstreamCredentials = readCredentials(
    value,
    "S3PROXY_UPSTREAM_ACCESS_KEY_ID",
    "S3PROXY_UPSTREAM_SECRET_ACCESS_KEY",
    "the upstream S3 user's keys (e.g. from the ObjectBucketClaim's Secret)",
    problems,
  );
  const clientCredentials = readCredentials(
    value,
    "S3PROXY_ACCESS_KEY_ID",
    "S3PROXY_SECRET_ACCESS_KEY",
    "the keys clients (Convex) sign their requests with",
    problems,
  );

  const bucketsText = value("S3PROXY_BUCKETS");
  const buckets: string[] = [];
  if (bucketsText === undefined) {
    problems.push("S3PROXY_BUCKETS is not set: list the buckets clients may reach, comma-separated, e.g. convex-files,convex-exports");
  } else {
    for (const name of bucketsText.split(",").map((b) => b.trim())) {
      if (name === "") {
        problems.push(`S3PROXY_BUCKETS is '${bucketsText}': it has an empty entry; separate bucket names with single commas`);
      } else if (name.includes("..")) {
        problems.push(`S3PROXY_BUCKETS names '${name}': a bucket name has no two adjacent dots; rename the bucket`);
      } else if (!BUCKET_NAME.test(name)) {
        problems.push(
          `S3PROXY_BUCKETS names '${name}': a bucket name has 3 to 63 lower-case letters, digits, dots or hyphens and starts and ends with a letter or digit`,
        );
      } else if (RESERVED_BUCKET_NAMES.includes(name)) {
        problems.push(`S3PROXY_BUCKETS names '${name}': this path is reserved for the proxy's own ${name} endpoint; rename the bucket`);
      } else if (!buckets.includes(name)) {
        buckets.push(name);
      }
    }
  }

  const sseText = value("S3PROXY_SSE") ?? PROXY_DEFAULTS.sse;
  if (!(SSE_POLICIES as readonly string[]).includes(sseText)) {
    problems.push(`S3PROXY_SSE is '${sseText}': expected one of ${SSE_POLICIES.join(", ")} (default strip)`);
  }

  const checksumsText = value("S3PROXY_UPSTREAM_CHECKSUMS") ?? PROXY_DEFAULTS.upstreamChecksums;
  if (!(UPSTREAM_CHECKSUMS as readonly string[]).includes(checksumsText)) {
    problems.push(
      `S3PROXY_UPSTREAM_CHECKSUMS is '${checksumsText}': expected compute (the proxy computes and verifies checksums; Ceph RGW before Tentacle) or passthrough (the upstream does; RGW Tentacle and later, AWS) (default compute)`,
    );
  }

  const integer = (name: string, fallback: number, min: number, max: number, what: string): number => {
    const text = value(name);
    if (text === undefined) return fallback;
    if (!/^\d{1,10}$/.test(text) || Number(text) < min || Number(text) > max) {
      problems.push(`${name} is '${text}': expected ${what}, a whole number from ${min} to ${max} (default ${fallback})`);
      return fallback;
    }
    return Number(text);
  };
  const DAY_MS = 86_400_000;
  const upstreamResponseTimeoutMs = integer("S3PROXY_UPSTREAM_RESPONSE_TIMEOUT_MS", PROXY_DEFAULTS.upstreamResponseTimeoutMs, 1, DAY_MS, "milliseconds");
  const headersTimeoutMs = integer("S3PROXY_HEADERS_TIMEOUT_MS", PROXY_DEFAULTS.headersTimeoutMs, 1, DAY_MS, "milliseconds");
  const bodyTimeoutMs = integer("S3PROXY_BODY_TIMEOUT_MS", PROXY_DEFAULTS.bodyTimeoutMs, 1, DAY_MS, "milliseconds");
  const minBodyBytesPerSecond = integer("S3PROXY_MIN_BODY_BYTES_PER_SECOND", PROXY_DEFAULTS.minBodyBytesPerSecond, 0, 1_073_741_824, "bytes per second");
  const maxConcurrentRequests = integer("S3PROXY_MAX_CONCURRENT_REQUESTS", PROXY_DEFAULTS.maxConcurrentRequests, 1, 65_536, "requests");
  const maxConcurrentUploads = integer(
    "S3PROXY_MAX_CONCURRENT_UPLOADS",
    Math.min(PROXY_DEFAULTS.maxConcurrentUploads, maxConcurrentRequests),
    1,
    65_536,
    "requests",
  );
  if (maxConcurrentUploads > maxConcurrentRequests) {
    problems.push(
      `S3PROXY_MAX_CONCURRENT_UPLOADS is '${maxConcurrentUploads}': it must not exceed S3PROXY_MAX_CONCURRENT_REQUESTS (${maxConcurrentRequests}); lower it or raise S3PROXY_MAX_CONCURRENT_REQUESTS`,
    );
  }

  const { tls, upstreamCa } = readTlsFiles(value, upstreamUrl, problems);

  if (problems.length > 0 || listen === undefined || upstreamUrl === undefined) {
    throw new ProxyConfigError(problems);
  }
  return {
    listen,
    upstreamUrl,
    upstreamRegion,
    upstreamCredentials: upstreamCredentials as Credentials,
    clientCredentials: clientCredentials as Credentials,
    buckets,
    sse: sseText as SsePolicy,
    upstreamChecksums: checksumsText as UpstreamChecksums,
    maxClockSkewMs: PROXY_DEFAULTS.maxClockSkewMs,
    maxXmlBodyBytes: PROXY_DEFAULTS.maxXmlBodyBytes,
    maxXmlBytesInFlight: PROXY_DEFAULTS.maxXmlBytesInFlight,
    upstreamIdleTimeoutMs: PROXY_DEFAULTS.upstreamIdleTimeoutMs,
    clientIdleTimeoutMs: PROXY_DEFAULTS.clientIdleTimeoutMs,
    readinessTimeoutMs: PROXY_DEFAULTS.readinessTimeoutMs,
    upstreamResponseTimeoutMs,
    headersTimeoutMs,
    bodyTimeoutMs,
    minBodyBytesPerSecond,
    maxConcurrentRequests,
    maxConcurrentUploads,
    ...(tls === undefined ? {} : { tls }),
    ...(upstreamCa === undefined ? {} : { upstreamCa }),
  };
}

/** The TLS listener's files (both or neither) and the upstream's CA bundle (for an https upstream only). */
function readTlsFiles(
  value: (name: string) => string | undefined,
  upstreamUrl: URL | undefined,
  problems: string[],
): { tls?: ServingIdentity; upstreamCa?: string[] } {
  const certPath = value("S3PROXY_TLS_CERT_FILE");
  const keyPath = value("S3PROXY_TLS_KEY_FILE");
  let tls: ServingIdentity | undefined;
  if (certPath !== undefined && keyPath !== undefined) tls = loadServingIdentity(certPath, keyPath, problems);
  else if (certPath !== undefined) problems.push(`S3PROXY_TLS_CERT_FILE is '${certPath}' but S3PROXY_TLS_KEY_FILE is not set: set both to serve TLS, or neither to serve plain HTTP`);
  else if (keyPath !== undefined) problems.push(`S3PROXY_TLS_KEY_FILE is '${keyPath}' but S3PROXY_TLS_CERT_FILE is not set: set both to serve TLS, or neither to serve plain HTTP`);
  const caPath = value("S3PROXY_UPSTREAM_CA_FILE");
  if (caPath === undefined) return { tls };
  if (upstreamUrl !== undefined && upstreamUrl.protocol !== "https:") {
    problems.push(`S3PROXY_UPSTREAM_CA_FILE is '${caPath}' but S3PROXY_UPSTREAM_URL is ${upstreamUrl.protocol}//: a CA is only used for an https upstream; unset it or use https`);
    return { tls };
  }
  return { tls, upstreamCa: loadUpstreamCa(caPath, problems) };
}

function parseListen(text: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text);
  if (match === null) return undefined;
  const port = Number(match[3]);
  if (port > 65535) return undefined;
  return { host: match[1] ?? match[2] ?? "", port };
}

function parseUpstreamUrl(text: string, problems: string[]): URL | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    problems.push(`S3PROXY_UPSTREAM_URL is '${text}': not a URL; expected e.g. http://rook-ceph-rgw-store.rook-ceph.svc:80`);
    return undefined;
  }
  const shown = `${url.protocol}//${url.host}${url.pathname}`;
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    problems.push(`S3PROXY_UPSTREAM_URL is '${shown}': the scheme must be http or https`);
    return undefined;
  }
  if (url.username !== "" || url.password !== "") {
    problems.push(
      `S3PROXY_UPSTREAM_URL is '${shown}' with user info: remove it and set S3PROXY_UPSTREAM_ACCESS_KEY_ID / S3PROXY_UPSTREAM_SECRET_ACCESS_KEY instead`,
    );
    return undefined;
  }
  if (url.pathname !== "/" || url.search !== "" || url.hash !== "") {
    problems.push(`S3PROXY_UPSTREAM_URL is '${text}': give only scheme, host and port (requests go path-style to /<bucket>/<key>)`);
    return undefined;
  }
  return url;
}

function readCredentials(
  value: (name: string) => string | undefined,
  idVar: string,
  secretVar: string,
  what: string,
  problems: string[],
): Credentials | undefined {
  const accessKeyId = value(idVar);
  const secretAccessKey = value(secretVar);
  if (accessKeyId === undefined) problems.push(`${idVar} is not set: set it to ${what}`);
  else if (/\s|\//.test(accessKeyId)) problems.push(`${idVar} is '${accessKeyId}': an access key id has no spaces or slashes`);
  if (secretAccessKey === undefined) problems.push(`${secretVar} is not set: set it to ${what}`);
  if (accessKeyId === undefined || secretAccessKey === undefined) return undefined;
  return { accessKeyId, secretAccessKey };
}
