/**
 * Replays, request by request, what self-hosted Convex (get-convex/convex-backend `crates/aws_s3`, see
 * /work/shared/facts/convex-backend.md section 6) sends to S3 for one stored file. ONE copy, used by the doctor
 * (doctor/src/) against any endpoint and by the RGW tests (through test/support/convex-s3-sequence.ts) directly
 * against Ceph RGW and through the S3 compatibility proxy:
 *
 * 1. CreateMultipartUpload, with `ServerSideEncryption: AES256` unless AWS_S3_DISABLE_SSE, and
 *    `ChecksumAlgorithm: CRC32` unless AWS_S3_DISABLE_CHECKSUMS.
 * 2. UploadPart per 5 MiB part (an empty object is ONE empty part), in-memory bodies so the CRC32 goes in a
 *    header (never aws-chunked), `ChecksumAlgorithm: CRC32` unless checksums are disabled. Like Convex's
 *    `ObjectPart::new`, a response without `x-amz-checksum-crc32` fails with
 *    `Error("Object part missing hash! Expected crc32")` unless checksums are disabled.
 * 3. CompleteMultipartUpload with the parts sorted, each with its ETag (and ChecksumCRC32 unless disabled).
 *    A failure after step 1 aborts the upload, as Convex's `S3Upload` does when it is dropped.
 * 4. The size probe (unless AWS_S3_DISABLE_RANGE_PREFETCH): GET with `Range: bytes=0-N`, size from
 *    `Content-Range`; `InvalidRange` (empty object) = 0.
 * 5. HeadObject.
 * 6. Presigned GET (fetch) of the object; presigned PUT (fetch) of a second key `<key>.presigned-put`, which is
 *    then checked with HeadObject. Presigned URLs carry no checksum, as in the Rust SDK.
 * 7. DeleteObject of both keys.
 *
 * Client: path-style unless `forcePathStyle: false`, region us-east-1 unless given, `maxAttempts: 1`, SDK checksum
 * defaults (WHEN_SUPPORTED, like Convex's BehaviorVersion) unless given, every request bounded by a timeout. S3
 * errors are rethrown as {@link ConvexS3StepError} naming the step; `onStep` sees every step's outcome.
 */
import type { Agent } from "node:http";
import { performance } from "node:perf_hooks";
import { crc32 } from "node:zlib";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type CreateMultipartUploadCommandInput,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";

/** Convex's smallest (and first) multipart part size: 5 MiB. */
export const CONVEX_PART_SIZE = 5 * 1024 * 1024;

/** Length of Convex's first, size-learning ranged GET: 8 MiB. */
export const CONVEX_RANGE_PROBE_BYTES = 8 * 1024 * 1024;

/** The error Convex's `ObjectPart::new` raises when UploadPart returns no CRC32. */
export const MISSING_CRC32_MESSAGE = "Object part missing hash! Expected crc32";

/** Every request's time limit when the target names none, in milliseconds. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** The SDK settings AWS_REQUEST_CHECKSUM_CALCULATION and AWS_RESPONSE_CHECKSUM_VALIDATION take. */
export type ChecksumMode = "WHEN_SUPPORTED" | "WHEN_REQUIRED";

/** Base64 of the big-endian CRC32 of `data`, as in `x-amz-checksum-crc32`. */
export function crc32Base64(data: Uint8Array): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data) >>> 0);
  return out.toString("base64");
}

/** S3's composite multipart checksum: CRC32 over the parts' raw CRC32s, then `-<part count>`. */
export function compositeCrc32Base64(partChecksums: readonly string[]): string {
  const raw = Buffer.concat(partChecksums.map((value) => Buffer.from(value, "base64")));
  return `${crc32Base64(raw)}-${partChecksums.length}`;
}

