import { PROXY_PORT, bucketEndpoint, bucketNameValue } from "./backend-env.ts";
import { entry, ref, type EnvEntry } from "./env.ts";
import type { ProxiedStorage } from "./storage.ts";

export interface ProxyEnvInput {
  readonly storage: ProxiedStorage;
  /** Region the proxy signs upstream requests with. */
  readonly region: string;
  /** The MinIO endpoint, when the bucket is a per-workspace MinIO (Docker). */
  readonly minioEndpoint?: string;
}

/**
 * The S3 proxy's environment (see proxy/src/config.ts for each variable). Upstream keys come from the bucket by
 * reference; the keys clients sign with are the per-workspace proxy credentials.
 */
export function proxyEnvironment(input: ProxyEnvInput): EnvEntry[] {
  const { storage } = input;
  return [
    entry("S3PROXY_LISTEN", `0.0.0.0:${PROXY_PORT}`),
    ...bucketEndpoint(storage.bucket, "S3PROXY_UPSTREAM_URL", input.minioEndpoint),
    entry("S3PROXY_UPSTREAM_REGION", input.region),
    entry("S3PROXY_UPSTREAM_ACCESS_KEY_ID", ref("bucketAccessKeyId")),
    entry("S3PROXY_UPSTREAM_SECRET_ACCESS_KEY", ref("bucketSecretAccessKey")),
    entry("S3PROXY_ACCESS_KEY_ID", ref("proxyAccessKeyId")),
    entry("S3PROXY_SECRET_ACCESS_KEY", ref("proxySecretAccessKey")),
    entry("S3PROXY_BUCKETS", bucketNameValue(storage.bucket)),
    entry("S3PROXY_SSE", storage.sse),
  ];
}
