/**
 * The storage-doctor Job (lib/kubernetes/storage-doctor-job.ts) synthesized for an `s3`-mode workspace on a Rook
 * bucket claim, with the claim's ConfigMap and Secret as reference sources, as a stack would wire it.
 */
import { Testing, TerraformStack } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider/index.js";
import type { RefSources } from "../../lib/kubernetes/env.ts";
import { StorageDoctorJob, type StorageDoctorJobProps } from "../../lib/kubernetes/storage-doctor-job.ts";
import { NODE_IMAGE } from "../../lib/core/images.ts";
import { doctorBundle } from "../../doctor/bundle.ts";
import { kubernetesPlan, type TerraformJson } from "./synth.ts";

/** Where the claim `convex-alice-dev-bucket` publishes the bucket's values. */
export const CLAIM_REFS: RefSources = {
  bucketName: { configMap: "convex-alice-dev-bucket", key: "BUCKET_NAME" },
  bucketHost: { configMap: "convex-alice-dev-bucket", key: "BUCKET_HOST" },
  bucketPort: { configMap: "convex-alice-dev-bucket", key: "BUCKET_PORT" },
  bucketAccessKeyId: { secret: "convex-alice-dev-bucket", key: "AWS_ACCESS_KEY_ID" },
  bucketSecretAccessKey: { secret: "convex-alice-dev-bucket", key: "AWS_SECRET_ACCESS_KEY" },
};

/** Synthesizes the Job alone in a stack; returns the Terraform JSON. */
export function synthDoctorJob(overrides: Partial<StorageDoctorJobProps> = {}): TerraformJson {
  const plan = kubernetesPlan({}, { STORAGE_MODE: "s3" });
  const app = Testing.app();
  const stack = new TerraformStack(app, "doctor-job");
  new KubernetesProvider(stack, "kubernetes", {});
  new StorageDoctorJob(stack, "StorageDoctor", {
    name: "convex-alice-dev-storage-doctor",
    namespace: "convex",
    labels: { "app.kubernetes.io/component": "storage-doctor" },
    image: NODE_IMAGE,
    bundleGzip: doctorBundle().gzip,
    backendEnv: plan.backendEnv,
    refSources: CLAIM_REFS,
    ...overrides,
  });
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

/** The synthesized Job's one container. */
export interface DoctorContainer {
  readonly command: string[];
  readonly env: { name: string; value?: string; value_from?: { config_map_key_ref?: { name: string; key: string }; secret_key_ref?: { name: string; key: string } } }[];
}

export function doctorContainer(json: TerraformJson): DoctorContainer {
  const job = Object.values(json.resource.kubernetes_job_v1 ?? {})[0] as { spec: { template: { spec: { container: DoctorContainer[] } } } } | undefined;
  const container = job?.spec.template.spec.container[0];
  if (!container) throw new Error("no kubernetes_job_v1 container in the synthesized stack");
  return container;
}
