/**
 * Stage 6a: who checks a signed payload hash. A body the client signed with its hex SHA-256 (`x-amz-content-sha256:
 * <hex>`) is streamed to the upstream under the same hash: the upstream request is signed with the client's value,
 * and the upstream verifies the body against it before it stores anything (RGW, MinIO and AWS answer 400
 * XAmzContentSHA256Mismatch and store nothing; proven against RGW in test/proxy/payload-hash.rgw.test.ts). The proxy
 * then does not hash the body a second time.
 *
 * Only where the upstream stores the body as sent: PutObject and UploadPart. Everywhere else the proxy keeps its own
 * check: XML bodies are re-serialized (the upstream sees another body), an empty body is checked before the upstream
 * request is sent, and other operations' bodies are not what the upstream acts on.
 */
import type { PayloadMode } from "../auth/index.ts";
import { UNSIGNED_PAYLOAD, EMPTY_SHA256 } from "./sign-upstream.ts";
import type { S3Operation } from "./route.ts";

/** Operations whose body the upstream stores as received, so it verifies the payload hash it was signed with. */
const UPSTREAM_VERIFIED: readonly S3Operation[] = ["PutObject", "UploadPart"];

export interface PayloadHashPlan {
  /** `x-amz-content-sha256` of the upstream request: the client's hex, UNSIGNED-PAYLOAD, or the empty body's hash. */
  readonly upstream: string;
  /** Hex SHA-256 the proxy itself checks the body against while it streams; undefined when it does not. */
  readonly proxyVerifies: string | undefined;
}

/**
 * The payload hash plan of a body of `length` decoded bytes. `hasBody`: the upstream request carries a body (a
 * Content-Length), even an empty one. (An XML body is re-serialized and signed with its new hash; `upstream` is
 * then not used, `proxyVerifies` is.)
 */
export function planPayloadHash(operation: S3Operation, payload: PayloadMode, length: number, hasBody: boolean): PayloadHashPlan {
  const signedHex = payload.kind === "sha256" ? payload.hex : undefined;
  if (!hasBody || length === 0) return { upstream: EMPTY_SHA256, proxyVerifies: signedHex };
  if (signedHex !== undefined && UPSTREAM_VERIFIED.includes(operation)) return { upstream: signedHex, proxyVerifies: undefined };
  return { upstream: UNSIGNED_PAYLOAD, proxyVerifies: signedHex };
}
