import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { Bucket } from "../../lib/core/bucket.ts";
import { entry } from "../../lib/core/env.ts";
import { ConvexBackend } from "../../lib/kubernetes/convex-backend.ts";
import { ObjectBucketClaim } from "../../lib/kubernetes/object-bucket-claim.ts";
import { S3Proxy } from "../../lib/kubernetes/s3-proxy.ts";

type Json = { resource: Record<string, Record<string, Record<string, unknown>>> };
const resources = { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } };

function synth(build: (stack: TerraformStack) => void): Json {
  const stack = new TerraformStack(Testing.app(), "t");
  build(stack);
  return JSON.parse(Testing.synth(stack)) as Json;
}

describe("kubernetes constructs: counts for Coder templates", () => {
  it("ConvexBackend.addDeployment adds a Deployment with its own env and count on the same volume", () => {
    const json = synth((stack) => {
      const backend = new ConvexBackend(stack, "Backend", {
        name: "b", dataVolumeName: "d", namespace: "n", labels: {}, selectorLabels: { a: "b" }, image: "img",
        env: [entry("MODE", "local")], refSources: {}, resources, dataVolumeSize: "1Gi", stopGracePeriodSeconds: 30, computeCount: 0,
      });
      backend.addDeployment("S3", { env: [entry("MODE", "s3")], refSources: {}, computeCount: 1 });
    });
    const deployments = Object.values(json.resource.kubernetes_deployment_v1 ?? {}) as { count: number; spec: { template: { spec: { container: { env: unknown[] }[]; volume: unknown[] } } } }[];
    expect(deployments.map((d) => [d.count, d.spec.template.spec.container[0]?.env])).toEqual([
      [0, [{ name: "MODE", value: "local" }]],
      [1, [{ name: "MODE", value: "s3" }]],
    ]);
    expect(deployments[0]?.spec.template.spec.volume).toEqual(deployments[1]?.spec.template.spec.volume);
    expect(Object.keys(json.resource.kubernetes_persistent_volume_claim_v1 ?? {})).toHaveLength(1);
  });

  it("S3Proxy presenceCount counts the ConfigMap and Service and names the ConfigMap directly", () => {
    const json = synth((stack) => {
      new S3Proxy(stack, "P", { name: "p", namespace: "n", labels: {}, selectorLabels: {}, image: "node", bundle: "x", env: [], refSources: {}, resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "1", memory: "256Mi" } }, presenceCount: 0, computeCount: 0 });
    });
    expect(Object.values(json.resource.kubernetes_config_map_v1 ?? {})[0]?.count).toBe(0);
    expect(Object.values(json.resource.kubernetes_service_v1 ?? {})[0]?.count).toBe(0);
    const d = Object.values(json.resource.kubernetes_deployment_v1 ?? {})[0] as { spec: { template: { spec: { volume: unknown[] } } } };
    expect(d.spec.template.spec.volume).toEqual([{ name: "bundle", config_map: { name: "p-bundle" } }]);
  });

  it("ObjectBucketClaim takes a count", () => {
    const json = synth((stack) => {
      new ObjectBucketClaim(stack, "B", { name: "b", namespace: "n", labels: {}, bucket: Bucket.objectBucketClaim(), bucketNamePrefix: "convex", count: 0 });
    });
    expect(Object.values(json.resource.kubernetes_manifest ?? {})[0]?.count).toBe(0);
  });
});
