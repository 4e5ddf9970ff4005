import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { entry } from "../../lib/core/env.ts";
import { ConvexBackend, type ConvexBackendProps } from "../../lib/kubernetes/convex-backend.ts";

type Json = { resource: Record<string, Record<string, Record<string, unknown>>> };

const props: ConvexBackendProps = {
  name: "b", dataVolumeName: "b-data", namespace: "n", labels: {}, selectorLabels: { app: "b" }, image: "img",
  env: [entry("INSTANCE_NAME", "b")], refSources: {}, dataVolumeSize: "1Gi", stopGracePeriodSeconds: 30,
  resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
};

/** The data volume's lifecycle block as synthesized for the given props. */
function dataVolumeLifecycle(overrides: Partial<ConvexBackendProps>): unknown {
  const stack = new TerraformStack(Testing.app(), "t");
  new ConvexBackend(stack, "Backend", { ...props, ...overrides });
  const json = JSON.parse(Testing.synth(stack)) as Json;
  const claims = Object.values(json.resource.kubernetes_persistent_volume_claim_v1 ?? {});
  expect(claims).toHaveLength(1);
  return claims[0]?.lifecycle;
}

describe("ConvexBackend (Kubernetes) data volume", () => {
  it("defaults: protected from destroy, storage class and access mode changes ignored", () => {
    expect(dataVolumeLifecycle({})).toEqual({ prevent_destroy: true, ignore_changes: ["spec[0].storage_class_name", "spec[0].access_modes"] });
  });

  it("leaves the data volume destroyable when protectDataVolume is false (Coder templates delete it with the workspace)", () => {
    expect(dataVolumeLifecycle({ protectDataVolume: false })).toEqual({ prevent_destroy: false, ignore_changes: ["spec[0].storage_class_name", "spec[0].access_modes"] });
  });

  it("protects the data volume when protectDataVolume is true", () => {
    expect(dataVolumeLifecycle({ protectDataVolume: true })).toEqual({ prevent_destroy: true, ignore_changes: ["spec[0].storage_class_name", "spec[0].access_modes"] });
  });
});
