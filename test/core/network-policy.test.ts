/**
 * The workspace's NetworkPolicies as data (lib/core/network-policy.ts): which pods each selects, and who may reach
 * them (and, with egress restricted, what they may reach) on which ports. Every expected value is written out: the
 * selector labels, the namespace label, and the ports 3210/3211 (backend), 6791 (dashboard), 8333 (proxy),
 * 9000 (MinIO), 53 (DNS).
 */
import { describe, expect, it } from "vitest";
import { parseWorkspaceConfig } from "../../lib/core/config.ts";
import { networkPolicies } from "../../lib/core/network-policy.ts";
import { planWorkspace } from "../../lib/core/plan.ts";

const policies = (raw: object) => networkPolicies(planWorkspace(parseWorkspaceConfig({ workspace: { name: "alice-dev" }, ...raw }), { target: "kubernetes" }));

/** The selector labels of one component of alice-dev, as lib/core/labels.ts must give them. */
const selector = (component: string) => ({
  "app.kubernetes.io/name": `convex-${component}`,
  "app.kubernetes.io/instance": "alice-dev",
  "app.kubernetes.io/component": component,
});
const pods = (component: string) => ({ podLabels: selector(component) });
const namespace = (name: string) => ({ namespaceLabels: { "kubernetes.io/metadata.name": name } });

const dns = (name = "kube-system") => ({ ports: [53], udp: true, peers: [namespace(name)] });
const rook = { namespaceLabels: { "kubernetes.io/metadata.name": "rook-ceph" }, ports: [8080] };
const toRook = { ports: [8080], peers: [{ namespaceLabels: { "kubernetes.io/metadata.name": "rook-ceph" } }] };
const toMinio = { ports: [9000], peers: [pods("minio")] };

/** The two policies of every workspace when nothing but the dashboard reaches the backend. */
const backendFromDashboard = { component: "backend", podSelector: selector("backend"), ingress: [{ ports: [3210, 3211], peers: [pods("dashboard")] }] };
const dashboardClosed = { component: "dashboard", podSelector: selector("dashboard"), ingress: [] };

