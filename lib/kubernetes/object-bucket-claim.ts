import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest/index.js";
import { Construct } from "constructs";
import type { ObjectBucketClaimBucket } from "../core/bucket.ts";
import type { RefSources } from "./env.ts";

export interface ObjectBucketClaimProps {
  /** Name of the claim; Rook names the generated Secret and ConfigMap the same. */
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly bucket: ObjectBucketClaimBucket;
  /** Prefix of the generated bucket name (Rook keeps the first 26 characters). */
  readonly bucketNamePrefix: string;
  /** How long Terraform waits for the claim to be Bound. @default "10m" */
  readonly bindTimeout?: string;
  /** Terraform `count`, e.g. 1 only when a Coder workspace picked a bucket-backed storage mode. @default - always created */
  readonly count?: number;
}

/**
 * A Rook Ceph ObjectBucketClaim (`objectbucket.io/v1alpha1`). Rook answers it with a bucket, a Secret holding
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and a ConfigMap holding BUCKET_NAME / BUCKET_HOST / BUCKET_PORT, all
 * named after the claim. The CRD must be installed before plan (Rook installs it).
 */
export class ObjectBucketClaim extends Construct {
  readonly name: string;
  readonly resource: Manifest;

  constructor(scope: Construct, id: string, props: ObjectBucketClaimProps) {
    super(scope, id);
    this.name = props.name;
    const additionalConfig: Record<string, string> = {};
    if (props.bucket.maxSize !== undefined) additionalConfig.maxSize = props.bucket.maxSize;
    if (props.bucket.maxObjects !== undefined) additionalConfig.maxObjects = props.bucket.maxObjects;
    this.resource = new Manifest(this, "Resource", {
      count: props.count,
      manifest: {
        apiVersion: "objectbucket.io/v1alpha1",
        kind: "ObjectBucketClaim",
        metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
        spec: {
          storageClassName: props.bucket.storageClassName,
          generateBucketName: props.bucketNamePrefix.slice(0, 26).replace(/-+$/, ""),
          ...(Object.keys(additionalConfig).length > 0 ? { additionalConfig } : {}),
        },
      },
      // The provisioner fills these in; without listing them every plan would try to undo its work.
      computedFields: ["metadata.labels", "metadata.annotations", "metadata.finalizers", "spec.bucketName", "spec.objectBucketName"],
      wait: { fields: { "status.phase": "Bound" } },
      timeouts: { create: props.bindTimeout ?? "10m" },
    });
  }

  /** The claim's Secret and ConfigMap as sources of the bucket's values. */
  refSources(): RefSources {
    return {
      bucketName: { configMap: this.name, key: "BUCKET_NAME" },
      bucketHost: { configMap: this.name, key: "BUCKET_HOST" },
      bucketPort: { configMap: this.name, key: "BUCKET_PORT" },
      bucketAccessKeyId: { secret: this.name, key: "AWS_ACCESS_KEY_ID" },
      bucketSecretAccessKey: { secret: this.name, key: "AWS_SECRET_ACCESS_KEY" },
    };
  }
}
