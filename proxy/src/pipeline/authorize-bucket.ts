/**
 * Stage 3: which buckets a client may reach. Only the configured buckets; ListBuckets (`/`) would reveal the
 * upstream user's other buckets, so it is denied too.
 */
import { S3Error } from "../errors.ts";
import type { Route } from "./route.ts";

export function authorizeBucket(route: Route, buckets: readonly string[]): void {
  if (route.bucket === undefined) {
    throw new S3Error("AccessDenied", "Listing buckets is not allowed through this proxy.");
  }
  if (!buckets.includes(route.bucket)) {
    throw new S3Error("AccessDenied", `Access to bucket '${route.bucket}' is not allowed through this proxy.`);
  }
}
