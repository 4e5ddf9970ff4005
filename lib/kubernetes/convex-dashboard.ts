import { DeploymentV1 } from "@cdktf/provider-kubernetes/lib/deployment-v1/index.js";
import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1/index.js";
import { Construct } from "constructs";
import type { ResourceSpec } from "../core/plan.ts";
import { DASHBOARD_HTTP_PORT } from "../core/ports.ts";
import { podAnnotations, schedulingSpec, type PodScheduling } from "./pod-scheduling.ts";
import { httpProbe } from "./probes.ts";

/** The dashboard image listens on 6791 (`ENV PORT=6791`). */
export const DASHBOARD_PORT = DASHBOARD_HTTP_PORT;
/** The dashboard image runs as `nextjs` (uid 1001). */
const DASHBOARD_UID = "1001";

export interface ConvexDashboardProps {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly selectorLabels: Record<string, string>;
  /** Full image reference; the same release as the backend. */
  readonly image: string;
  /**
   * The backend's browser-reachable URL (NEXT_PUBLIC_DEPLOYMENT_URL): the browser, not the dashboard pod, calls it,
   * so an in-cluster Service URL does not work.
   */
  readonly deploymentUrl: string;
  readonly resources: ResourceSpec;
  /** Wait for the rollout on apply. @default true */
  readonly waitForRollout?: boolean;
  /** Terraform `count`, e.g. Coder's start_count. @default - always created */
  readonly computeCount?: number;
  /** Where the pods run and how they pull images (`scheduling:`). @default - no constraints, the namespace's default ServiceAccount */
  readonly scheduling?: PodScheduling;
}

/**
 * The Convex dashboard: a stateless Deployment and Service on 6791. The admin key is never baked in
 * (NEXT_PUBLIC_ADMIN_KEY would hand it to anyone who can load the page): developers paste theirs.
 */
export class ConvexDashboard extends Construct {
  readonly deployment: DeploymentV1;
  readonly service: ServiceV1;

  constructor(scope: Construct, id: string, props: ConvexDashboardProps) {
    super(scope, id);
    this.deployment = new DeploymentV1(this, "Resource", {
      count: props.computeCount,
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
      waitForRollout: props.waitForRollout ?? true,
      spec: {
        replicas: "1",
        selector: { matchLabels: props.selectorLabels },
        template: {
          metadata: { labels: props.labels, annotations: podAnnotations(props.scheduling) },
          spec: {
            ...schedulingSpec(props.scheduling, props.selectorLabels),
            securityContext: { runAsNonRoot: true, runAsUser: DASHBOARD_UID, seccompProfile: { type: "RuntimeDefault" } },
            container: [
              {
                name: "dashboard",
                image: props.image,
                port: [{ name: "http", containerPort: DASHBOARD_PORT }],
                env: [{ name: "NEXT_PUBLIC_DEPLOYMENT_URL", value: props.deploymentUrl }],
                readinessProbe: httpProbe("/", DASHBOARD_PORT, 10, 3),
                livenessProbe: httpProbe("/", DASHBOARD_PORT, 20, 6),
                resources: { requests: { ...props.resources.requests }, limits: { ...props.resources.limits } },
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
              },
            ],
          },
        },
      },
    });
    this.service = new ServiceV1(this, "Service", {
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
      spec: {
        type: "ClusterIP",
        selector: props.selectorLabels,
        port: [{ name: "http", port: DASHBOARD_PORT, targetPort: String(DASHBOARD_PORT) }],
      },
    });
  }
}
