/**
 * Stage 2b: decoding and verification of aws-chunked request bodies, as a streaming Transform.
 *
 * Input: the raw body of a request whose `VerifiedRequest.payload.kind` is one of
 * - `streaming-signed` (STREAMING-AWS4-HMAC-SHA256-PAYLOAD): `<hex>;chunk-signature=<sig>\r\n<data>\r\n` ...,
 *   then `0;chunk-signature=<sig>\r\n\r\n`;
 * - `streaming-signed-trailer`: the same, but the final chunk is followed by the trailer
 *   `x-amz-checksum-<alg>:<base64>\r\n`, `x-amz-trailer-signature:<sig>\r\n` and `\r\n`;
 * - `streaming-unsigned-trailer` (STREAMING-UNSIGNED-PAYLOAD-TRAILER): `<hex>\r\n<data>\r\n` ..., `0\r\n`, the
 *   trailer `x-amz-checksum-<alg>:<base64>\r\n`, then `\r\n`.
 *
 * Output: only the decoded data bytes, `verified.decodedContentLength` of them.
 *
 * THE CONTRACT THE PIPELINE RELIES ON
 * 1. Data flows as it arrives, in every mode: a signed chunk is hashed piece by piece while its pieces stream on,
 *    and its signature is checked when its last byte arrived. A chunk whatever its declared size (up to
 *    `maxChunkBytes`) therefore costs no memory: the decoder never buffers a chunk to verify it.
 * 2. The tail is held back in every mode, and it is all that is held back: the most recent piece (one socket read,
 *    at most 64 KiB) stays inside the decoder until the whole body has been verified (every chunk signature including the final zero-length one, the trailer signature,
 *    the decoded length against x-amz-decoded-content-length, the trailer checksum). Only then is it pushed and
 *    the stream ended. So the output never contains all `decodedContentLength` bytes of a body that fails.
 * 3. Failure is an 'error' event carrying an S3Error (SignatureDoesNotMatch, BadDigest, IncompleteBody,
 *    InvalidRequest), emitted before, and instead of, 'end'.
 * The pipeline must therefore send upstream with Content-Length = decodedContentLength, and complete the upstream
 * request only after this decoder's 'end'; on its 'error' (or the client connection's) it must abort the upstream
 * request, which then holds fewer bytes than its Content-Length and is never committed. Use
 * `stream.pipeline(clientRequest, decoder, ..., upstreamRequest)` so a client abort also destroys the decoder.
 *
 * Memory is bounded and independent of the declared chunk size: one held-back piece and line buffers of at most
 * 4 KiB. (A chunk over `maxChunkBytes` is still refused as malformed before its data is read.)
 */
import { Transform, type TransformCallback } from "node:stream";
import { createHash, type Hash } from "node:crypto";
import { S3Error } from "../errors.ts";
import { checksumHeaderName, type ChecksumAlgorithm } from "../checksum/algorithms.ts";
import { createChecksum, type Checksum } from "../checksum/checksum.ts";
import { parseChunkHeader } from "./chunk-header.ts";
import { chunkSignature, trailerSignature, type ChunkSigningContext } from "./chunk-signature.ts";
import { signatureEquals } from "./signature-equals.ts";
import type { VerifiedRequest } from "./types.ts";

/** Options of `createChunkedDecoder`. */
export interface ChunkedDecoderOptions {
  /**
   * Largest signed chunk accepted, in bytes; a larger size line fails with InvalidRequest before any of its data is
   * read. Unsigned-trailer chunks are streamed and not limited. @default 16_777_216 (16 MiB)
   */
  readonly maxChunkBytes?: number;
}

/** A checksum value received in the trailer and verified against the decoded body. */
export interface TrailerChecksum {
  readonly algorithm: ChecksumAlgorithm;
  /** Base64 of the raw digest, as sent (and as computed). */
  readonly base64: string;
}

const DEFAULT_MAX_CHUNK_BYTES = 16 * 1024 * 1024;
/** Longest chunk size line or trailer line, in bytes. */
const MAX_LINE_BYTES = 4096;
const CR = 0x0d;
const LF = 0x0a;

type State = "size-line" | "data" | "data-cr" | "data-lf" | "trailer" | "done" | "failed";

function framing(detail: string): S3Error {
  return new S3Error("InvalidRequest", `Malformed aws-chunked body: ${detail}`);
}

/** The Transform returned by `createChunkedDecoder`; see the module documentation for its contract. */
export class ChunkedDecoder extends Transform {
  private state: State = "size-line";
  private readonly signed: boolean;
  private readonly trailer: ChecksumAlgorithm | undefined;
  private readonly declaredLength: number;
  private readonly maxChunkBytes: number;
  private readonly context: ChunkSigningContext;
  private previousSignature: string;
  private readonly checksum: Checksum | undefined;

