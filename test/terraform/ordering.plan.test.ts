/**
 * The order a cluster needs, read from the real terraform's dependency graph: the backend and proxy Deployments
 * depend on the bucket claim and the Secrets they read (and the backend on the proxy), so a create does not lean on
 * kubelet retries and a destroy removes the pods before their keys and bucket.
 */
import { describe, expect, it } from "vitest";
import { planWithTerraform, type PlanResult } from "../../scripts/terraform-harness/terraform.ts";
import type { TerraformConfig } from "../../scripts/terraform-harness/stand-in.ts";
import { buildTemplateForTest } from "../support/built-template.ts";
import { synthDocker } from "../support/docker-synth.ts";
import { synthKubernetes } from "../support/synth.ts";

/**
 * Everything `resource` depends on, directly or through others (terraform graph leaves out edges that others
 * imply), as construct names without their hash.
 */
function dependenciesOf(plan: PlanResult, resource: string): string[] {
  const strip = (a: string) => a.replace(/_[0-9A-F]{8}$/, "");
  const start = [...plan.dependencies.keys()].find((a) => strip(a) === resource);
  if (start === undefined) throw new Error(`${resource} has no dependencies in the graph`);
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    for (const next of plan.dependencies.get(queue.shift() as string) ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  return [...seen].map(strip).sort();
}

describe("workspace-kubernetes: Terraform orders compute after the objects it reads", () => {
  it("proxied: the backend waits for the claim, both Secrets and the proxy; the proxy for the claim and its Secret", async () => {
    const plan = await planWithTerraform(synthKubernetes({ storage: { mode: "proxied" } }), { graph: true });
    expect(dependenciesOf(plan, "kubernetes_deployment_v1.Backend")).toEqual(expect.arrayContaining([
      "kubernetes_deployment_v1.S3Proxy",
      "kubernetes_manifest.Bucket",
      "kubernetes_persistent_volume_claim_v1.Backend_Data",
      "kubernetes_secret_v1.InstanceSecret",
      "kubernetes_secret_v1.ProxyCredentials",
    ]));
    expect(dependenciesOf(plan, "kubernetes_deployment_v1.S3Proxy")).toEqual(expect.arrayContaining([
      "kubernetes_config_map_v1.S3Proxy_Bundle",
      "kubernetes_manifest.Bucket",
      "kubernetes_secret_v1.ProxyCredentials",
    ]));
  });

  it("storage.doctor: the backend waits for the doctor Job, and the Job for the claim and the proxy", async () => {
    const plan = await planWithTerraform(synthKubernetes({ storage: { mode: "proxied", doctor: true } }), { graph: true });
    expect(dependenciesOf(plan, "kubernetes_deployment_v1.Backend")).toContain("kubernetes_job_v1.StorageDoctor");
    expect(dependenciesOf(plan, "kubernetes_job_v1.StorageDoctor")).toEqual(expect.arrayContaining(["kubernetes_deployment_v1.S3Proxy", "kubernetes_manifest.Bucket"]));
  });

  it("s3: the backend waits for the claim and its instance secret", async () => {
    const plan = await planWithTerraform(synthKubernetes({ storage: { mode: "s3" } }), { graph: true });
    expect(dependenciesOf(plan, "kubernetes_deployment_v1.Backend")).toEqual(
      expect.arrayContaining(["kubernetes_manifest.Bucket", "kubernetes_persistent_volume_claim_v1.Backend_Data", "kubernetes_secret_v1.InstanceSecret"]),
    );
  });
});

describe("workspace-docker with Postgres or MySQL: the backend waits for the database it opens", () => {
  it("the backend waits for the init container, and the init container for the workspace's Postgres", async () => {
    const plan = await planWithTerraform(synthDocker({ database: { kind: "postgres" } }), { graph: true });
    expect(dependenciesOf(plan, "docker_container.Backend")).toEqual(expect.arrayContaining(["docker_container.DatabaseInit", "docker_container.Postgres", "docker_volume.Postgres_Data"]));
    expect(dependenciesOf(plan, "docker_container.DatabaseInit")).toEqual(expect.arrayContaining(["docker_container.Postgres", "random_password.Postgres_Password"]));
  });

  it("with MySQL likewise: the backend waits for the init container, and the init container for the workspace's MySQL", async () => {
    const plan = await planWithTerraform(synthDocker({ database: { kind: "mysql" } }), { graph: true });
    expect(dependenciesOf(plan, "docker_container.Backend")).toEqual(expect.arrayContaining(["docker_container.DatabaseInit", "docker_container.Mysql", "docker_volume.Mysql_Data"]));
    expect(dependenciesOf(plan, "docker_container.DatabaseInit")).toEqual(expect.arrayContaining(["docker_container.Mysql", "random_password.Mysql_Password"]));
  });
});

describe("the Kubernetes Coder template: each mode's backend waits for what it reads", () => {
  it("s3 and proxied backends wait for the claim and the Secrets; proxied for the proxy too", async () => {
    const built = buildTemplateForTest("kubernetes");
    try {
      const plan = await planWithTerraform(built.json as TerraformConfig, {
        vars: { namespace: "coder-workspaces", wildcard_access_url: "*.apps.example.com" },
        data: { "coder_parameter.storage_mode": { value: "proxied" }, "coder_workspace.me": { start_count: 1 } },
        graph: true,
      });
      expect(dependenciesOf(plan, "kubernetes_deployment_v1.Backend_S3")).toEqual(expect.arrayContaining(["kubernetes_manifest.Bucket", "kubernetes_secret_v1.InstanceSecret"]));
      expect(dependenciesOf(plan, "kubernetes_deployment_v1.Backend_Proxied")).toEqual(
        expect.arrayContaining(["kubernetes_deployment_v1.S3Proxy", "kubernetes_manifest.Bucket", "kubernetes_secret_v1.InstanceSecret", "kubernetes_secret_v1.ProxyCredentials"]),
      );
      expect(dependenciesOf(plan, "kubernetes_deployment_v1.S3Proxy")).toEqual(expect.arrayContaining(["kubernetes_manifest.Bucket", "kubernetes_secret_v1.ProxyCredentials"]));
    } finally {
      built.remove();
    }
  });
});
