/**
 * The backend variables this toolkit sets itself, and the setting that sets each. `convex.extraEnv` may add any
 * other variable, never one of these: overriding the storage variables could leave a partial S3 set (Convex then
 * silently falls back to local storage and locks its database there), and the origins and presence flags have their
 * own fields. The list covers every storage mode, so a later mode change cannot turn an extra variable into a clash.
 */

/** A POSIX environment variable name. */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Exact names the stack manages, with what to do instead. */
export const MANAGED_BACKEND_VARIABLES: Readonly<Record<string, string>> = {
  INSTANCE_NAME: "use convex.instanceName instead",
  AWS_REGION: "use storage.region instead",
  INSTANCE_SECRET: "it is generated per workspace and must never change",
  CONVEX_CLOUD_ORIGIN: "use urls.cloudOrigin (or ingress.apiHost) instead",
  CONVEX_SITE_ORIGIN: "use urls.siteOrigin (or ingress.siteHost) instead",
  DISABLE_BEACON: "use convex.disableBeacon instead",
  REDACT_LOGS_TO_CLIENT: "use convex.redactLogsToClient instead",
  DO_NOT_REQUIRE_SSL: "use convex.doNotRequireSsl instead",
  BUCKET_HOST: "use storage.bucket instead",
  BUCKET_PORT: "use storage.bucket instead",
  POSTGRES_URL: "use database.kind: postgres and its URL setting instead",
  PG_CA_FILE: "use database.caSecretName instead",
  MYSQL_URL: "use database.kind: mysql and its URL setting instead",
  MYSQL_CA_FILE: "use database.caSecretName instead",
};

/** Name prefixes the stack manages, with what to do instead: every AWS_* and S3_* variable is part of the storage environment. */
export const MANAGED_BACKEND_PREFIXES: Readonly<Record<string, string>> = {
  AWS_: "use storage.mode, storage.region and storage.bucket instead",
  S3_: "use storage.mode and storage.bucket instead",
};

/** Matches a name the stack does not manage (JSON Schema can carry it as a `propertyNames` pattern). */
export const UNMANAGED_ENV_NAME = new RegExp(
  `^(?!(?:${Object.keys(MANAGED_BACKEND_VARIABLES).join("|")})$)(?!(?:${Object.keys(MANAGED_BACKEND_PREFIXES).join("|")}))`,
);

/** The fix for an extra variable that collides with a managed one, naming the setting to use instead. */
export function managedVariableFix(name: string): string {
  const prefix = Object.keys(MANAGED_BACKEND_PREFIXES).find((p) => name.startsWith(p));
  const instead = MANAGED_BACKEND_VARIABLES[name] ?? (prefix === undefined ? "use its own setting instead" : MANAGED_BACKEND_PREFIXES[prefix]);
  return `${name} is set by the stack; remove it from convex.extraEnv (${instead})`;
}
