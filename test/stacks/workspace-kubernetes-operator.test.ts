/** Monitoring, scheduling and image access, extra environment and digests on workspace-kubernetes. */
import { describe, expect, it } from "vitest";
import { inventory, resourcesOf, synthKubernetes, type TerraformJson } from "../support/synth.ts";

interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, unknown> & { container: { name: string; image: string; env?: { name: string; value?: string }[] }[] };
}
const templates = (json: TerraformJson) =>
  Object.values(resourcesOf(json, "kubernetes_deployment_v1")).map((d) => (d as { metadata: { name: string }; spec: { template: PodTemplate } })).map((d) => ({ name: d.metadata.name, template: d.spec.template }));
const manifests = (json: TerraformJson) => Object.values(resourcesOf(json, "kubernetes_manifest")).map((m) => (m as { manifest: Record<string, unknown> & { kind: string } }).manifest);

describe("monitoring: { serviceMonitor: true }", () => {
  const json = synthKubernetes({ storage: { mode: "proxied" }, monitoring: { serviceMonitor: true, labels: { release: "kube-prometheus-stack" } } });

  it("adds a ServiceMonitor for the backend's and the proxy's /metrics, selecting their Services", () => {
    const monitors = manifests(json).filter((m) => m.kind === "ServiceMonitor");
    expect(monitors.map((m) => [(m.metadata as { name: string }).name, m.spec])).toEqual([
      [
        "convex-alice-dev-backend",
        {
          selector: { matchLabels: { "app.kubernetes.io/name": "convex-backend", "app.kubernetes.io/instance": "alice-dev", "app.kubernetes.io/component": "backend" } },
          namespaceSelector: { matchNames: ["convex"] },
          endpoints: [{ port: "api", path: "/metrics", interval: "30s" }],
        },
      ],
      [
        "convex-alice-dev-s3-proxy",
        {
          selector: { matchLabels: { "app.kubernetes.io/name": "convex-s3-proxy", "app.kubernetes.io/instance": "alice-dev", "app.kubernetes.io/component": "s3-proxy" } },
          namespaceSelector: { matchNames: ["convex"] },
          endpoints: [{ port: "s3", path: "/metrics", interval: "30s" }],
        },
      ],
    ]);
    for (const m of monitors) expect((m.metadata as { labels: Record<string, string> }).labels.release).toBe("kube-prometheus-stack");
  });

  it("names the scraped ports that the Services really have", () => {
    const ports = Object.values(resourcesOf(json, "kubernetes_service_v1")).flatMap((s) => (s as { spec: { port: { name: string }[] } }).spec.port.map((p) => p.name));
    expect(ports).toEqual(expect.arrayContaining(["api", "s3"]));
  });

  it("adds one PrometheusRule whose alerts name the workspace: backend down, proxy 5xx ratio, proxy p99", () => {
    const [rule] = manifests(json).filter((m) => m.kind === "PrometheusRule");
    const rules = (rule?.spec as { groups: { name: string; rules: { alert: string; expr: string; labels: Record<string, string> }[] }[] }).groups[0]?.rules ?? [];
    expect(rules.map((r) => [r.alert, r.expr, r.labels.workspace])).toEqual([
      ["ConvexBackendDown", 'up{namespace="convex",service="convex-alice-dev-backend"} == 0 or absent(up{namespace="convex",service="convex-alice-dev-backend"})', "alice-dev"],
      [
        "ConvexS3ProxyErrors",
        'sum(rate(s3proxy_requests_total{namespace="convex",service="convex-alice-dev-s3-proxy",status=~"5.."}[5m])) / sum(rate(s3proxy_requests_total{namespace="convex",service="convex-alice-dev-s3-proxy"}[5m])) > 0.05',
        "alice-dev",
      ],
      ["ConvexS3ProxySlow", 'histogram_quantile(0.99, sum by (le) (rate(s3proxy_request_duration_seconds_bucket{namespace="convex",service="convex-alice-dev-s3-proxy"}[5m]))) > 2', "alice-dev"],
    ]);
  });

  it("scrapes no backend when DISABLE_METRICS_ENDPOINT=true, and is off by default", () => {
    const off = synthKubernetes({ monitoring: { serviceMonitor: true }, convex: { extraEnv: { DISABLE_METRICS_ENDPOINT: "true" } } });
    expect(resourcesOf(off, "kubernetes_manifest")).toEqual({});
    expect(manifests(synthKubernetes({ storage: { mode: "proxied" } })).map((m) => m.kind)).toEqual(["ObjectBucketClaim"]);
    expect(inventory(synthKubernetes({})).kubernetes_manifest).toBeUndefined();
  });
});

