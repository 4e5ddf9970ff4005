/**
 * Every workspace-kubernetes configuration a user can synthesize, handed to the real terraform binary (scripts/terraform-harness): each cell must pass `terraform validate` and
 * `terraform plan`, and the plan must create exactly the resources that cell needs. The expected inventories are
 * written by hand from the README's tables, not computed by the code under test.
 */
import { describe, expect, it } from "vitest";
import { planWithTerraform } from "../../scripts/terraform-harness/terraform.ts";
import { inventory, NAME_32 } from "../support/plan-inventory.ts";
import { synthKubernetes } from "../support/synth.ts";

// The proxy's ConfigMap, credentials and TLS Secrets, generated keys, and its TLS (a CA and a certificate from the tls provider).
const PROXIED_EXTRA = { kubernetes_config_map_v1: 1, kubernetes_secret_v1: 3, random_password: 2, tls_private_key: 2, tls_self_signed_cert: 1, tls_cert_request: 1, tls_locally_signed_cert: 1 };

describe("workspace-kubernetes passes the real terraform (validate + plan)", () => {
  const k8sLocal = { kubernetes_deployment_v1: 2, kubernetes_service_v1: 2, kubernetes_persistent_volume_claim_v1: 1, kubernetes_secret_v1: 1, random_id: 1, terraform_data: 1 };
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
    ["proxied with an external bucket (Secret)", { storage: { mode: "proxied", bucket: externalK8s } }, { ...k8sLocal, kubernetes_deployment_v1: 3, kubernetes_service_v1: 3, ...PROXIED_EXTRA }],
    [
      "proxied, 32-character workspace name",
      { workspace: { name: NAME_32 }, storage: { mode: "proxied" } },
      { ...k8sLocal, kubernetes_manifest: 1, kubernetes_deployment_v1: 3, kubernetes_service_v1: 3, ...PROXIED_EXTRA },
    ],
  ];
  it.each(cells)("%s", async (_cell, raw, expected) => {
    const plan = await planWithTerraform(synthKubernetes(raw));
    expect(inventory(plan)).toEqual(expected);
  });
});

const externalK8s = { kind: "external", endpoint: "https://s3.example.com", bucketName: "alice-convex", credentialsSecretName: "alice-convex-s3", profile: "rgw" };

