import { z } from "zod";
import { BACKUP_SETTINGS } from "./backup-schema.ts";
import { ENDPOINT_PROFILES } from "./bucket.ts";
import { CONVEX_RELEASE_PATTERN, DEFAULT_CONVEX_RELEASE, IMAGE_REFERENCE_PATTERN, MINIO_IMAGE, NODE_IMAGE, PINNED_IMAGE_PATTERN } from "./images.ts";
import { ENV_NAME_PATTERN } from "./managed-env.ts";
import { DNS_LABEL } from "./names.ts";
import { extraEnvSchema, imageDigestsSchema, monitoringSchema, networkPolicySchema, schedulingSchema } from "./operator-schema.ts";
import { STORAGE_MODES } from "./storage.ts";
import { RESOURCE_QUANTITY, SIZE_QUANTITY } from "./quantity.ts";

/**
 * The workspace configuration file (YAML), as a zod schema. Every default lives here, once. Each rule's message
 * is the fix the user should apply; the loader adds the field and the value.
 */

/** Coder's workspace-name rule: letters, digits and single hyphens, at most 32 characters. */
export const WORKSPACE_NAME = /^[a-zA-Z0-9](-?[a-zA-Z0-9])*$/;
const WORKSPACE_NAME_MAX = 32;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const HOST = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const quantity = (example: string) => z.string().regex(RESOURCE_QUANTITY, { error: `use a Kubernetes quantity such as "${example}"` });
const size = (example: string) => z.string().regex(SIZE_QUANTITY, { error: `use a Kubernetes quantity such as "${example}"` });

const resources = (cpu: string, memory: string, cpuLimit: string, memoryLimit: string) =>
  z
    .strictObject({
      requests: z
        .strictObject({ cpu: quantity(cpu).default(cpu), memory: quantity(memory).default(memory) })
        .prefault({}),
      limits: z
        .strictObject({ cpu: quantity(cpuLimit).default(cpuLimit), memory: quantity(memoryLimit).default(memoryLimit) })
        .prefault({}),
    })
    .prefault({});

/** A POSIX environment variable name. */
export const ENV_NAME = ENV_NAME_PATTERN;
const envName = z.string().regex(ENV_NAME, { error: "name an environment variable: letters, digits and '_', not starting with a digit, e.g. ALICE_S3_ACCESS_KEY_ID" });

/** Kubernetes' terminationGracePeriodSeconds and Docker's stop timeout: long enough to drain, short enough to stop. */
const GRACE_PERIOD_MIN_SECONDS = 5;
const GRACE_PERIOD_MAX_SECONDS = 3600;
const gracePeriodRule = { error: `use a whole number of seconds from ${GRACE_PERIOD_MIN_SECONDS} to ${GRACE_PERIOD_MAX_SECONDS} (unquoted), e.g. 30` };
const gracePeriod = z.number(gracePeriodRule).int(gracePeriodRule).min(GRACE_PERIOD_MIN_SECONDS, gracePeriodRule).max(GRACE_PERIOD_MAX_SECONDS, gracePeriodRule);

const bucketName = z.string().regex(BUCKET_NAME, { error: "use an S3 bucket name: 3-63 lower-case letters, digits, '.' or '-'" });

/**
 * The private CA an https bucket endpoint is certified by: a Secret or ConfigMap key in the workspace namespace
 * (Kubernetes), a PEM file (Docker), or `system` when the certificate chains to a public root.
 */
const caBundle = z.union([
  z.literal("system"),
  z.strictObject({
    secretName: z.string().regex(DNS_LABEL, { error: "name a Secret in the workspace namespace (lower-case, digits, '-')" }).optional(),
    configMapName: z.string().regex(DNS_LABEL, { error: "name a ConfigMap in the workspace namespace (lower-case, digits, '-')" }).optional(),
    key: z.string().min(1, { error: "name the key that holds the PEM bundle, e.g. ca.crt" }).default("ca.crt"),
    file: z.string().min(1, { error: "give the path of the PEM file, e.g. ./rgw-ca.crt" }).optional(),
  }),
], { error: "use system, or { secretName } / { configMapName } (Kubernetes) or { file } (Docker)" });

const objectBucketClaim = z.strictObject({
  kind: z.literal("objectBucketClaim"),
  /** `https` when the CephObjectStore serves TLS (gateway.securePort with a certificate): BUCKET_PORT is then the secure port. */
  endpointScheme: z.enum(["http", "https"], { error: "use http (Rook's default gateway, port 80) or https (a gateway with securePort)" }).default("http"),
  caBundle: caBundle.optional(),
  storageClassName: z.string().min(1, { error: "name the bucket StorageClass, e.g. 'rook-ceph-bucket'" }).default("rook-ceph-bucket"),
  maxSize: z.string().regex(SIZE_QUANTITY, { error: 'use a quantity string such as "2G" or "500Mi"' }).optional(),
  maxObjects: z.string().regex(/^[1-9][0-9]*$/, { error: 'use a positive whole number as a string, e.g. "1000"' }).optional(),
});

