/**
 * The `proxied` mode, proven rather than assumed: the project's S3 proxy (proxy/src) is started in this process on
 * 127.0.0.1, port 0, in front of the endpoint with the bucket's keys as its upstream keys and fresh random client
 * keys, exactly as a workspace runs it; then Convex's defaults are replayed through it. Stopped afterwards.
 */
import { randomBytes } from "node:crypto";
import { loadProxyOptions, startProxy, type RunningProxy } from "../../proxy/src/index.ts";
import type { Keys } from "./credentials.ts";

export interface ProxyInFront {
  readonly url: string;
  /** The keys Convex would sign with (the proxy's client keys). */
  readonly clientKeys: Keys;
  close(): Promise<void>;
}

export interface ProxyInFrontOptions {
  readonly endpoint: string;
  readonly region: string;
  readonly bucket: string;
  readonly keys: Keys;
  /** S3PROXY_SSE. @default "strip" */
  readonly sse?: string;
}

/** Starts the proxy; a configuration it refuses (e.g. a bucket name it cannot serve) throws its ProxyConfigError. */
export async function startProxyInFront(options: ProxyInFrontOptions): Promise<ProxyInFront> {
  const clientKeys: Keys = { accessKeyId: `DOCTOR${randomBytes(7).toString("hex").toUpperCase()}`, secretAccessKey: randomBytes(30).toString("base64url") };
  const proxyOptions = loadProxyOptions({
    S3PROXY_LISTEN: "127.0.0.1:0",
    S3PROXY_UPSTREAM_URL: options.endpoint,
    S3PROXY_UPSTREAM_REGION: options.region,
    S3PROXY_UPSTREAM_ACCESS_KEY_ID: options.keys.accessKeyId,
    S3PROXY_UPSTREAM_SECRET_ACCESS_KEY: options.keys.secretAccessKey,
    S3PROXY_ACCESS_KEY_ID: clientKeys.accessKeyId,
    S3PROXY_SECRET_ACCESS_KEY: clientKeys.secretAccessKey,
    S3PROXY_BUCKETS: options.bucket,
    S3PROXY_SSE: options.sse ?? "strip",
  });
  // The proxy's own log lines are dropped: what matters reaches the doctor as S3 answers.
  const proxy: RunningProxy = await startProxy({ ...proxyOptions, log: () => undefined });
  return { url: proxy.url, clientKeys, close: () => proxy.close(1_000) };
}