  private line: Buffer[] = [];
  private lineBytes = 0;
  private remaining = 0;
  private chunkSignatureSent: string | undefined;
  private chunkHash: Hash | undefined;
  private held: Buffer | undefined;
  private decoded = 0;
  private readonly trailers = new Map<string, string>();
  /** Whether the empty line some writers put between the final chunk and the trailer was skipped. */
  private blankSeen = false;
  private verifiedTrailer: TrailerChecksum | undefined;

  constructor(verified: VerifiedRequest, options: ChunkedDecoderOptions = {}) {
    super();
    const { payload } = verified;
    if (payload.kind === "unsigned" || payload.kind === "sha256" || verified.decodedContentLength === undefined) {
      throw new S3Error("InternalError", `createChunkedDecoder needs a streaming payload mode, not '${payload.kind}'.`);
    }
    this.signed = payload.kind !== "streaming-unsigned-trailer";
    this.trailer = payload.kind === "streaming-signed" ? undefined : payload.trailer;
    this.checksum = this.trailer === undefined ? undefined : createChecksum(this.trailer);
    this.declaredLength = verified.decodedContentLength;
    this.maxChunkBytes = options.maxChunkBytes ?? DEFAULT_MAX_CHUNK_BYTES;
    this.context = { signingKey: verified.signingKey, amzDate: verified.amzDate, scope: verified.scope.value };
    this.previousSignature = verified.seedSignature;
  }

  /** Decoded data bytes read so far (including bytes not yet emitted). */
  get decodedBytes(): number {
    return this.decoded;
  }

  /** The trailer checksum, once received and verified (before 'end'); undefined in STREAMING-AWS4-HMAC-SHA256-PAYLOAD. */
  get trailerChecksum(): TrailerChecksum | undefined {
    return this.verifiedTrailer;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.state === "failed") return callback(framing("the body already failed verification."));
    try {
      this.consume(chunk);
      callback();
    } catch (error) {
      this.state = "failed";
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    // Never end normally once verification failed, whatever the caller does with the stream afterwards.
    if (this.state === "failed") return callback(framing("the body already failed verification."));
    // A body may stop right after the final chunk's size line when no trailer follows (the JS SDK does so
    // without a checksum); with a trailer announced, the body ending there means the trailer is missing.
    if (this.state === "trailer" && this.lineBytes === 0 && this.trailers.size === 0 && (this.trailer === undefined || this.blankSeen)) {
      try {
        this.finish();
      } catch (error) {
        this.state = "failed";
        return callback(error as Error);
      }
    }
    if (this.state !== "done") {
      this.state = "failed";
      return callback(
        new S3Error("IncompleteBody", `The aws-chunked body ended early: ${this.decoded} of ${this.declaredLength} decoded bytes and no final chunk.`),
      );
    }
    if (this.held !== undefined) this.push(this.held);
    this.held = undefined;
    callback();
  }

  private consume(buf: Buffer): void {
    let offset = 0;
    while (offset < buf.length) {
      switch (this.state) {
        case "size-line":
        case "trailer": {
          const end = buf.indexOf(LF, offset);
          const stop = end === -1 ? buf.length : end + 1;
          this.appendLine(buf.subarray(offset, stop));
          offset = stop;
          if (end !== -1) this.completeLine();
          break;
        }
        case "data": {
          const take = Math.min(this.remaining, buf.length - offset);
          this.acceptData(buf.subarray(offset, offset + take));
          offset += take;
          this.remaining -= take;
          if (this.remaining === 0) this.completeChunkData();
          break;
        }
        case "data-cr":
          if (buf[offset] !== CR) throw framing("chunk data is not followed by CRLF (is the chunk size right?).");
          offset += 1;
          this.state = "data-lf";
          break;
        case "data-lf":
          if (buf[offset] !== LF) throw framing("chunk data is not followed by CRLF (is the chunk size right?).");
          offset += 1;
          this.state = "size-line";
          break;
        case "done":
          throw framing("data after the end of the body.");
        case "failed":
          return;
      }
    }
  }

  private appendLine(piece: Buffer): void {
    this.lineBytes += piece.length;
    if (this.lineBytes > MAX_LINE_BYTES) throw framing(`a chunk header or trailer line is longer than ${MAX_LINE_BYTES} bytes.`);
    this.line.push(piece);
  }

  private completeLine(): void {
    const raw = Buffer.concat(this.line, this.lineBytes);
    this.line = [];
    this.lineBytes = 0;
    if (raw.length < 2 || raw[raw.length - 2] !== CR) throw framing("a line does not end with CRLF.");
    const text = raw.subarray(0, raw.length - 2).toString("latin1");
    if (this.state === "size-line") this.startChunk(text);
    else this.trailerLine(text);
  }