const externalBucket = z.strictObject({
  kind: z.literal("external"),
  endpoint: z.string().regex(/^https?:\/\/[^/\s]+\/?$/, { error: "use an http:// or https:// URL with a host and no path, e.g. https://s3.example.com" }),
  bucketName,
  /** Kubernetes: the Secret holding the keys (required there; see plan.ts). */
  credentialsSecretName: z.string().regex(DNS_LABEL, { error: "name a Kubernetes Secret in the workspace namespace (lower-case, digits, '-')" }).optional(),
  accessKeyIdKey: z.string().min(1, { error: "name the key of the access key id in the Secret, e.g. AWS_ACCESS_KEY_ID" }).default("AWS_ACCESS_KEY_ID"),
  secretAccessKeyKey: z.string().min(1, { error: "name the key of the secret access key in the Secret, e.g. AWS_SECRET_ACCESS_KEY" }).default("AWS_SECRET_ACCESS_KEY"),
  /** Docker: environment variables holding the keys when the app synthesizes (both, or credentialsFile). */
  accessKeyIdEnv: envName.optional(),
  secretAccessKeyEnv: envName.optional(),
  /** Docker: a file with `AWS_ACCESS_KEY_ID=...` and `AWS_SECRET_ACCESS_KEY=...` lines, read by Terraform at plan time. */
  credentialsFile: z.string().min(1, { error: "give the path of the keys file, e.g. ~/.config/convex/alice-s3.env" }).optional(),
  profile: z.enum(ENDPOINT_PROFILES as [string, ...string[]], { error: `use one of ${ENDPOINT_PROFILES.join(", ")}` }).default("rgw"),
  caBundle: caBundle.optional(),
});

/** An image reference with a tag or a digest, never a bare name or `latest`. */
const imageReference = z
  .string()
  .regex(IMAGE_REFERENCE_PATTERN, { error: "use an image reference: [registry/]name:tag, name@sha256:<64 hex> or name:tag@sha256:<64 hex>" })
  .regex(PINNED_IMAGE_PATTERN, { error: "pin the image with a tag or a digest (a bare name means latest)" })
  .regex(/^(?!.*:latest(?:@|$))/, { error: "pin an exact version or a digest instead of latest" });

/** A per-workspace MinIO bucket (both targets). */
export const minioBucketSchema = z.strictObject({
  kind: z.literal("minio"),
  bucketName: bucketName.default("convex"),
  /** MinIO's image (both targets). */
  image: imageReference.default(MINIO_IMAGE),
  /** Kubernetes: MinIO's own volume (the Docker target uses a Docker volume). */
  dataVolume: z
    .strictObject({ size: size("10Gi").default("10Gi"), storageClassName: z.string().min(1).optional() })
    .prefault({}),
  /** Kubernetes only; Docker sets no limits on the MinIO container. */
  resources: resources("100m", "256Mi", "1", "1Gi"),
});

