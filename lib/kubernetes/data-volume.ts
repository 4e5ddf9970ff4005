import { PersistentVolumeClaimV1 } from "@cdktf/provider-kubernetes/lib/persistent-volume-claim-v1/index.js";
import type { Construct } from "constructs";

export interface DataVolumeClaimProps {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly annotations?: Record<string, string>;
  /** Requested size, a Kubernetes quantity such as `10Gi`. */
  readonly size: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /**
   * Terraform `prevent_destroy`: a destroy (or a replacement) of the claim fails the plan.
   * @default - not protected (a Coder workspace's own volumes must go with the workspace)
   */
  readonly protect?: boolean;
  /** Terraform `count`, e.g. 1 only in the storage modes that use the volume. @default - always created */
  readonly count?: number;
}

/**
 * A ReadWriteOnce PersistentVolumeClaim that holds data: it is never replaced by a configuration change (a changed
 * StorageClass or access mode is ignored: replacing the claim would delete what is on it), and Terraform does not
 * wait for it to bind (WaitForFirstConsumer classes bind only when the pod is scheduled).
 */
export function dataVolumeClaim(scope: Construct, id: string, props: DataVolumeClaimProps): PersistentVolumeClaimV1 {
  return new PersistentVolumeClaimV1(scope, id, {
    count: props.count,
    metadata: { name: props.name, namespace: props.namespace, labels: props.labels, annotations: props.annotations },
    spec: {
      accessModes: ["ReadWriteOnce"],
      storageClassName: props.storageClassName,
      resources: { requests: { storage: props.size } },
    },
    waitUntilBound: false,
    lifecycle: {
      preventDestroy: props.protect,
      ignoreChanges: ["spec[0].storage_class_name", "spec[0].access_modes"],
    },
  });
}
