/** Verification of presigned URLs (SigV4 query-string authentication). */
import { S3Error } from "../errors.ts";
import { parseAmzDate } from "./amz-date.ts";
import { checkCredential } from "./check-credential.ts";
import { checkSignature } from "./check-signature.ts";
import { UNSIGNED_PAYLOAD } from "./constants.ts";
import { parsePresignedQuery } from "./parse-presigned-query.ts";
import { resolvePayloadMode } from "./payload-mode.ts";
import type { QueryParam } from "./query-params.ts";
import type { RequestHead } from "./request-head.ts";
import { assertHeadersSigned, parseSignedHeaders } from "./signed-headers.ts";
import { deriveSigningKey } from "./signing-key.ts";
import type { VerifiedRequest, VerifyOptions } from "./types.ts";

function queryError(detail: string): S3Error {
  return new S3Error("AuthorizationQueryParametersError", `Error parsing the X-Amz-Credential parameter; ${detail}`);
}

/** x-amz-content-sha256 is bound through the payload hash line when it is the payload hash used. */
const BOUND_ELSEWHERE: ReadonlySet<string> = new Set(["x-amz-content-sha256"]);

/**
 * The payload hash the URL was signed with: the X-Amz-Content-Sha256 query parameter, else the
 * x-amz-content-sha256 header, else UNSIGNED-PAYLOAD. InvalidRequest when query and header disagree.
 */
function presignedPayloadHash(fromQuery: string | undefined, head: RequestHead): string {
  const fromHeader = head.headers["x-amz-content-sha256"]?.trim();
  if (fromQuery !== undefined && fromHeader !== undefined && fromQuery !== fromHeader) {
    throw new S3Error("InvalidRequest", "The x-amz-content-sha256 header does not match the X-Amz-Content-Sha256 query parameter.");
  }
  return fromQuery ?? fromHeader ?? UNSIGNED_PAYLOAD;
}

/** Verifies a presigned URL. See `verifyRequest` for the errors. */
export function verifyPresigned(head: RequestHead, params: readonly QueryParam[], options: VerifyOptions): VerifiedRequest {
  const presigned = parsePresignedQuery(params);
  const time = parseAmzDate(presigned.amzDate);
  if (time === undefined) {
    throw new S3Error("AuthorizationQueryParametersError", `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
  }
  const { credential, scope } = checkCredential(presigned.credential, presigned.amzDate, options, queryError);
  const signedHeaders = parseSignedHeaders(presigned.signedHeaders);
  if (signedHeaders === undefined) {
    throw new S3Error("AuthorizationQueryParametersError", `X-Amz-SignedHeaders '${presigned.signedHeaders}' is not a ;-separated list of lower-case names.`);
  }
  assertHeadersSigned(head.headers, signedHeaders, BOUND_ELSEWHERE);

  const now = options.now.getTime();
  if (time.getTime() - now > options.maxClockSkewMs) throw new S3Error("AccessDenied", "Request is not valid yet");
  const expiresAt = new Date(time.getTime() + presigned.expiresSeconds * 1000);
  if (now > expiresAt.getTime()) throw new S3Error("AccessDenied", "Request has expired");

  const payloadHash = presignedPayloadHash(presigned.contentSha256, head);
  const resolved = resolvePayloadMode(payloadHash, head.headers);
  const signingKey = deriveSigningKey(options.credentials.secretAccessKey, scope.date, scope.region, scope.service);
  checkSignature({
    head,
    params,
    omitParam: "X-Amz-Signature",
    signedHeaders,
    signedHeadersValue: presigned.signedHeaders,
    payloadHash,
    amzDate: presigned.amzDate,
    scope: scope.value,
    signingKey,
    provided: presigned.signature,
  });
  return {
    auth: "presigned",
    accessKeyId: credential.accessKeyId,
    amzDate: presigned.amzDate,
    requestTime: time,
    scope,
    signingKey,
    seedSignature: presigned.signature,
    signedHeaders,
    payload: resolved.payload,
    decodedContentLength: resolved.decodedContentLength,
    expiresAt,
  };
}
