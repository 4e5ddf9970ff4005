/**
 * Both Coder templates, for every storage mode, started and stopped, handed to the real terraform binary (scripts/terraform-harness): each cell must pass `terraform validate` and
 * `terraform plan`, and the plan must create exactly the resources that cell needs. The expected inventories are
 * written by hand from the README's tables, not computed by the code under test.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { TerraformConfig } from "../../scripts/terraform-harness/stand-in.ts";
import { planWithTerraform } from "../../scripts/terraform-harness/terraform.ts";
import { buildTemplateForTest } from "../support/built-template.ts";
import { names } from "../support/plan-inventory.ts";

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
