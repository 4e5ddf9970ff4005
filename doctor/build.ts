/**
 * `npm run build:doctor`: writes the in-workspace doctor (doctor/bundle.ts) to dist/convex-doctor.mjs, one file
 * that needs only Node >= 20.15, e.g. to copy into a running backend pod and run with its environment:
 * `kubectl cp dist/convex-doctor.mjs <pod>:/tmp/ && kubectl exec <pod> -- node /tmp/convex-doctor.mjs --backend-env`.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { doctorBundle } from "./bundle.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outfile = path.join(root, "dist", "convex-doctor.mjs");
const bundle = doctorBundle();
mkdirSync(path.dirname(outfile), { recursive: true });
// Written atomically: a reader never sees half a file.
writeFileSync(`${outfile}.tmp`, bundle.text);
renameSync(`${outfile}.tmp`, outfile);
console.log(`${path.relative(root, outfile)}: ${bundle.text.length} bytes (${bundle.gzip.byteLength} gzipped)`);
