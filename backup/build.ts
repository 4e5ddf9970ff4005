/**
 * `npm run build:backup`: writes the backup runner (backup/bundle.ts) to dist/convex-backup.mjs, one file for a stock
 * Node image (>= 22.13): `node dist/convex-backup.mjs backup` (or `restore`), configured by its
 * environment (backup/src/settings.ts).
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BACKUP_BUNDLE_FILE, backupBundle } from "./bundle.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outfile = path.join(root, "dist", BACKUP_BUNDLE_FILE);
const bundle = backupBundle();
mkdirSync(path.dirname(outfile), { recursive: true });
// Written atomically: a reader never sees half a file.
writeFileSync(`${outfile}.tmp`, bundle);
renameSync(`${outfile}.tmp`, outfile);
console.log(`${path.relative(root, outfile)}: ${bundle.length} bytes`);
