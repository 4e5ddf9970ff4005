/**
 * The NetworkPolicies select exactly the pods they are meant to: every selector is matched here against the labels
 * the stack really puts on each pod template (as Kubernetes matches `matchLabels`: every pair present), over every
 * storage mode and bucket kind, with a second workspace's pods in the same namespace.
 */
import { describe, expect, it } from "vitest";
import { resourcesOf, synthKubernetes, type TerraformJson } from "../support/synth.ts";

interface Pod {
  readonly name: string;
  readonly labels: Record<string, string>;
}
interface Peer {
  pod_selector?: { match_labels: Record<string, string> };
  namespace_selector?: { match_labels: Record<string, string> };
}
interface Policy {
  metadata: { name: string };
  spec: { pod_selector: { match_labels: Record<string, string> }; policy_types: string[]; ingress?: { ports: { port: string; protocol: string }[]; from: Peer[] }[] };
}

/** The pods a stack runs: each Deployment's name and its pod template's labels. */
function pods(json: TerraformJson): Pod[] {
  return Object.values(resourcesOf(json, "kubernetes_deployment_v1")).map((d) => {
    const deployment = d as { metadata: { name: string }; spec: { template: { metadata: { labels: Record<string, string> } } } };
    return { name: deployment.metadata.name, labels: deployment.spec.template.metadata.labels };
  });
}

/** The backup CronJob's pods: its job template's pod labels. */
function cronJobPods(json: TerraformJson): Pod[] {
  return Object.values(resourcesOf(json, "kubernetes_cron_job_v1")).map((c) => {
    const cron = c as { metadata: { name: string }; spec: { job_template: { spec: { template: { metadata: { labels: Record<string, string> } } } } } };
    return { name: cron.metadata.name, labels: cron.spec.job_template.spec.template.metadata.labels };
  });
}

const policies = (json: TerraformJson) => Object.values(resourcesOf(json, "kubernetes_network_policy_v1")) as unknown as Policy[];
const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);
const selected = (selector: Record<string, string>, all: Pod[]) => all.filter((p) => matches(selector, p.labels)).map((p) => p.name).sort();

/** Policy name -> selected pods, and per rule: ports, pods allowed (same namespace), namespaces allowed. */
function view(json: TerraformJson, all: Pod[]) {
  return Object.fromEntries(
    policies(json).map((p) => [
      p.metadata.name,
      {
        selects: selected(p.spec.pod_selector.match_labels, all),
        types: p.spec.policy_types,
        ingress: (p.spec.ingress ?? []).map((rule) => ({
          ports: rule.ports.map((port) => `${port.port}/${port.protocol}`),
          pods: rule.from.filter((f) => f.namespace_selector === undefined && f.pod_selector !== undefined).flatMap((f) => selected(f.pod_selector?.match_labels ?? {}, all)).sort(),
          namespaces: rule.from.filter((f) => f.namespace_selector !== undefined).map((f) => f.namespace_selector?.match_labels),
        })),
      },
    ]),
  );
}

interface Egress {
  ports?: { port: string; protocol: string }[];
  to: Peer[];
}
const egressOf = (json: TerraformJson, all: Pod[], name: string) => {
  const p = policies(json).find((x) => x.metadata.name === name) as (Policy & { spec: { egress?: Egress[] } }) | undefined;
  return {
    types: p?.spec.policy_types,
    egress: p?.spec.egress?.map((rule) => ({
      ports: (rule.ports ?? []).map((port) => `${port.port}/${port.protocol}`),
      pods: rule.to.filter((t) => t.namespace_selector === undefined && t.pod_selector !== undefined).flatMap((t) => selected(t.pod_selector?.match_labels ?? {}, all)),
      other: rule.to.filter((t) => t.namespace_selector !== undefined || (t as { ip_block?: unknown }).ip_block !== undefined),
    })),
  };
};
const dns = { ports: ["53/TCP", "53/UDP"], pods: [], other: [{ namespace_selector: { match_labels: { "kubernetes.io/metadata.name": "kube-system" } } }] };
const A = "convex-alice-dev";
const B = "convex-bob-dev";
const bob = (raw: object) => synthKubernetes({ ...raw, workspace: { name: "bob-dev" } });
const both = (raw: object) => {
  const alice = synthKubernetes(raw);
  return { alice, all: [...pods(alice), ...pods(bob(raw))] };
};
const backendRule = (podsAllowed: string[], namespaces: unknown[] = []) => ({ ports: ["3210/TCP", "3211/TCP"], pods: podsAllowed, namespaces });

