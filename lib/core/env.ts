/**
 * A target-neutral model of a container environment. The core says *what* each variable holds; each target
 * (Kubernetes, Docker, Coder) says *how* a reference is delivered (secretKeyRef, a Terraform reference, ...).
 */

/** A value known at synthesis time. */
export interface LiteralValue {
  readonly kind: "literal";
  readonly value: string;
}

/**
 * Values that exist only at apply time or in the cluster, and must reach the container by reference so that
 * secrets never pass through Terraform configuration:
 * - `instanceSecret`: the backend's INSTANCE_SECRET (generated per workspace).
 * - `bucketName`, `bucketHost`, `bucketPort`: the bucket's coordinates (ObjectBucketClaim ConfigMap).
 * - `bucketAccessKeyId`, `bucketSecretAccessKey`: the bucket's keys (claim Secret, external Secret, MinIO).
 * - `proxyAccessKeyId`, `proxySecretAccessKey`: the keys clients use with the S3 proxy (generated per workspace).
 * - `databaseUrl`: the Postgres or MySQL server's URL with its password (a Secret the operator creates).
 * - `backupAccessKeyId`, `backupSecretAccessKey`: the keys of a separate backup bucket (`backup.bucket`).
 */
export type ValueRef =
  | "instanceSecret"
  | "bucketName"
  | "bucketHost"
  | "bucketPort"
  | "bucketAccessKeyId"
  | "bucketSecretAccessKey"
  | "proxyAccessKeyId"
  | "proxySecretAccessKey"
  | "databaseUrl"
  | "backupAccessKeyId"
  | "backupSecretAccessKey";

export interface RefValue {
  readonly kind: "ref";
  readonly ref: ValueRef;
}

export type EnvValue = LiteralValue | RefValue;

/** One environment variable. Order matters: Kubernetes expands `$(NAME)` only for variables defined earlier. */
export interface EnvEntry {
  readonly name: string;
  readonly value: EnvValue;
}

export function literal(value: string): LiteralValue {
  return { kind: "literal", value };
}

export function ref(name: ValueRef): RefValue {
  return { kind: "ref", ref: name };
}

export function entry(name: string, value: EnvValue | string): EnvEntry {
  return { name, value: typeof value === "string" ? literal(value) : value };
}

/** The environment as a plain map, references rendered as `<ref:name>`: handy for tests and comparisons. */
export function envToRecord(env: readonly EnvEntry[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of env) out[e.name] = e.value.kind === "literal" ? e.value.value : `<ref:${e.value.ref}>`;
  return out;
}
