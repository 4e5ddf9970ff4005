import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1/index.js";
import { Id } from "@cdktf/provider-random/lib/id/index.js";
import { Password } from "@cdktf/provider-random/lib/password/index.js";
import { Construct } from "constructs";

export interface InstanceSecretProps {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
}

/** Key of the backend's secret in the Kubernetes Secret. */
export const INSTANCE_SECRET_KEY = "INSTANCE_SECRET";

/**
 * The backend's INSTANCE_SECRET: 32 random bytes, hex-encoded, generated once per workspace at apply time and held
 * in a Kubernetes Secret. It never appears in the synthesized configuration; it does live in Terraform state, as
 * every generated secret does, so keep state private. It must never change for a workspace (admin keys derive
 * from it), so nothing in the configuration feeds its keepers.
 */
export class InstanceSecret extends Construct {
  readonly name: string;
  readonly resource: SecretV1;

  constructor(scope: Construct, id: string, props: InstanceSecretProps) {
    super(scope, id);
    this.name = props.name;
    const value = new Id(this, "Value", { byteLength: 32 });
    this.resource = new SecretV1(this, "Resource", {
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
      type: "Opaque",
      data: { [INSTANCE_SECRET_KEY]: value.hex },
    });
  }
}

export interface KeyPairSecretProps {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
}

/**
 * An access key id and secret generated per workspace at apply time, as AWS shapes them (20 upper-case letters and
 * digits, 40 characters), in a Kubernetes Secret under the two key names the reader expects.
 */
export class KeyPairSecret extends Construct {
  readonly name: string;
  readonly resource: SecretV1;

  constructor(scope: Construct, id: string, props: KeyPairSecretProps, keys: { readonly accessKeyId: string; readonly secretAccessKey: string }) {
    super(scope, id);
    this.name = props.name;
    const accessKeyId = new Password(this, "AccessKeyId", { length: 20, special: false, lower: false, upper: true, numeric: true });
    const secretAccessKey = new Password(this, "SecretAccessKey", { length: 40, special: false });
    this.resource = new SecretV1(this, "Resource", {
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
      type: "Opaque",
      data: { [keys.accessKeyId]: accessKeyId.result, [keys.secretAccessKey]: secretAccessKey.result },
    });
  }
}

export type ProxyCredentialsProps = KeyPairSecretProps;

/** Keys of the proxy credentials in their Secret (the proxy reads them under these names). */
export const PROXY_ACCESS_KEY_ID_KEY = "S3PROXY_ACCESS_KEY_ID";
export const PROXY_SECRET_ACCESS_KEY_KEY = "S3PROXY_SECRET_ACCESS_KEY";

/** The credentials the backend signs with when it talks to the workspace's S3 proxy. */
export class ProxyCredentials extends KeyPairSecret {
  constructor(scope: Construct, id: string, props: ProxyCredentialsProps) {
    super(scope, id, props, { accessKeyId: PROXY_ACCESS_KEY_ID_KEY, secretAccessKey: PROXY_SECRET_ACCESS_KEY_KEY });
  }
}

/** Keys of MinIO's root credentials in their Secret (MinIO reads these variables). */
export const MINIO_ROOT_USER_KEY = "MINIO_ROOT_USER";
export const MINIO_ROOT_PASSWORD_KEY = "MINIO_ROOT_PASSWORD";

/** The root user and password of a workspace's MinIO; the backend and the proxy sign with them. */
export class MinioRootCredentials extends KeyPairSecret {
  constructor(scope: Construct, id: string, props: KeyPairSecretProps) {
    super(scope, id, props, { accessKeyId: MINIO_ROOT_USER_KEY, secretAccessKey: MINIO_ROOT_PASSWORD_KEY });
  }
}
