/**
 * Stage 7: the upstream request. Carries only the allow-listed headers of the normalized view (request-headers.ts),
 * re-signs every one of them path-style with the upstream credentials (sign-upstream.ts), and rebuilds the query
 * from the parsed form (route.ts). The body is streamed into it by the caller. Two time bounds: the socket idle
 * timeout, and the response timeout that starts once the whole request was sent.
 */
import http from "node:http";
import https from "node:https";
import tls from "node:tls";
import type { ProxyOptions } from "../types.ts";
import type { Route } from "./route.ts";
import { signUpstreamRequest } from "./sign-upstream.ts";

/** Error code of an upstream that received the whole request and did not answer within `upstreamResponseTimeoutMs`. */
export const RESPONSE_TIMEOUT = "UPSTREAM_RESPONSE_TIMEOUT";

/**
 * One shared connection pool per proxy, with a socket for every request the proxy admits (`maxConcurrentRequests`),
 * so no admitted request ever queues behind others for a socket.
 */
export function createUpstreamAgent(options: ProxyOptions, pool: { keepAlive: boolean; maxSockets: number } = { keepAlive: true, maxSockets: options.maxConcurrentRequests }): http.Agent {
  const agentOptions = { ...pool, noDelay: true };
  if (options.upstreamUrl.protocol !== "https:") return new http.Agent(agentOptions);
  // A private CA is trusted beside the roots, never instead of them (`ca` replaces the default store when given).
  const ca = options.upstreamCa === undefined ? {} : { ca: [...tls.rootCertificates, ...options.upstreamCa] };
  return new https.Agent({ ...agentOptions, ...ca });
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
    query: route.query,
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
  request.on("timeout", () => request.destroy(codedError("the upstream connection was idle for too long", "ETIMEDOUT")));
  request.once("finish", () => {
    const timer = setTimeout(() => {
      request.destroy(codedError(`the upstream did not answer within ${options.upstreamResponseTimeoutMs} ms`, RESPONSE_TIMEOUT));
    }, options.upstreamResponseTimeoutMs);
    const clear = (): void => clearTimeout(timer);
    request.once("response", clear);
    request.once("close", clear);
  });
  return request;
}

function codedError(message: string, code: string): NodeJS.ErrnoException {
  const error = new Error(message) as NodeJS.ErrnoException;
  error.code = code;
  return error;
}
