/**
 * The allow-list of S3 operations the proxy understands, by method, level (bucket or object) and query parameters.
 * Each rule names the parameters the operation requires and the ones it may carry; a request must match exactly
 * one rule (route.ts). Anything else, such as a sub-resource the proxy does not know, an `acl=` that decodes to a
 * name with `=` in it, or `?uploads&uploadId=` (CreateMultipartUpload to one parser, Complete to another), matches
 * none and is refused.
 */
import { S3Error } from "../errors.ts";

export type S3Operation =
  | "ListBuckets"
  | "ListObjectsV2"
  | "ListObjects"
  | "ListObjectVersions"
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
  | "PutObjectTagging"
  | "BucketSubresource"
  | "ObjectSubresource";

export interface OperationRule {
  readonly operation: S3Operation;
  readonly method: string;
  readonly level: "bucket" | "object";
  /** Parameters that must all be present. */
  readonly requires: readonly string[];
  /** Further parameters the operation may carry. */
  readonly allows: readonly string[];
  /** The sub-resource a BucketSubresource / ObjectSubresource rule stands for. */
  readonly subresource?: string;
}

/** Configuration sub-resources of a bucket. Readable through the proxy (GET); every write is denied (authorize-bucket.ts). */
const BUCKET_SUBRESOURCES: readonly string[] = [
  "accelerate", "acl", "analytics", "cors", "encryption", "intelligent-tiering", "inventory", "lifecycle", "location",
  "logging", "metrics", "notification", "object-lock", "ownershipControls", "policy", "policyStatus",
  "publicAccessBlock", "replication", "requestPayment", "tagging", "versioning", "website",
];

/** Sub-resources of an object. Tagging may be read, set and removed; the others only read (authorize-bucket.ts). */
const OBJECT_SUBRESOURCES: readonly string[] = ["acl", "tagging", "retention", "legal-hold", "attributes"];

const RESPONSE_OVERRIDES = [
  "response-cache-control", "response-content-disposition", "response-content-encoding", "response-content-language",
  "response-content-type", "response-expires",
];
const LIST_COMMON = ["delimiter", "encoding-type", "max-keys", "prefix"];

function rule(operation: S3Operation, method: string, level: "bucket" | "object", requires: string[], allows: string[] = []): OperationRule {
  return { operation, method, level, requires, allows };
}

function subresourceRules(operation: S3Operation, methods: string[], level: "bucket" | "object", names: readonly string[], allows: string[]): OperationRule[] {
  return methods.flatMap((method) => names.map((name) => ({ operation, method, level, requires: [name], allows, subresource: name })));
}

export const OPERATION_RULES: readonly OperationRule[] = [
  rule("ListObjectsV2", "GET", "bucket", ["list-type"], [...LIST_COMMON, "continuation-token", "fetch-owner", "start-after"]),
  rule("ListObjects", "GET", "bucket", [], [...LIST_COMMON, "marker"]),
  rule("ListObjectVersions", "GET", "bucket", ["versions"], [...LIST_COMMON, "key-marker", "version-id-marker"]),
  rule("ListMultipartUploads", "GET", "bucket", ["uploads"], ["delimiter", "encoding-type", "prefix", "key-marker", "max-uploads", "upload-id-marker"]),
  rule("HeadBucket", "HEAD", "bucket", []),
  rule("CreateBucket", "PUT", "bucket", []),
  rule("DeleteBucket", "DELETE", "bucket", []),
  rule("DeleteObjects", "POST", "bucket", ["delete"]),
  ...subresourceRules("BucketSubresource", ["GET", "PUT", "DELETE"], "bucket", BUCKET_SUBRESOURCES, []),

  rule("GetObject", "GET", "object", [], ["versionId", "partNumber", ...RESPONSE_OVERRIDES]),
  rule("ListParts", "GET", "object", ["uploadId"], ["max-parts", "part-number-marker", "encoding-type"]),
  rule("HeadObject", "HEAD", "object", [], ["versionId", "partNumber"]),
  rule("PutObject", "PUT", "object", []),
  rule("UploadPart", "PUT", "object", ["partNumber", "uploadId"]),
  rule("PutObjectTagging", "PUT", "object", ["tagging"], ["versionId"]),
  rule("CreateMultipartUpload", "POST", "object", ["uploads"]),
  rule("CompleteMultipartUpload", "POST", "object", ["uploadId"]),
  rule("DeleteObject", "DELETE", "object", [], ["versionId"]),
  rule("AbortMultipartUpload", "DELETE", "object", ["uploadId"]),
  ...subresourceRules("ObjectSubresource", ["GET"], "object", OBJECT_SUBRESOURCES, ["versionId"]),
  ...subresourceRules("ObjectSubresource", ["PUT"], "object", OBJECT_SUBRESOURCES.filter((name) => name !== "tagging"), ["versionId"]),
  ...subresourceRules("ObjectSubresource", ["DELETE"], "object", ["tagging"], ["versionId"]),
];

/** Values with a fixed syntax, checked so that no parser can read them two ways. */
export function checkQueryValue(name: string, value: string): void {
  if (name === "partNumber" && !/^[1-9]\d{0,4}$/.test(value)) {
    throw new S3Error("InvalidArgument", `partNumber '${value}' is not a part number from 1 to 10000.`);
  }
  if (name === "list-type" && value !== "2") throw new S3Error("InvalidArgument", `list-type '${value}' is not supported; use list-type=2.`);
  if (name === "uploadId" && value === "") throw new S3Error("InvalidArgument", "uploadId is empty.");
}

/** The presigned-auth parameters of the client's own signature: verified by the proxy, never forwarded. */
const CLIENT_AUTH_PARAMETERS = new Set([
  "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature",
  "X-Amz-Security-Token",
]);

/**
 * Parameters that concern only the client-to-proxy hop: the client's presigned-auth parameters, the payload hash
 * and checksum hints of presigned URLs (the JS presigner adds the CRC32 of an empty body; RGW ignores them too) and
 * the AWS SDKs' `x-id` operation marker. They are verified or ignored here and never forwarded.
 */
export function isClientOnlyQueryParameter(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    CLIENT_AUTH_PARAMETERS.has(name) ||
    lower === "x-amz-content-sha256" ||
    name === "x-amz-sdk-checksum-algorithm" ||
    (name.startsWith("x-amz-checksum-") && name === lower) ||
    name === "x-id"
  );
}
