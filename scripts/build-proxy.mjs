// Builds the S3 compatibility proxy into ONE file, dist/s3-proxy.mjs (ESM, platform node, target node20, minified),
// that needs nothing but Node: the Kubernetes and Docker constructs mount it from a ConfigMap into a stock
// node:20-alpine image and run `node /opt/s3-proxy/s3-proxy.mjs`. Fails if the bundle exceeds 256 KiB.
import { build } from "esbuild";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// `--outfile <path>` writes elsewhere (the tests build into a temporary directory, not into the checkout).
const outArg = process.argv.indexOf("--outfile");
const outfile = outArg === -1 ? path.join(root, "dist", "s3-proxy.mjs") : path.resolve(process.argv[outArg + 1] ?? "");
const shown = path.relative(root, outfile).startsWith("..") ? outfile : path.relative(root, outfile);
// `--entry <path>` bundles another entry point the same way (the benchmark's signing relay, bench/lib/signing-relay.ts).
const entryArg = process.argv.indexOf("--entry");
const entry = entryArg === -1 ? path.join(root, "proxy", "src", "main.ts") : path.resolve(process.argv[entryArg + 1] ?? "");
const MAX_BYTES = 262_144;

// Only needed when a bundled CommonJS module calls require() for a Node built-in: ESM output has no `require`.
const CREATE_REQUIRE_BANNER = "import { createRequire as __s3proxyCreateRequire } from 'node:module'; const require = __s3proxyCreateRequire(import.meta.url);";

async function bundle(banner) {
  return build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    minify: true,
    legalComments: "none",
    metafile: true,
    write: false,
    logLevel: "warning",
    banner: banner ? { js: banner } : undefined,
  });
}

let result = await bundle(undefined);
const cjsInputs = Object.entries(result.metafile.inputs)
  .filter(([, input]) => input.format === "cjs")
  .map(([file]) => file);
if (cjsInputs.length > 0) {
  console.log(`CommonJS inputs (${cjsInputs.length}), adding the createRequire banner: ${cjsInputs.join(", ")}`);
  result = await bundle(CREATE_REQUIRE_BANNER);
}

const output = result.outputFiles[0];
if (output === undefined) throw new Error(`esbuild produced no output for ${path.relative(root, entry)}`);
const size = output.contents.byteLength;
console.log(`${shown}: ${size} bytes (${(size / 1024).toFixed(1)} KiB of ${MAX_BYTES / 1024} KiB allowed)`);
if (size > MAX_BYTES) {
  console.error(`${shown} is ${size} bytes, over the ${MAX_BYTES}-byte limit: drop a dependency or trim the proxy.`);
  process.exit(1);
}
// Write then rename, so a process starting the bundle never reads a half-written file (tests build it in parallel).
mkdirSync(path.dirname(outfile), { recursive: true });
const temporary = `${outfile}.${process.pid}.tmp`;
writeFileSync(temporary, output.contents);
renameSync(temporary, outfile);