describe("NetworkPolicies select exactly the pods they are meant to", () => {
  it("local: the backend takes 3210/3211 from its own dashboard only; the dashboard takes nothing but port-forward", () => {
    const { alice, all } = both({});
    expect(view(alice, all)).toEqual({
      [`${A}-backend`]: { selects: [`${A}-backend`], types: ["Ingress"], ingress: [backendRule([`${A}-dashboard`])] },
      [`${A}-dashboard`]: { selects: [`${A}-dashboard`], types: ["Ingress"], ingress: [] },
    });
  });

  it("proxied (Rook claim): the proxy takes 8333 from this workspace's backend only", () => {
    const { alice, all } = both({ storage: { mode: "proxied" } });
    expect(view(alice, all)[`${A}-s3-proxy`]).toEqual({ selects: [`${A}-s3-proxy`], types: ["Ingress"], ingress: [{ ports: ["8333/TCP"], pods: [`${A}-backend`], namespaces: [] }] });
    expect(Object.keys(view(alice, all)).sort()).toEqual([`${A}-backend`, `${A}-dashboard`, `${A}-s3-proxy`]);
  });

  it("s3 with MinIO: MinIO takes 9000 from this workspace's backend only", () => {
    const { alice, all } = both({ storage: { mode: "s3", bucket: { kind: "minio" } } });
    expect(view(alice, all)[`${A}-minio`]).toEqual({ selects: [`${A}-minio`], types: ["Ingress"], ingress: [{ ports: ["9000/TCP"], pods: [`${A}-backend`], namespaces: [] }] });
  });

  it("proxied with MinIO: MinIO takes 9000 from this workspace's proxy only (the backend goes through the proxy)", () => {
    const { alice, all } = both({ storage: { mode: "proxied", bucket: { kind: "minio" } } });
    const v = view(alice, all);
    expect(v[`${A}-minio`]).toEqual({ selects: [`${A}-minio`], types: ["Ingress"], ingress: [{ ports: ["9000/TCP"], pods: [`${A}-s3-proxy`], namespaces: [] }] });
    expect(v[`${A}-s3-proxy`]?.ingress).toEqual([{ ports: ["8333/TCP"], pods: [`${A}-backend`], namespaces: [] }]);
  });

  it("with an Ingress, monitoring and allowFrom: the controller's namespace, Prometheus (metrics port only) and the named sources", () => {
    const coder = { namespaceLabels: { "kubernetes.io/metadata.name": "coder" }, podLabels: { "app.kubernetes.io/name": "coder-workspace" } };
    const raw = {
      storage: { mode: "proxied" },
      ingress: { apiHost: "api.dev.example.com", siteHost: "site.dev.example.com", dashboardHost: "dash.dev.example.com" },
      monitoring: { serviceMonitor: true },
      networkPolicy: { allowFrom: [coder] },
      scheduling: { labels: { team: "payments" } },
    };
    const { alice, all } = both(raw);
    const ingressNs = { "kubernetes.io/metadata.name": "ingress-nginx" };
    const prometheusNs = { "kubernetes.io/metadata.name": "monitoring" };
    const v = view(alice, all);
    expect(v[`${A}-backend`]).toEqual({
      selects: [`${A}-backend`],
      types: ["Ingress"],
      ingress: [backendRule([`${A}-dashboard`], [ingressNs, coder.namespaceLabels]), { ports: ["3210/TCP"], pods: [], namespaces: [prometheusNs] }],
    });
    expect(v[`${A}-dashboard`]).toEqual({ selects: [`${A}-dashboard`], types: ["Ingress"], ingress: [{ ports: ["6791/TCP"], pods: [], namespaces: [ingressNs, coder.namespaceLabels] }] });
    expect(v[`${A}-s3-proxy`]?.ingress).toEqual([
      { ports: ["8333/TCP"], pods: [`${A}-backend`], namespaces: [] },
      { ports: ["8333/TCP"], pods: [], namespaces: [prometheusNs] },
    ]);
    // The Coder peer carries both selectors: pods with that label, in that namespace only.
    const backendPolicy = policies(alice).find((p) => p.metadata.name === `${A}-backend`);
    expect(backendPolicy?.spec.ingress?.[0]?.from).toContainEqual({ namespace_selector: { match_labels: coder.namespaceLabels }, pod_selector: { match_labels: coder.podLabels } });
  });

  it("with storage.doctor, the doctor's Job reaches what the backend reaches (the proxy, or MinIO in s3 mode)", () => {
    const jobPods = (json: TerraformJson): Pod[] =>
      Object.values(resourcesOf(json, "kubernetes_job_v1")).map((j) => {
        const job = j as { metadata: { name: string }; spec: { template: { metadata: { labels: Record<string, string> } } } };
        return { name: job.metadata.name, labels: job.spec.template.metadata.labels };
      });
    const proxied = synthKubernetes({ storage: { mode: "proxied", doctor: true } });
    expect(view(proxied, [...pods(proxied), ...jobPods(proxied)])[`${A}-s3-proxy`]?.ingress[0]?.pods).toEqual([`${A}-backend`, `${A}-storage-doctor`]);
    const minio = synthKubernetes({ storage: { mode: "s3", doctor: true, bucket: { kind: "minio" } } });
    expect(view(minio, [...pods(minio), ...jobPods(minio)])[`${A}-minio`]?.ingress[0]?.pods).toEqual([`${A}-backend`, `${A}-storage-doctor`]);
  });

  it("backups to a MinIO bucket: the backup job's pods reach MinIO (s3 and proxied), and a restoring backend does too in proxied mode", () => {
    const backup = { schedule: "17 3 * * *" };
    const s3 = synthKubernetes({ storage: { mode: "s3", bucket: { kind: "minio" } }, backup });
    expect(view(s3, [...pods(s3), ...cronJobPods(s3)])[`${A}-minio`]?.ingress).toEqual([{ ports: ["9000/TCP"], pods: [`${A}-backend`, `${A}-backup`], namespaces: [] }]);
    const proxied = synthKubernetes({ storage: { mode: "proxied", bucket: { kind: "minio" } }, backup });
    expect(view(proxied, [...pods(proxied), ...cronJobPods(proxied)])[`${A}-minio`]?.ingress).toEqual([{ ports: ["9000/TCP"], pods: [`${A}-backup`, `${A}-s3-proxy`], namespaces: [] }]);
    // The restore init container runs in the backend's pod and downloads from MinIO directly, before the proxy matters.
    const restoring = synthKubernetes({ storage: { mode: "proxied", bucket: { kind: "minio" } }, backup: { ...backup, restoreFrom: "latest" } });
    expect(view(restoring, [...pods(restoring), ...cronJobPods(restoring)])[`${A}-minio`]?.ingress).toEqual([{ ports: ["9000/TCP"], pods: [`${A}-backend`, `${A}-backup`, `${A}-s3-proxy`], namespaces: [] }]);
  });

  it("no policy of one workspace selects a pod of another in the same namespace", () => {
    const raw = { storage: { mode: "proxied", bucket: { kind: "minio" } } };
    const { alice, all } = both(raw);
    for (const policy of policies(alice)) {
      expect(selected(policy.spec.pod_selector.match_labels, all).every((name) => name.startsWith(`${A}-`))).toBe(true);
    }
    expect(all.some((p) => p.name === `${B}-backend`)).toBe(true);
  });

  it("restricted egress: backend and proxy reach DNS and their storage's next hop only, plus what the operator names", () => {
    const api = { cidr: "203.0.113.0/24", ports: [443] };
    const raw = { storage: { mode: "proxied", bucket: { kind: "minio" } }, networkPolicy: { egress: { restrict: true, backend: [api] } } };
    const { alice, all } = both(raw);
    expect(egressOf(alice, all, `${A}-backend`)).toEqual({
      types: ["Ingress", "Egress"],
      egress: [dns, { ports: ["8333/TCP"], pods: [`${A}-s3-proxy`], other: [] }, { ports: ["443/TCP"], pods: [], other: [{ ip_block: { cidr: "203.0.113.0/24" } }] }],
    });
    expect(egressOf(alice, all, `${A}-s3-proxy`)).toEqual({ types: ["Ingress", "Egress"], egress: [dns, { ports: ["9000/TCP"], pods: [`${A}-minio`], other: [] }] });
    expect(egressOf(alice, all, `${A}-dashboard`)).toEqual({ types: ["Ingress"], egress: undefined });
    expect(egressOf(alice, all, `${A}-minio`)).toEqual({ types: ["Ingress"], egress: undefined });

    const rook = { namespaceLabels: { "kubernetes.io/metadata.name": "rook-ceph" }, podLabels: { app: "rook-ceph-rgw" }, ports: [8080] };
    const claim = synthKubernetes({ storage: { mode: "s3" }, networkPolicy: { egress: { restrict: true, bucket: [rook] } } });
    expect(egressOf(claim, pods(claim), `${A}-backend`).egress).toEqual([
      dns,
      { ports: ["8080/TCP"], pods: [], other: [{ namespace_selector: { match_labels: rook.namespaceLabels }, pod_selector: { match_labels: rook.podLabels } }] },
    ]);
  });

  it("restricted egress with backups: the backup job's pods reach DNS and the workspace bucket only; a restoring backend reaches that bucket too", () => {
    const restrict = { egress: { restrict: true } };
    const minio = synthKubernetes({ storage: { mode: "proxied", bucket: { kind: "minio" } }, networkPolicy: restrict, backup: { schedule: "@daily", restoreFrom: "latest" } });
    const minioPods = [...pods(minio), ...cronJobPods(minio)];
    expect(egressOf(minio, minioPods, `${A}-backup`)).toEqual({ types: ["Ingress", "Egress"], egress: [dns, { ports: ["9000/TCP"], pods: [`${A}-minio`], other: [] }] });
    expect(view(minio, minioPods)[`${A}-backup`]).toEqual({ selects: [`${A}-backup`], types: ["Ingress", "Egress"], ingress: [] });
    expect(egressOf(minio, minioPods, `${A}-backend`).egress).toEqual([dns, { ports: ["8333/TCP"], pods: [`${A}-s3-proxy`], other: [] }, { ports: ["9000/TCP"], pods: [`${A}-minio`], other: [] }]);

    // Local mode: snapshots go to a claimed bucket, which the operator names.
    const rook = { namespaceLabels: { "kubernetes.io/metadata.name": "rook-ceph" }, ports: [8080] };
    const rookRule = { ports: ["8080/TCP"], pods: [], other: [{ namespace_selector: { match_labels: rook.namespaceLabels } }] };
    const local = synthKubernetes({ networkPolicy: { egress: { restrict: true, bucket: [rook] } }, backup: { schedule: "@daily", restoreFrom: "latest" } });
    expect(egressOf(local, cronJobPods(local), `${A}-backup`).egress).toEqual([dns, rookRule]);
    expect(egressOf(local, pods(local), `${A}-backend`).egress).toEqual([dns, rookRule]);
    // Without a restore the backend in local mode reaches DNS only.
    const noRestore = synthKubernetes({ networkPolicy: { egress: { restrict: true, bucket: [rook] } }, backup: { schedule: "@daily" } });
    expect(egressOf(noRestore, pods(noRestore), `${A}-backend`).egress).toEqual([dns]);

    // A separate backup bucket: its endpoint is unknown to the stack, so the backup pods keep open egress (no policy).
    const external = synthKubernetes({
      storage: { mode: "s3", bucket: { kind: "minio" } },
      networkPolicy: restrict,
      backup: { schedule: "@daily", bucket: { endpoint: "https://backups.example.com", bucketName: "team-backups", credentialsSecretName: "backup-keys" } },
    });
    expect(Object.keys(view(external, pods(external)))).not.toContain(`${A}-backup`);
  });

  it("refuses restricted egress with backups to a claimed bucket when the bucket's endpoint is not named", () => {
    expect(() => synthKubernetes({ networkPolicy: { egress: { restrict: true } }, backup: { schedule: "@daily" } })).toThrow(
      "networkPolicy.egress.bucket: got []; name where the bucket endpoint is, e.g. [{ namespaceLabels: { kubernetes.io/metadata.name: rook-ceph }, ports: [8080] }] or [{ cidr: 203.0.113.0/24, ports: [443] }], or leave egress open (restrict: false)",
    );
  });

  it("creates none with networkPolicy.enabled: false", () => {
    expect(resourcesOf(synthKubernetes({ storage: { mode: "proxied" }, networkPolicy: { enabled: false } }), "kubernetes_network_policy_v1")).toEqual({});
  });
});
