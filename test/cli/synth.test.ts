import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

describe("the README's set-up, then terraform: `npm run synth` and `npm run check:terraform`", () => {
  it("synthesizes proxied mode with no error line (no checkpoint call), and terraform accepts and plans both stacks", () => {
    const outdir = mkdtempSync(join(tmpdir(), "cdktf-out-"));
    // An empty terraform CLI configuration: this machine's environment names a TF_CLI_CONFIG_FILE that does not
    // exist, and terraform warns about that on every call (cdktf re-prints it as [ERROR]); a user's usually does not.
    const cliConfig = join(outdir, "terraform.rc");
    writeFileSync(cliConfig, "");
    const env: NodeJS.ProcessEnv = { ...process.env, STORAGE_MODE: "proxied", WORKSPACE_NAME: "alice-dev", TF_CLI_CONFIG_FILE: cliConfig };
    delete env.CHECKPOINT_DISABLE;
    delete env.CI;
    const synth = spawnSync("npm", ["run", "--silent", "synth", "--", "--output", outdir], { cwd: root, env, encoding: "utf8", timeout: 120_000 });
    expect(synth.status, synth.stderr).toBe(0);
    expect(`${synth.stdout}${synth.stderr}`).not.toMatch(/ERROR|ENOTFOUND|checkpoint/i);
    const check = spawnSync("npm", ["run", "--silent", "check:terraform", "--", join(outdir, "stacks", "workspace-kubernetes"), join(outdir, "stacks", "workspace-docker")], {
      cwd: root,
      env,
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(check.status, check.stdout).toBe(0);
    expect(check.stdout).toMatch(/^ok {7}.*workspace-kubernetes\/cdk\.tf\.json: 24 resources planned$/m);
    expect(check.stdout).toMatch(/^ok {7}.*workspace-docker\/cdk\.tf\.json: 23 resources planned$/m);
    rmSync(outdir, { recursive: true, force: true });
  });
});
