import { Container } from "@cdktf/provider-docker/lib/container/index.js";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { dockerLabels } from "./labels.ts";
import { checkHostIp, checkHostPort, DEFAULT_HOST_IP } from "./ports.ts";
import type { RestartPolicy } from "./convex-backend.ts";

/** The dashboard image listens on 6791 (`ENV PORT=6791`). */
export const DASHBOARD_PORT = 6791;

export interface ConvexDashboardProps {
  readonly name: string;
  /** Image to run; the same release as the backend. */
  readonly image: string;
  readonly networkName: string;
  readonly labels: Record<string, string>;
  /**
   * The backend's browser-reachable URL (NEXT_PUBLIC_DEPLOYMENT_URL): the browser, not the dashboard container,
   * calls it, so a container name does not work.
   */
  readonly deploymentUrl: string;
  /** The backend container: the dashboard is created only after it is healthy (it waits for its healthcheck). */
  readonly backend: ITerraformDependable;
  /** Host port of the dashboard. @default 6791 */
  readonly hostPort?: number;
  /** Host address the port is published on. @default "127.0.0.1" - reachable from this machine only */
  readonly hostIp?: string;
  /** Docker restart policy. @default "unless-stopped" */
  readonly restart?: RestartPolicy;
}

/**
 * The Convex dashboard: one stateless container on 6791. The admin key is never baked in (NEXT_PUBLIC_ADMIN_KEY
 * would hand it to anyone who can load the page): developers paste theirs.
 *
 * Ordering: the container `depends_on` the backend, whose container has `wait = true`, so `terraform apply` creates
 * the dashboard only once the backend's healthcheck passed. Docker itself has no start order: after a host reboot
 * the restart policy starts both independently, which is harmless here (the browser, not the dashboard, calls the
 * backend).
 */
export class ConvexDashboard extends Construct {
  readonly resource: Container;
  readonly hostPort: number;
  readonly hostIp: string;

  constructor(scope: Construct, id: string, props: ConvexDashboardProps) {
    super(scope, id);
    this.hostPort = props.hostPort ?? DASHBOARD_PORT;
    this.hostIp = props.hostIp ?? DEFAULT_HOST_IP;
    checkHostPort("hostPort", this.hostPort);
    checkHostIp("hostIp", this.hostIp);
    this.resource = new Container(this, "Resource", {
      name: props.name,
      image: props.image,
      env: [`NEXT_PUBLIC_DEPLOYMENT_URL=${props.deploymentUrl}`],
      labels: dockerLabels(props.labels),
      networksAdvanced: [{ name: props.networkName }],
      ports: [{ internal: DASHBOARD_PORT, external: this.hostPort, ip: this.hostIp }],
      restart: props.restart ?? "unless-stopped",
      dependsOn: [props.backend],
    });
  }
}