describe("networkPolicies: ingress", () => {
  it("creates none when networkPolicy.enabled is false, whatever else is configured", () => {
    expect(policies({ networkPolicy: { enabled: false, egress: { restrict: true, bucket: [rook] } }, storage: { mode: "proxied" }, monitoring: { serviceMonitor: true } })).toStrictEqual([]);
  });

  it("lets only the dashboard reach the backend and nothing reach the dashboard by default (local mode, no Ingress)", () => {
    expect(policies({})).toStrictEqual([backendFromDashboard, dashboardClosed]);
  });

  it("lets the Ingress controller's namespace, the allowFrom sources and Prometheus in, each on its own ports", () => {
    const coder = { namespaceLabels: { "kubernetes.io/metadata.name": "coder" }, podLabels: { app: "coder-workspace" } };
    const tester = { podLabels: { role: "tester" } };
    const got = policies({
      ingress: { apiHost: "api.a.example.com", siteHost: "site.a.example.com", dashboardHost: "dash.a.example.com" },
      networkPolicy: { ingressControllerNamespace: "traefik", allowFrom: [coder, tester] },
      monitoring: { serviceMonitor: true, prometheusNamespace: "observability" },
    });
    expect(got).toStrictEqual([
      {
        component: "backend",
        podSelector: selector("backend"),
        ingress: [
          { ports: [3210, 3211], peers: [pods("dashboard"), namespace("traefik"), coder, tester] },
          { ports: [3210], peers: [namespace("observability")] },
        ],
      },
      { component: "dashboard", podSelector: selector("dashboard"), ingress: [{ ports: [6791], peers: [namespace("traefik"), coder, tester] }] },
    ]);
  });

  it("lets the default ingress-nginx namespace in with an Ingress, and allowFrom alone without one", () => {
    const ingress = { apiHost: "api.a.example.com", siteHost: "site.a.example.com", dashboardHost: "dash.a.example.com" };
    expect(policies({ ingress })).toStrictEqual([
      { component: "backend", podSelector: selector("backend"), ingress: [{ ports: [3210, 3211], peers: [pods("dashboard"), namespace("ingress-nginx")] }] },
      { component: "dashboard", podSelector: selector("dashboard"), ingress: [{ ports: [6791], peers: [namespace("ingress-nginx")] }] },
    ]);
    const coder = { namespaceLabels: { "kubernetes.io/metadata.name": "coder" } };
    expect(policies({ networkPolicy: { allowFrom: [coder] } })).toStrictEqual([
      { component: "backend", podSelector: selector("backend"), ingress: [{ ports: [3210, 3211], peers: [pods("dashboard"), coder] }] },
      { component: "dashboard", podSelector: selector("dashboard"), ingress: [{ ports: [6791], peers: [coder] }] },
    ]);
  });

  it("lets the default monitoring namespace scrape the backend's API port only", () => {
    expect(policies({ monitoring: { serviceMonitor: true } })).toStrictEqual([
      { component: "backend", podSelector: selector("backend"), ingress: [{ ports: [3210, 3211], peers: [pods("dashboard")] }, { ports: [3210], peers: [namespace("monitoring")] }] },
      dashboardClosed,
    ]);
  });

  it("lets the backend reach the proxy in proxied mode, and the storage doctor's Job when it runs", () => {
    expect(policies({ storage: { mode: "proxied" } })).toStrictEqual([
      backendFromDashboard,
      dashboardClosed,
      { component: "s3-proxy", podSelector: selector("s3-proxy"), ingress: [{ ports: [8333], peers: [pods("backend")] }] },
    ]);
    expect(policies({ storage: { mode: "proxied", doctor: true }, monitoring: { serviceMonitor: true } })[2]).toStrictEqual({
      component: "s3-proxy",
      podSelector: selector("s3-proxy"),
      ingress: [
        { ports: [8333], peers: [pods("backend"), pods("storage-doctor")] },
        { ports: [8333], peers: [namespace("monitoring")] },
      ],
    });
  });

  it("adds no proxy policy in s3 mode, and lets the storage clients reach MinIO directly", () => {
    expect(policies({ storage: { mode: "s3" } })).toStrictEqual([backendFromDashboard, dashboardClosed]);
    expect(policies({ storage: { mode: "s3", doctor: true, bucket: { kind: "minio" } } })).toStrictEqual([
      backendFromDashboard,
      dashboardClosed,
      { component: "minio", podSelector: selector("minio"), ingress: [{ ports: [9000], peers: [pods("backend"), pods("storage-doctor")] }] },
    ]);
  });

  it("lets only the proxy reach MinIO in proxied mode", () => {
    expect(policies({ storage: { mode: "proxied", doctor: true, bucket: { kind: "minio" } } })).toStrictEqual([
      backendFromDashboard,
      dashboardClosed,
      { component: "s3-proxy", podSelector: selector("s3-proxy"), ingress: [{ ports: [8333], peers: [pods("backend"), pods("storage-doctor")] }] },
      { component: "minio", podSelector: selector("minio"), ingress: [{ ports: [9000], peers: [pods("s3-proxy")] }] },
    ]);
  });

  it("lets the backup Job reach MinIO when snapshots go there, and a restoring backend in proxied mode", () => {
    const minioIngress = (raw: object) => policies(raw).find((p) => p.component === "minio")?.ingress;
    const backup = { schedule: "@daily" };
    const restore = { schedule: "@daily", restoreFrom: "latest" };
    expect(minioIngress({ storage: { mode: "proxied", bucket: { kind: "minio" } }, backup })).toStrictEqual([{ ports: [9000], peers: [pods("s3-proxy"), pods("backup")] }]);
    expect(minioIngress({ storage: { mode: "proxied", bucket: { kind: "minio" } }, backup: restore })).toStrictEqual([{ ports: [9000], peers: [pods("s3-proxy"), pods("backup"), pods("backend")] }]);
    // In s3 mode the backend is a storage client already: it is not listed twice.
    expect(minioIngress({ storage: { mode: "s3", bucket: { kind: "minio" } }, backup: restore })).toStrictEqual([{ ports: [9000], peers: [pods("backend"), pods("backup")] }]);
  });

  it("lets no backup pod reach MinIO when snapshots go to a separate backup.bucket", () => {
    const bucket = { endpoint: "https://s3.example.com", bucketName: "snapshots", credentialsSecretName: "backup-keys" };
    expect(policies({ storage: { mode: "proxied", bucket: { kind: "minio" } }, backup: { schedule: "@daily", restoreFrom: "latest", bucket } })[3]).toStrictEqual({
      component: "minio",
      podSelector: selector("minio"),
      ingress: [{ ports: [9000], peers: [pods("s3-proxy")] }],
    });
  });
});

