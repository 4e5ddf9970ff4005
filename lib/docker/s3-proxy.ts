import { Container, type ContainerUpload } from "@cdktf/provider-docker/lib/container/index.js";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { PROXY_PORT } from "../core/backend-env.ts";
import { CA_FILE_NAME, PROXY_CA_DIR } from "../core/tls.ts";
import { PROXY_BUNDLE_DIR, PROXY_BUNDLE_FILE } from "../proxy-bundle.ts";
import { dockerLabels } from "./labels.ts";

/** Where the bundle is uploaded inside the proxy container. */
export const PROXY_BUNDLE_PATH = `${PROXY_BUNDLE_DIR}/${PROXY_BUNDLE_FILE}`;

/** The proxy's start command: the stock image's `node` running the uploaded bundle. */
export const PROXY_COMMAND: readonly string[] = ["node", PROXY_BUNDLE_PATH];

/** The `node` user of the official Node images. */
const NODE_USER = "1000:1000";

/**
 * The proxy's healthcheck: GET /readyz (ready once the upstream answers), with the image's own `node`, so no extra
 * binary is needed in the stock image.
 */
export const PROXY_HEALTHCHECK = {
  test: [
    "CMD",
    "node",
    "-e",
    `fetch('http://127.0.0.1:${PROXY_PORT}/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
  ],
  interval: "5s",
  timeout: "5s",
  retries: 5,
  startPeriod: "5s",
} as const;

export interface S3ProxyProps {
  /** Container name; the backend reaches the proxy as `http://<name>:8333`. */
  readonly name: string;
  /** A stock Node image, pinned (lib/core/images.ts NODE_IMAGE), or its pulled id. */
  readonly image: string;
  readonly networkName: string;
  /** The proxy bundle (one ESM file, lib/proxy-bundle.ts), uploaded into the container before it starts. */
  readonly bundle: string;
  /** The rendered environment (lib/docker/env.ts over the core's proxyEnvironment). */
  readonly env: readonly string[];
  readonly labels: Record<string, string>;
  /** What must be up before the proxy starts (e.g. MinIO). @default - nothing else */
  readonly dependsOn?: ITerraformDependable[];
  /** Seconds `terraform apply` waits for /readyz. @default 120 */
  readonly healthyTimeoutSeconds?: number;
  /**
   * Serve TLS: `uploads` carry the certificate, key and CA (lib/docker/tls.ts) and the environment the
   * S3PROXY_TLS_* variables; the endpoint is then `https://<name>:8333`. @default false - plain HTTP
   */
  readonly tls?: boolean;
  /** Files uploaded before the proxy starts besides its bundle (TLS material, the bucket's CA). @default - none */
  readonly uploads?: readonly ContainerUpload[];
}

/**
 * The per-workspace S3 compatibility proxy: the bundle uploaded into a stock Node container (`upload` runs before
 * the container starts; a new bundle replaces the container), run as the image's non-root `node` user, reachable
 * only on the workspace network on 8333. `wait = true`: the backend, which depends on it, starts after /readyz
 * passes. SIGTERM (Docker's default stop signal) closes it gracefully.
 */
export class S3Proxy extends Construct {
  readonly resource: Container;
  /** `http://<name>:8333`, as containers on the workspace network reach it. */
  readonly endpoint: string;

  constructor(scope: Construct, id: string, props: S3ProxyProps) {
    super(scope, id);
    const scheme = props.tls === true ? "https" : "http";
    this.endpoint = `${scheme}://${props.name}:${PROXY_PORT}`;
    // With TLS the healthcheck names the certificate's `localhost` and trusts the uploaded CA (NODE_EXTRA_CA_CERTS).
    const healthcheck = props.tls === true ? tlsHealthcheck() : { ...PROXY_HEALTHCHECK, test: [...PROXY_HEALTHCHECK.test] };
    this.resource = new Container(this, "Resource", {
      name: props.name,
      image: props.image,
      command: [...PROXY_COMMAND],
      user: NODE_USER,
      env: [...props.env, ...(props.tls === true ? [`NODE_EXTRA_CA_CERTS=${PROXY_CA_DIR}/${CA_FILE_NAME}`] : [])],
      // Minified JavaScript is full of `${`: the stack (LiteralSafeStack) escapes it like every literal.
      upload: [{ file: PROXY_BUNDLE_PATH, content: props.bundle }, ...(props.uploads ?? [])],
      labels: dockerLabels(props.labels),
      networksAdvanced: [{ name: props.networkName }],
      healthcheck,
      wait: true,
      waitTimeout: props.healthyTimeoutSeconds ?? 120,
      destroyGraceSeconds: 10,
      restart: "unless-stopped",
      dependsOn: props.dependsOn,
    });
  }
}

/** PROXY_HEALTHCHECK over https, to the name the certificate carries for it. */
function tlsHealthcheck() {
  const test = PROXY_HEALTHCHECK.test.map((part) => part.replace(`http://127.0.0.1:${PROXY_PORT}`, `https://localhost:${PROXY_PORT}`));
  return { ...PROXY_HEALTHCHECK, test };
}
