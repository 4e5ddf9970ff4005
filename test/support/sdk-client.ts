/** Real AWS SDK v3 clients and presigned URLs for signature tests. */
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import type { RequestHead } from "../../proxy/src/auth/request-head.ts";
import type { Credentials } from "../../proxy/src/types.ts";

/** The key pair the tests' clients sign with. */
export const CLIENT_CREDENTIALS: Credentials = {
  accessKeyId: "AKIDPROXYCLIENT0001",
  secretAccessKey: "proxy-client-secret/with+special=chars",
};

/** An S3 client that talks path-style to `endpoint` with `CLIENT_CREDENTIALS`, one attempt per request. */
export function sdkClient(endpoint: string, overrides: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: CLIENT_CREDENTIALS,
    maxAttempts: 1,
    ...overrides,
  });
}

/**
 * The RequestHead a server receives for the presigned `url`, cut from the URL string itself so the path and query
 * keep the presigner's exact escaping. `headers` are the extra headers the caller sends; `host` is added.
 */
export function headOfUrl(method: string, url: string, headers: Record<string, string> = {}): RequestHead {
  const afterScheme = url.slice(url.indexOf("//") + 2);
  const slash = afterScheme.indexOf("/");
  const host = afterScheme.slice(0, slash);
  const pathAndQuery = afterScheme.slice(slash);
  const q = pathAndQuery.indexOf("?");
  return {
    method,
    path: q === -1 ? pathAndQuery : pathAndQuery.slice(0, q),
    query: q === -1 ? "" : pathAndQuery.slice(q + 1),
    headers: { host, ...headers },
  };
}