describe("networkPolicies: restricted egress", () => {
  it("lets the backend reach DNS, the proxy and egress.backend, and the proxy DNS and MinIO; other pods keep open egress", () => {
    const api = { cidr: "203.0.113.0/24", ports: [443] };
    const coder = { namespaceLabels: { "kubernetes.io/metadata.name": "coder" }, podLabels: { app: "hooks" } };
    const got = policies({
      storage: { mode: "proxied", bucket: { kind: "minio" } },
      networkPolicy: { egress: { restrict: true, dnsNamespace: "dns-system", backend: [api, coder] } },
    });
    expect(got).toStrictEqual([
      {
        ...backendFromDashboard,
        egress: [dns("dns-system"), { ports: [8333], peers: [pods("s3-proxy")] }, { ports: [443], peers: [{ cidr: "203.0.113.0/24" }] }, { ports: [], peers: [coder] }],
      },
      dashboardClosed,
      { component: "s3-proxy", podSelector: selector("s3-proxy"), ingress: [{ ports: [8333], peers: [pods("backend")] }], egress: [dns("dns-system"), toMinio] },
      { component: "minio", podSelector: selector("minio"), ingress: [{ ports: [9000], peers: [pods("s3-proxy")] }] },
    ]);
  });

  it("lets the backend reach the bucket endpoint the operator names in s3 mode, in the default DNS namespace", () => {
    expect(policies({ storage: { mode: "s3" }, networkPolicy: { egress: { restrict: true, bucket: [rook] } } })).toStrictEqual([
      { ...backendFromDashboard, egress: [dns(), toRook] },
      dashboardClosed,
    ]);
  });

  it("lets the proxy reach the named bucket endpoint in proxied mode with a claim", () => {
    expect(policies({ storage: { mode: "proxied" }, networkPolicy: { egress: { restrict: true, bucket: [rook] } } })).toStrictEqual([
      { ...backendFromDashboard, egress: [dns(), { ports: [8333], peers: [pods("s3-proxy")] }] },
      dashboardClosed,
      { component: "s3-proxy", podSelector: selector("s3-proxy"), ingress: [{ ports: [8333], peers: [pods("backend")] }], egress: [dns(), toRook] },
    ]);
  });

  it("lets a local-mode backend reach DNS only, and egress.backend", () => {
    const api = { cidr: "198.51.100.7/32" };
    expect(policies({ networkPolicy: { egress: { restrict: true, backend: [api] } } })).toStrictEqual([
      { ...backendFromDashboard, egress: [dns(), { ports: [], peers: [{ cidr: "198.51.100.7/32" }] }] },
      dashboardClosed,
    ]);
  });

  it("adds a backup policy that refuses ingress and lets the backup pods reach DNS and the workspace bucket", () => {
    const restrict = { egress: { restrict: true, bucket: [rook] } };
    expect(policies({ networkPolicy: restrict, backup: { schedule: "@daily" } })).toStrictEqual([
      { ...backendFromDashboard, egress: [dns()] },
      dashboardClosed,
      { component: "backup", podSelector: selector("backup"), ingress: [], egress: [dns(), toRook] },
    ]);
    // A restore: the backend's init container downloads from the same bucket.
    expect(policies({ networkPolicy: restrict, backup: { schedule: "@daily", restoreFrom: "latest" } })).toStrictEqual([
      { ...backendFromDashboard, egress: [dns(), toRook] },
      dashboardClosed,
      { component: "backup", podSelector: selector("backup"), ingress: [], egress: [dns(), toRook] },
    ]);
  });

  it("lets a restoring backend in proxied mode reach the claimed bucket besides the proxy", () => {
    const got = policies({ storage: { mode: "proxied" }, networkPolicy: { egress: { restrict: true, bucket: [rook] } }, backup: { schedule: "@daily", restoreFrom: "latest" } });
    expect(got.map((p) => [p.component, p.egress])).toStrictEqual([
      ["backend", [dns(), { ports: [8333], peers: [pods("s3-proxy")] }, toRook]],
      ["dashboard", undefined],
      ["s3-proxy", [dns(), toRook]],
      ["backup", [dns(), toRook]],
    ]);
  });

  it("sends backups to MinIO, and a restoring proxied backend there too; an s3 backend reaches MinIO once", () => {
    const minio = (mode: string, restoreFrom?: string) =>
      policies({ storage: { mode, bucket: { kind: "minio" } }, networkPolicy: { egress: { restrict: true } }, backup: { schedule: "@daily", restoreFrom } }).map((p) => [p.component, p.egress]);
    expect(minio("proxied", "latest")).toStrictEqual([
      ["backend", [dns(), { ports: [8333], peers: [pods("s3-proxy")] }, toMinio]],
      ["dashboard", undefined],
      ["s3-proxy", [dns(), toMinio]],
      ["minio", undefined],
      ["backup", [dns(), toMinio]],
    ]);
    expect(minio("proxied")[0]).toStrictEqual(["backend", [dns(), { ports: [8333], peers: [pods("s3-proxy")] }]]);
    expect(minio("s3", "latest")).toStrictEqual([
      ["backend", [dns(), toMinio]],
      ["dashboard", undefined],
      ["minio", undefined],
      ["backup", [dns(), toMinio]],
    ]);
  });

  it("leaves the backup pods' egress open when snapshots go to a separate backup.bucket, and restores nothing through it", () => {
    const bucket = { endpoint: "https://s3.example.com", bucketName: "snapshots", credentialsSecretName: "backup-keys" };
    expect(policies({ networkPolicy: { egress: { restrict: true } }, backup: { schedule: "@daily", restoreFrom: "latest", bucket } })).toStrictEqual([
      { ...backendFromDashboard, egress: [dns()] },
      dashboardClosed,
    ]);
    const minio = policies({ storage: { mode: "proxied", bucket: { kind: "minio" } }, networkPolicy: { egress: { restrict: true } }, backup: { schedule: "@daily", restoreFrom: "latest", bucket } });
    expect(minio.map((p) => [p.component, p.egress])).toStrictEqual([
      ["backend", [dns(), { ports: [8333], peers: [pods("s3-proxy")] }]],
      ["dashboard", undefined],
      ["s3-proxy", [dns(), toMinio]],
      ["minio", undefined],
    ]);
  });
});
