/** Parsing of a SigV4 `Authorization` header. */
import { S3Error } from "../errors.ts";
import { ALGORITHM } from "./constants.ts";

/** The three components of an `AWS4-HMAC-SHA256` Authorization header, unvalidated beyond their presence. */
export interface AuthorizationHeader {
  /** `AK/20130524/us-east-1/s3/aws4_request` */
  readonly credential: string;
  /** The SignedHeaders value as sent, `host;x-amz-date`. */
  readonly signedHeaders: string;
  /** The hex signature as sent. */
  readonly signature: string;
}

function malformed(detail: string): S3Error {
  return new S3Error("AuthorizationHeaderMalformed", `The authorization header is malformed; ${detail}`);
}

/**
 * Parses `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...` (components in any order, separated by
 * commas with optional spaces). Throws S3Error InvalidRequest for another scheme (SigV2 `AWS AK:sig`, SigV4a) and
 * AuthorizationHeaderMalformed when a component is missing, repeated or unknown.
 */
export function parseAuthorization(value: string): AuthorizationHeader {
  const trimmed = value.trim();
  const space = trimmed.indexOf(" ");
  const scheme = space === -1 ? trimmed : trimmed.slice(0, space);
  if (scheme !== ALGORITHM) {
    throw new S3Error(
      "InvalidRequest",
      `The authorization mechanism you have provided is not supported. Please use ${ALGORITHM}.`,
    );
  }
  const components = new Map<string, string>();
  for (const part of trimmed.slice(space + 1).split(",")) {
    const item = part.trim();
    const eq = item.indexOf("=");
    if (eq <= 0) throw malformed(`the component '${item}' is not of the form name=value.`);
    const name = item.slice(0, eq);
    if (name !== "Credential" && name !== "SignedHeaders" && name !== "Signature") {
      throw malformed(`unknown component '${name}'.`);
    }
    if (components.has(name)) throw malformed(`the component '${name}' appears more than once.`);
    components.set(name, item.slice(eq + 1));
  }
  const credential = components.get("Credential");
  const signedHeaders = components.get("SignedHeaders");
  const signature = components.get("Signature");
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    throw malformed("it needs Credential, SignedHeaders and Signature.");
  }
  return { credential, signedHeaders, signature };
}
