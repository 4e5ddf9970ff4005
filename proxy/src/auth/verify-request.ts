/** Stage 1 of the proxy pipeline: SigV4 verification of a client request against the client credentials. */
import { S3Error } from "../errors.ts";
import { isPresigned } from "./parse-presigned-query.ts";
import { parseQuery } from "./query-params.ts";
import type { RequestHead } from "./request-head.ts";
import type { VerifiedRequest, VerifyOptions } from "./types.ts";
import { verifyHeaderAuth } from "./verify-header-auth.ts";
import { verifyPresigned } from "./verify-presigned.ts";

/**
 * Verifies the SigV4 signature of `head` (Authorization header or presigned URL) and returns what the rest of the
 * pipeline needs: the signing key and seed signature for aws-chunked bodies, the scope, and the payload mode.
 * The body is not read: a `sha256` or `streaming-*` payload still has to be checked while it streams.
 *
 * Throws S3Error (from the catalogue):
 * - AccessDenied: no authentication at all; host or an x-amz-* header not signed; no valid Date/x-amz-date;
 *   presigned URL expired ("Request has expired") or dated in the future beyond the skew ("Request is not valid yet").
 * - InvalidArgument: both an Authorization header and presigned parameters; a bad x-amz-content-sha256 value.
 * - InvalidRequest: SigV2 or SigV4a; missing x-amz-content-sha256 (header auth); bad x-amz-trailer.
 * - AuthorizationHeaderMalformed / AuthorizationQueryParametersError: malformed header or query parameters,
 *   bad credential scope (service, terminator, date not matching the signing date, region when configured),
 *   X-Amz-Expires not in 0..604800.
 * - InvalidAccessKeyId: the access key is not the client's.
 * - RequestTimeTooSkewed: header auth signed more than `maxClockSkewMs` away from `now`.
 * - SignatureDoesNotMatch: the signature is wrong (constant-time comparison).
 * - MissingContentLength / NotImplemented: streaming body without x-amz-decoded-content-length; CRC64NVME trailer.
 */
export function verifyRequest(head: RequestHead, options: VerifyOptions): VerifiedRequest {
  const params = parseQuery(head.query);
  const authorization = head.headers["authorization"];
  const presigned = isPresigned(params);
  if (authorization !== undefined && presigned) {
    throw new S3Error(
      "InvalidArgument",
      "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified",
    );
  }
  if (authorization !== undefined) return verifyHeaderAuth(head, params, authorization, options);
  if (presigned) return verifyPresigned(head, params, options);
  throw new S3Error("AccessDenied", "Anonymous access is not allowed: sign the request with AWS4-HMAC-SHA256.");
}
