// The command `cdktf synth` runs (cdktf.json "app"). It bundles main.ts and our TypeScript with esbuild (npm
// packages stay external) into .tmp/app/, then runs it. This keeps `npx cdktf synth` fast: transforming the
// sources with a TypeScript loader on every run costs more than the synthesis itself.
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = join(root, ".tmp", "app", "main.mjs");

await build({
  entryPoints: [join(root, "main.ts")],
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  packages: "external",
  outfile,
  logLevel: "warning",
});
await import(pathToFileURL(outfile).href);
