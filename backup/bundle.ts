/**
 * The backup runner (backup/src/main.ts) built into ONE ESM file for the pinned stock Node image (NODE_IMAGE, Node 24:
 * node:sqlite without a flag, which needs Node >= 22.13). The Kubernetes CronJob mounts it from a ConfigMap, the
 * Docker container gets it uploaded; no image is built. Built in memory, deterministic, cached per process.
 */
import { buildNodeBundle, repositoryFile } from "../lib/node-bundle.ts";

/** The bundle must fit a ConfigMap and a Coder template archive with room to spare. */
export const BACKUP_BUNDLE_LIMIT_BYTES = 96 * 1024;

/** File name of the bundle where it is mounted or uploaded. */
export const BACKUP_BUNDLE_FILE = "convex-backup.mjs";

/** Directory the bundle is mounted at inside the runner's container. */
export const BACKUP_BUNDLE_DIR = "/opt/convex-backup";

/**
 * Node's options for the runner: none on the pinned Node 24 (node:sqlite needs no flag from Node 22.13 on, and prints
 * no experimental warning there).
 */
export const BACKUP_NODE_OPTIONS: readonly string[] = [];

/** The container's command for one runner command. */
export function backupCommand(command: "backup" | "restore" | "schedule", bundleDir: string = BACKUP_BUNDLE_DIR): string[] {
  return ["node", ...BACKUP_NODE_OPTIONS, `${bundleDir}/${BACKUP_BUNDLE_FILE}`, command];
}

let cached: string | undefined;

/** Builds (once per process) and returns the bundle's text; throws if it outgrows the limit. */
export function backupBundle(): string {
  if (cached !== undefined) return cached;
  const file = buildNodeBundle(repositoryFile("backup", "src", "main.ts"), "backup runner");
  if (file.byteLength > BACKUP_BUNDLE_LIMIT_BYTES) {
    throw new Error(`backup runner bundle is ${file.byteLength} bytes, over the ${BACKUP_BUNDLE_LIMIT_BYTES}-byte limit: trim its dependencies`);
  }
  cached = file.text;
  return cached;
}