export const workspaceConfigSchema = z.strictObject({
  workspace: z.strictObject({
    name: z
      .string({ error: "set the workspace name (WORKSPACE_NAME or workspace.name)" })
      .max(WORKSPACE_NAME_MAX, { error: `use at most ${WORKSPACE_NAME_MAX} characters` })
      .regex(WORKSPACE_NAME, { error: "use letters, digits and single hyphens, starting and ending with a letter or digit (Coder's rule), e.g. alice-dev" }),
    namespace: z
      .string()
      .max(63, { error: "use at most 63 characters" })
      .regex(DNS_LABEL, { error: "use a Kubernetes namespace name: lower-case letters, digits and '-', e.g. convex" })
      .default("convex"),
  }, { error: "set the workspace name: workspace.name in the YAML file or WORKSPACE_NAME" }),
  convex: z
    .strictObject({
      release: z
        .string()
        .regex(CONVEX_RELEASE_PATTERN, { error: "use a full 40-character commit SHA from the convex-backend release tags (never 'latest')" })
        .default(DEFAULT_CONVEX_RELEASE),
      instanceName: z
        .string()
        .max(63, { error: "use at most 63 characters" })
        .regex(DNS_LABEL, { error: "use lower-case letters, digits and '-' (it prefixes every S3 key and the admin key)" })
        .optional(),
      dataVolume: z
        .strictObject({
          size: size("10Gi").default("10Gi"),
          storageClassName: z.string().min(1, { error: "name a StorageClass, or leave it out for the cluster's default" }).optional(),
          /** Refuse `destroy` of the data volume (Terraform prevent_destroy). */
          protect: z.boolean({ error: "use true or false (unquoted)" }).default(true),
        })
        .prefault({}),
      disableBeacon: z.boolean({ error: "use true or false (unquoted)" }).default(false),
      redactLogsToClient: z.boolean({ error: "use true or false (unquoted)" }).default(false),
      doNotRequireSsl: z.boolean({ error: "use true or false (unquoted)" }).default(false),
      backendResources: resources("250m", "512Mi", "2", "4Gi"),
      dashboardResources: resources("50m", "128Mi", "500m", "512Mi"),
      /** Seconds the backend gets to drain after SIGINT before it is killed. */
      stopGracePeriodSeconds: gracePeriod.default(30),
      /** More environment variables for the backend; the ones the stack sets are refused. */
      extraEnv: extraEnvSchema,
      /** Pin backend and dashboard by digest too; the tag stays `release`. */
      imageDigests: imageDigestsSchema,
    })
    .prefault({}),
  database: z
    .strictObject({
      kind: z.enum(["sqlite", "postgres"], { error: "use sqlite (the data volume) or postgres" }).default("sqlite"),
      /** Kubernetes: the Secret in the workspace namespace holding postgres://USER:PASSWORD@HOST:PORT. */
      urlSecretName: z.string().regex(DNS_LABEL, { error: "name a Kubernetes Secret in the workspace namespace (lower-case, digits, '-')" }).optional(),
      urlSecretKey: z.string().min(1, { error: "name the Secret's key that holds the URL, e.g. url" }).default("url"),
      /**
       * Require TLS to the server. Resolved by the plan: true for a server you name, false for the Docker target's
       * own Postgres container (on the workspace network only, without TLS).
       */
      requireSsl: z.boolean({ error: "use true or false (unquoted)" }).optional(),
      /** Docker: an environment variable holding postgres://USER:PASSWORD@HOST:PORT, read when the app synthesizes. */
      urlEnv: envName.optional(),
      /** Docker: a file with a line `POSTGRES_URL=postgres://USER:PASSWORD@HOST:PORT`, read by Terraform at plan time. */
      urlFile: z.string().min(1, { error: "give the path of the file with the POSTGRES_URL=... line, e.g. ~/.config/convex/alice-db.env" }).optional(),
      /** Kubernetes: a Secret with the CA bundle the server's certificate is checked against. */
      caSecretName: z.string().regex(DNS_LABEL, { error: "name a Kubernetes Secret in the workspace namespace (lower-case, digits, '-')" }).optional(),
      caSecretKey: z.string().min(1, { error: "name the Secret's key that holds the CA bundle, e.g. ca.crt" }).default("ca.crt"),
    })
    .prefault({}),
  urls: z
    .strictObject({
      cloudOrigin: z.string().optional(),
      siteOrigin: z.string().optional(),
      dashboardUrl: z.string().optional(),
    })
    .prefault({}),
  ingress: z
    .strictObject({
      className: z.string().min(1, { error: "name an IngressClass, e.g. nginx, or leave it out for the cluster's default" }).optional(),
      apiHost: z.string().regex(HOST, { error: "use a DNS host name, e.g. api.alice.example.com" }),
      siteHost: z.string().regex(HOST, { error: "use a DNS host name, e.g. site.alice.example.com" }),
      dashboardHost: z.string().regex(HOST, { error: "use a DNS host name, e.g. dashboard.alice.example.com" }),
      tlsSecretName: z.string().regex(DNS_LABEL, { error: "name a kubernetes.io/tls Secret in the workspace namespace" }).optional(),
      annotations: z.record(z.string(), z.string()).default({}),
    })
    .optional(),
  storage: z
    .strictObject({
      mode: z.enum(STORAGE_MODES as [string, ...string[]], { error: `use one of ${STORAGE_MODES.join(", ")}` }).default("local"),
      region: z.string().min(1, { error: "use any non-empty region string, e.g. us-east-1" }).default("us-east-1"),
      bucket: z.discriminatedUnion("kind", [objectBucketClaim, externalBucket, minioBucketSchema], {
        error: "set kind to objectBucketClaim, external or minio",
      }).optional(),
      /**
       * Kubernetes: before the backend's first start, a Job runs the storage doctor with the backend's own storage
       * environment; a failing check fails the apply (README, "Check your S3 endpoint first").
       */
      doctor: z.boolean({ error: "use true or false (unquoted)" }).default(false),
      proxy: z
        .strictObject({
          sse: z.enum(["strip", "reject", "passthrough"], { error: "use strip, reject or passthrough" }).default("strip"),
          image: imageReference.default(NODE_IMAGE),
          /** Serve TLS with a per-workspace certificate issued at apply time (the backend trusts its CA). */
          tls: z.boolean({ error: "use true or false (unquoted)" }).default(true),
          /** Kubernetes only; Docker sets no limits on the proxy container. */
          resources: resources("50m", "64Mi", "1", "256Mi"),
        })
        .prefault({}),
    })
    .prefault({}),
  /** Kubernetes: NetworkPolicies for every pod of the workspace. */
  networkPolicy: networkPolicySchema,
  /** Kubernetes: ServiceMonitors and a PrometheusRule (Prometheus Operator). */
  monitoring: monitoringSchema,
  /** Kubernetes: where the pods run and how they pull images. */
  scheduling: schedulingSchema,
  /** Scheduled snapshots of the data volume into a bucket, and restore into a fresh one (README, "Backup and restore"). */
  backup: BACKUP_SETTINGS.optional(),
});

export type WorkspaceConfigInput = z.input<typeof workspaceConfigSchema>;
export type WorkspaceConfig = z.output<typeof workspaceConfigSchema>;
