/**
 * Clients of a TLS endpoint for the tests: the build_deps child (test/fixtures/build-deps-client.mjs, run with or
 * without NODE_EXTRA_CA_CERTS), a zip like the executor's node_modules.zip, and a plain https GET trusting a CA.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { REPO_ROOT } from "./proxy-process.ts";

export interface BuildDepsResult {
  readonly putStatus: number;
  readonly getStatus: number;
  readonly sha256Uploaded: string;
  readonly sha256Downloaded: string;
  readonly error?: string;
}

/** Runs the build_deps client as a child process; `extraCaFile` becomes its NODE_EXTRA_CA_CERTS. */
export function runBuildDepsClient(putUrl: string, getUrl: string, zipFile: string, extraCaFile?: string): Promise<BuildDepsResult> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? "" };
  if (extraCaFile !== undefined) env.NODE_EXTRA_CA_CERTS = extraCaFile;
  const script = path.join(REPO_ROOT, "test/fixtures/build-deps-client.mjs");
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, putUrl, getUrl, zipFile], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`build-deps-client failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as BuildDepsResult);
    });
  });
}

/** A node_modules.zip of `bytes` random-ish bytes (zip -r of a small node_modules tree); returns its path and a cleanup. */
export function makeNodeModulesZip(bytes: number): { zipFile: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), "build-deps-"));
  mkdirSync(path.join(dir, "node_modules", "left-pad"), { recursive: true });
  writeFileSync(path.join(dir, "node_modules", "left-pad", "package.json"), JSON.stringify({ name: "left-pad", version: "1.3.0" }));
  const blob = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i += 1) blob[i] = (i * 2654435761) >>> 24;
  writeFileSync(path.join(dir, "node_modules", "left-pad", "index.bin"), blob);
  execFileSync("zip", ["-q", "-r", "-0", "node_modules.zip", "node_modules"], { cwd: dir, timeout: 30_000 });
  return { zipFile: path.join(dir, "node_modules.zip"), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** GET `url` trusting `ca` (PEM) only; resolves with the status, or rejects with the TLS error. */
export function httpsGet(url: string, ca: string | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = https.get(url, { ...(ca === undefined ? {} : { ca }), timeout: 10_000 }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on("timeout", () => request.destroy(new Error("timed out")));
    request.on("error", reject);
  });
}
