import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");

describe("npx cdktf synth, Docker target", () => {
  it("synthesizes only workspace-docker offline when WORKSPACE_TARGET=docker, in proxied mode with the real bundle", () => {
    const outdir = mkdtempSync(join(tmpdir(), "cdktf-out-"));
    const result = spawnSync("npx", ["cdktf", "synth", "--output", outdir], {
      cwd: root,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", CI: "true", WORKSPACE_TARGET: "docker", STORAGE_MODE: "proxied", WORKSPACE_NAME: "alice-dev" },
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(result.status, result.stderr).toBe(0);
    expect(existsSync(join(outdir, "stacks", "workspace-kubernetes"))).toBe(false);
    const json = JSON.parse(readFileSync(join(outdir, "stacks", "workspace-docker", "cdk.tf.json"), "utf8")) as {
      resource: { docker_container: Record<string, { name: string; upload?: { content: string }[] }> };
      terraform: { backend: { local: { path: string } } };
    };
    const names = Object.values(json.resource.docker_container).map((c) => c.name).sort();
    expect(names).toEqual(["convex-alice-dev-admin-key", "convex-alice-dev-backend", "convex-alice-dev-dashboard", "convex-alice-dev-minio", "convex-alice-dev-s3-proxy"]);
    const proxy = Object.values(json.resource.docker_container).find((c) => c.name === "convex-alice-dev-s3-proxy");
    expect(proxy?.upload?.[0]?.content.length).toBeGreaterThan(1000);
    expect(json.terraform.backend.local.path).toBe(join(root, "terraform.workspace-docker.alice-dev.tfstate"));
  }, 120_000);

  it("fails with a message naming WORKSPACE_TARGET when it names no target", () => {
    const result = spawnSync("npx", ["cdktf", "synth", "--output", mkdtempSync(join(tmpdir(), "cdktf-out-"))], {
      cwd: root,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", CI: "true", WORKSPACE_TARGET: "swarm" },
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(result.status).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toContain('WORKSPACE_TARGET: got "swarm"; use one of kubernetes, docker, or leave it unset for both');
  }, 120_000);
});
