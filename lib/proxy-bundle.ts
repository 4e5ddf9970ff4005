import { buildSync } from "esbuild";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The proxy bundle must fit a ConfigMap and a Coder template archive (1 MiB) with room to spare. */
export const PROXY_BUNDLE_LIMIT_BYTES = 256 * 1024;

/** File name of the bundle where it is mounted or uploaded into the proxy's container. */
export const PROXY_BUNDLE_FILE = "s3-proxy.mjs";

/** Directory the bundle is mounted at inside the proxy container. */
export const PROXY_BUNDLE_DIR = "/opt/s3-proxy";

/** The proxy's entry point, found from this module whether it runs from lib/ or from a bundled app. */
function proxyEntry(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "proxy", "src", "main.ts");
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find proxy/src/main.ts above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

let cached: string | undefined;

/**
 * Builds the S3 proxy (proxy/src/main.ts) into one ESM file for a stock Node image, in memory, and returns its
 * text. The stacks embed it in a ConfigMap (Kubernetes) or upload it into the container (Docker), so no image has
 * to be built or pushed. Deterministic: the same sources give the same bytes. Throws if it outgrows the limit.
 */
export function proxyBundle(): string {
  if (cached !== undefined) return cached;
  const result = buildSync({
    entryPoints: [proxyEntry()],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    minify: true,
    legalComments: "none",
    write: false,
    logLevel: "silent",
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error("esbuild produced no output for the S3 proxy bundle");
  if (file.contents.byteLength > PROXY_BUNDLE_LIMIT_BYTES) {
    throw new Error(`S3 proxy bundle is ${file.contents.byteLength} bytes, over the ${PROXY_BUNDLE_LIMIT_BYTES}-byte limit: trim its dependencies`);
  }
  cached = file.text;
  return cached;
}
