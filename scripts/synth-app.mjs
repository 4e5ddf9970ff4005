// The command `cdktf synth` runs (cdktf.json "app"). It bundles main.ts and our TypeScript with esbuild (npm
// packages stay external) into .tmp/app/main.cjs, then runs it. This keeps `npx cdktf synth` fast: transforming
// the sources with a TypeScript loader on every run costs more than the synthesis itself, and CommonJS output loads
// cdktf and the providers (CommonJS packages) about 0.3 s faster than ESM, which must lex every CommonJS file it
// imports for its named exports (bench/synth.bench.ts measures the whole command). The bundle is rebuilt when this
// script or any source file it was built from is newer than it; delete .tmp/app to force a rebuild.
import { build } from "esbuild";
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = join(root, ".tmp", "app", "main.cjs");
const inputsFile = join(root, ".tmp", "app", "inputs.json");

/** Whether the last bundle is newer than this script and every source file it was built from. */
function bundleIsCurrent() {
  if (!existsSync(outfile) || !existsSync(inputsFile)) return false;
  const built = statSync(outfile).mtimeMs;
  const inputs = JSON.parse(readFileSync(inputsFile, "utf8")).map((file) => join(root, file));
  return [fileURLToPath(import.meta.url), ...inputs].every((file) => existsSync(file) && statSync(file).mtimeMs < built);
}

async function bundle() {
  const result = await build({
    entryPoints: [join(root, "main.ts")],
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    packages: "external",
    outfile,
    metafile: true,
    write: false,
    logLevel: "warning",
    // Our sources are ESM and read import.meta.url (lib/proxy-bundle.ts finds the proxy's sources from it).
    define: { "import.meta.url": "__synthAppUrl" },
    banner: { js: 'const __synthAppUrl = require("node:url").pathToFileURL(__filename).href;' },
  });
  // Write then rename, so a synth running in parallel (the tests run several) never loads a half-written file.
  mkdirSync(dirname(outfile), { recursive: true });
  const writeAtomically = (file, contents) => {
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, contents);
    renameSync(temporary, file);
  };
  writeAtomically(inputsFile, JSON.stringify(Object.keys(result.metafile.inputs)));
  writeAtomically(outfile, result.outputFiles[0].contents);
}

if (!bundleIsCurrent()) await bundle();
createRequire(import.meta.url)(outfile);
