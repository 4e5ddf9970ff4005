/**
 * Stage 6: the request body on its way up. Works out the exact upstream Content-Length, and verifies the body
 * while it streams: payload SHA-256, the client's `x-amz-checksum-<alg>` header, the byte count (an aws-chunked
 * trailer's checksum is verified by the decoder before it, ../auth/chunked-decoder.ts). The verifier
 * always holds back the most recent chunk and releases it only after every check passed at the end of the body,
 * so the upstream never receives all Content-Length bytes of a body that does not match: a failed check destroys
 * the upstream request short of its length, and the upstream never commits it.
 */
import { createHash, type Hash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import type { VerifiedRequest } from "../auth/index.ts";
import { checksumHeaderName, createChecksum, type Checksum, type ChecksumAlgorithm } from "../checksum/index.ts";
import { S3Error } from "../errors.ts";
import type { ChecksumPlan } from "./checksum-policy.ts";

/**
 * The length of the body as the upstream receives it: x-amz-decoded-content-length for aws-chunked bodies,
 * Content-Length otherwise. A body without either (plain Transfer-Encoding: chunked) gets 411, as S3 does.
 */
export function upstreamBodyLength(
  method: string,
  headers: { readonly [name: string]: string | undefined },
  verified: VerifiedRequest,
): number {
  if (verified.decodedContentLength !== undefined) return verified.decodedContentLength;
  const text = headers["content-length"];
  if (text === undefined) {
    if (headers["transfer-encoding"] !== undefined && (method === "PUT" || method === "POST")) {
      throw new S3Error("MissingContentLength");
    }
    return 0;
  }
  if (!/^\d{1,16}$/.test(text.trim())) throw new S3Error("InvalidArgument", `The Content-Length header '${text}' is not a number of bytes.`);
  return Number(text);
}

export interface BodyVerifierOptions {
  /** Exact number of decoded bytes expected. */
  readonly length: number;
  /** Hex SHA-256 the client signed (payload mode sha256), or undefined. */
  readonly sha256Hex: string | undefined;
  readonly checksums: ChecksumPlan;
}

/**
 * Counts, hashes and checks a decoded body fed piece by piece, without streaming it anywhere: the checks behind
 * `BodyVerifier` and behind the small-body path (small-body.ts), which reads a body whole before the upstream
 * request opens.
 */
export class BodyCheck {
  /** Decoded bytes seen so far. */
  bytes = 0;
  private readonly running = new Map<ChecksumAlgorithm, Checksum>();
  private readonly sha256: Hash | undefined;
  /** The signed payload hash, lower-case hex, when the body is checked against one. */
  private readonly expectedSha256: string | undefined;

  constructor(private readonly options: BodyVerifierOptions) {
    for (const algorithm of options.checksums.compute) this.running.set(algorithm, createChecksum(algorithm));
    this.expectedSha256 = options.sha256Hex?.toLowerCase();
    this.sha256 = this.expectedSha256 === undefined ? undefined : createHash("sha256");
  }

  /** Adds a piece of the body; throws IncompleteBody once the body is longer than its declared length. */
  add(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.bytes > this.options.length) throw new S3Error("IncompleteBody", "The request body is longer than its declared length.");
    this.sha256?.update(chunk);
    for (const checksum of this.running.values()) checksum.update(chunk);
  }

  /**
   * Checks the whole body (length, payload SHA-256, declared checksums); returns the base64 value of every computed
   * algorithm. Throws IncompleteBody, XAmzContentSHA256Mismatch or BadDigest. Called once, after the last `add`.
   */
  finish(): ReadonlyMap<ChecksumAlgorithm, string> {
    if (this.bytes !== this.options.length) {
      throw new S3Error("IncompleteBody", `Received ${this.bytes} of ${this.options.length} body bytes.`);
    }
    if (this.sha256 !== undefined && this.sha256.digest("hex") !== this.expectedSha256) {
      throw new S3Error("XAmzContentSHA256Mismatch");
    }
    const digests = new Map<ChecksumAlgorithm, string>();
    for (const [algorithm, checksum] of this.running) digests.set(algorithm, checksum.digest().toString("base64"));
    for (const [algorithm, expected] of this.options.checksums.expected) {
      const actual = digests.get(algorithm);
      if (actual !== expected) {
        throw new S3Error("BadDigest", `The ${checksumHeaderName(algorithm)} you specified did not match the calculated checksum.`);
      }
    }
    return digests;
  }
}

/**
 * Counts, hashes and checks the decoded body while it streams, holding back the last chunk until the checks pass
 * (see the file comment). After the stream ends, `digests` holds the base64 value of every computed algorithm.
 */
export class BodyVerifier extends Transform {
  /** Base64 digests by algorithm, set when the body ended and passed every check. */
  digests: ReadonlyMap<ChecksumAlgorithm, string> = new Map();
  private held: Buffer | undefined;
  private readonly check: BodyCheck;

  constructor(options: BodyVerifierOptions) {
    super();
    this.check = new BodyCheck(options);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (chunk.length === 0) return callback();
    try {
      this.check.add(chunk);
    } catch (error) {
      return callback(error as Error);
    }
    if (this.held !== undefined) this.push(this.held);
    this.held = chunk;
    callback();
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.digests = this.check.finish();
    } catch (error) {
      callback(error as Error);
      return;
    }
    if (this.held !== undefined) this.push(this.held);
    this.held = undefined;
    callback();
  }
}
