import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1/index.js";
import { JobV1 } from "@cdktf/provider-kubernetes/lib/job-v1/index.js";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { createHash } from "node:crypto";
import type { EnvEntry } from "../core/env.ts";
import { configError } from "../core/errors.ts";
import type { ResourceSpec } from "../core/plan.ts";
import { kubernetesEnv, type RefSources } from "./env.ts";
import type { MountedVolume } from "./tls-volumes.ts";
import { podAnnotations, schedulingSpec, type PodScheduling } from "./pod-scheduling.ts";

/** Where the Job mounts the gzipped doctor bundle. */
export const DOCTOR_BUNDLE_DIR = "/opt/convex-doctor";

/** File name of the gzipped bundle in the ConfigMap (doctor/bundle.ts, DOCTOR_BUNDLE_FILE). */
export const DOCTOR_BUNDLE_GZ = "convex-doctor.mjs.gz";

/** The `node` user of the official Node images. */
const NODE_UID = "1000";

/** The backend variables the doctor reads (Convex's S3 selection, endpoint, keys, flags) and what they expand. */
const STORAGE_VARIABLE = /^(AWS_|S3_|BUCKET_)/;

/** Requests and limits when none are given: one Node process holding a 5 MiB part at a time. */
export const STORAGE_DOCTOR_DEFAULT_RESOURCES: ResourceSpec = {
  requests: { cpu: "50m", memory: "128Mi" },
  limits: { cpu: "1", memory: "384Mi" },
};

export interface StorageDoctorJobProps {
  /**
   * Private CAs of the endpoint the backend talks to (the proxy's or the bucket's), mounted in the Job and trusted
   * through NODE_EXTRA_CA_CERTS, as the backend trusts them. @default - the public roots only
   */
  readonly caVolumes?: readonly MountedVolume[];
  /** The CA file (inside one of `caVolumes`) NODE_EXTRA_CA_CERTS names. @default - none */
  readonly extraCaFile?: string;
  /** The Job's (and the ConfigMap's, with `-bundle`) name, e.g. `convex-alice-dev-storage-doctor`. */
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** A stock Node image, Node >= 20.15, with `sh` and `gunzip` (the pinned NODE_IMAGE of lib/core/images.ts). */
  readonly image: string;
  /** The gzipped in-workspace doctor (doctor/bundle.ts `doctorBundle().gzip`). */
  readonly bundleGzip: Buffer;
  /**
   * The backend's environment (the plan's `backendEnv`). Only its storage variables (`AWS_*`, `S3_*`, `BUCKET_*`)
   * reach the Job, by the same references: the doctor checks exactly what the backend will use, and never sees
   * INSTANCE_SECRET.
   */
  readonly backendEnv: readonly EnvEntry[];
  readonly refSources: RefSources;
  /** Seconds the whole check may take before Kubernetes stops it. @default 180 */
  readonly deadlineSeconds?: number;
  /**
   * Wait on apply until the Job finished; a failing check then fails the apply. Make the backend depend on this
   * construct so its first boot (which locks the storage mode into its database) waits for a passing check.
   * @default true
   */
  readonly waitForCompletion?: boolean;
  /** @default STORAGE_DOCTOR_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
  /** Terraform `count` of both objects, e.g. 1 only when a Coder workspace picked s3 or proxied. @default - always created */
  readonly presenceCount?: number;
  /** What the Job waits for (Terraform `depends_on`): the bucket claim, the proxy. @default - only what references imply */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * Where the pod runs and how it pulls its image (`scheduling:`), with the selector labels a spread constraint
   * without its own selector counts. @default - no constraints
   */
  readonly scheduling?: { readonly settings: PodScheduling; readonly selectorLabels: Record<string, string> };
}

/**
 * A one-shot Kubernetes Job that runs the storage doctor (`--backend-env`) with the backend's own storage
 * environment, in the workspace's namespace, before the backend first boots: the gzipped bundle in a ConfigMap,
 * unpacked by the stock Node image into an emptyDir and run as non-root with a read-only root filesystem. The
 * report is the Job's log (`kubectl logs job/<name>`); exit status 0 when the configured storage works.
 */
