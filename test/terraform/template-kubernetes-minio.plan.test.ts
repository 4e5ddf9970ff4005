/**
 * The Kubernetes template's MinIO variant (build/templates/kubernetes-minio), for every storage mode, started and
 * stopped, handed to the real terraform binary (scripts/terraform-harness): the plan creates exactly what each cell
 * needs, MinIO's data survives a stop, and each mode's compute waits for MinIO. Expectations are written by hand from
 * templates/kubernetes-minio/README.md.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { TerraformConfig } from "../../scripts/terraform-harness/stand-in.ts";
import { planWithTerraform } from "../../scripts/terraform-harness/terraform.ts";
import { buildTemplateForTest } from "../support/built-template.ts";
import { names } from "../support/plan-inventory.ts";

const COMPUTE = {
  local: ["Backend", "Dashboard", "Workspace"],
  s3: ["Backend_S3", "Dashboard", "Minio", "Workspace"],
  proxied: ["Backend_Proxied", "Dashboard", "Minio", "S3Proxy", "Workspace"],
};
const VOLUMES = { local: ["Backend_Data", "Home"], s3: ["Backend_Data", "Home", "Minio_Data"], proxied: ["Backend_Data", "Home", "Minio_Data"] };
const SERVICES = { local: ["Backend_Service", "Dashboard_Service"], s3: ["Backend_Service", "Dashboard_Service", "Minio_Service"], proxied: ["Backend_Service", "Dashboard_Service", "Minio_Service", "S3Proxy_Service"] };

describe("the kubernetes-minio template passes the real terraform for every storage mode, started and stopped", () => {
  const built = buildTemplateForTest("kubernetes-minio");
  afterAll(() => built.remove());
  const plan = (mode: string, start: 0 | 1, graph = false) =>
    planWithTerraform(built.json as TerraformConfig, {
      vars: { namespace: "coder-workspaces", wildcard_access_url: "*.apps.example.com" },
      data: { "coder_parameter.storage_mode": { value: mode }, "coder_workspace.me": { start_count: start, transition: start ? "start" : "stop" } },
      graph,
    });

  const cells = (["local", "s3", "proxied"] as const).flatMap((mode) => ([1, 0] as const).map((start) => [mode, start] as const));
  it.each(cells)("%s storage, start_count %i", async (mode, start) => {
    const p = await plan(mode, start);
    expect(names(p, "kubernetes_deployment_v1")).toEqual(start ? COMPUTE[mode] : []);
    expect(names(p, "kubernetes_persistent_volume_claim_v1")).toEqual(VOLUMES[mode]);
    expect(names(p, "kubernetes_service_v1")).toEqual(SERVICES[mode]);
    // MinIO's root keys are always there, like the proxy's (a Secret has no mode); no Rook claim in this variant.
    // ... and the proxy's TLS Secret, for proxied workspaces only.
    expect(names(p, "kubernetes_secret_v1")).toEqual(["InstanceSecret", "Minio_RootCredentials", "ProxyCredentials", ...(mode === "proxied" ? ["ProxyTls"] : [])]);
    expect(names(p, "kubernetes_manifest")).toEqual([]);
  });

  it("s3 and proxied point the backend at the workspace's MinIO, and their compute waits for it", async () => {
    const p = await plan("proxied", 1, true);
    const backend = p.resources.find((r) => r.resource.startsWith("kubernetes_deployment_v1.Backend_Proxied"));
    const proxy = p.resources.find((r) => r.resource.startsWith("kubernetes_deployment_v1.S3Proxy"));
    const envOf = (r: typeof backend) =>
      (r?.values as { spec: { template: { spec: { container: { env: { name: string; value?: string }[] }[] } } } }).spec.template.spec.container[0]?.env ?? [];
    expect(envOf(proxy).find((e) => e.name === "S3PROXY_UPSTREAM_URL")?.value).toBe("http://convex-standin-id-minio.coder-workspaces.svc:9000");
    expect(envOf(backend).find((e) => e.name === "S3_ENDPOINT_URL")?.value).toBe("https://convex-standin-id-s3-proxy.coder-workspaces.svc:8333");
    expect(envOf(backend).find((e) => e.name === "S3_STORAGE_FILES_BUCKET")?.value).toBe("convex");
    const deps = [...(p.dependencies.get([...p.dependencies.keys()].find((a) => a.startsWith("kubernetes_deployment_v1.S3Proxy")) ?? "") ?? [])];
    expect(deps.some((d) => d.startsWith("kubernetes_deployment_v1.Minio"))).toBe(true);
  });
});
