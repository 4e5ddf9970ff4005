import { buildNodeBundle, repositoryFile } from "./node-bundle.ts";

/** The proxy bundle must fit a ConfigMap and a Coder template archive (1 MiB) with room to spare. */
export const PROXY_BUNDLE_LIMIT_BYTES = 256 * 1024;

/** File name of the bundle where it is mounted or uploaded into the proxy's container. */
export const PROXY_BUNDLE_FILE = "s3-proxy.mjs";

/** Directory the bundle is mounted at inside the proxy container. */
export const PROXY_BUNDLE_DIR = "/opt/s3-proxy";

let cached: string | undefined;

/**
 * Builds the S3 proxy (proxy/src/main.ts) into one ESM file for a stock Node image, in memory, and returns its
 * text. The stacks embed it in a ConfigMap (Kubernetes) or upload it into the container (Docker), so no image has
 * to be built or pushed. Deterministic: the same sources give the same bytes. Throws if it outgrows the limit.
 */
export function proxyBundle(): string {
  if (cached !== undefined) return cached;
  const file = buildNodeBundle(repositoryFile("proxy", "src", "main.ts"), "S3 proxy");
  if (file.byteLength > PROXY_BUNDLE_LIMIT_BYTES) {
    throw new Error(`S3 proxy bundle is ${file.byteLength} bytes, over the ${PROXY_BUNDLE_LIMIT_BYTES}-byte limit: trim its dependencies`);
  }
  cached = file.text;
  return cached;
}
