import type { ITerraformDependable } from "cdktf";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1/index.js";
import { DeploymentV1 } from "@cdktf/provider-kubernetes/lib/deployment-v1/index.js";
import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1/index.js";
import { Construct } from "constructs";
import { createHash } from "node:crypto";
import { PROXY_PORT } from "../core/backend-env.ts";
import type { EnvEntry } from "../core/env.ts";
import type { ResourceSpec } from "../core/plan.ts";
import { PROXY_BUNDLE_DIR, PROXY_BUNDLE_FILE } from "../proxy-bundle.ts";
import type { CaBundleSource } from "../core/tls.ts";
import { kubernetesEnv, type RefSources } from "./env.ts";
import { podAnnotations, schedulingSpec, type PodScheduling } from "./pod-scheduling.ts";
import { httpProbe } from "./probes.ts";
import { bucketCaVolume, proxyCertVolume, type MountedVolume } from "./tls-volumes.ts";

/** The `node` user of the official Node images. */
const NODE_UID = "1000";

export interface S3ProxyProps {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly selectorLabels: Record<string, string>;
  /** A stock Node image, pinned (see lib/core/images.ts). */
  readonly image: string;
  /** The proxy bundle (one ESM file); mounted from a ConfigMap. */
  readonly bundle: string;
  /** The proxy's environment from the core (proxyEnvironment). */
  readonly env: readonly EnvEntry[];
  readonly refSources: RefSources;
  /** Requests and limits of the proxy container (storage.proxy.resources; defaults in lib/core/config-schema.ts). */
  readonly resources: ResourceSpec;
  /** Pods behind the Service; the proxy keeps no per-upload state, so any number works. @default 1 */
  readonly replicas?: number;
  /** Wait for the rollout on apply. @default true */
  readonly waitForRollout?: boolean;
  /** Terraform `count`, e.g. Coder's start_count. @default - always created */
  readonly computeCount?: number;
  /**
   * Terraform `count` of the ConfigMap and Service, e.g. 1 only when a Coder workspace picked `proxied` storage
   * (the Deployment then takes `computeCount`, which must be 0 when this is). @default - always created
   */
  readonly presenceCount?: number;
  /**
   * What the Deployment waits for (Terraform `depends_on`): the bucket claim and the Secrets it reads by name.
   * @default - only the ordering references imply
   */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * The kubernetes.io/tls Secret the proxy serves TLS with (lib/kubernetes/proxy-tls-secret.ts); the environment
   * must then carry S3PROXY_TLS_CERT_FILE and S3PROXY_TLS_KEY_FILE (lib/core/tls.ts). @default - plain HTTP
   */
  readonly tlsSecretName?: string;
  /** The bucket's private CA, mounted for S3PROXY_UPSTREAM_CA_FILE. @default - the public roots only */
  readonly upstreamCa?: CaBundleSource;
  /** Where the pods run and how they pull images (`scheduling:`). @default - no constraints, the namespace's default ServiceAccount */
  readonly scheduling?: PodScheduling;
}

/**
 * The per-workspace S3 compatibility proxy: the bundle in a ConfigMap, run by a stock Node image as non-root with a
 * read-only root filesystem, behind a ClusterIP Service on 8333. Upstream keys come from the bucket's Secret by
 * reference; the keys the backend signs with come from the workspace's proxy-credentials Secret.
 */
export class S3Proxy extends Construct {
  readonly deployment: DeploymentV1;
  readonly service: ServiceV1;
  readonly bundleConfigMap: ConfigMapV1;

  constructor(scope: Construct, id: string, props: S3ProxyProps) {
    super(scope, id);
    const bundleName = `${props.name}-bundle`.slice(0, 63);
    this.bundleConfigMap = new ConfigMapV1(this, "Bundle", {
      count: props.presenceCount,
      metadata: { name: bundleName, namespace: props.namespace, labels: props.labels },
      data: { [PROXY_BUNDLE_FILE]: props.bundle },
    });
    // A new bundle rolls the pods (ConfigMap changes do not restart them by themselves).
    const bundleHash = createHash("sha256").update(props.bundle).digest("hex").slice(0, 16);
    const tlsVolumes: MountedVolume[] = [
      ...(props.tlsSecretName === undefined ? [] : [proxyCertVolume(props.tlsSecretName)]),
      ...(props.upstreamCa === undefined ? [] : [bucketCaVolume(props.upstreamCa)]),
    ];
    const scheme = props.tlsSecretName === undefined ? {} : { scheme: "HTTPS" };
    const probe = (path: string, period: number, failures: number) => {
      const base = httpProbe(path, PROXY_PORT, period, failures);
      return { ...base, httpGet: { ...base.httpGet, ...scheme } };
    };
    this.deployment = new DeploymentV1(this, "Resource", {
      count: props.computeCount,
      dependsOn: props.dependsOn,
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
      waitForRollout: props.waitForRollout ?? true,
      spec: {
        replicas: String(props.replicas ?? 1),
        selector: { matchLabels: props.selectorLabels },
        template: {
          metadata: { labels: props.labels, annotations: podAnnotations(props.scheduling, { "convex-workspace/bundle-sha256": bundleHash }) },
          spec: {
            ...schedulingSpec(props.scheduling, props.selectorLabels),
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: NODE_UID, runAsGroup: NODE_UID, seccompProfile: { type: "RuntimeDefault" } },
            container: [
              {
                name: "s3-proxy",
                image: props.image,
                command: ["node", `${PROXY_BUNDLE_DIR}/${PROXY_BUNDLE_FILE}`],
                port: [{ name: "s3", containerPort: PROXY_PORT }],
                env: kubernetesEnv(props.env, props.refSources),
                volumeMount: [{ name: "bundle", mountPath: PROXY_BUNDLE_DIR, readOnly: true }, ...tlsVolumes.map((v) => v.mount)],
                readinessProbe: probe("/readyz", 10, 3),
                livenessProbe: probe("/healthz", 20, 3),
                resources: { requests: { ...props.resources.requests }, limits: { ...props.resources.limits } },
                securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
              },
            ],
            // A counted ConfigMap cannot be referenced without an index: name it directly then.
            volume: [
              { name: "bundle", configMap: { name: props.presenceCount === undefined ? this.bundleConfigMap.metadata.name : bundleName } },
              ...tlsVolumes.map((v) => v.volume),
            ],
          },
        },
      },
    });
    this.service = new ServiceV1(this, "Service", {
      count: props.presenceCount,
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
      spec: { type: "ClusterIP", selector: props.selectorLabels, port: [{ name: "s3", port: PROXY_PORT, targetPort: String(PROXY_PORT) }] },
    });
  }
}
