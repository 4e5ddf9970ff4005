import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kubernetesObject, synthKubernetes } from "../support/synth.ts";

interface MinioContainer {
  command: string[];
  env: { name: string; value?: string }[];
}

const minioContainer = () => {
  const json = synthKubernetes({ storage: { mode: "s3", bucket: { kind: "minio", bucketName: "files" } } });
  const d = kubernetesObject(json, "kubernetes_deployment_v1", "convex-alice-dev-minio") as { spec: { template: { spec: { container: MinioContainer[] } } } };
  return d.spec.template.spec.container[0] as MinioContainer;
};

describe("KubernetesMinio's start command (real sh, real mkdir; a stand-in `minio` records how it was started)", () => {
  it("creates the bucket directory on the drive before exec'ing the server, with its certificates under the writable /tmp", () => {
    const c = minioContainer();
    const root = mkdtempSync(join(tmpdir(), "k8s-minio-"));
    const drive = join(root, "data");
    const bin = join(root, "bin");
    mkdirSync(drive);
    mkdirSync(bin);
    const record = join(root, "record");
    writeFileSync(join(bin, "minio"), `#!/bin/sh\n{ echo "pid=$$"; echo "bucket=$(test -d "$MINIO_VOLUMES/$CONVEX_BUCKET" && echo yes)"; for a in "$@"; do echo "arg=$a"; done; } > "${record}"\n`);
    chmodSync(join(bin, "minio"), 0o755);
    const literal = Object.fromEntries(c.env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value as string]));
    expect(literal).toEqual({ MINIO_VOLUMES: "/data", CONVEX_BUCKET: "files" });
    const [program, ...args] = c.command;
    const result = spawnSync(program as string, args, { env: { ...literal, MINIO_VOLUMES: drive, PATH: `${bin}:/usr/bin:/bin` }, encoding: "utf8" });
    expect(result.status, result.stderr).toBe(0);
    expect(existsSync(join(drive, "files"))).toBe(true);
    expect(readFileSync(record, "utf8").trim().split("\n")).toEqual([
      `pid=${result.pid}`,
      "bucket=yes",
      "arg=server",
      "arg=--address",
      "arg=:9000",
      "arg=--console-address",
      "arg=:9001",
      "arg=--certs-dir",
      "arg=/tmp/certs",
    ]);
  });
});
