/**
 * The shared settings the operator work added, on the Docker target: extra backend variables and image pins apply
 * there too; the Kubernetes-only settings (NetworkPolicy, monitoring, scheduling) leave the Docker stack as it was.
 */
import { describe, expect, it } from "vitest";
import { MINIO_IMAGE } from "../../lib/core/images.ts";
import { dockerContainer, envMap, namesOf, synthDocker } from "../support/docker-synth.ts";

describe("workspace-docker with the operator settings", () => {
  it("appends convex.extraEnv to the backend's environment", () => {
    const json = synthDocker({ convex: { extraEnv: { RUST_LOG: "info" } } });
    const backend = dockerContainer(json, "convex-alice-dev-backend");
    expect(backend.env?.at(-1)).toBe("RUST_LOG=info");
    expect(envMap(backend).RUST_LOG).toBe("info");
  });

  it("pulls MinIO, the proxy and the Convex images from the configured pins, MinIO's default unchanged", () => {
    expect(namesOf(synthDocker({ storage: { mode: "s3" } }), "docker_image")).toContain(MINIO_IMAGE);
    const minio = `quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z@sha256:${"d".repeat(64)}`;
    const digest = `sha256:${"a".repeat(64)}`;
    const images = namesOf(synthDocker({ storage: { mode: "s3", bucket: { kind: "minio", image: minio } }, convex: { imageDigests: { backend: digest } } }), "docker_image");
    expect(images).toContain(minio);
    expect(images).toContain(`ghcr.io/get-convex/convex-backend:652b828b5129e6cdbcaa3c20efa8d116d09ff3bf@${digest}`);
  });

  it("synthesizes the same stack whatever the Kubernetes-only settings say", () => {
    const k8sOnly = {
      networkPolicy: { enabled: false },
      monitoring: { serviceMonitor: true },
      scheduling: { nodeSelector: { pool: "convex" }, labels: { team: "payments" }, imagePullSecrets: [{ name: "reg" }] },
    };
    expect(synthDocker({ storage: { mode: "proxied" }, ...k8sOnly })).toEqual(synthDocker({ storage: { mode: "proxied" } }));
  });
});
