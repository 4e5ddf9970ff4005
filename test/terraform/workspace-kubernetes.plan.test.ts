/**
 * Every workspace-kubernetes configuration a user can synthesize, handed to the real terraform binary (scripts/terraform-harness): each cell must pass `terraform validate` and
 * `terraform plan`, and the plan must create exactly the resources that cell needs. The expected inventories are
 * written by hand from the README's tables, not computed by the code under test.
 */
import { describe, expect, it } from "vitest";
import { planWithTerraform, TerraformWorkdir } from "../../scripts/terraform-harness/terraform.ts";
import { inventory, NAME_32 } from "../support/plan-inventory.ts";
import { synthKubernetes } from "../support/synth.ts";

// The proxy's ConfigMap, credentials and TLS Secrets, generated keys, NetworkPolicies, and its TLS (a CA and a
// certificate from the tls provider).
const PROXIED_EXTRA = {
  kubernetes_config_map_v1: 1,
  kubernetes_secret_v1: 3,
  random_password: 2,
  kubernetes_network_policy_v1: 3,
  tls_private_key: 2,
  tls_self_signed_cert: 1,
  tls_cert_request: 1,
  tls_locally_signed_cert: 1,
};

const MINIO_EXTRA = { kubernetes_deployment_v1: 3, kubernetes_service_v1: 3, kubernetes_persistent_volume_claim_v1: 2, kubernetes_secret_v1: 2, random_password: 2, kubernetes_network_policy_v1: 3 };
const withoutPolicies = (inventory: Record<string, number>) => Object.fromEntries(Object.entries(inventory).filter(([type]) => type !== "kubernetes_network_policy_v1"));
const OPERATOR_OPTIONS = {
  scheduling: {
    nodeSelector: { "node-pool": "convex" },
    tolerations: [{ key: "dedicated", operator: "Exists", effect: "NoSchedule" }],
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/arch", operator: "In", values: ["amd64"] }] }] } } },
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway" }],
    priorityClassName: "convex-workspaces",
    imagePullSecrets: [{ name: "ghcr-mirror" }],
    serviceAccountName: "convex-workspace",
    labels: { team: "payments" },
    podAnnotations: { "example.com/owner": "payments" },
  },
  convex: { extraEnv: { RUST_LOG: "info" }, imageDigests: { backend: `sha256:${"a".repeat(64)}`, dashboard: `sha256:${"b".repeat(64)}` } },
};

