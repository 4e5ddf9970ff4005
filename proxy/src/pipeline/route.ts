/**
 * Stage 1: where a request goes. Splits the path-style URL into bucket and key, decodes the query without
 * turning `+` into spaces (S3 semantics), and names the S3 operation from method, path and sub-resources.
 */
import { S3Error } from "../errors.ts";

export type S3Operation =
  | "ListBuckets"
  | "ListObjectsV2"
  | "ListObjects"
  | "ListMultipartUploads"
  | "HeadBucket"
  | "CreateBucket"
  | "DeleteBucket"
  | "DeleteObjects"
  | "PutObject"
  | "CopyObject"
  | "UploadPart"
  | "UploadPartCopy"
  | "CreateMultipartUpload"
  | "CompleteMultipartUpload"
  | "AbortMultipartUpload"
  | "ListParts"
  | "GetObject"
  | "HeadObject"
  | "DeleteObject"
  | "BucketSubresource"
  | "ObjectSubresource";

export interface Route {
  readonly method: string;
  /** The path exactly as the client sent it (its signature covers this form). */
  readonly rawPath: string;
  /** The query string as sent, without the `?`. */
  readonly rawQuery: string;
  /** Decoded query parameters, in order. */
  readonly query: readonly (readonly [string, string])[];
  /** The bucket, or undefined for `/` (ListBuckets). */
  readonly bucket: string | undefined;
  /** The decoded object key, or undefined for bucket-level requests. */
  readonly key: string | undefined;
  readonly operation: S3Operation;
}

/** Sub-resources that name a bucket operation of their own. */
const BUCKET_SUBRESOURCES = [
  "acl", "cors", "lifecycle", "location", "logging", "notification", "policy", "replication", "tagging",
  "versioning", "website", "encryption", "object-lock", "versions", "requestPayment", "accelerate",
  "ownershipControls", "publicAccessBlock", "uploads", "delete", "list-type",
];

/** Names the request's target and operation. `copySource` is whether `x-amz-copy-source` is present. */
export function parseRoute(method: string, rawUrl: string, copySource = false): Route {
  if (!rawUrl.startsWith("/")) throw new S3Error("InvalidURI", "The request target must be an absolute path.");
  const queryAt = rawUrl.indexOf("?");
  const rawPath = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  const rawQuery = queryAt === -1 ? "" : rawUrl.slice(queryAt + 1);
  const query = parseQuery(rawQuery);

  const slash = rawPath.indexOf("/", 1);
  const bucketPart = slash === -1 ? rawPath.slice(1) : rawPath.slice(1, slash);
  const keyPart = slash === -1 ? "" : rawPath.slice(slash + 1);
  const bucket = bucketPart === "" ? undefined : decode(bucketPart);
  const key = keyPart === "" ? undefined : decode(keyPart);
  if (bucket === undefined && rawPath !== "/") throw new S3Error("InvalidURI", "The path has an empty bucket name.");

  const has = (name: string): boolean => query.some(([k]) => k === name);
  let operation = operationOf(method, bucket, key, has);
  if (copySource && operation === "PutObject") operation = "CopyObject";
  if (copySource && operation === "UploadPart") operation = "UploadPartCopy";
  return { method, rawPath, rawQuery, query, bucket, key, operation };
}

/** Decodes `a=1&b&c=%2B` into pairs; `+` stays `+` as S3 expects. */
export function parseQuery(rawQuery: string): [string, string][] {
  if (rawQuery === "") return [];
  return rawQuery
    .split("&")
    .filter((part) => part !== "")
    .map((part) => {
      const eq = part.indexOf("=");
      return eq === -1 ? [decode(part), ""] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))];
    });
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new S3Error("InvalidURI", `Couldn't parse the specified URI: '${text}' is not valid percent-encoding.`);
  }
}

function operationOf(
  method: string,
  bucket: string | undefined,
  key: string | undefined,
  has: (name: string) => boolean,
): S3Operation {
  if (bucket === undefined) {
    if (method === "GET" || method === "HEAD") return "ListBuckets";
    throw new S3Error("MethodNotAllowed");
  }
  if (key === undefined) {
    switch (method) {
      case "GET":
        if (has("list-type")) return "ListObjectsV2";
        if (has("uploads")) return "ListMultipartUploads";
        return BUCKET_SUBRESOURCES.some(has) ? "BucketSubresource" : "ListObjects";
      case "HEAD":
        return "HeadBucket";
      case "PUT":
        return BUCKET_SUBRESOURCES.some(has) ? "BucketSubresource" : "CreateBucket";
      case "DELETE":
        return BUCKET_SUBRESOURCES.some(has) ? "BucketSubresource" : "DeleteBucket";
      case "POST":
        if (has("delete")) return "DeleteObjects";
        throw new S3Error("MethodNotAllowed");
      default:
        throw new S3Error("MethodNotAllowed");
    }
  }
  switch (method) {
    case "GET":
      if (has("uploadId")) return "ListParts";
      return has("acl") || has("tagging") || has("retention") || has("legal-hold") || has("attributes")
        ? "ObjectSubresource"
        : "GetObject";
    case "HEAD":
      return "HeadObject";
    case "PUT":
      if (has("partNumber") && has("uploadId")) return "UploadPart";
      if (has("acl") || has("tagging") || has("retention") || has("legal-hold")) return "ObjectSubresource";
      return "PutObject";
    case "POST":
      if (has("uploads")) return "CreateMultipartUpload";
      if (has("uploadId")) return "CompleteMultipartUpload";
      throw new S3Error("MethodNotAllowed");
    case "DELETE":
      if (has("uploadId")) return "AbortMultipartUpload";
      return has("tagging") ? "ObjectSubresource" : "DeleteObject";
    default:
      throw new S3Error("MethodNotAllowed");
  }
}
