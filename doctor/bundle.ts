/**
 * The in-workspace doctor (doctor/src/in-workspace.ts) built into ONE ESM file for a stock Node image (>= 20.15),
 * AWS SDK and S3 proxy included, then gzipped: the Kubernetes Job (lib/kubernetes/storage-doctor-job.ts) carries it
 * in a ConfigMap's binaryData and unpacks it with the image's own `gunzip`. Built in memory, deterministic (the same
 * sources give the same bytes), cached per process.
 */
import { gzipSync } from "node:zlib";
import { buildNodeBundle, repositoryFile } from "../lib/node-bundle.ts";

/** The gzipped bundle must leave room in a ConfigMap (1 MiB with its base64) and a Coder template archive. */
export const DOCTOR_BUNDLE_GZIP_LIMIT_BYTES = 320 * 1024;

export interface DoctorBundle {
  /** The ESM file. */
  readonly text: string;
  /** Its gzip, as the ConfigMap holds it. */
  readonly gzip: Buffer;
}

let cached: DoctorBundle | undefined;

/** Builds (once per process) and returns the bundle; throws if its gzip outgrows the limit. */
export function doctorBundle(): DoctorBundle {
  if (cached !== undefined) return cached;
  const file = buildNodeBundle(repositoryFile("doctor", "src", "in-workspace.ts"), "doctor");
  // mtime 0 and no file name in the header: the same bundle always gives the same gzip.
  const gzip = gzipSync(file, { level: 9 });
  if (gzip.byteLength > DOCTOR_BUNDLE_GZIP_LIMIT_BYTES) {
    throw new Error(`doctor bundle is ${gzip.byteLength} bytes gzipped, over the ${DOCTOR_BUNDLE_GZIP_LIMIT_BYTES}-byte limit: trim its dependencies`);
  }
  cached = { text: file.text, gzip };
  return cached;
}