describe("workspace-kubernetes passes the real terraform (validate + plan)", () => {
  const k8sLocal = { kubernetes_deployment_v1: 2, kubernetes_network_policy_v1: 2, kubernetes_service_v1: 2, kubernetes_persistent_volume_claim_v1: 1, kubernetes_secret_v1: 1, random_id: 1, terraform_data: 1 };
  const cells: [string, object, Record<string, number>][] = [
    ["local", { storage: { mode: "local" } }, k8sLocal],
    ["s3 (Rook claim)", { storage: { mode: "s3" } }, { ...k8sLocal, kubernetes_manifest: 1 }],
    ["proxied (Rook claim)", { storage: { mode: "proxied" } }, { ...k8sLocal, kubernetes_manifest: 1, kubernetes_deployment_v1: 3, kubernetes_service_v1: 3, ...PROXIED_EXTRA }],
    [
      "proxied with an Ingress",
      { storage: { mode: "proxied" }, ingress: { apiHost: "api.dev.example.com", siteHost: "site.dev.example.com", dashboardHost: "dash.dev.example.com", tlsSecretName: "dev-tls" } },
      { ...k8sLocal, kubernetes_manifest: 1, kubernetes_deployment_v1: 3, kubernetes_service_v1: 3, ...PROXIED_EXTRA, kubernetes_ingress_v1: 1 },
    ],
    ["s3 with an external bucket (Secret)", { storage: { mode: "s3", bucket: externalK8s } }, k8sLocal],
    ["s3 with the storage doctor Job", { storage: { mode: "s3", doctor: true } }, { ...k8sLocal, kubernetes_manifest: 1, kubernetes_job_v1: 1, kubernetes_config_map_v1: 1 }],
    [
      "proxied with the storage doctor Job",
      { storage: { mode: "proxied", doctor: true } },
      { ...k8sLocal, kubernetes_manifest: 1, kubernetes_deployment_v1: 3, kubernetes_service_v1: 3, ...PROXIED_EXTRA, kubernetes_config_map_v1: 2, kubernetes_job_v1: 1 },
    ],
    ["local with a Postgres database (init container, URL by reference)", { database: { kind: "postgres", urlSecretName: "alice-db" } }, k8sLocal],
    [
      "s3 with a Postgres database, its CA, TLS not required",
      { storage: { mode: "s3" }, database: { kind: "postgres", urlSecretName: "alice-db", caSecretName: "db-ca", requireSsl: false } },
      { ...k8sLocal, kubernetes_manifest: 1 },
    ],
    ["local with a MySQL database (init container, URL by reference)", { database: { kind: "mysql", urlSecretName: "alice-db" } }, k8sLocal],
    [
      "proxied with a MySQL database, its CA, TLS not required",
      { storage: { mode: "proxied" }, database: { kind: "mysql", urlSecretName: "alice-db", caSecretName: "db-ca", requireSsl: false } },
      { ...k8sLocal, kubernetes_manifest: 1, kubernetes_deployment_v1: 3, kubernetes_service_v1: 3, ...PROXIED_EXTRA },
    ],
    ["proxied with an external bucket (Secret)", { storage: { mode: "proxied", bucket: externalK8s } }, { ...k8sLocal, kubernetes_deployment_v1: 3, kubernetes_service_v1: 3, ...PROXIED_EXTRA }],
    [
      "proxied, 32-character workspace name",
      { workspace: { name: NAME_32 }, storage: { mode: "proxied" } },
      { ...k8sLocal, kubernetes_manifest: 1, kubernetes_deployment_v1: 3, kubernetes_service_v1: 3, ...PROXIED_EXTRA },
    ],
    ["s3 with MinIO", { storage: { mode: "s3", bucket: { kind: "minio" } } }, { ...k8sLocal, ...MINIO_EXTRA }],
    [
      "proxied with MinIO",
      { storage: { mode: "proxied", bucket: { kind: "minio" } } },
      { ...k8sLocal, ...PROXIED_EXTRA, ...MINIO_EXTRA, kubernetes_deployment_v1: 4, kubernetes_service_v1: 4, kubernetes_persistent_volume_claim_v1: 2, kubernetes_secret_v1: 4, random_password: 4, kubernetes_network_policy_v1: 4 },
    ],
    ["local, networkPolicy off", { networkPolicy: { enabled: false } }, withoutPolicies(k8sLocal)],
    [
      "proxied with MinIO, restricted egress",
      { storage: { mode: "proxied", bucket: { kind: "minio" } }, networkPolicy: { egress: { restrict: true, backend: [{ cidr: "203.0.113.0/24", ports: [443] }] } } },
      { ...k8sLocal, ...PROXIED_EXTRA, ...MINIO_EXTRA, kubernetes_deployment_v1: 4, kubernetes_service_v1: 4, kubernetes_persistent_volume_claim_v1: 2, kubernetes_secret_v1: 4, random_password: 4, kubernetes_network_policy_v1: 4 },
    ],
    [
      "proxied, monitoring on (2 ServiceMonitors, 1 PrometheusRule, besides the claim)",
      { storage: { mode: "proxied" }, monitoring: { serviceMonitor: true } },
      { ...k8sLocal, kubernetes_manifest: 4, kubernetes_deployment_v1: 3, kubernetes_service_v1: 3, ...PROXIED_EXTRA },
    ],
    ["proxied with MinIO, every scheduling option, extra env and digests", { storage: { mode: "proxied", bucket: { kind: "minio" } }, ...OPERATOR_OPTIONS }, {
      ...k8sLocal, ...PROXIED_EXTRA, ...MINIO_EXTRA, kubernetes_deployment_v1: 4, kubernetes_service_v1: 4, kubernetes_persistent_volume_claim_v1: 2, kubernetes_secret_v1: 4, random_password: 4, kubernetes_network_policy_v1: 4,
    }],
  ];
  it.each(cells)("%s", async (_cell, raw, expected) => {
    const plan = await planWithTerraform(synthKubernetes(raw));
    expect(inventory(plan)).toEqual(expected);
  });
});

it("terraform evaluates the scheduling options on every pod", async () => {
  const plan = await planWithTerraform(synthKubernetes({ storage: { mode: "proxied", bucket: { kind: "minio" } }, ...OPERATOR_OPTIONS }));
  const deployments = plan.resources.filter((r) => r.type === "kubernetes_deployment_v1");
  expect(deployments).toHaveLength(4);
  for (const d of deployments) {
    const pod = (d.values as { spec: { template: { spec: Record<string, unknown>; metadata: { labels: Record<string, string> } } } }).spec.template;
    expect(pod.spec).toMatchObject({
      node_selector: { "node-pool": "convex" },
      priority_class_name: "convex-workspaces",
      service_account_name: "convex-workspace",
      image_pull_secrets: [{ name: "ghcr-mirror" }],
      toleration: [{ key: "dedicated", operator: "Exists", effect: "NoSchedule" }],
    });
    expect(pod.metadata.labels.team).toBe("payments");
  }
});

describe("MinIO's volume is protected like the backend's (terraform, applied then `plan -destroy` in one state)", () => {
  const minio = (protect: boolean) => synthKubernetes({ storage: { mode: "s3", bucket: { kind: "minio" } }, convex: { dataVolume: { protect } } });

  it("refuses to destroy MinIO's volume (and the backend's)", async () => {
    const workdir = await TerraformWorkdir.create();
    try {
      await workdir.apply(minio(true));
      const refused = workdir.plan(minio(true), { destroy: true });
      await expect(refused).rejects.toThrow(/Instance cannot be destroyed[\s\S]*Minio_Data_/);
      await expect(refused).rejects.toThrow(/Instance cannot be destroyed[\s\S]*Backend_Data_/);
    } finally {
      await workdir.remove();
    }
  });

  it("lets both go with convex.dataVolume.protect: false", async () => {
    const workdir = await TerraformWorkdir.create();
    try {
      await workdir.apply(minio(false));
      await expect(workdir.plan(minio(false), { destroy: true })).resolves.toBeDefined();
    } finally {
      await workdir.remove();
    }
  });
});

const externalK8s = { kind: "external", endpoint: "https://s3.example.com", bucketName: "alice-convex", credentialsSecretName: "alice-convex-s3", profile: "rgw" };

