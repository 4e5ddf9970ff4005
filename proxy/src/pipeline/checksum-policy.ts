/**
 * Stage 5: which checksums a request body gets. Decides the algorithms to compute while the body streams
 * (for the response's `x-amz-checksum-<alg>` and for verification), the value the client declared in a header,
 * and the algorithm whose value arrives in an aws-chunked trailer. Header parsing is ../checksum's.
 *
 * Each algorithm is computed at most once per body, and only when someone asked for it: the client's
 * `x-amz-checksum-<alg>` value, its `x-amz-sdk-checksum-algorithm`. The trailer's algorithm is computed by the
 * aws-chunked decoder (which verifies the trailer) and not again here. A SHA-256 checksum equal to the payload
 * hash the upstream verifies (payload-hash.ts) is known without computing it. With an upstream that computes,
 * verifies and returns checksums itself (S3PROXY_UPSTREAM_CHECKSUMS=passthrough) the proxy computes none for header
 * values: request-headers.ts forwards them, and the upstream's response carries them.
 */
import { parseChecksumHeaders, type ChecksumAlgorithm } from "../checksum/index.ts";
import { S3Error } from "../errors.ts";
import type { UpstreamChecksums } from "../types.ts";
import type { S3Operation } from "./route.ts";

export interface ChecksumPlan {
  /** Algorithms computed over the decoded body (never the trailer's: the aws-chunked decoder computes that one). */
  readonly compute: readonly ChecksumAlgorithm[];
  /** Base64 values the client sent in `x-amz-checksum-<alg>` headers that the proxy checks the body against. */
  readonly expected: ReadonlyMap<ChecksumAlgorithm, string>;
  /**
   * Base64 values the response may report without computing them, because the upstream checks them: a SHA-256
   * checksum equal to the payload hash the upstream verifies.
   */
  readonly known: ReadonlyMap<ChecksumAlgorithm, string>;
  /** Algorithm of the aws-chunked trailer; its value comes after the body. */
  readonly trailer: ChecksumAlgorithm | undefined;
  /** Whether the response carries `x-amz-checksum-<alg>` for the computed algorithms (PutObject, UploadPart). */
  readonly respond: boolean;
  /** `x-amz-checksum-algorithm` of a CreateMultipartUpload, echoed on its response. */
  readonly multipartAlgorithm: ChecksumAlgorithm | undefined;
}

/** Operations whose response echoes the body's checksum, as AWS does. */
const CHECKSUMMED_UPLOADS: readonly S3Operation[] = ["PutObject", "UploadPart"];

export interface ChecksumPlanOptions {
  /** Who computes checksums sent in headers. @default "compute" */
  readonly upstreamChecksums?: UpstreamChecksums;
  /**
   * Hex SHA-256 the upstream verifies the body against (payload-hash.ts). @default - the upstream verifies no
   * payload hash
   */
  readonly upstreamVerifiedSha256?: string;
}

/** `headers` has lower-case names; `trailer` is the aws-chunked trailer's algorithm from the payload mode. */
export function planChecksums(
  operation: S3Operation,
  headers: { readonly [name: string]: string | undefined },
  trailer: ChecksumAlgorithm | undefined,
  options: ChecksumPlanOptions = {},
): ChecksumPlan {
  const parsed = parseChecksumHeaders(headers);
  if ((operation === "CreateMultipartUpload" || operation === "CompleteMultipartUpload") && parsed.type === "FULL_OBJECT") {
    throw new S3Error(
      "NotImplemented",
      "x-amz-checksum-type: FULL_OBJECT is not supported by this proxy: it keeps no per-upload state (part sizes) to combine full-object checksums; use COMPOSITE (the default).",
    );
  }
  const passthrough = options.upstreamChecksums === "passthrough";
  const expected = new Map<ChecksumAlgorithm, string>();
  const known = new Map<ChecksumAlgorithm, string>();
  const value = passthrough ? undefined : parsed.value;
  const verifiedSha256 = options.upstreamVerifiedSha256 === undefined ? undefined : Buffer.from(options.upstreamVerifiedSha256, "hex").toString("base64");
  if (value !== undefined && value.algorithm === "SHA256" && value.base64 === verifiedSha256) known.set("SHA256", value.base64);
  else if (value !== undefined) expected.set(value.algorithm, value.base64);
  const compute = new Set<ChecksumAlgorithm>(expected.keys());
  const sdk = parsed.sdkAlgorithm;
  if (sdk !== undefined && sdk !== trailer && !known.has(sdk) && !(passthrough && parsed.value?.algorithm === sdk)) compute.add(sdk);
  return {
    compute: [...compute],
    expected,
    known,
    trailer,
    respond: CHECKSUMMED_UPLOADS.includes(operation),
    multipartAlgorithm: operation === "CreateMultipartUpload" && !passthrough ? parsed.multipartAlgorithm : undefined,
  };
}
