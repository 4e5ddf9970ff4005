/**
 * Stage 2: SigV4 verification of the client's request (header or presigned), and the aws-chunked decoder for its
 * body. The one seam between the pipeline and ../auth: everything the pipeline needs from it passes here.
 */
import { createChunkedDecoder, verifyRequest, type ChunkedDecoder, type VerifiedRequest } from "../auth/index.ts";
import type { ProxyOptions } from "../types.ts";
import type { Route } from "./route.ts";

export interface Authenticated {
  readonly verified: VerifiedRequest;
  /**
   * The decoder for aws-chunked bodies (the streaming payload kinds): it verifies chunk signatures and the
   * trailing checksum and holds back the tail until the whole body verified. Undefined for plain bodies.
   */
  readonly decoder: ChunkedDecoder | undefined;
}

/** Verifies the request's signature; throws the S3Error a client should get when it does not verify. */
export function authenticate(
  route: Route,
  headers: { readonly [name: string]: string | undefined },
  options: ProxyOptions,
  now: Date,
): Authenticated {
  const verified = verifyRequest(
    { method: route.method, path: route.rawPath, query: route.rawQuery, headers },
    { credentials: options.clientCredentials, now, maxClockSkewMs: options.maxClockSkewMs },
  );
  const streaming = verified.payload.kind.startsWith("streaming-");
  return { verified, decoder: streaming ? createChunkedDecoder(verified) : undefined };
}
