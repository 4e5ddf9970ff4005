/**
 * Every configuration a user can synthesize, handed to the real terraform binary (scripts/terraform-harness): each
 * cell must pass `terraform validate` and `terraform plan`, and the plan must create exactly the resources that cell
 * needs. The expected inventories are written by hand from the README's tables, not computed by the code under test.
 */
import { Testing } from "cdktf";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { proxyBundle } from "../../lib/proxy-bundle.ts";
import { planWithTerraform, type PlanResult } from "../../scripts/terraform-harness/terraform.ts";
import { DOCKER_STACK_ID, WorkspaceDockerStack } from "../../stacks/workspace-docker.ts";
import { buildTemplateForTest } from "../support/built-template.ts";
import { dockerPlan } from "../support/docker-synth.ts";
import { synthKubernetes, type TerraformJson } from "../support/synth.ts";
import type { TerraformConfig } from "../../scripts/terraform-harness/stand-in.ts";

/** Resource types and how many instances of each the plan creates. */
function inventory(plan: PlanResult): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of plan.resources) out[r.type] = (out[r.type] ?? 0) + 1;
  return out;
}

const NAME_32 = "a234567890-b234567890-c234567890";
const PROXIED_EXTRA = { kubernetes_config_map_v1: 1, kubernetes_secret_v1: 2, random_password: 2 };

describe("workspace-kubernetes passes the real terraform (validate + plan)", () => {
  const k8sLocal = { kubernetes_deployment_v1: 2, kubernetes_service_v1: 2, kubernetes_persistent_volume_claim_v1: 1, kubernetes_secret_v1: 1, random_id: 1 };
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

describe("workspace-docker passes the real terraform (validate + plan)", () => {
  const dir = mkdtempSync(join(tmpdir(), "docker-matrix-"));
  const keysFile = join(dir, "keys.env");
  writeFileSync(keysFile, "AWS_ACCESS_KEY_ID=AKIAEXAMPLE\nAWS_SECRET_ACCESS_KEY=secret${not-a-template}%{x}\n");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const external = { kind: "external", endpoint: "https://s3.example.com", bucketName: "alice-convex", profile: "minio" };
  const dockerLocal = { docker_container: 3, docker_image: 2, docker_network: 1, docker_volume: 1, random_id: 1 };
  const withMinio = { ...dockerLocal, docker_container: 4, docker_image: 3, docker_volume: 2, random_password: 2 };
  const cells: [string, object, Record<string, number>][] = [
    ["local", { storage: { mode: "local" } }, dockerLocal],
    ["s3 (MinIO)", { storage: { mode: "s3" } }, withMinio],
    ["proxied (MinIO)", { storage: { mode: "proxied" } }, { ...withMinio, docker_container: 5, docker_image: 4, random_password: 4 }],
    ["s3 with an external bucket (environment credentials)", { storage: { mode: "s3", bucket: { ...external, accessKeyIdEnv: "K_ID", secretAccessKeyEnv: "K_SECRET" } } }, dockerLocal],
    ["proxied with an external bucket (credentials file)", { storage: { mode: "proxied", bucket: { ...external, credentialsFile: keysFile } } }, { ...dockerLocal, docker_container: 4, docker_image: 3, random_password: 2 }],
    ["proxied, 32-character workspace name", { workspace: { name: NAME_32 }, storage: { mode: "proxied" } }, { ...withMinio, docker_container: 5, docker_image: 4, random_password: 4 }],
  ];
  it.each(cells)("%s", async (_cell, raw, expected) => {
    const stack = new WorkspaceDockerStack(Testing.app(), DOCKER_STACK_ID, {
      plan: dockerPlan(raw),
      proxyBundle: proxyBundle(),
      environment: { K_ID: "AKIAEXAMPLE", K_SECRET: "secret${x}%{y}" },
      cwd: dir,
    });
    const plan = await planWithTerraform(JSON.parse(Testing.synth(stack)) as TerraformJson);
    expect(inventory(plan)).toEqual(expected);
  });
});

describe("the Coder templates pass the real terraform for every storage mode, started and stopped", () => {
  const built = { kubernetes: buildTemplateForTest("kubernetes"), docker: buildTemplateForTest("docker") };
  afterAll(() => Object.values(built).forEach((b) => b.remove()));
  const vars = { kubernetes: { namespace: "coder-workspaces", wildcard_access_url: "*.apps.example.com" }, docker: { wildcard_access_url: "*.apps.example.com" } };

  const modes = ["local", "s3", "proxied"] as const;
  const cells = (["kubernetes", "docker"] as const).flatMap((t) => modes.flatMap((m) => ([1, 0] as const).map((start) => [t, m, start] as const)));
  it.each(cells)("%s template, %s storage, start_count %i", async (template, mode, start) => {
    const plan = await planWithTerraform(built[template].json as TerraformConfig, {
      vars: vars[template],
      data: { "coder_parameter.storage_mode": { value: mode }, "coder_workspace.me": { start_count: start, transition: start ? "start" : "stop" } },
    });
    const expected = TEMPLATE_PLANS[template];
    // Compute follows start_count: a stopped workspace plans none of it.
    expect(names(plan, expected.computeType)).toEqual(start ? expected.compute[mode] : []);
    // State stays when stopped: the data volume, the home volume, the instance secret and (s3/proxied) the bucket.
    expect(names(plan, expected.volumeType)).toEqual(expected.volumes);
    for (const [type, list] of Object.entries(expected.state[mode])) expect(names(plan, type)).toEqual(list);
  });
});

/** Construct names (logical ids without their hash and index) of the planned resources of one type, sorted. */
function names(plan: PlanResult, type: string): string[] {
  return plan.resources
    .filter((r) => r.type === type)
    .map((r) => r.resource.slice(type.length + 1).replace(/_[0-9A-F]{8}$/, ""))
    .sort();
}

/** Hand-written from the template READMEs and docs/coder-templates.md. */
const TEMPLATE_PLANS = {
  kubernetes: {
    computeType: "kubernetes_deployment_v1",
    compute: {
      local: ["Backend", "Dashboard", "Workspace"],
      s3: ["Backend_S3", "Dashboard", "Workspace"],
      proxied: ["Backend_Proxied", "Dashboard", "S3Proxy", "Workspace"],
    },
    volumeType: "kubernetes_persistent_volume_claim_v1",
    volumes: ["Backend_Data", "Home"],
    state: {
      local: { kubernetes_manifest: [], kubernetes_config_map_v1: [], random_id: ["InstanceSecret_Value"] },
      s3: { kubernetes_manifest: ["Bucket"], kubernetes_config_map_v1: [], random_id: ["InstanceSecret_Value"] },
      proxied: { kubernetes_manifest: ["Bucket"], kubernetes_config_map_v1: ["S3Proxy_Bundle"], random_id: ["InstanceSecret_Value"] },
    },
  },
  docker: {
    computeType: "docker_container",
    compute: {
      local: ["AdminKeyMaker", "Backend", "Dashboard", "Workspace"],
      s3: ["AdminKeyMaker", "Backend", "Dashboard", "Minio", "Workspace"],
      proxied: ["AdminKeyMaker", "Backend", "Dashboard", "Minio", "S3Proxy", "Workspace"],
    },
    volumeType: "docker_volume",
    volumes: ["AdminKeyVolume", "Backend_Data", "Home", "Minio_Data"],
    state: {
      local: { random_id: ["InstanceSecret"], docker_network: ["Network"] },
      s3: { random_id: ["InstanceSecret"], docker_network: ["Network"] },
      proxied: { random_id: ["InstanceSecret"], docker_network: ["Network"] },
    },
  },
} as const;
