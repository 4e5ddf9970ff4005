/** SigV4 key derivation and the final HMAC. */
import { createHmac } from "node:crypto";
import { SCOPE_TERMINATOR } from "./constants.ts";

/** HMAC-SHA256 of `data` under `key`, raw bytes. */
export function hmac(key: string | Uint8Array, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

/**
 * The signing key for one day, region and service:
 * HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). `date` is `YYYYMMDD`.
 */
export function deriveSigningKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const dateKey = hmac(`AWS4${secretAccessKey}`, date);
  return hmac(hmac(hmac(dateKey, region), service), SCOPE_TERMINATOR);
}

/** The hex signature of `stringToSign` under `signingKey`. */
export function signatureHex(signingKey: Uint8Array, stringToSign: string): string {
  return hmac(signingKey, stringToSign).toString("hex");
}
