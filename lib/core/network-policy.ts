import { BACKEND_PORTS, DASHBOARD_HTTP_PORT } from "./ports.ts";
import { PROXY_PORT } from "./backend-env.ts";
import { selectorLabels } from "./labels.ts";
import { MINIO_PORT } from "./minio.ts";
import type { BackupPlan } from "./backup.ts";
import type { Component } from "./names.ts";
import type { WorkspacePlan } from "./plan.ts";

/**
 * The workspace's NetworkPolicies as data: which pods each one selects and who may reach them on which ports.
 * Every selector comes from `selectorLabels` (lib/core/labels.ts), the labels every pod of the stack carries, so a
 * policy selects its component's pods and nothing else. Ingress only, unless `networkPolicy.egress.restrict` closes
 * egress too (restrictEgress below).
 */

/** A source of traffic: pods (in the workspace namespace unless a namespace selector is given) or whole namespaces. */
export interface PolicyPeer {
  /** @default - the policy's own namespace */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  /** @default - every pod of the selected namespaces */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** An IPv4 block instead of selectors (egress to an endpoint outside the cluster). @default - none */
  readonly cidr?: string;
}

export interface PolicyRule {
  /** TCP ports (also UDP with `udp`); empty means every port. */
  readonly ports: readonly number[];
  /** Also allow the same ports over UDP (DNS). @default false */
  readonly udp?: boolean;
  /** The sources (ingress) or destinations (egress). */
  readonly peers: readonly PolicyPeer[];
}

export interface WorkspaceNetworkPolicy {
  /** The component whose pods the policy selects (also the policy's name suffix). */
  readonly component: Component;
  readonly podSelector: Readonly<Record<string, string>>;
  /** Allowed ingress; an empty list refuses all ingress to the selected pods. */
  readonly ingress: readonly PolicyRule[];
  /** Allowed egress when restricted (`networkPolicy.egress.restrict`). @default - egress open */
  readonly egress?: readonly PolicyRule[];
}

/** The cluster DNS port. */
const DNS_PORT = 53;

/** Kubernetes sets this label on every namespace (1.21+): the namespace's name. */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** The NetworkPolicies of a workspace; empty when `networkPolicy.enabled` is false. */
export function networkPolicies(plan: WorkspacePlan): WorkspaceNetworkPolicy[] {
  if (!plan.networkPolicy.enabled) return [];
  const pods = (component: Component): PolicyPeer => ({ podLabels: selectorLabels(plan.workspace, component) });
  const namespace = (name: string): PolicyPeer => ({ namespaceLabels: { [NAMESPACE_NAME_LABEL]: name } });
  // Where the browser-facing URLs are served from: the Ingress controller, and the sources the operator names.
  const servers: PolicyPeer[] = [
    ...(plan.ingress === undefined ? [] : [namespace(plan.networkPolicy.ingressControllerNamespace)]),
    ...plan.networkPolicy.allowFrom,
  ];
  const prometheus = plan.monitoring.serviceMonitor ? [namespace(plan.monitoring.prometheusNamespace)] : [];
  const rule = (ports: readonly number[], peers: readonly PolicyPeer[]): PolicyRule[] => (peers.length === 0 ? [] : [{ ports, peers }]);
  const policy = (component: Component, ingress: PolicyRule[]): WorkspaceNetworkPolicy => ({ component, podSelector: selectorLabels(plan.workspace, component), ingress });

  const policies = [
    policy("backend", [...rule(BACKEND_PORTS, [pods("dashboard"), ...servers]), ...rule([BACKEND_PORTS[0]], prometheus)]),
    policy("dashboard", rule([DASHBOARD_HTTP_PORT], servers)),
  ];
  const mode = plan.storage.mode;
  // The storage doctor's Job runs with the backend's storage environment, so it talks to what the backend talks to.
  const storageClients = [pods("backend"), ...(plan.storageDoctor ? [pods("storage-doctor")] : [])];
  if (mode === "proxied") policies.push(policy("s3-proxy", [...rule([PROXY_PORT], storageClients), ...rule([PROXY_PORT], prometheus)]));
  if (plan.minio !== undefined) {
    // Backups to the workspace bucket, here MinIO: the backup Job's pods upload there, and a restoring backend's init
    // container downloads from it directly (in s3 mode the backend is a storage client anyway).
    const backup = workspaceBackup(plan);
    const backupClients = backup === undefined ? [] : [pods("backup"), ...(backup.restoreFrom !== undefined && mode === "proxied" ? [pods("backend")] : [])];
    policies.push(policy("minio", rule([MINIO_PORT], [...(mode === "proxied" ? [pods("s3-proxy")] : storageClients), ...backupClients])));
  }
  return restrictEgress(plan, policies, pods);
}

/**
 * The backup settings when snapshots go to the workspace bucket (not a separate `backup.bucket`). That bucket is
 * the workspace's MinIO whenever `plan.minio` exists: the plan has a MinIO only for a `minio` storage bucket.
 */
function workspaceBackup(plan: WorkspacePlan): BackupPlan | undefined {
  return plan.backup?.target.kind === "workspace" ? plan.backup : undefined;
}

/**
 * With `networkPolicy.egress.restrict`, the backend and the proxy may reach only the cluster DNS, the next hop of
 * their storage (the proxy, MinIO, or the bucket endpoint the operator names) and, for the backend, what its user code
 * needs (`egress.backend`). Backups to the workspace bucket: the backup Job's pods may reach DNS and that bucket only,
 * and a backend with `backup.restoreFrom` that bucket too (its restore init container). Other pods keep open egress,
 * and so do backup pods writing to a separate `backup.bucket` (name its endpoint in `egress.backend` for a restore).
 */
function restrictEgress(plan: WorkspacePlan, policies: WorkspaceNetworkPolicy[], pods: (c: Component) => PolicyPeer): WorkspaceNetworkPolicy[] {
  const egress = plan.networkPolicy.egress;
  if (!egress.restrict) return policies;
  const dns: PolicyRule = { ports: [DNS_PORT], udp: true, peers: [{ namespaceLabels: { [NAMESPACE_NAME_LABEL]: egress.dnsNamespace } }] };
  const operatorRules = (peers: typeof egress.bucket): PolicyRule[] => peers.map(({ ports, ...peer }) => ({ ports: ports ?? [], peers: [peer] }));
  const bucket: PolicyRule[] = plan.minio !== undefined ? [{ ports: [MINIO_PORT], peers: [pods("minio")] }] : operatorRules(egress.bucket);
  const mode = plan.storage.mode;
  const backendStorage: PolicyRule[] = mode === "proxied" ? [{ ports: [PROXY_PORT], peers: [pods("s3-proxy")] }] : mode === "s3" ? bucket : [];
  // Backups to the workspace bucket go where its storage goes: MinIO, or the endpoints the operator names.
  const backup = workspaceBackup(plan);
  const restore = backup?.restoreFrom !== undefined && mode !== "s3" ? bucket : [];
  // Only the policies that exist get their rules: the backup policy is added just below, when backups use this bucket.
  const rules: Partial<Record<Component, PolicyRule[]>> = {
    backend: [dns, ...backendStorage, ...restore, ...operatorRules(egress.backend)],
    "s3-proxy": [dns, ...bucket],
    backup: [dns, ...bucket],
  };
  const withBackup = backup === undefined ? policies : [...policies, { component: "backup" as const, podSelector: selectorLabels(plan.workspace, "backup"), ingress: [] }];
  return withBackup.map((p) => (rules[p.component] === undefined ? p : { ...p, egress: rules[p.component] }));
}
