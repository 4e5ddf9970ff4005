/** Parsing of the SigV4 query parameters of a presigned URL. */
import { S3Error } from "../errors.ts";
import { ALGORITHM, MAX_PRESIGNED_EXPIRES_SECONDS } from "./constants.ts";
import type { QueryParam } from "./query-params.ts";

/** The authentication parameters of a presigned URL, unvalidated beyond their syntax. */
export interface PresignedParams {
  readonly credential: string;
  /** `X-Amz-Date` as sent. */
  readonly amzDate: string;
  /** `X-Amz-Expires`, in seconds (0..604800). */
  readonly expiresSeconds: number;
  readonly signedHeaders: string;
  readonly signature: string;
  /** `X-Amz-Content-Sha256` (name matched case-insensitively; the JS presigner sends it), when present. */
  readonly contentSha256: string | undefined;
}

const REQUIRED = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires"] as const;

function queryError(message: string): S3Error {
  return new S3Error("AuthorizationQueryParametersError", message);
}

/** Whether the query carries SigV4 (`X-Amz-Algorithm`) or SigV2 (`Signature`/`AWSAccessKeyId`) presigned auth. */
export function isPresigned(params: readonly QueryParam[]): boolean {
  return params.some((p) => p.name === "X-Amz-Algorithm" || p.name === "X-Amz-Signature" || p.name === "AWSAccessKeyId");
}

/**
 * Reads and checks the presigned parameters. Throws S3Error AuthorizationQueryParametersError when one is missing
 * or repeated, the algorithm is not AWS4-HMAC-SHA256, or X-Amz-Expires is not an integer in 0..604800 (AWS's
 * wording), and InvalidRequest for SigV2 query auth.
 */
export function parsePresignedQuery(params: readonly QueryParam[]): PresignedParams {
  if (!params.some((p) => p.name === "X-Amz-Algorithm") && params.some((p) => p.name === "AWSAccessKeyId")) {
    throw new S3Error("InvalidRequest", `The authorization mechanism you have provided is not supported. Please use ${ALGORITHM}.`);
  }
  const values = new Map<string, string>();
  for (const { name, value } of params) {
    if (!(REQUIRED as readonly string[]).includes(name)) continue;
    if (values.has(name)) throw queryError(`The query parameter ${name} appears more than once.`);
    values.set(name, value);
  }
  if (REQUIRED.some((name) => !values.has(name))) {
    throw queryError(
      "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
    );
  }
  if (values.get("X-Amz-Algorithm") !== ALGORITHM) throw queryError(`X-Amz-Algorithm only supports "${ALGORITHM}"`);
  const expires = values.get("X-Amz-Expires") ?? "";
  if (!/^\d{1,7}$/.test(expires)) throw queryError("X-Amz-Expires should be a number");
  const expiresSeconds = Number(expires);
  if (expiresSeconds > MAX_PRESIGNED_EXPIRES_SECONDS) {
    throw queryError(`X-Amz-Expires must be less than a week (in seconds) that is ${MAX_PRESIGNED_EXPIRES_SECONDS}`);
  }
  const contentSha256 = params.filter((p) => p.name.toLowerCase() === "x-amz-content-sha256");
  if (contentSha256.length > 1) throw queryError("The query parameter X-Amz-Content-Sha256 appears more than once.");
  return {
    credential: values.get("X-Amz-Credential") ?? "",
    amzDate: values.get("X-Amz-Date") ?? "",
    expiresSeconds,
    signedHeaders: values.get("X-Amz-SignedHeaders") ?? "",
    signature: values.get("X-Amz-Signature") ?? "",
    contentSha256: contentSha256[0]?.value,
  };
}