describe("scheduling: on every pod of the stack", () => {
  const scheduling = {
    nodeSelector: { "node-pool": "convex" },
    tolerations: [{ key: "dedicated", operator: "Equal", value: "convex", effect: "NoSchedule", tolerationSeconds: 60 }],
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/arch", operator: "In", values: ["amd64"] }] }] },
      },
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 50, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { "app.kubernetes.io/part-of": "convex-workspace" } } } },
        ],
      },
    },
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway" }],
    priorityClassName: "convex-workspaces",
    imagePullSecrets: [{ name: "ghcr-mirror" }],
    serviceAccountName: "convex-workspace",
    labels: { team: "payments" },
    podAnnotations: { "cluster-autoscaler.kubernetes.io/safe-to-evict": "false" },
  };
  const json = synthKubernetes({ storage: { mode: "proxied", bucket: { kind: "minio" } }, scheduling });

  it("sets node selector, tolerations, affinity, spread, priority, pull secrets and ServiceAccount on the four pods", () => {
    const all = templates(json);
    expect(all.map((t) => t.name).sort()).toEqual(["convex-alice-dev-backend", "convex-alice-dev-dashboard", "convex-alice-dev-minio", "convex-alice-dev-s3-proxy"]);
    for (const { template } of all) {
      expect(template.spec).toMatchObject({
        node_selector: { "node-pool": "convex" },
        toleration: [{ key: "dedicated", operator: "Equal", value: "convex", effect: "NoSchedule", toleration_seconds: "60" }],
        affinity: {
          node_affinity: { required_during_scheduling_ignored_during_execution: { node_selector_term: [{ match_expressions: [{ key: "kubernetes.io/arch", operator: "In", values: ["amd64"] }] }] } },
          pod_anti_affinity: {
            preferred_during_scheduling_ignored_during_execution: [
              { weight: 50, pod_affinity_term: { topology_key: "kubernetes.io/hostname", label_selector: [{ match_labels: { "app.kubernetes.io/part-of": "convex-workspace" } }] } },
            ],
          },
        },
        priority_class_name: "convex-workspaces",
        image_pull_secrets: [{ name: "ghcr-mirror" }],
        service_account_name: "convex-workspace",
      });
      expect(template.metadata.labels.team).toBe("payments");
      expect(template.metadata.annotations?.["cluster-autoscaler.kubernetes.io/safe-to-evict"]).toBe("false");
    }
  });

  it("sets them on the storage doctor's Job too", () => {
    const withDoctor = synthKubernetes({ storage: { mode: "s3", doctor: true }, scheduling });
    const job = Object.values(resourcesOf(withDoctor, "kubernetes_job_v1"))[0] as { spec: { template: PodTemplate } };
    expect(job.spec.template.spec).toMatchObject({ node_selector: { "node-pool": "convex" }, image_pull_secrets: [{ name: "ghcr-mirror" }], service_account_name: "convex-workspace", priority_class_name: "convex-workspaces" });
    expect(Object.keys(job.spec.template.metadata.annotations ?? {}).sort()).toEqual(["cluster-autoscaler.kubernetes.io/safe-to-evict", "convex-workspace/doctor-bundle-sha256"]);
  });

  it("spreads each component over its own pods when the constraint names no selector", () => {
    const spread = (name: string) => (templates(json).find((t) => t.name === name)?.template.spec.topology_spread_constraint as { label_selector: unknown[] }[])[0]?.label_selector;
    expect(spread("convex-alice-dev-backend")).toEqual([{ match_labels: { "app.kubernetes.io/name": "convex-backend", "app.kubernetes.io/instance": "alice-dev", "app.kubernetes.io/component": "backend" } }]);
    expect(spread("convex-alice-dev-minio")).toEqual([{ match_labels: { "app.kubernetes.io/name": "convex-minio", "app.kubernetes.io/instance": "alice-dev", "app.kubernetes.io/component": "minio" } }]);
  });

  it("keeps the proxy's bundle annotation besides the operator's", () => {
    const proxy = templates(json).find((t) => t.name === "convex-alice-dev-s3-proxy")?.template;
    expect(Object.keys(proxy?.metadata.annotations ?? {}).sort()).toEqual(["cluster-autoscaler.kubernetes.io/safe-to-evict", "convex-workspace/bundle-sha256"]);
  });

  it("adds nothing to the pod specs when scheduling is not set", () => {
    const plain = templates(synthKubernetes({ storage: { mode: "proxied" } }));
    for (const { template } of plain) {
      for (const key of ["node_selector", "toleration", "affinity", "topology_spread_constraint", "priority_class_name", "image_pull_secrets", "service_account_name"]) {
        expect(template.spec).not.toHaveProperty(key);
      }
    }
  });
});

