/**
 * The in-workspace doctor (doctor/src/in-workspace.ts) built into ONE ESM file for a stock Node image (>= 20.15),
 * AWS SDK and S3 proxy included, then gzipped: the Kubernetes Job (lib/kubernetes/storage-doctor-job.ts) carries it
 * in a ConfigMap's binaryData and unpacks it with the image's own `gunzip`. Built in memory, deterministic (the same
 * sources give the same bytes), cached per process.
 */
import { buildSync } from "esbuild";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

/** The gzipped bundle must leave room in a ConfigMap (1 MiB with its base64) and a Coder template archive. */
export const DOCTOR_BUNDLE_GZIP_LIMIT_BYTES = 320 * 1024;

export interface DoctorBundle {
  /** The ESM file. */
  readonly text: string;
  /** Its gzip, as the ConfigMap holds it. */
  readonly gzip: Buffer;
}

/** doctor/src/in-workspace.ts, found from this module whether it runs from doctor/ or from a bundled app. */
function entry(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "doctor", "src", "in-workspace.ts");
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find doctor/src/in-workspace.ts above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

let cached: DoctorBundle | undefined;

/** Builds (once per process) and returns the bundle; throws if its gzip outgrows the limit. */
export function doctorBundle(): DoctorBundle {
  if (cached !== undefined) return cached;
  const result = buildSync({
    entryPoints: [entry()],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    minify: true,
    legalComments: "none",
    write: false,
    logLevel: "silent",
    // Bundled CommonJS modules call require() for Node built-ins; ESM output has none.
    banner: { js: "import { createRequire as __doctorRequire } from 'node:module'; const require = __doctorRequire(import.meta.url);" },
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error("esbuild produced no output for the doctor bundle");
  // mtime 0 and no file name in the header: the same bundle always gives the same gzip.
  const gzip = gzipSync(file.contents, { level: 9 });
  if (gzip.byteLength > DOCTOR_BUNDLE_GZIP_LIMIT_BYTES) {
    throw new Error(`doctor bundle is ${gzip.byteLength} bytes gzipped, over the ${DOCTOR_BUNDLE_GZIP_LIMIT_BYTES}-byte limit: trim its dependencies`);
  }
  cached = { text: file.text, gzip };
  return cached;
}
