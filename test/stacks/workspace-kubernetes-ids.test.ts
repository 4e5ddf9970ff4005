/**
 * Terraform addresses are the construct ids: a renamed id is destroy-and-recreate (for the data volume, data loss).
 * The addresses below are those main synthesized before the operator settings came in (copied from its output,
 * 2026-12-01); every one must stay, whatever is added beside them.
 */
import { describe, expect, it } from "vitest";
import { synthKubernetes, type TerraformJson } from "../support/synth.ts";

const addresses = (json: TerraformJson) => Object.entries(json.resource).flatMap(([type, byId]) => Object.keys(byId).map((id) => `${type}.${id}`));

const PROXIED_BEFORE = [
  "kubernetes_config_map_v1.S3Proxy_Bundle_253A61D6",
  "kubernetes_deployment_v1.Backend_EC8447F5",
  "kubernetes_deployment_v1.Dashboard_9E4231ED",
  "kubernetes_deployment_v1.S3Proxy_707C607E",
  "kubernetes_manifest.Bucket_83908E77",
  "kubernetes_persistent_volume_claim_v1.Backend_Data_AD12DE1A",
  "kubernetes_secret_v1.InstanceSecret_E501B201",
  "kubernetes_secret_v1.ProxyCredentials_A9E55944",
  "kubernetes_service_v1.Backend_Service_018B367D",
  "kubernetes_service_v1.Dashboard_Service_FB1A6A43",
  "kubernetes_service_v1.S3Proxy_Service_4BC44ECA",
  "random_id.InstanceSecret_Value_D338135F",
  "random_password.ProxyCredentials_AccessKeyId_FC8C6D93",
  "random_password.ProxyCredentials_SecretAccessKey_B3C99FC6",
  "terraform_data.StorageModeLock_9C32C6A6",
];

describe("workspace-kubernetes keeps every existing Terraform address", () => {
  it("with every operator setting on, proxied mode keeps the addresses it had", () => {
    const json = synthKubernetes({
      storage: { mode: "proxied" },
      monitoring: { serviceMonitor: true },
      scheduling: { nodeSelector: { pool: "convex" }, labels: { team: "payments" } },
      convex: { extraEnv: { RUST_LOG: "info" } },
    });
    expect(addresses(json)).toEqual(expect.arrayContaining(PROXIED_BEFORE));
  });

  it("adds only NetworkPolicies and the proxy's TLS to the default proxied stack", () => {
    const added = addresses(synthKubernetes({ storage: { mode: "proxied" } })).filter((a) => !PROXIED_BEFORE.includes(a)).sort();
    expect(added).toEqual([
      "kubernetes_network_policy_v1.NetworkPolicy_backend_855448A4",
      "kubernetes_network_policy_v1.NetworkPolicy_dashboard_746A6BD3",
      "kubernetes_network_policy_v1.NetworkPolicy_s3-proxy_B30214A1",
      expect.stringMatching(/^kubernetes_secret_v1\.ProxyTls_[0-9A-F]{8}$/),
      expect.stringMatching(/^tls_cert_request\.ProxyTls_Certificate_Request_[0-9A-F]{8}$/),
      expect.stringMatching(/^tls_locally_signed_cert\.ProxyTls_Certificate_[0-9A-F]{8}$/),
      expect.stringMatching(/^tls_private_key\.ProxyTls_Certificate_CaKey_[0-9A-F]{8}$/),
      expect.stringMatching(/^tls_private_key\.ProxyTls_Certificate_Key_[0-9A-F]{8}$/),
      expect.stringMatching(/^tls_self_signed_cert\.ProxyTls_Certificate_Ca_[0-9A-F]{8}$/),
    ]);
  });
});
