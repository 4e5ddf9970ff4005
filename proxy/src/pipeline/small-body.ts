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
 * (body-deadline.ts), or with `aborted()` when the client's request ends early (an error, or closed before it was
 * complete).
 */
export function readSmallBody(req: http.IncomingMessage, check: BodyCheck, options: BodyDeadlineOptions, aborted: () => Error): Promise<SmallBody> {
  return new Promise<SmallBody>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      stopWatching();
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onAbort);
      req.off("close", onClose);
      return true;
    };
    const fail = (error: Error): void => {
      if (settle()) reject(error);
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
    const onEnd = (): void => {
      let digests: ReadonlyMap<ChecksumAlgorithm, string>;
      try {
        digests = check.finish();
      } catch (error) {
        fail(error as Error);
        return;
      }
      if (settle()) resolve({ body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks), digests });
    };
    const onAbort = (): void => fail(aborted());
    const onClose = (): void => {
      if (!req.complete) fail(aborted());
    };
    const stopWatching = watchBodyRate(req, options, fail);
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("error", onAbort);
    req.once("close", onClose);
  });
}
