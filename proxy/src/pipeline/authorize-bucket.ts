/**
 * Stage 3: which buckets a client may reach. Only the configured buckets, as the target and as the source of a
 * copy (`x-amz-copy-source`); ListBuckets (`/`) would reveal the upstream user's other buckets, so it is denied too.
 */
import { S3Error } from "../errors.ts";
import type { Route } from "./route.ts";

export function authorizeBucket(route: Route, buckets: readonly string[], copySource: string | undefined): void {
  if (route.bucket === undefined) {
    throw new S3Error("AccessDenied", "Listing buckets is not allowed through this proxy.");
  }
  if (!buckets.includes(route.bucket)) {
    throw new S3Error("AccessDenied", `Access to bucket '${route.bucket}' is not allowed through this proxy.`);
  }
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
