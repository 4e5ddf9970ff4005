/**
 * Stage 7: the upstream request. Keeps the headers the upstream should see (dropping hop-by-hop headers, the
 * client's auth, client-only checksum headers and whatever the SSE policy removed), re-signs path-style with the
 * upstream credentials (sign-upstream.ts) and opens the request. The body is streamed into it by the caller.
 */
import http from "node:http";
import https from "node:https";
import type { ProxyOptions } from "../types.ts";
import { isClientOnlyChecksumHeader } from "./checksum-policy.ts";
import type { Route } from "./route.ts";
import { signUpstreamRequest } from "./sign-upstream.ts";

const NEVER_FORWARDED = new Set([
  "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
  "transfer-encoding", "upgrade", "expect", "host", "content-length", "authorization", "x-amz-date",
  "x-amz-content-sha256", "x-amz-security-token", "amz-sdk-invocation-id", "amz-sdk-request",
]);

/** Query parameters of the client's own presigned signature (and client-only checksum hints). */
function isClientOnlyQueryParameter(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    ["x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-expires", "x-amz-signedheaders", "x-amz-signature", "x-amz-security-token", "x-amz-content-sha256"].includes(lower) ||
    lower === "x-amz-sdk-checksum-algorithm" ||
    lower.startsWith("x-amz-checksum-")
  );
}

/** The headers to forward, with lower-case names. `drop` names further headers to remove (SSE policy). */
export function forwardedHeaders(
  headers: http.IncomingHttpHeaders,
  drop: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || NEVER_FORWARDED.has(name) || isClientOnlyChecksumHeader(name) || drop.includes(name)) continue;
    const text = Array.isArray(value) ? value.join(", ") : value;
    if (name === "content-encoding") {
      const codings = text.split(",").map((c) => c.trim()).filter((c) => c !== "" && c.toLowerCase() !== "aws-chunked");
      if (codings.length > 0) out[name] = codings.join(", ");
      continue;
    }
    out[name] = text;
  }
  return out;
}

/** One shared connection pool per proxy. */
export function createUpstreamAgent(options: ProxyOptions): http.Agent {
  const agentOptions = { keepAlive: true, maxSockets: 256, noDelay: true };
  return options.upstreamUrl.protocol === "https:" ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
}

export interface UpstreamRequestInput {
  readonly options: ProxyOptions;
  readonly agent: http.Agent;
  readonly route: Route;
  readonly headers: Record<string, string>;
  /** Hex SHA-256 of the body, or UNSIGNED-PAYLOAD. */
  readonly payloadHash: string;
  /** Exact body length; undefined for requests that carry no body. */
  readonly contentLength: number | undefined;
}

/** Opens the re-signed upstream request. Headers go out with the first body byte (or at `end()`). */
export function openUpstreamRequest(input: UpstreamRequestInput): http.ClientRequest {
  const { options, route } = input;
  const headers = { ...input.headers };
  if (input.contentLength !== undefined) headers["content-length"] = String(input.contentLength);
  const signed = signUpstreamRequest({
    method: route.method,
    host: options.upstreamUrl.host,
    bucket: route.bucket,
    key: route.key,
    query: route.query.filter(([name]) => !isClientOnlyQueryParameter(name)),
    headers,
    payloadHash: input.payloadHash,
    credentials: options.upstreamCredentials,
    region: options.upstreamRegion,
    now: new Date(),
  });
  const transport = options.upstreamUrl.protocol === "https:" ? https : http;
  const request = transport.request({
    protocol: options.upstreamUrl.protocol,
    hostname: options.upstreamUrl.hostname.replace(/^\[|\]$/g, ""),
    port: options.upstreamUrl.port === "" ? undefined : Number(options.upstreamUrl.port),
    method: route.method,
    path: signed.path,
    headers: signed.headers,
    agent: input.agent,
    timeout: options.upstreamIdleTimeoutMs,
  });
  request.on("timeout", () => {
    const error = new Error("the upstream connection was idle for too long") as NodeJS.ErrnoException;
    error.code = "ETIMEDOUT";
    request.destroy(error);
  });
  return request;
}
