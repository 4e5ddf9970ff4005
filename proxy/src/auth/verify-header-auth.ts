/** Verification of requests signed in the Authorization header. */
import { S3Error } from "../errors.ts";
import { formatAmzDate, parseAmzDate, parseHttpDate } from "./amz-date.ts";
import { checkCredential } from "./check-credential.ts";
import { checkSignature } from "./check-signature.ts";
import { parseAuthorization } from "./parse-authorization.ts";
import { resolvePayloadMode } from "./payload-mode.ts";
import type { QueryParam } from "./query-params.ts";
import type { RequestHead } from "./request-head.ts";
import { assertHeadersSigned, parseSignedHeaders } from "./signed-headers.ts";
import { deriveSigningKey } from "./signing-key.ts";
import type { VerifiedRequest, VerifyOptions } from "./types.ts";

function malformed(detail: string): S3Error {
  return new S3Error("AuthorizationHeaderMalformed", `The authorization header is malformed; ${detail}`);
}

/** The signing time: x-amz-date, else the Date header; AccessDenied when neither is a valid timestamp. */
function signingTime(head: RequestHead): { readonly amzDate: string; readonly time: Date } {
  const amz = head.headers["x-amz-date"]?.trim();
  const httpDate = head.headers["date"];
  const time = amz !== undefined ? parseAmzDate(amz) : httpDate !== undefined ? parseHttpDate(httpDate) : undefined;
  if (time === undefined) throw new S3Error("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
  // A valid x-amz-date formats back to itself (parseAmzDate checks it): only a Date header needs formatting.
  return { amzDate: amz ?? formatAmzDate(time), time };
}

/** Headers the signature covers without SignedHeaders: the payload hash line and the string-to-sign timestamp. */
const BOUND_ELSEWHERE: ReadonlySet<string> = new Set(["x-amz-content-sha256", "x-amz-date"]);

/** Verifies a request carrying `Authorization: AWS4-HMAC-SHA256 ...`. See `verifyRequest` for the errors. */
export function verifyHeaderAuth(
  head: RequestHead,
  params: readonly QueryParam[],
  authorization: string,
  options: VerifyOptions,
): VerifiedRequest {
  const auth = parseAuthorization(authorization);
  const { amzDate, time } = signingTime(head);
  const { credential, scope } = checkCredential(auth.credential, amzDate, options, malformed);
  const signedHeaders = parseSignedHeaders(auth.signedHeaders);
  if (signedHeaders === undefined) throw malformed(`SignedHeaders '${auth.signedHeaders}' is not a ;-separated list of lower-case names.`);
  assertHeadersSigned(head.headers, signedHeaders, BOUND_ELSEWHERE);

  const skewMs = Math.abs(options.now.getTime() - time.getTime());
  if (skewMs > options.maxClockSkewMs) {
    throw new S3Error(
      "RequestTimeTooSkewed",
      `The difference between the request time and the current time is too large (request time ${amzDate}, ` +
        `server time ${formatAmzDate(options.now)}, largest allowed difference ${options.maxClockSkewMs / 1000} s).`,
    );
  }

  const payloadHash = head.headers["x-amz-content-sha256"]?.trim();
  if (payloadHash === undefined) {
    throw new S3Error("InvalidRequest", "Missing required header for this request: x-amz-content-sha256");
  }
  const resolved = resolvePayloadMode(payloadHash, head.headers);

  const signingKey = deriveSigningKey(options.credentials.secretAccessKey, scope.date, scope.region, scope.service);
  checkSignature({
    head,
    params,
    omitParam: undefined,
    signedHeaders,
    signedHeadersValue: auth.signedHeaders,
    payloadHash,
    amzDate,
    scope: scope.value,
    signingKey,
    provided: auth.signature,
  });
  return {
    auth: "header",
    accessKeyId: credential.accessKeyId,
    amzDate,
    requestTime: time,
    scope,
    signingKey,
    seedSignature: auth.signature,
    signedHeaders,
    payload: resolved.payload,
    decodedContentLength: resolved.decodedContentLength,
    expiresAt: undefined,
  };
}
