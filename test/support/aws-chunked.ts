/**
 * A reference aws-chunked writer for tests, written from the AWS documentation ("Transferring Payload in Multiple
 * Chunks", "Including trailing headers") with node:crypto only, independent of proxy/src/auth.
 */
import { createHash, createHmac } from "node:crypto";
import type { SigningScope, VerifiedRequest } from "../../proxy/src/auth/types.ts";
import type { Credentials } from "../../proxy/src/types.ts";

const EMPTY_SHA256 = createHash("sha256").update("").digest("hex");

const hmac = (key: string | Buffer, data: string): Buffer => createHmac("sha256", key).update(data).digest();

/** The SigV4 signing key, derived independently of the code under test. */
export function referenceSigningKey(secret: string, date: string, region: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), "s3"), "aws4_request");
}

/** The signing context of a chunked upload. */
export interface ChunkedContext {
  readonly signingKey: Buffer;
  readonly amzDate: string;
  readonly scope: string;
  readonly seedSignature: string;
}

/** A VerifiedRequest for a streaming upload, as verifyRequest would return it. */
export function streamingRequest(
  credentials: Credentials,
  amzDate: string,
  region: string,
  seedSignature: string,
  payload: VerifiedRequest["payload"],
  decodedContentLength: number,
): VerifiedRequest {
  const date = amzDate.slice(0, 8);
  const scope: SigningScope = { date, region, service: "s3", value: `${date}/${region}/s3/aws4_request` };
  return {
    auth: "header",
    accessKeyId: credentials.accessKeyId,
    amzDate,
    requestTime: new Date(),
    scope,
    signingKey: referenceSigningKey(credentials.secretAccessKey, date, region),
    seedSignature,
    signedHeaders: ["host"],
    payload,
    decodedContentLength,
    expiresAt: undefined,
  };
}

/** The signing context of `verified`. */
export function contextOf(verified: VerifiedRequest): ChunkedContext {
  return { signingKey: verified.signingKey, amzDate: verified.amzDate, scope: verified.scope.value, seedSignature: verified.seedSignature };
}

/** A STREAMING-AWS4-HMAC-SHA256-PAYLOAD body of `chunks` (a final zero-length chunk is appended). */
export function signedChunkedBody(
  context: ChunkedContext,
  chunks: readonly Buffer[],
  trailer?: { readonly name: string; readonly value: string },
): { readonly body: Buffer; readonly signatures: string[] } {
  const parts: Buffer[] = [];
  const signatures: string[] = [];
  let previous = context.seedSignature;
  for (const data of [...chunks, Buffer.alloc(0)]) {
    const toSign = [
      "AWS4-HMAC-SHA256-PAYLOAD",
      context.amzDate,
      context.scope,
      previous,
      EMPTY_SHA256,
      createHash("sha256").update(data).digest("hex"),
    ].join("\n");
    previous = hmac(context.signingKey, toSign).toString("hex");
    signatures.push(previous);
    parts.push(Buffer.from(`${data.length.toString(16)};chunk-signature=${previous}\r\n`), data);
    if (data.length > 0) parts.push(Buffer.from("\r\n"));
  }
  if (trailer === undefined) {
    parts.push(Buffer.from("\r\n"));
  } else {
    const canonical = `${trailer.name}:${trailer.value}\n`;
    const toSign = ["AWS4-HMAC-SHA256-TRAILER", context.amzDate, context.scope, previous, createHash("sha256").update(canonical).digest("hex")].join("\n");
    const trailerSig = hmac(context.signingKey, toSign).toString("hex");
    parts.push(Buffer.from(`${trailer.name}:${trailer.value}\r\nx-amz-trailer-signature:${trailerSig}\r\n\r\n`));
  }
  return { body: Buffer.concat(parts), signatures };
}

/** A STREAMING-UNSIGNED-PAYLOAD-TRAILER body of `chunks`, with `trailer` as name:value (as the JS SDK writes it). */
export function unsignedTrailerBody(chunks: readonly Buffer[], trailer: { readonly name: string; readonly value: string }): Buffer {
  const parts: Buffer[] = [];
  for (const data of chunks) parts.push(Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from("\r\n"));
  parts.push(Buffer.from(`0\r\n${trailer.name}:${trailer.value}\r\n\r\n`));
  return Buffer.concat(parts);
}
