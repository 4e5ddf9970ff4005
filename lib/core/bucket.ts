import { configError } from "./errors.ts";
import { SIZE_QUANTITY } from "./quantity.ts";

/**
 * How the S3 store behind a bucket differs from AWS S3, and so which Convex compatibility flags the backend needs
 * when it talks to the store directly (`s3` mode):
 * - `rgw`: Ceph RGW (Rook). Rejects SSE-S3 over HTTP and does not echo CRC32 before Tentacle.
 * - `minio`: MinIO without a KMS. Rejects SSE-S3.
 * - `aws`: AWS S3 itself; no compatibility flag.
 */
export type EndpointProfile = "rgw" | "minio" | "aws";
export const ENDPOINT_PROFILES: readonly EndpointProfile[] = ["rgw", "minio", "aws"];

/** Props of a bucket claimed from Rook Ceph through an ObjectBucketClaim. */
export interface ObjectBucketClaimProps {
  /** StorageClass of the claim (provisioner `rook-ceph.ceph.rook.io/bucket`). @default "rook-ceph-bucket" */
  readonly storageClassName?: string;
  /** Quota on the bucket size, e.g. "2G". @default - no size quota */
  readonly maxSize?: string;
  /** Quota on the number of objects, e.g. "1000". @default - no object quota */
  readonly maxObjects?: string;
  /**
   * Scheme of the gateway Rook publishes in the claim's ConfigMap (BUCKET_HOST, BUCKET_PORT carry none): `https`
   * when the CephObjectStore has `gateway.securePort` and a certificate (BUCKET_PORT is then the secure port).
   * @default "http" (Rook's example object store: port 80, no securePort)
   */
  readonly endpointScheme?: "http" | "https";
}

/**
 * Where the Docker target reads an external bucket's keys from (Kubernetes reads them from a Secret instead).
 * Neither source is ever committed:
 * - `environment`: two environment variables, read when the app synthesizes (`cdktf deploy` synthesizes first).
 * - `file`: a file with `AWS_ACCESS_KEY_ID=...` and `AWS_SECRET_ACCESS_KEY=...` lines, read by Terraform itself at
 *   plan time, so the keys never appear in the synthesized configuration.
 */
export type ExternalCredentialsSource =
  | { readonly kind: "environment"; readonly accessKeyIdEnv: string; readonly secretAccessKeyEnv: string }
  | { readonly kind: "file"; readonly path: string };

/** Props of a bucket that already exists outside the cluster's Rook (any S3 endpoint). */
export interface ExternalBucketProps {
  /** S3 endpoint URL reachable from inside the backend pod, e.g. `https://s3.example.com`. */
  readonly endpoint: string;
  /** The existing bucket's name. */
  readonly bucketName: string;
  /** Kubernetes Secret in the workspace namespace holding the keys; empty on the Docker target (see dockerCredentials). */
  readonly credentialsSecretName: string;
  /** Key of the access key id in that Secret. @default "AWS_ACCESS_KEY_ID" */
  readonly accessKeyIdKey?: string;
  /** Key of the secret access key in that Secret. @default "AWS_SECRET_ACCESS_KEY" */
  readonly secretAccessKeyKey?: string;
  /** What kind of store the endpoint is. @default "rgw" */
  readonly profile?: EndpointProfile;
  /** Docker target: where the keys come from. @default - none (Kubernetes reads credentialsSecretName) */
  readonly dockerCredentials?: ExternalCredentialsSource;
}

/** Props of a MinIO server run per workspace (Docker target). */
export interface MinioBucketProps {
  /** Bucket to create in MinIO. @default "convex" */
  readonly bucketName?: string;
}

/** S3 bucket names: 3-63 characters, lower-case letters, digits, '.', '-'. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Where a workspace's bucket comes from. Create one with a static factory. */
export abstract class Bucket {
  /** A bucket claimed from Rook Ceph by an ObjectBucketClaim, one per workspace. */
  static objectBucketClaim(props: ObjectBucketClaimProps = {}): ObjectBucketClaimBucket {
    return new ObjectBucketClaimBucket(props);
  }

