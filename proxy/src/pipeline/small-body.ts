/**
 * Stage 6b: small request bodies are read whole. A plain (not aws-chunked) body of at most `SMALL_BODY_BYTES` is
 * collected in memory and checked (request-body.ts `BodyCheck`: length, payload SHA-256, declared checksums) before
 * the upstream request is opened; the upstream request then goes out in one write, headers and body together, and
 * no byte of a body that fails a check leaves the proxy. Streaming such a body through `BodyVerifier` costs a
 * Transform, two pipes and their end-of-stream listeners per request, a large share of the proxy's CPU on 1 KiB
 * PutObject requests (bench/proxy.bench.ts). The body-rate bound (body-deadline.ts) applies as on the streamed path.
 *
 * Memory: at most `SMALL_BODY_BYTES` per admitted upload, so `S3PROXY_MAX_CONCURRENT_UPLOADS` x 64 KiB in all.
 */
import type http from "node:http";
import type { ChecksumAlgorithm } from "../checksum/index.ts";
import { watchBodyRate, type BodyDeadlineOptions } from "./body-deadline.ts";
import type { BodyCheck } from "./request-body.ts";

/** Largest body, in bytes, read whole before the upstream request opens (larger ones stream through). */
export const SMALL_BODY_BYTES = 64 * 1024;

/** Whether a plain body of `length` declared bytes is read whole (small-body.ts) rather than streamed. */
export function readsWhole(length: number): boolean {
  return length <= SMALL_BODY_BYTES;
}

export interface SmallBody {
  readonly body: Buffer;
  /** Base64 digests of the algorithms `check` computed. */
  readonly digests: ReadonlyMap<ChecksumAlgorithm, string>;
}

/**
 * Reads `req`'s body (of at most `SMALL_BODY_BYTES`, as declared) through `check`. Resolves once the body ended and
 * passed every check; rejects with the check's S3Error, with RequestTimeout when the client is too slow
 * (body-deadline.ts), or with `aborted()` when the client's request ends early (its connection closed or reset).
 */
export function readSmallBody(req: http.IncomingMessage, check: BodyCheck, options: BodyDeadlineOptions, aborted: () => Error): Promise<SmallBody> {
  return new Promise<SmallBody>((resolve, reject) => {
    const chunks: Buffer[] = [];
    // A promise settles once: whatever the request emits after a failure changes nothing. Only the collecting stops.
    const fail = (error: Error): void => {
      stopWatching();
      req.off("data", onData);
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      try {
        check.add(chunk);
      } catch (error) {
        fail(error as Error);
        return;
      }
      chunks.push(chunk);
    };
    // A request that ends early (the client's connection closed or reset) emits "error" before "close".
    const stopWatching = watchBodyRate(req, options, fail);
    req.on("data", onData);
    req.once("error", () => fail(aborted()));
    req.once("end", () => {
      try {
        const digests = check.finish();
        resolve({ body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks), digests });
      } catch (error) {
        fail(error as Error);
      }
    });
  });
}
