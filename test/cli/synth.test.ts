import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");

/** Runs the real CLI the way a user does, offline, with a private output directory. */
function cdktfSynth(env: Record<string, string>) {
  const outdir = mkdtempSync(join(tmpdir(), "cdktf-out-"));
  const result = spawnSync("npx", ["cdktf", "synth", "--output", outdir], {
    cwd: root,
    env: { ...process.env, CHECKPOINT_DISABLE: "1", CI: "true", ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { ...result, outdir };
}

describe("npx cdktf synth", () => {
  it("fails with a message naming the field when WORKSPACE_NAME is invalid", () => {
    const result = cdktfSynth({ WORKSPACE_NAME: "Bad_Name!" });
    expect(result.status).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toContain(`WORKSPACE_NAME (workspace.name): got "Bad_Name!"; use letters, digits and single hyphens`);
  });

  it("synthesizes the s3 mode offline for the workspace named in the environment", () => {
    const result = cdktfSynth({ STORAGE_MODE: "s3", WORKSPACE_NAME: "alice-dev" });
    expect(result.status, result.stderr).toBe(0);
    const json = JSON.parse(readFileSync(join(result.outdir, "stacks", "workspace-kubernetes", "cdk.tf.json"), "utf8")) as { resource: Record<string, unknown> };
    expect(Object.keys(json.resource)).toContain("kubernetes_manifest");
    expect(JSON.stringify(json)).toContain('"convex-alice-dev-backend"');
  });
});