export class StorageDoctorJob extends Construct {
  readonly job: JobV1;
  readonly bundleConfigMap: ConfigMapV1;
  readonly deadlineSeconds: number;
  readonly resources: ResourceSpec;

  constructor(scope: Construct, id: string, props: StorageDoctorJobProps) {
    super(scope, id);
    this.deadlineSeconds = props.deadlineSeconds ?? 180;
    this.resources = props.resources ?? STORAGE_DOCTOR_DEFAULT_RESOURCES;
    if (!Number.isInteger(this.deadlineSeconds) || this.deadlineSeconds < 30 || this.deadlineSeconds > 3600) {
      throw configError("StorageDoctorJob.deadlineSeconds", this.deadlineSeconds, "use whole seconds from 30 to 3600 (a healthy endpoint needs a few seconds; the doctor's own budget is 45 s)");
    }
    const bundleName = `${props.name}-bundle`.slice(0, 63);
    this.bundleConfigMap = new ConfigMapV1(this, "Bundle", {
      count: props.presenceCount,
      metadata: { name: bundleName, namespace: props.namespace, labels: props.labels },
      binaryData: { [DOCTOR_BUNDLE_GZ]: props.bundleGzip.toString("base64") },
    });
    const env = props.backendEnv.filter((entry) => STORAGE_VARIABLE.test(entry.name));
    const bundleHash = createHash("sha256").update(props.bundleGzip).digest("hex").slice(0, 16);
    this.job = new JobV1(this, "Resource", {
      count: props.presenceCount,
      dependsOn: props.dependsOn,
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
      waitForCompletion: props.waitForCompletion ?? true,
      timeouts: { create: `${this.deadlineSeconds + 60}s`, update: `${this.deadlineSeconds + 60}s` },
      spec: {
        backoffLimit: 0,
        activeDeadlineSeconds: this.deadlineSeconds,
        template: {
          metadata: { labels: props.labels, annotations: podAnnotations(props.scheduling?.settings, { "convex-workspace/doctor-bundle-sha256": bundleHash }) },
          spec: {
            ...schedulingSpec(props.scheduling?.settings, props.scheduling?.selectorLabels ?? {}),
            restartPolicy: "Never",
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: NODE_UID, runAsGroup: NODE_UID, seccompProfile: { type: "RuntimeDefault" } },
            container: [
              {
                name: "storage-doctor",
                image: props.image,
                command: storageDoctorCommand(DOCTOR_BUNDLE_DIR, "/tmp"),
                env: [...kubernetesEnv(env, props.refSources), ...(props.extraCaFile === undefined ? [] : [{ name: "NODE_EXTRA_CA_CERTS", value: props.extraCaFile }])],
                volumeMount: [
                  { name: "bundle", mountPath: DOCTOR_BUNDLE_DIR, readOnly: true },
                  { name: "tmp", mountPath: "/tmp" },
                  ...(props.caVolumes ?? []).map((v) => v.mount),
                ],
                resources: { requests: { ...this.resources.requests }, limits: { ...this.resources.limits } },
                securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
              },
            ],
            volume: [
              // A counted ConfigMap cannot be referenced without an index: name it directly then.
              { name: "bundle", configMap: { name: props.presenceCount === undefined ? this.bundleConfigMap.metadata.name : bundleName } },
              { name: "tmp", emptyDir: { sizeLimit: "16Mi" } },
              ...(props.caVolumes ?? []).map((v) => v.volume),
            ],
          },
        },
      },
    });
  }
}

/** The container's command: unpack the bundle into `tmpDir`, then run it with the backend's environment. */
export function storageDoctorCommand(bundleDir: string, tmpDir: string): string[] {
  return ["sh", "-c", `gunzip -c ${bundleDir}/${DOCTOR_BUNDLE_GZ} > ${tmpDir}/convex-doctor.mjs && exec node ${tmpDir}/convex-doctor.mjs --backend-env`];
}