/** Where the requests go: RGW itself, the proxy, or any S3 endpoint. */
export interface ConvexS3Target {
  /** e.g. `http://127.0.0.1:7480` (S3_ENDPOINT_URL). */
  readonly endpoint: string;
  /** AWS_REGION. @default "us-east-1" */
  readonly region?: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** AWS_SESSION_TOKEN. @default - none */
  readonly sessionToken?: string;
  /** AWS_S3_FORCE_PATH_STYLE. @default true (the SDK itself uses virtual-host addressing when false) */
  readonly forcePathStyle?: boolean;
  /** AWS_REQUEST_CHECKSUM_CALCULATION. @default "WHEN_SUPPORTED" (the SDK's default) */
  readonly requestChecksumCalculation?: ChecksumMode;
  /** AWS_RESPONSE_CHECKSUM_VALIDATION. @default "WHEN_SUPPORTED" (the SDK's default) */
  readonly responseChecksumValidation?: ChecksumMode;
  /** Time limit of each request (connection included), in milliseconds. @default DEFAULT_REQUEST_TIMEOUT_MS */
  readonly requestTimeoutMs?: number;
  /** HTTP(S) agent for every SDK request, e.g. one with its own DNS lookup. @default - the SDK's own agent */
  readonly agent?: Agent;
  /** Where the SDK's own warnings go. @default - the SDK's default (the console) */
  readonly sdkLogger?: SdkLogger;
}

/** The SDK's logger interface. */
export interface SdkLogger {
  debug(...content: unknown[]): void;
  info(...content: unknown[]): void;
  warn(...content: unknown[]): void;
  error(...content: unknown[]): void;
}

/** The outcome of one step, as `onStep` sees it. */
export interface ConvexS3StepEvent {
  /** e.g. `CreateMultipartUpload`, `UploadPart #2`. */
  readonly step: string;
  readonly ok: boolean;
  /** Wall time of the step, in milliseconds. */
  readonly ms: number;
  /** HTTP status of the response, when there was one. */
  readonly httpStatus?: number;
  /** S3 error code (or the SDK's error name) of a failed step. */
  readonly code?: string;
  /** The server's error message, when it sent one. */
  readonly message?: string;
  /** What the answer showed, e.g. `CRC32 returned: no`. */
  readonly note?: string;
}

export interface ConvexS3SequenceOptions {
  readonly target: ConvexS3Target;
  /** Must already exist (Convex never creates buckets). */
  readonly bucket: string;
  readonly key: string;
  readonly body: Uint8Array;
  /** Models AWS_S3_DISABLE_SSE=true. @default false (Convex's default: SSE AES256 requested) */
  readonly disableSse?: boolean;
  /** Models AWS_S3_DISABLE_CHECKSUMS=true. @default false (Convex's default: CRC32 requested and required) */
  readonly disableChecksums?: boolean;
  /** Models AWS_S3_DISABLE_RANGE_PREFETCH=true: step 4 is skipped. @default false */
  readonly disableRangePrefetch?: boolean;
  /** Multipart part size in bytes. @default CONVEX_PART_SIZE (5 MiB) */
  readonly partSize?: number;
  /** Length of the ranged size probe in bytes (`Range: bytes=0-<n-1>`). @default 1_048_576 */
  readonly rangeProbeBytes?: number;
  /** Run step 7 (DeleteObject). @default true */
  readonly deleteAfter?: boolean;
  /** Called after every step, failed or not. @default - nothing is called */
  readonly onStep?: (event: ConvexS3StepEvent) => void;
}

export interface ConvexUploadedPart {
  readonly partNumber: number;
  readonly size: number;
  readonly eTag: string;
  /** `x-amz-checksum-crc32` returned by UploadPart, if any. */
  readonly checksumCrc32: string | undefined;
  /** CRC32 of the part computed locally. */
  readonly expectedCrc32: string;
}

