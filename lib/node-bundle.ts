import { buildSync } from "esbuild";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** A file of this repository, found from this module whether it runs from lib/ or from a bundled app. */
export function repositoryFile(...parts: string[]): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, ...parts);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find ${join(...parts)} above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/**
 * Builds one of the project's Node programs (the S3 proxy, the storage doctor) into ONE minified ESM file for a
 * stock Node image (>= 20), in memory. Deterministic: the same sources give the same bytes. `what` names it in errors.
 */
export function buildNodeBundle(entry: string, what: string): Uint8Array & { readonly text: string } {
  const result = buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    minify: true,
    legalComments: "none",
    write: false,
    logLevel: "silent",
    // Bundled CommonJS modules call require() for Node built-ins; ESM output has none.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error(`esbuild produced no output for the ${what} bundle`);
  return Object.assign(file.contents, { text: file.text });
}
