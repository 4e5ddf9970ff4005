/**
 * Stage 3: what a client may do. Only the configured buckets are reachable, as the target and as the source of a
 * copy (`x-amz-copy-source`); ListBuckets (`/`) would reveal the upstream user's other buckets, so it is denied.
 * Clients work with objects: creating or deleting buckets, changing bucket configuration (policy, ACL, CORS,
 * lifecycle, ...: any method but GET of a bucket sub-resource), setting ACLs (which could make data public) and
 * Object Lock settings are denied, whatever the upstream user may do. `headers` is the normalized view
 * (request-headers.ts), so no other spelling of these headers exists.
 */
import { S3Error } from "../errors.ts";
import type { Route } from "./route.ts";

/** Headers that set ACLs: `x-amz-acl` (canned ACLs such as public-read) and the `x-amz-grant-*` family. */
function setsAcl(name: string): boolean {
  return name === "x-amz-acl" || name.startsWith("x-amz-grant-");
}

export function authorizeBucket(
  route: Route,
  buckets: readonly string[],
  headers: { readonly [name: string]: string | undefined },
): void {
  if (route.bucket === undefined) {
    throw new S3Error("AccessDenied", "Listing buckets is not allowed through this proxy.");
  }
  if (!buckets.includes(route.bucket)) {
    throw new S3Error("AccessDenied", `Access to bucket '${route.bucket}' is not allowed through this proxy.`);
  }
  if (route.operation === "CreateBucket" || route.operation === "DeleteBucket") {
    throw new S3Error("AccessDenied", `${route.operation} is not allowed through this proxy.`);
  }
  if (route.operation === "BucketSubresource" && route.method !== "GET") {
    throw new S3Error("AccessDenied", "Changing bucket configuration is not allowed through this proxy.");
  }
  if (route.operation === "ObjectSubresource" && route.method !== "GET") {
    throw new S3Error(
      "AccessDenied",
      route.subresource === "acl" ? "Setting ACLs is not allowed through this proxy." : `Changing object ${route.subresource} is not allowed through this proxy.`,
    );
  }
  const aclHeader = Object.keys(headers).find((name) => setsAcl(name) && headers[name] !== undefined);
  if (aclHeader !== undefined) {
    throw new S3Error("AccessDenied", `Setting ACLs (${aclHeader}) is not allowed through this proxy.`);
  }
  const copySource = headers["x-amz-copy-source"];
  if (copySource !== undefined) {
    const source = copySourceBucket(copySource);
    if (source === undefined || !buckets.includes(source)) {
      throw new S3Error("AccessDenied", `Copying from bucket '${source ?? copySource}' is not allowed through this proxy.`);
    }
  }
}

/** The bucket of an `x-amz-copy-source` value (`[/]bucket/key[?versionId=...]`, URL-encoded). */
function copySourceBucket(value: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(value.trim());
  } catch {
    return undefined;
  }
  const path = decoded.startsWith("/") ? decoded.slice(1) : decoded;
  const slash = path.indexOf("/");
  return slash <= 0 ? undefined : path.slice(0, slash);
}
