/**
 * The backup runner (backup/src/main.ts) built into ONE ESM file for the pinned stock Node image (NODE_IMAGE,
 * Node 22.11: node:sqlite behind --experimental-sqlite). The Kubernetes CronJob mounts it from a ConfigMap, the
 * Docker container gets it uploaded; no image is built. Built in memory, deterministic, cached per process.
 */
import { buildSync } from "esbuild";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The bundle must fit a ConfigMap and a Coder template archive with room to spare. */
export const BACKUP_BUNDLE_LIMIT_BYTES = 96 * 1024;

/** File name of the bundle where it is mounted or uploaded. */
export const BACKUP_BUNDLE_FILE = "convex-backup.mjs";

/** Directory the bundle is mounted at inside the runner's container. */
export const BACKUP_BUNDLE_DIR = "/opt/convex-backup";

/**
 * Node's options for the runner: node:sqlite is behind a flag before Node 22.13 (the pinned image is 22.11), and
 * its experimental-feature warning would be the first line of every log.
 */
export const BACKUP_NODE_OPTIONS = ["--experimental-sqlite", "--disable-warning=ExperimentalWarning"] as const;

/** The container's command for one runner command. */
export function backupCommand(command: "backup" | "restore" | "schedule", bundleDir: string = BACKUP_BUNDLE_DIR): string[] {
  return ["node", ...BACKUP_NODE_OPTIONS, `${bundleDir}/${BACKUP_BUNDLE_FILE}`, command];
}

function entry(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "backup", "src", "main.ts");
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find backup/src/main.ts above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

let cached: string | undefined;

/** Builds (once per process) and returns the bundle's text; throws if it outgrows the limit. */
export function backupBundle(): string {
  if (cached !== undefined) return cached;
  const result = buildSync({
    entryPoints: [entry()],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    minify: true,
    legalComments: "none",
    write: false,
    logLevel: "silent",
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error("esbuild produced no output for the backup runner");
  if (file.contents.byteLength > BACKUP_BUNDLE_LIMIT_BYTES) {
    throw new Error(`backup runner bundle is ${file.contents.byteLength} bytes, over the ${BACKUP_BUNDLE_LIMIT_BYTES}-byte limit: trim its dependencies`);
  }
  cached = file.text;
  return cached;
}