  /** An existing bucket on any S3 endpoint, with its keys in a Kubernetes Secret. */
  static external(props: ExternalBucketProps): ExternalBucket {
    return new ExternalBucket(props);
  }

  /** A bucket in a MinIO server run for the workspace (Docker target). */
  static minio(props: MinioBucketProps = {}): MinioBucket {
    return new MinioBucket(props);
  }

  abstract readonly kind: "objectBucketClaim" | "external" | "minio";
  /** The store's compatibility profile. */
  abstract readonly profile: EndpointProfile;
}

export class ObjectBucketClaimBucket extends Bucket {
  readonly kind = "objectBucketClaim" as const;
  readonly profile: EndpointProfile = "rgw";
  readonly storageClassName: string;
  readonly maxSize?: string;
  readonly maxObjects?: string;
  readonly endpointScheme: "http" | "https";

  constructor(props: ObjectBucketClaimProps) {
    super();
    this.storageClassName = props.storageClassName ?? "rook-ceph-bucket";
    this.endpointScheme = props.endpointScheme ?? "http";
    this.maxSize = props.maxSize;
    this.maxObjects = props.maxObjects;
    if (this.storageClassName.length === 0) {
      throw configError("storage.bucket.storageClassName", this.storageClassName, "name the bucket StorageClass, e.g. 'rook-ceph-bucket'");
    }
    if (this.maxSize !== undefined && !SIZE_QUANTITY.test(this.maxSize)) {
      throw configError("storage.bucket.maxSize", this.maxSize, "use a quantity string such as \"2G\" or \"500Mi\"");
    }
    if (this.maxObjects !== undefined && !/^[1-9][0-9]*$/.test(this.maxObjects)) {
      throw configError("storage.bucket.maxObjects", this.maxObjects, "use a positive whole number as a string, e.g. \"1000\"");
    }
  }
}

export class ExternalBucket extends Bucket {
  readonly kind = "external" as const;
  readonly profile: EndpointProfile;
  readonly endpoint: string;
  readonly bucketName: string;
  readonly credentialsSecretName: string;
  readonly accessKeyIdKey: string;
  readonly secretAccessKeyKey: string;
  readonly dockerCredentials?: ExternalCredentialsSource;

  constructor(props: ExternalBucketProps) {
    super();
    this.endpoint = props.endpoint;
    this.bucketName = props.bucketName;
    this.credentialsSecretName = props.credentialsSecretName;
    this.accessKeyIdKey = props.accessKeyIdKey ?? "AWS_ACCESS_KEY_ID";
    this.secretAccessKeyKey = props.secretAccessKeyKey ?? "AWS_SECRET_ACCESS_KEY";
    this.profile = props.profile ?? "rgw";
    this.dockerCredentials = props.dockerCredentials;
    if (!/^https?:\/\/[^/\s]+\/?$/.test(this.endpoint)) {
      throw configError("storage.bucket.endpoint", this.endpoint, "use an http:// or https:// URL with a host and no path, e.g. https://s3.example.com");
    }
    if (!BUCKET_NAME.test(this.bucketName)) {
      throw configError("storage.bucket.bucketName", this.bucketName, "use an S3 bucket name: 3-63 lower-case letters, digits, '.' or '-'");
    }
  }
}

export class MinioBucket extends Bucket {
  readonly kind = "minio" as const;
  readonly profile: EndpointProfile = "minio";
  readonly bucketName: string;

  constructor(props: MinioBucketProps) {
    super();
    this.bucketName = props.bucketName ?? "convex";
    if (!BUCKET_NAME.test(this.bucketName)) {
      throw configError("storage.bucket.bucketName", this.bucketName, "use an S3 bucket name: 3-63 lower-case letters, digits, '.' or '-'");
    }
  }
}

/** Any concrete bucket. */
export type AnyBucket = ObjectBucketClaimBucket | ExternalBucket | MinioBucket;
