/** SigV4 key derivation and the final HMAC. */
import { createHmac } from "node:crypto";
import { SCOPE_TERMINATOR } from "./constants.ts";

/** HMAC-SHA256 of `data` under `key`, raw bytes. */
export function hmac(key: string | Uint8Array, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

/** Signing keys derived lately, by date, region, service and secret: a key is valid for a whole day. */
const recentKeys = new Map<string, Buffer>();
/** Enough for both credentials (client and upstream) across a date change, with room to spare. */
const RECENT_KEYS_LIMIT = 16;

/**
 * The signing key for one day, region and service:
 * HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). `date` is `YYYYMMDD`.
 * Derived once per day and kept (four HMACs saved on every request); the caller must not modify the buffer.
 */
export function deriveSigningKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const cacheKey = `${date}\n${region}\n${service}\n${secretAccessKey}`;
  const cached = recentKeys.get(cacheKey);
  if (cached !== undefined) return cached;
  const dateKey = hmac(`AWS4${secretAccessKey}`, date);
  const signingKey = hmac(hmac(hmac(dateKey, region), service), SCOPE_TERMINATOR);
  if (recentKeys.size >= RECENT_KEYS_LIMIT) recentKeys.delete(recentKeys.keys().next().value as string);
  recentKeys.set(cacheKey, signingKey);
  return signingKey;
}

/** The hex signature of `stringToSign` under `signingKey`. */
export function signatureHex(signingKey: Uint8Array, stringToSign: string): string {
  return hmac(signingKey, stringToSign).toString("hex");
}