  private startChunk(line: string): void {
    const header = parseChunkHeader(line, this.signed);
    if (this.signed && header.size > this.maxChunkBytes) {
      throw framing(`a chunk of ${header.size} bytes is larger than the ${this.maxChunkBytes}-byte limit.`);
    }
    if (this.decoded + header.size > this.declaredLength) {
      throw new S3Error(
        "IncompleteBody",
        `The aws-chunked body carries more than the ${this.declaredLength} bytes declared in x-amz-decoded-content-length.`,
      );
    }
    this.chunkSignatureSent = header.signature;
    if (header.size === 0) {
      this.verifyChunk(this.signed ? createHash("sha256") : undefined);
      this.state = "trailer";
      return;
    }
    this.remaining = header.size;
    this.chunkHash = this.signed ? createHash("sha256") : undefined;
    this.state = "data";
  }

  private acceptData(piece: Buffer): void {
    this.decoded += piece.length;
    this.checksum?.update(piece);
    this.chunkHash?.update(piece);
    this.release(piece);
  }

  private completeChunkData(): void {
    this.verifyChunk(this.chunkHash);
    this.chunkHash = undefined;
    this.state = "data-cr";
  }

  /** Checks the current chunk's signature (signed modes) and advances the chain. */
  private verifyChunk(hash: Hash | undefined): void {
    if (hash === undefined) return;
    const expected = chunkSignature(this.context, this.previousSignature, hash.digest("hex"));
    if (!signatureEquals(expected, this.chunkSignatureSent ?? "")) {
      throw new S3Error("SignatureDoesNotMatch", "The chunk signature we calculated does not match the signature you provided.");
    }
    this.previousSignature = expected;
  }

  /** Emits the previously held piece and holds `piece` back (see contract point 2). */
  private release(piece: Buffer): void {
    if (this.held !== undefined) this.push(this.held);
    this.held = piece;
  }

  private trailerLine(line: string): void {
    if (line === "") {
      // Some writers put an empty line between the final chunk and the trailer; only the last one ends the body.
      if (this.trailer !== undefined && this.trailers.size === 0 && !this.blankSeen) {
        this.blankSeen = true;
        return;
      }
      this.finish();
      return;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) throw framing(`trailer line '${line.slice(0, 100)}' is not name:value.`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (this.trailer === undefined) throw framing(`unexpected trailer '${name}' (no x-amz-trailer was announced).`);
    const allowed = name === checksumHeaderName(this.trailer) || (this.signed && name === "x-amz-trailer-signature");
    if (!allowed) throw framing(`trailer '${name}' was not announced in x-amz-trailer.`);
    if (this.trailers.has(name)) throw framing(`trailer '${name}' appears more than once.`);
    this.trailers.set(name, value);
  }

  /** The body is complete: verify the trailer and the length (throws), then mark it done. */
  private finish(): void {
    if (this.trailer !== undefined) this.verifyTrailer(this.trailer);
    if (this.decoded !== this.declaredLength) {
      throw new S3Error("IncompleteBody", `The aws-chunked body carries ${this.decoded} bytes, x-amz-decoded-content-length says ${this.declaredLength}.`);
    }
    this.state = "done";
  }

  private verifyTrailer(algorithm: ChecksumAlgorithm): void {
    const name = checksumHeaderName(algorithm);
    const value = this.trailers.get(name);
    if (value === undefined) throw framing(`the ${name} trailer announced in x-amz-trailer is missing.`);
    if (this.signed) {
      const sent = this.trailers.get("x-amz-trailer-signature");
      if (sent === undefined) throw framing("the x-amz-trailer-signature trailer is missing.");
      const expected = trailerSignature(this.context, this.previousSignature, `${name}:${value}\n`);
      if (!signatureEquals(expected, sent)) {
        throw new S3Error("SignatureDoesNotMatch", "The trailer signature we calculated does not match the signature you provided.");
      }
    }
    const computed = this.checksum?.digestBase64();
    if (computed !== value) {
      throw new S3Error("BadDigest", `The ${name} you specified did not match the checksum of the body we received.`);
    }
    this.verifiedTrailer = { algorithm, base64: value };
  }
}

/**
 * A Transform that decodes and verifies the aws-chunked body of `verified` (a streaming payload kind), emitting
 * only decoded data. Read the module documentation for the exact streaming contract.
 */
export function createChunkedDecoder(verified: VerifiedRequest, options: ChunkedDecoderOptions = {}): ChunkedDecoder {
  return new ChunkedDecoder(verified, options);
}
