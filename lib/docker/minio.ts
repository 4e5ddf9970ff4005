import { Container } from "@cdktf/provider-docker/lib/container/index.js";
import type { Volume } from "@cdktf/provider-docker/lib/volume/index.js";
import { Construct } from "constructs";
import { GeneratedKeyPair } from "./generated-secret.ts";
import { dockerDataVolume } from "./data-volume.ts";
import { dockerLabels } from "./labels.ts";
import { MINIO_DATA_PATH, MINIO_PORT, MINIO_READY_PATH, minioStartScript } from "../core/minio.ts";

export { MINIO_CONSOLE_PORT, MINIO_DATA_PATH, MINIO_PORT } from "../core/minio.ts";

/** MinIO's start command with the bucket bootstrap (see lib/core/minio.ts). */
export const MINIO_START_SCRIPT = minioStartScript();

/** MinIO's readiness endpoint, probed with the curl the image ships. */
export const MINIO_HEALTHCHECK = {
  test: ["CMD", "curl", "-f", `http://localhost:${MINIO_PORT}${MINIO_READY_PATH}`],
  interval: "5s",
  timeout: "5s",
  retries: 5,
  startPeriod: "10s",
} as const;

export interface MinioServerProps {
  /** Container name; the backend and the proxy reach MinIO as `http://<name>:9000`. */
  readonly name: string;
  /** Name of the Docker volume holding MinIO's drive (the workspace's files). */
  readonly dataVolumeName: string;
  /** Image to run: a pulled image's id or the pinned MINIO_IMAGE reference (lib/core/images.ts). */
  readonly image: string;
  readonly networkName: string;
  /** The bucket to create before the server starts. */
  readonly bucketName: string;
  readonly labels: Record<string, string>;
  /** Refuse `terraform destroy` of MinIO's volume. @default true */
  readonly protectDataVolume?: boolean;
  /** Seconds `terraform apply` waits for MinIO to be ready. @default 120 */
  readonly healthyTimeoutSeconds?: number;
}

/**
 * A MinIO server for one workspace: its own volume, root credentials generated at apply time, the bucket created
 * before the server starts, and no published port (only the workspace network reaches it). `wait = true`: apply
 * continues past this container only once MinIO reports ready, so anything that depends on it (the backend, the
 * proxy) starts with the bucket in place.
 */
export class MinioServer extends Construct {
  readonly resource: Container;
  readonly dataVolume: Volume;
  readonly rootCredentials: GeneratedKeyPair;
  /** `http://<name>:9000`, as containers on the workspace network reach it. */
  readonly endpoint: string;

  constructor(scope: Construct, id: string, props: MinioServerProps) {
    super(scope, id);
    this.endpoint = `http://${props.name}:${MINIO_PORT}`;
    this.rootCredentials = new GeneratedKeyPair(this, "RootCredentials");
    this.dataVolume = dockerDataVolume(this, "Data", { name: props.dataVolumeName, labels: props.labels, protect: props.protectDataVolume ?? true });
    this.resource = new Container(this, "Resource", {
      name: props.name,
      image: props.image,
      entrypoint: ["/bin/sh", "-c"],
      command: [MINIO_START_SCRIPT],
      env: [
        `MINIO_VOLUMES=${MINIO_DATA_PATH}`,
        `CONVEX_BUCKET=${props.bucketName}`,
        `MINIO_ROOT_USER=${this.rootCredentials.accessKeyId}`,
        `MINIO_ROOT_PASSWORD=${this.rootCredentials.secretAccessKey}`,
      ],
      labels: dockerLabels(props.labels),
      networksAdvanced: [{ name: props.networkName }],
      mounts: [{ type: "volume", source: this.dataVolume.name, target: MINIO_DATA_PATH }],
      healthcheck: { ...MINIO_HEALTHCHECK, test: [...MINIO_HEALTHCHECK.test] },
      wait: true,
      waitTimeout: props.healthyTimeoutSeconds ?? 120,
      destroyGraceSeconds: 30,
      restart: "unless-stopped",
    });
  }
}
