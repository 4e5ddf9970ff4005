import type { AnyBucket } from "./bucket.ts";
import { entry, ref, type EnvEntry, type EnvValue } from "./env.ts";
import { SERVER_DATABASES, type ServerDatabaseKind } from "./database.ts";
import { InvariantError } from "./errors.ts";
import type { AnyStorage } from "./storage.ts";

/** Convex's five storage use cases; each has an `S3_STORAGE_<USE_CASE>_BUCKET` variable. */
export const S3_BUCKET_VARIABLES = [
  "S3_STORAGE_EXPORTS_BUCKET",
  "S3_STORAGE_SNAPSHOT_IMPORTS_BUCKET",
  "S3_STORAGE_MODULES_BUCKET",
  "S3_STORAGE_FILES_BUCKET",
  "S3_STORAGE_SEARCH_BUCKET",
] as const;

/**
 * The six variables Convex's `run_backend.sh` checks before it uses S3. With any of them missing it prints a
 * warning, falls back to local storage, and the first boot locks the database to local storage for good.
 */
export const S3_SELECTION_VARIABLES = ["AWS_REGION", ...S3_BUCKET_VARIABLES] as const;

/** Port the S3 proxy listens on inside its container. */
export const PROXY_PORT = 8333;

/** Flags the backend turns on for any non-empty value (even "false"): emitted only when true. */
export interface PresenceFlags {
  /** Stop the usage beacon to Convex. @default false */
  readonly disableBeacon?: boolean;
  /** Hide server logs from clients. @default false */
  readonly redactLogsToClient?: boolean;
  /** Allow a Postgres/MySQL connection without TLS. @default false */
  readonly doNotRequireSsl?: boolean;
}

export interface BackendEnvInput {
  /** Convex instance name; also the prefix of every S3 key. Changing it later breaks an S3 deployment. */
  readonly instanceName: string;
  /** Browser-reachable URL of the API (port 3210). */
  readonly cloudOrigin: string;
  /** Browser-reachable URL of HTTP actions (port 3211, or `<cloudOrigin>/http`). */
  readonly siteOrigin: string;
  readonly storage: AnyStorage;
  /** Region string given to the AWS SDK; S3-compatible stores accept any. */
  readonly region: string;
  /** URL of the workspace's S3 proxy, as the backend reaches it. Required in `proxied` mode. */
  readonly proxyEndpoint?: string;
  /** URL of the workspace's MinIO, as the backend reaches it. Required for a MinIO bucket in `s3` mode. */
  readonly minioEndpoint?: string;
  readonly flags?: PresenceFlags;
  /** More variables (convex.extraEnv), appended last; never a name this function sets. @default - none */
  readonly extra?: Readonly<Record<string, string>>;
  /** The database when it is not SQLite on the data volume. @default - SQLite on the data volume */
  readonly database?: DatabaseEnvInput;
}

/** What the backend needs to know of a Postgres or MySQL database; the URL itself comes by reference (`databaseUrl`). */
export interface DatabaseEnvInput {
  readonly kind: ServerDatabaseKind;
  /**
   * Require TLS (Convex appends sslmode=require for Postgres, require_ssl=true&verify_ca=true for MySQL); false sets
   * the presence flag DO_NOT_REQUIRE_SSL.
   */
  readonly requireSsl: boolean;
  /** Path of the CA bundle inside the backend container (PG_CA_FILE or MYSQL_CA_FILE). @default - the system's roots */
  readonly caFile?: string;
}

/**
 * The Convex backend's complete environment for one workspace. Pure: the same input always gives the same list.
 * Invariants (checked before returning):
 * - `local` sets no AWS_* or S3_* variable at all.
 * - AWS_REGION and the five bucket variables are all set or none is.
 * - boolean compatibility flags are the literal "true"; presence flags appear only when on.
 */
export function backendEnvironment(input: BackendEnvInput): EnvEntry[] {
  const env: EnvEntry[] = [
    entry("INSTANCE_NAME", input.instanceName),
    entry("INSTANCE_SECRET", ref("instanceSecret")),
    entry("CONVEX_CLOUD_ORIGIN", input.cloudOrigin),
    entry("CONVEX_SITE_ORIGIN", input.siteOrigin),
    ...presenceFlags({ ...input.flags, doNotRequireSsl: input.flags?.doNotRequireSsl === true || input.database?.requireSsl === false }),
    ...databaseEnvironment(input.database),
    ...storageEnvironment(input.storage, input),
  ];
  for (const [name, value] of Object.entries(input.extra ?? {})) {
    if (env.some((e) => e.name === name)) throw new InvariantError(`extra variable ${name} collides with one the stack sets (the schema refuses it)`);
    env.push(entry(name, value));
  }
  assertS3AllOrNone(env);
  return env;
}

function presenceFlags(flags: PresenceFlags): EnvEntry[] {
  const env: EnvEntry[] = [];
  if (flags.disableBeacon === true) env.push(entry("DISABLE_BEACON", "true"));
  if (flags.redactLogsToClient === true) env.push(entry("REDACT_LOGS_TO_CLIENT", "true"));
  if (flags.doNotRequireSsl === true) env.push(entry("DO_NOT_REQUIRE_SSL", "true"));
  return env;
}

