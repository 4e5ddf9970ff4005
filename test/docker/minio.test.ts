import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MinioServer, type MinioServerProps } from "../../lib/docker/minio.ts";
import { onlyContainer, synthConstruct } from "../support/docker-construct.ts";
import { envMap, type DockerContainer } from "../support/docker-synth.ts";

const props: MinioServerProps = {
  name: "convex-alice-dev-minio",
  dataVolumeName: "convex-alice-dev-minio-data",
  image: "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z",
  networkName: "net",
  bucketName: "convex",
  labels: {},
};

const synthMinio = () => onlyContainer(synthConstruct((scope) => new MinioServer(scope, "Minio", props)));

/**
 * Runs the container's start command exactly as Docker would (its entrypoint with its command), with the container's
 * environment, except that MINIO_VOLUMES points at a temporary drive. There is no MinIO binary on this machine, so a
 * stand-in `minio` on PATH records what the server would have been started with, whether the bucket existed at that
 * moment, and its PID (to show `exec` replaced the shell). The bucket bootstrap itself is the real command.
 */
function runStart(c: DockerContainer, overrides: Record<string, string | undefined> = {}) {
  const root = mkdtempSync(join(tmpdir(), "minio-bootstrap-"));
  const drive = join(root, "data");
  mkdirSync(drive);
  const bin = join(root, "bin");
  mkdirSync(bin);
  const record = join(root, "record");
  writeFileSync(
    join(bin, "minio"),
    `#!/bin/sh\n{ echo "pid=$$"; echo "bucket_at_start=$(test -d "$MINIO_VOLUMES/$CONVEX_BUCKET" && echo yes || echo no)"; for a in "$@"; do echo "arg=$a"; done; } > "${record}"\n`,
  );
  chmodSync(join(bin, "minio"), 0o755);
  const env: Record<string, string | undefined> = { ...envMap(c), MINIO_VOLUMES: drive, PATH: `${bin}:/usr/bin:/bin`, ...overrides };
  const [program, ...entryArgs] = c.entrypoint ?? [];
  const result = spawnSync(program as string, [...entryArgs, ...(c.command ?? [])], { env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv, encoding: "utf8" });
  const lines = existsSync(record) ? readFileSync(record, "utf8").trim().split("\n") : [];
  return { result, drive, lines };
}

describe("MinioServer", () => {
  it("defaults: own volume, generated root keys, MINIO_VOLUMES=/data, ready check, apply waits, nothing published", () => {
    const c = synthMinio();
    expect(envMap(c)).toEqual({
      MINIO_VOLUMES: "/data",
      CONVEX_BUCKET: "convex",
      MINIO_ROOT_USER: expect.stringMatching(/^\$\{random_password\.Minio_RootCredentials_AccessKeyId_[0-9A-F]{8}\.result\}$/),
      MINIO_ROOT_PASSWORD: expect.stringMatching(/^\$\{random_password\.Minio_RootCredentials_SecretAccessKey_[0-9A-F]{8}\.result\}$/),
    });
    expect(c.mounts).toEqual([{ type: "volume", source: expect.stringMatching(/^\$\{docker_volume\.Minio_Data_[0-9A-F]{8}\.name\}$/), target: "/data" }]);
    expect(c.healthcheck?.test).toEqual(["CMD", "curl", "-f", "http://localhost:9000/minio/health/ready"]);
    expect(c).toMatchObject({ wait: true, wait_timeout: 120, restart: "unless-stopped" });
    expect(c.ports).toBeUndefined();
  });

  it("bootstrap: creates the bucket directory on the drive, then execs the server on :9000 (real sh, real mkdir)", () => {
    const { result, drive, lines } = runStart(synthMinio());
    expect(result.status, result.stderr).toBe(0);
    expect(existsSync(join(drive, "convex"))).toBe(true);
    expect(lines).toEqual([`pid=${result.pid}`, "bucket_at_start=yes", "arg=server", "arg=--address", "arg=:9000", "arg=--console-address", "arg=:9001"]);
  });

  it("bootstrap: is idempotent and keeps what the bucket holds", () => {
    const c = synthMinio();
    const first = runStart(c);
    writeFileSync(join(first.drive, "convex", "object"), "kept");
    const again = spawnSync("/bin/sh", ["-c", c.command?.[0] ?? ""], {
      env: { ...envMap(c), MINIO_VOLUMES: first.drive, PATH: `${join(first.drive, "..", "bin")}:/usr/bin:/bin` },
      encoding: "utf8",
    });
    expect(again.status, again.stderr).toBe(0);
    expect(readFileSync(join(first.drive, "convex", "object"), "utf8")).toBe("kept");
  });

  it("bootstrap: refuses to start the server without a bucket name (set -u), instead of serving no bucket", () => {
    const { result, lines } = runStart(synthMinio(), { CONVEX_BUCKET: undefined });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/CONVEX_BUCKET/);
    expect(lines).toEqual([]);
  });
});