export interface ConvexS3SequenceResult {
  readonly uploadId: string;
  readonly parts: readonly ConvexUploadedPart[];
  /** ETag returned by CompleteMultipartUpload. */
  readonly eTag: string | undefined;
  /** ChecksumCRC32 returned by CompleteMultipartUpload (composite `<b64>-<n>` on servers that support it). */
  readonly checksumCrc32: string | undefined;
  /** The composite checksum computed from the locally computed part CRC32s. */
  readonly expectedCompositeCrc32: string;
  /** Size read from `Content-Range` of the ranged GET; 0 when it answered InvalidRange or was skipped. */
  readonly sizeFromRange: number;
  /** `Content-Range` header of the ranged GET (undefined for InvalidRange or when skipped). */
  readonly contentRange: string | undefined;
  /** HTTP status of the ranged GET: 206, or 416 for an empty object; 0 when skipped. */
  readonly rangeStatus: number;
  /** Bytes returned by the ranged GET. */
  readonly rangeBody: Buffer;
  readonly head: { readonly contentLength: number | undefined; readonly eTag: string | undefined };
  /** Body of the presigned GET. */
  readonly downloaded: Buffer;
  /** Status of the presigned PUT, and the size HeadObject reports for the key it wrote. */
  readonly presignedPut: { readonly status: number; readonly key: string; readonly storedSize: number | undefined };
  /** Steps that completed, in order. */
  readonly steps: readonly string[];
}

/** An S3 request of the sequence failed. `cause` is the SDK error. */
export class ConvexS3StepError extends Error {
  /** e.g. `CreateMultipartUpload`, `UploadPart #2`. */
  readonly step: string;
  /** HTTP status of the failed response, when there was one. */
  readonly httpStatus: number | undefined;
  /** S3 error code (`InvalidRequest`, `MissingContentLength`, ...) or the SDK's error name. */
  readonly code: string;
  /** The server's (or the SDK's) message; empty when RGW sent an empty `<Message>`. */
  readonly detail: string;

  constructor(step: string, cause: unknown) {
    const info = describeS3Error(cause);
    super(`${step} failed: HTTP ${info.httpStatus ?? "-"} ${info.code}${info.message ? `: ${info.message}` : ""}`, { cause });
    this.name = "ConvexS3StepError";
    this.step = step;
    this.httpStatus = info.httpStatus;
    this.code = info.code;
    this.detail = info.message;
  }
}

interface S3ErrorShape {
  name?: unknown;
  message?: unknown;
  Code?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  cause?: unknown;
}

/** HTTP status, S3 code and message of an SDK (or network) error. */
export function describeS3Error(error: unknown): { httpStatus: number | undefined; code: string; message: string } {
  const shape = (typeof error === "object" && error !== null ? error : {}) as S3ErrorShape;
  const status = shape.$metadata?.httpStatusCode;
  // Network errors carry a system code (ECONNREFUSED, ENOTFOUND, ...) on the error or, for fetch, on its cause.
  const cause = (typeof shape.cause === "object" && shape.cause !== null ? shape.cause : {}) as S3ErrorShape;
  const systemCode = typeof shape.code === "string" ? shape.code : typeof cause.code === "string" ? cause.code : undefined;
  const code =
    typeof shape.Code === "string"
      ? shape.Code
      : systemCode !== undefined && typeof status !== "number"
        ? systemCode
        : typeof shape.name === "string"
          ? shape.name
          : "Error";
  return {
    httpStatus: typeof status === "number" ? status : undefined,
    code,
    // The JS SDK says "UnknownError" when the server's <Message> is empty (RGW's are): that is no message.
    message: typeof shape.message === "string" && shape.message !== code && shape.message !== "UnknownError" ? shape.message : "",
  };
}

function clientConfig(target: ConvexS3Target) {
  const timeout = target.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const agent = target.agent === undefined ? {} : target.endpoint.startsWith("https:") ? { httpsAgent: target.agent } : { httpAgent: target.agent };
  return {
    endpoint: target.endpoint,
    region: target.region ?? "us-east-1",
    forcePathStyle: target.forcePathStyle ?? true,
    maxAttempts: 1,
    ...(target.sdkLogger ? { logger: target.sdkLogger } : {}),
    requestHandler: { connectionTimeout: timeout, requestTimeout: timeout, throwOnRequestTimeout: true, ...agent },
    credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey, sessionToken: target.sessionToken },
  };
}