/**
 * POSTGRES_URL or MYSQL_URL by reference (never a literal: it holds the password) and PG_CA_FILE or MYSQL_CA_FILE;
 * nothing for SQLite.
 */
function databaseEnvironment(database: DatabaseEnvInput | undefined): EnvEntry[] {
  if (database === undefined) return [];
  const { urlVariable, caVariable } = SERVER_DATABASES[database.kind];
  return [entry(urlVariable, ref("databaseUrl")), ...(database.caFile ? [entry(caVariable, database.caFile)] : [])];
}

/** Where the storage environment's values come from, besides the storage itself. */
export interface StorageEnvContext {
  readonly region: string;
  readonly proxyEndpoint?: string;
  readonly minioEndpoint?: string;
}

/** The storage part of the backend environment: empty for `local`. */
export function storageEnvironment(storage: AnyStorage, ctx: StorageEnvContext): EnvEntry[] {
  const { region, proxyEndpoint } = ctx;
  switch (storage.mode) {
    case "local":
      return [];
    case "s3":
      return [
        ...bucketSelection(region, bucketNameValue(storage.bucket)),
        ...bucketEndpoint(storage.bucket, "S3_ENDPOINT_URL", ctx.minioEndpoint),
        entry("AWS_ACCESS_KEY_ID", ref("bucketAccessKeyId")),
        entry("AWS_SECRET_ACCESS_KEY", ref("bucketSecretAccessKey")),
        ...compatibilityFlags(storage.bucket),
      ];
    case "proxied": {
      if (proxyEndpoint === undefined) {
        throw new InvariantError("storage mode 'proxied' needs the proxy's endpoint: pass proxyEndpoint to backendEnvironment");
      }
      return [
        ...bucketSelection(region, bucketNameValue(storage.bucket)),
        entry("S3_ENDPOINT_URL", proxyEndpoint),
        entry("AWS_ACCESS_KEY_ID", ref("proxyAccessKeyId")),
        entry("AWS_SECRET_ACCESS_KEY", ref("proxySecretAccessKey")),
        // The proxy is addressed by Service name: path-style is the only addressing it can serve.
        entry("AWS_S3_FORCE_PATH_STYLE", "true"),
      ];
    }
  }
}

function bucketSelection(region: string, bucketName: EnvValue): EnvEntry[] {
  return [entry("AWS_REGION", region), ...S3_BUCKET_VARIABLES.map((name) => entry(name, bucketName))];
}

/** The bucket's name: a reference for a claimed bucket (its name is generated), a literal otherwise. */
export function bucketNameValue(bucket: AnyBucket): EnvValue {
  return bucket.kind === "objectBucketClaim" ? ref("bucketName") : { kind: "literal", value: bucket.bucketName };
}

/**
 * Sets `variable` to the bucket's endpoint URL. A claimed bucket publishes host and port separately in its
 * ConfigMap; they are defined first and the URL is composed with Kubernetes' `$(VAR)` expansion.
 */
export function bucketEndpoint(bucket: AnyBucket, variable: string, minioEndpoint?: string): EnvEntry[] {
  switch (bucket.kind) {
    case "objectBucketClaim":
      return [entry("BUCKET_HOST", ref("bucketHost")), entry("BUCKET_PORT", ref("bucketPort")), entry(variable, `${bucket.endpointScheme}://$(BUCKET_HOST):$(BUCKET_PORT)`)];
    case "external":
      return [entry(variable, bucket.endpoint.replace(/\/$/, ""))];
    case "minio":
      if (minioEndpoint === undefined) throw new InvariantError("a MinIO bucket needs its endpoint: pass minioEndpoint");
      return [entry(variable, minioEndpoint)];
  }
}

/** Convex's S3 compatibility flags for the bucket's store, literal "true" only. */
function compatibilityFlags(bucket: AnyBucket): EnvEntry[] {
  if (bucket.profile === "aws") return [];
  return [
    entry("AWS_S3_FORCE_PATH_STYLE", "true"),
    entry("AWS_S3_DISABLE_SSE", "true"),
    entry("AWS_S3_DISABLE_CHECKSUMS", "true"),
    entry("AWS_REQUEST_CHECKSUM_CALCULATION", "WHEN_REQUIRED"),
  ];
}

/**
 * Throws unless AWS_REGION and all five S3_STORAGE_*_BUCKET variables are set together (non-empty), or none is.
 * A partial set makes the backend silently fall back to local storage and lock its database there.
 */
export function assertS3AllOrNone(env: readonly EnvEntry[]): void {
  const present = S3_SELECTION_VARIABLES.filter((name) => {
    const e = env.find((x) => x.name === name);
    return e !== undefined && !(e.value.kind === "literal" && e.value.value === "");
  });
  if (present.length !== 0 && present.length !== S3_SELECTION_VARIABLES.length) {
    const missing = S3_SELECTION_VARIABLES.filter((n) => !present.includes(n));
    throw new InvariantError(
      `partial S3 environment: ${present.join(", ")} set but ${missing.join(", ")} missing; ` +
        "Convex would silently fall back to local storage and lock its database there. Set all six or none.",
    );
  }
}