describe("convex.extraEnv and image digests", () => {
  it("appends extra variables after the managed ones, on the backend only", () => {
    const json = synthKubernetes({ convex: { extraEnv: { RUST_LOG: "info", DOCUMENT_RETENTION_DELAY: "172800" } } });
    const backend = templates(json).find((t) => t.name === "convex-alice-dev-backend")?.template.spec.container[0];
    expect(backend?.env?.slice(-2)).toEqual([
      { name: "RUST_LOG", value: "info" },
      { name: "DOCUMENT_RETENTION_DELAY", value: "172800" },
    ]);
    const dashboard = templates(json).find((t) => t.name === "convex-alice-dev-dashboard")?.template.spec.container[0];
    expect(dashboard?.env?.map((e) => e.name)).toEqual(["NEXT_PUBLIC_DEPLOYMENT_URL"]);
  });

  it("pulls backend and dashboard by digest, each tagged with the one release", () => {
    const release = "652b828b5129e6cdbcaa3c20efa8d116d09ff3bf";
    const backend = `sha256:${"a".repeat(64)}`;
    const dashboard = `sha256:${"b".repeat(64)}`;
    const json = synthKubernetes({ convex: { release, imageDigests: { backend, dashboard } } });
    const image = (name: string) => templates(json).find((t) => t.name === name)?.template.spec.container[0]?.image;
    expect(image("convex-alice-dev-backend")).toBe(`ghcr.io/get-convex/convex-backend:${release}@${backend}`);
    expect(image("convex-alice-dev-dashboard")).toBe(`ghcr.io/get-convex/convex-dashboard:${release}@${dashboard}`);
  });

  it("runs the proxy and MinIO from digest references as given", () => {
    const proxy = `node@sha256:${"c".repeat(64)}`;
    const minio = `quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z@sha256:${"d".repeat(64)}`;
    const json = synthKubernetes({ storage: { mode: "proxied", bucket: { kind: "minio", image: minio }, proxy: { image: proxy } } });
    const image = (name: string) => templates(json).find((t) => t.name === name)?.template.spec.container[0]?.image;
    expect(image("convex-alice-dev-s3-proxy")).toBe(proxy);
    expect(image("convex-alice-dev-minio")).toBe(minio);
  });
});