/** The S3 client Convex would build for `target`. */
export function convexS3Client(target: ConvexS3Target): S3Client {
  return new S3Client({
    ...clientConfig(target),
    ...(target.requestChecksumCalculation ? { requestChecksumCalculation: target.requestChecksumCalculation } : {}),
    ...(target.responseChecksumValidation ? { responseChecksumValidation: target.responseChecksumValidation } : {}),
  });
}

/** Client for presigning: like the Rust SDK, presigned requests get no default checksum. */
function presignClient(target: ConvexS3Target): S3Client {
  return new S3Client({ ...clientConfig(target), requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" });
}

/** A fetch with the target's time limit, for presigned URLs. */
export function timedFetch(target: ConvexS3Target, url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, signal: AbortSignal.timeout(target.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS) });
}

/** Runs one step: records its name when it completes, reports it to `onStep`, wraps S3 errors. */
class Steps {
  readonly done: string[] = [];
  constructor(private readonly onStep: ((event: ConvexS3StepEvent) => void) | undefined) {}

  /** Runs `run` as step `name`; `describe` turns its answer into the event's note. */
  async run<T>(name: string, run: () => Promise<T>, describe?: (value: T) => string): Promise<T> {
    const started = performance.now();
    let value: T;
    try {
      value = await run();
    } catch (error) {
      const wrapped = error instanceof ConvexS3StepError ? error : new ConvexS3StepError(name, error);
      this.onStep?.({
        step: name,
        ok: false,
        ms: performance.now() - started,
        ...(wrapped.httpStatus === undefined ? {} : { httpStatus: wrapped.httpStatus }),
        code: wrapped.code,
        ...(wrapped.detail ? { message: wrapped.detail } : {}),
      });
      throw wrapped;
    }
    this.done.push(name);
    const status = (value as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
    const note = describe?.(value);
    this.onStep?.({ step: name, ok: true, ms: performance.now() - started, ...(status ? { httpStatus: status } : {}), ...(note ? { note } : {}) });
    return value;
  }

  /** A check Convex makes on an answer that arrived (no HTTP error): fails the step with Convex's message. */
  fail(name: string, message: string, httpStatus: number | undefined): never {
    this.onStep?.({ step: name, ok: false, ms: 0, ...(httpStatus ? { httpStatus } : {}), code: "ConvexError", message });
    throw new Error(message);
  }
}

/** Splits `body` into parts of `partSize` bytes; an empty body is one empty part. */
export function splitIntoParts(body: Uint8Array, partSize: number): Buffer[] {
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (buffer.length === 0) return [Buffer.alloc(0)];
  const parts: Buffer[] = [];
  for (let offset = 0; offset < buffer.length; offset += partSize) parts.push(buffer.subarray(offset, offset + partSize));
  return parts;
}

function yesNo(returned: string | undefined, expected: string): string {
  if (returned === undefined) return "no";
  return returned === expected ? "yes, matches" : `yes, MISMATCH (got ${returned}, expected ${expected})`;
}

/**
 * Runs Convex's write-then-read sequence for one object (see the file comment). Throws
 * {@link ConvexS3StepError} when a request fails, or `Error(MISSING_CRC32_MESSAGE)` like Convex.
 */
export async function runConvexS3Sequence(options: ConvexS3SequenceOptions): Promise<ConvexS3SequenceResult> {
  const { bucket, key, target } = options;
  const disableSse = options.disableSse ?? false;
  const disableChecksums = options.disableChecksums ?? false;
  const partSize = options.partSize ?? CONVEX_PART_SIZE;
  const rangeProbeBytes = options.rangeProbeBytes ?? 1_048_576;
  if (!Number.isInteger(partSize) || partSize < 1) throw new Error(`partSize must be a positive integer, got ${partSize}`);
  if (!Number.isInteger(rangeProbeBytes) || rangeProbeBytes < 1) {
    throw new Error(`rangeProbeBytes must be a positive integer, got ${rangeProbeBytes}`);
  }
  const client = convexS3Client(target);
  const presigner = presignClient(target);
  const steps = new Steps(options.onStep);
  let openUpload: string | undefined;
  try {
    // 1. CreateMultipartUpload
    const createInput: CreateMultipartUploadCommandInput = { Bucket: bucket, Key: key };
    if (!disableSse) createInput.ServerSideEncryption = "AES256";
    if (!disableChecksums) createInput.ChecksumAlgorithm = "CRC32";
    const created = await steps.run("CreateMultipartUpload", () => client.send(new CreateMultipartUploadCommand(createInput)));
    const uploadId = created.UploadId;
    if (!uploadId) throw new Error("Multipart upload is missing an upload_id.");
    openUpload = uploadId;

    // 2. UploadPart
    const parts: ConvexUploadedPart[] = [];
    const bodies = splitIntoParts(options.body, partSize);
    for (const [index, partBody] of bodies.entries()) {
      const partNumber = index + 1;
      const name = `UploadPart #${partNumber}`;
      const expectedCrc32 = crc32Base64(partBody);
      const response = await steps.run(
        name,
        () =>
          client.send(
            new UploadPartCommand({
              Bucket: bucket,
              Key: key,
              UploadId: uploadId,
              PartNumber: partNumber,
              Body: partBody,
              ...(disableChecksums ? {} : { ChecksumAlgorithm: "CRC32" as const }),
            }),
          ),
        (answer) => `${partBody.length} B; CRC32 returned: ${yesNo(answer.ChecksumCRC32, expectedCrc32)}`,
      );
      if (!response.ETag) steps.fail(name, "Object part missing etag", response.$metadata.httpStatusCode);
      if (!disableChecksums && !response.ChecksumCRC32) steps.fail(name, MISSING_CRC32_MESSAGE, response.$metadata.httpStatusCode);
      parts.push({ partNumber, size: partBody.length, eTag: response.ETag as string, checksumCrc32: response.ChecksumCRC32, expectedCrc32 });
    }

    // 3. CompleteMultipartUpload
    const completedParts = [...parts]
      .sort((a, b) => a.partNumber - b.partNumber)
      .map((part) => ({
        PartNumber: part.partNumber,
        ETag: part.eTag,
        ...(disableChecksums ? {} : { ChecksumCRC32: part.checksumCrc32 }),
      }));
    const expectedCompositeCrc32 = compositeCrc32Base64(parts.map((part) => part.expectedCrc32));
    const completed = await steps.run(
      "CompleteMultipartUpload",
      () =>
        client.send(
          new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: completedParts } }),
        ),
      (answer) => `${parts.length} part(s); ChecksumCRC32 returned: ${yesNo(answer.ChecksumCRC32, expectedCompositeCrc32)}`,
    );
    openUpload = undefined;

    // 4. Ranged GET size probe
    const probe = options.disableRangePrefetch
      ? { size: 0, contentRange: undefined, status: 0, bytes: Buffer.alloc(0) }
      : await steps.run(
          "GetObject (range size probe)",
          async () => {
            try {
              const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${rangeProbeBytes - 1}` }));
              const bytes = Buffer.from((await response.Body?.transformToByteArray()) ?? new Uint8Array());
              const total = /^bytes \d+-\d+\/(\d+)$/.exec(response.ContentRange ?? "");
              if (!total) throw new Error(invalidContentRangeMessage(response.ContentRange));
              return { size: Number(total[1]), contentRange: response.ContentRange, status: response.$metadata.httpStatusCode ?? 0, bytes };
            } catch (error) {
              const info = describeS3Error(error);
              if (info.code === "InvalidRange") return { size: 0, contentRange: undefined, status: info.httpStatus ?? 416, bytes: Buffer.alloc(0) };
              throw error;
            }
          },
          (probed) =>
            probed.contentRange === undefined
              ? `HTTP ${probed.status} InvalidRange (empty object: size 0)`
              : `HTTP ${probed.status}, Content-Range: ${probed.contentRange}`,
        );

    // 5. HeadObject
    const head = await steps.run(
      "HeadObject",
      () => client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })),
      (answer) => `ContentLength ${answer.ContentLength ?? "missing"}`,
    );

    // 6. Presigned GET and PUT
    const downloaded = await steps.run(
      "presigned GET",
      async () => {
        const url = await getSignedUrl(presigner, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: 60 });
        const response = await timedFetch(target, url);
        const bytes = Buffer.from(await response.arrayBuffer());
        if (response.status !== 200) throw httpError(response.status, bytes);
        return bytes;
      },
      (bytes) => `HTTP 200, ${bytes.length} B, ${bytes.equals(Buffer.from(options.body)) ? "identical" : "DIFFERENT"} bytes`,
    );
    const putKey = `${key}.presigned-put`;
    const presignedPut = await steps.run(
      "presigned PUT",
      async () => {
        const url = await getSignedUrl(presigner, new PutObjectCommand({ Bucket: bucket, Key: putKey }), { expiresIn: 600 });
        const response = await timedFetch(target, url, { method: "PUT", body: Buffer.from(options.body) });
        const bytes = Buffer.from(await response.arrayBuffer());
        if (response.status !== 200) throw httpError(response.status, bytes);
        const stored = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: putKey }));
        return { status: response.status, key: putKey, storedSize: stored.ContentLength };
      },
      (put) => `HTTP ${put.status}, stored ${put.storedSize ?? "?"} B`,
    );

    // 7. DeleteObject
    if (options.deleteAfter ?? true) {
      await steps.run("DeleteObject", () => client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));
      await steps.run("DeleteObject (presigned PUT key)", () => client.send(new DeleteObjectCommand({ Bucket: bucket, Key: putKey })));
    }

    return {
      uploadId,
      parts,
      eTag: completed.ETag,
      checksumCrc32: completed.ChecksumCRC32,
      expectedCompositeCrc32,
      sizeFromRange: probe.size,
      contentRange: probe.contentRange,
      rangeStatus: probe.status,
      rangeBody: probe.bytes,
      head: { contentLength: head.ContentLength, eTag: head.ETag },
      downloaded,
      presignedPut,
      steps: steps.done,
    };
  } finally {
    if (openUpload !== undefined) {
      // Convex's S3Upload aborts an upload it drops unfinished. A failed abort is only reported (to onStep), like
      // Convex, so the step error that got us here is the one thrown.
      const uploadId = openUpload;
      await steps
        .run("AbortMultipartUpload (unfinished upload)", () => client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })))
        .then(
          () => undefined,
          () => undefined,
        );
    }
    client.destroy();
    presigner.destroy();
  }
}

/** Convex's error when the ranged GET's Content-Range carries no total size (Rust `{:?}` of the header). */
export function invalidContentRangeMessage(contentRange: string | undefined): string {
  const shown = contentRange === undefined ? "None" : `Some(${JSON.stringify(contentRange)})`;
  return `invalid Content-Range header: ${shown}. If your S3-compatible storage provider doesn't return this header, set AWS_S3_DISABLE_RANGE_PREFETCH=true`;
}

/** An error shaped like an SDK error, for the fetch-based (presigned) steps. */
function httpError(status: number, body: Buffer): Error {
  const text = body.toString("utf8");
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? `HTTP${status}`;
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? "";
  return Object.assign(new Error(message), { name: code, Code: code, $metadata: { httpStatusCode: status } });
}
