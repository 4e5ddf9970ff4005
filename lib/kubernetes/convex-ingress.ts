import { IngressV1 } from "@cdktf/provider-kubernetes/lib/ingress-v1/index.js";
import { Construct } from "constructs";

export interface ConvexIngressProps {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** IngressClass. @default - the cluster's default IngressClass */
  readonly className?: string;
  readonly apiHost: string;
  readonly siteHost: string;
  readonly dashboardHost: string;
  /** kubernetes.io/tls Secret covering the three hosts. @default - no TLS (http URLs) */
  readonly tlsSecretName?: string;
  /** Extra annotations, merged over the WebSocket-friendly defaults. @default {} */
  readonly annotations?: Record<string, string>;
  readonly backendService: string;
  readonly backendApiPort: number;
  readonly backendSitePort: number;
  readonly dashboardService: string;
  readonly dashboardPort: number;
}

/**
 * Long-lived WebSocket connections (`/api/sync`) must not be cut by the controller's default 60 s read timeout.
 * These are ingress-nginx's names; other controllers ignore them.
 */
export const WEBSOCKET_ANNOTATIONS: Readonly<Record<string, string>> = {
  "nginx.ingress.kubernetes.io/proxy-read-timeout": "3600",
  "nginx.ingress.kubernetes.io/proxy-send-timeout": "3600",
  "nginx.ingress.kubernetes.io/proxy-body-size": "0",
};

/**
 * One Ingress with a host each for the API (3210, including the `/api/sync` WebSocket), HTTP actions (3211 at `/`)
 * and the dashboard (6791 at `/`: it has no base path).
 */
export class ConvexIngress extends Construct {
  readonly resource: IngressV1;

  constructor(scope: Construct, id: string, props: ConvexIngressProps) {
    super(scope, id);
    const backend = (service: string, port: number) => ({ service: { name: service, port: { number: port } } });
    const rule = (host: string, paths: { path: string; service: string; port: number }[]) => ({
      host,
      http: { path: paths.map((p) => ({ path: p.path, pathType: "Prefix", backend: backend(p.service, p.port) })) },
    });
    this.resource = new IngressV1(this, "Resource", {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: props.labels,
        annotations: { ...WEBSOCKET_ANNOTATIONS, ...(props.annotations ?? {}) },
      },
      spec: {
        ingressClassName: props.className,
        rule: [
          rule(props.apiHost, [
            { path: "/api/sync", service: props.backendService, port: props.backendApiPort },
            { path: "/", service: props.backendService, port: props.backendApiPort },
          ]),
          rule(props.siteHost, [{ path: "/", service: props.backendService, port: props.backendSitePort }]),
          rule(props.dashboardHost, [{ path: "/", service: props.dashboardService, port: props.dashboardPort }]),
        ],
        tls: props.tlsSecretName ? [{ hosts: [props.apiHost, props.siteHost, props.dashboardHost], secretName: props.tlsSecretName }] : undefined,
      },
    });
  }
}
