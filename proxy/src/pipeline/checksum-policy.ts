/**
 * Stage 5: which checksums a request body gets. Decides the algorithms to compute while the body streams
 * (for the response's `x-amz-checksum-<alg>` and for verification), the value the client declared in a header,
 * and the algorithm whose value arrives in an aws-chunked trailer. Header parsing is ../checksum's.
 */
import { parseChecksumHeaders, type ChecksumAlgorithm } from "../checksum/index.ts";
import { S3Error } from "../errors.ts";
import type { S3Operation } from "./route.ts";

export interface ChecksumPlan {
  /** Algorithms computed over the decoded body. */
  readonly compute: readonly ChecksumAlgorithm[];
  /** Base64 values the client sent in `x-amz-checksum-<alg>` headers; the body must match them. */
  readonly expected: ReadonlyMap<ChecksumAlgorithm, string>;
  /** Algorithm of the aws-chunked trailer; its value comes after the body. */
  readonly trailer: ChecksumAlgorithm | undefined;
  /** Whether the response carries `x-amz-checksum-<alg>` for the computed algorithms (PutObject, UploadPart). */
  readonly respond: boolean;
  /** `x-amz-checksum-algorithm` of a CreateMultipartUpload, echoed on its response. */
  readonly multipartAlgorithm: ChecksumAlgorithm | undefined;
}

/** Operations whose response echoes the body's checksum, as AWS does. */
const CHECKSUMMED_UPLOADS: readonly S3Operation[] = ["PutObject", "UploadPart"];

/** `headers` has lower-case names; `trailer` is the aws-chunked trailer's algorithm from the payload mode. */
export function planChecksums(
  operation: S3Operation,
  headers: { readonly [name: string]: string | undefined },
  trailer: ChecksumAlgorithm | undefined,
): ChecksumPlan {
  const parsed = parseChecksumHeaders(headers);
  if ((operation === "CreateMultipartUpload" || operation === "CompleteMultipartUpload") && parsed.type === "FULL_OBJECT") {
    throw new S3Error(
      "NotImplemented",
      "x-amz-checksum-type: FULL_OBJECT is not supported by this proxy: it keeps no per-upload state (part sizes) to combine full-object checksums; use COMPOSITE (the default).",
    );
  }
  const expected = new Map<ChecksumAlgorithm, string>();
  if (parsed.value !== undefined) expected.set(parsed.value.algorithm, parsed.value.base64);
  const compute = new Set<ChecksumAlgorithm>(expected.keys());
  if (trailer !== undefined) compute.add(trailer);
  if (parsed.sdkAlgorithm !== undefined) compute.add(parsed.sdkAlgorithm);
  const respond = CHECKSUMMED_UPLOADS.includes(operation);
  if (respond && compute.size === 0) compute.add("CRC32");
  return {
    compute: [...compute],
    expected,
    trailer,
    respond,
    multipartAlgorithm: operation === "CreateMultipartUpload" ? parsed.multipartAlgorithm : undefined,
  };
}
