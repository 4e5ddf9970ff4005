import { Container, type ContainerUpload } from "@cdktf/provider-docker/lib/container/index.js";
import type { Volume } from "@cdktf/provider-docker/lib/volume/index.js";
import type { ITerraformDependable, Precondition } from "cdktf";
import { Construct } from "constructs";
import { configError } from "../core/errors.ts";
import { dockerDataVolume } from "./data-volume.ts";
import { dockerLabels } from "./labels.ts";
import { checkHostIp, checkHostPort, DEFAULT_HOST_IP } from "./ports.ts";

/** The backend's ports inside the container: API and WebSocket, and HTTP actions. Fixed by the image's run_backend.sh. */
export const BACKEND_API_PORT = 3210;
export const BACKEND_SITE_PORT = 3211;
/** Where the image keeps its SQLite database, credentials and local files. */
export const DATA_MOUNT_PATH = "/convex/data";

/**
 * The backend's healthcheck, as upstream's compose file and CI run it: `curl -f http://localhost:3210/version`
 * (curl is in the backend image). The listener binds only after the database and storage are initialized, so
 * healthy means ready. The start period gives a first boot time to initialize before failures count.
 */
export const BACKEND_HEALTHCHECK = {
  test: ["CMD", "curl", "-f", `http://localhost:${BACKEND_API_PORT}/version`],
  interval: "5s",
  timeout: "5s",
  retries: 5,
  startPeriod: "30s",
} as const;

/** Docker restart policies the constructs accept. */
export type RestartPolicy = "no" | "on-failure" | "always" | "unless-stopped";

export interface ConvexBackendProps {
  /** Container name; other containers on the network reach the backend by it. */
  readonly name: string;
  /** Name of the Docker volume mounted at /convex/data. */
  readonly dataVolumeName: string;
  /** Image to run (a pulled image's id, or a pinned reference). */
  readonly image: string;
  /** Network the container joins. */
  readonly networkName: string;
  /** The rendered environment (lib/docker/env.ts). */
  readonly env: readonly string[];
  readonly labels: Record<string, string>;
  /** Seconds the backend gets to drain after SIGINT before Docker kills it (on stop, replace and destroy). */
  readonly stopTimeoutSeconds: number;
  /** Host port of the API (3210 inside). @default 3210 */
  readonly apiHostPort?: number;
  /** Host port of HTTP actions (3211 inside). @default 3211 */
  readonly siteHostPort?: number;
  /** Host address the ports are published on. @default "127.0.0.1" - reachable from this machine only */
  readonly hostIp?: string;
  /**
   * Refuse `terraform destroy` of the data volume (Terraform `prevent_destroy`). Coder templates turn it off: there
   * the volume must go with the workspace. @default true
   */
  readonly protectDataVolume?: boolean;
  /** Docker restart policy. @default "unless-stopped" */
  readonly restart?: RestartPolicy;
  /** Seconds `terraform apply` waits for the healthcheck to pass before it fails. @default 300 */
  readonly healthyTimeoutSeconds?: number;
  /** What must be up before the backend starts (e.g. MinIO with its bucket). @default - nothing else */
  readonly dependsOn?: ITerraformDependable[];
  /** Preconditions of the container, e.g. the storage-mode lock. @default - none */
  readonly preconditions?: Precondition[];
  /**
   * Private CAs the backend trusts on its S3 path (lib/docker/tls.ts): their uploads, and the entrypoint that
   * writes the trust bundle before run_backend.sh. @default - the image's system roots, its own entrypoint
   */
  readonly trust?: { readonly uploads: readonly ContainerUpload[]; readonly entrypoint: readonly string[] };
}

/**
 * A self-hosted Convex backend on Docker: its data volume and one container.
 *
 * - The volume outlives the container and every redeploy: `ignore_changes = all` keeps Terraform from replacing it
 *   for any attribute drift, and `prevent_destroy` refuses to delete it unless turned off.
 * - The backend only stops cleanly on SIGINT (it has no SIGTERM handler and runs as PID 1), so the container's stop
 *   signal is SIGINT with a stop timeout; `destroy_grace_seconds` makes Terraform stop it the same way before it
 *   replaces or removes it (without it the provider stops with a zero timeout, i.e. kills it).
 * - `wait = true`: `terraform apply` creates the container, then blocks until the healthcheck reports healthy, so
 *   whatever depends on the backend is created after it is healthy.
 */
export class ConvexBackend extends Construct {
  readonly resource: Container;
  readonly dataVolume: Volume;
  readonly apiHostPort: number;
  readonly siteHostPort: number;
  readonly hostIp: string;

  constructor(scope: Construct, id: string, props: ConvexBackendProps) {
    super(scope, id);
    this.apiHostPort = props.apiHostPort ?? BACKEND_API_PORT;
    this.siteHostPort = props.siteHostPort ?? BACKEND_SITE_PORT;
    this.hostIp = props.hostIp ?? DEFAULT_HOST_IP;
    const protect = props.protectDataVolume ?? true;
    const healthyTimeout = props.healthyTimeoutSeconds ?? 300;
    checkHostPort("apiHostPort", this.apiHostPort);
    checkHostPort("siteHostPort", this.siteHostPort);
    checkHostIp("hostIp", this.hostIp);
    if (this.apiHostPort === this.siteHostPort) {
      throw configError("siteHostPort", this.siteHostPort, `use a host port other than apiHostPort (${this.apiHostPort}): the API and HTTP actions are two listeners`);
    }
    if (!Number.isInteger(props.stopTimeoutSeconds) || props.stopTimeoutSeconds < 1) {
      throw configError("stopTimeoutSeconds", props.stopTimeoutSeconds, "use a whole number of seconds, at least 1, for the backend to drain after SIGINT");
    }

    this.dataVolume = dockerDataVolume(this, "Data", { name: props.dataVolumeName, labels: props.labels, protect: protect });

    this.resource = new Container(this, "Resource", {
      name: props.name,
      image: props.image,
      env: [...props.env],
      entrypoint: props.trust === undefined ? undefined : [...props.trust.entrypoint],
      upload: props.trust === undefined ? undefined : [...props.trust.uploads],
      labels: dockerLabels(props.labels),
      networksAdvanced: [{ name: props.networkName }],
      mounts: [{ type: "volume", source: this.dataVolume.name, target: DATA_MOUNT_PATH }],
      ports: [
        { internal: BACKEND_API_PORT, external: this.apiHostPort, ip: this.hostIp },
        { internal: BACKEND_SITE_PORT, external: this.siteHostPort, ip: this.hostIp },
      ],
      healthcheck: { ...BACKEND_HEALTHCHECK, test: [...BACKEND_HEALTHCHECK.test] },
      wait: true,
      waitTimeout: healthyTimeout,
      stopSignal: "SIGINT",
      stopTimeout: props.stopTimeoutSeconds,
      destroyGraceSeconds: props.stopTimeoutSeconds,
      restart: props.restart ?? "unless-stopped",
      dependsOn: props.dependsOn,
      lifecycle: props.preconditions ? { precondition: props.preconditions } : undefined,
    });
  }
}
