/**
 * Replays, request by request, what self-hosted Convex (get-convex/convex-backend `crates/aws_s3`, see
 * /work/shared/facts/convex-backend.md section 6) sends to S3 for one stored file, so the SAME function can run
 * directly against Ceph RGW and through the S3 compatibility proxy:
 *
 * 1. CreateMultipartUpload, with `ServerSideEncryption: AES256` unless AWS_S3_DISABLE_SSE, and
 *    `ChecksumAlgorithm: CRC32` unless AWS_S3_DISABLE_CHECKSUMS.
 * 2. UploadPart per 5 MiB part (an empty object is ONE empty part), in-memory bodies so the CRC32 goes in a
 *    header (never aws-chunked), `ChecksumAlgorithm: CRC32` unless checksums are disabled. Like Convex's
 *    `ObjectPart::new`, a response without `x-amz-checksum-crc32` fails with
 *    `Error("Object part missing hash! Expected crc32")` unless checksums are disabled.
 * 3. CompleteMultipartUpload with the parts sorted, each with its ETag (and ChecksumCRC32 unless disabled).
 * 4. The size probe: GET with `Range: bytes=0-N`, size from `Content-Range`; `InvalidRange` (empty object) = 0.
 * 5. HeadObject.
 * 6. Presigned GET (fetch) of the object; presigned PUT (fetch) of a second key `<key>.presigned-put`, which is
 *    then checked with HeadObject. Presigned URLs carry no checksum, as in the Rust SDK.
 * 7. DeleteObject of both keys.
 *
 * Client: path-style, region us-east-1 unless given, `maxAttempts: 1`, SDK checksum defaults (WHEN_SUPPORTED,
 * like Convex's BehaviorVersion). S3 errors are rethrown as {@link ConvexS3StepError} naming the step.
 */
import { crc32 } from "node:zlib";
import {
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

/** The error Convex's `ObjectPart::new` raises when UploadPart returns no CRC32. */
export const MISSING_CRC32_MESSAGE = "Object part missing hash! Expected crc32";

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

/** Where the requests go: RGW itself or the proxy. */
export interface ConvexS3Target {
  /** e.g. `http://127.0.0.1:7480`. Path-style addressing is always used (AWS_S3_FORCE_PATH_STYLE=true). */
  readonly endpoint: string;
  /** AWS_REGION. @default "us-east-1" */
  readonly region?: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
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
  /** Multipart part size in bytes. @default CONVEX_PART_SIZE (5 MiB) */
  readonly partSize?: number;
  /** Length of the ranged size probe in bytes (`Range: bytes=0-<n-1>`). @default 1_048_576 */
  readonly rangeProbeBytes?: number;
  /** Run step 7 (DeleteObject). @default true */
  readonly deleteAfter?: boolean;
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
  /** Size read from `Content-Range` of the ranged GET; 0 when it answered InvalidRange. */
  readonly sizeFromRange: number;
  /** `Content-Range` header of the ranged GET (undefined for InvalidRange). */
  readonly contentRange: string | undefined;
  /** HTTP status of the ranged GET: 206, or 416 for an empty object. */
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

  constructor(step: string, cause: unknown) {
    const info = describeS3Error(cause);
    super(`${step} failed: HTTP ${info.httpStatus ?? "-"} ${info.code}${info.message ? `: ${info.message}` : ""}`, { cause });
    this.name = "ConvexS3StepError";
    this.step = step;
    this.httpStatus = info.httpStatus;
    this.code = info.code;
  }
}

interface S3ErrorShape {
  name?: unknown;
  message?: unknown;
  Code?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** HTTP status, S3 code and message of an SDK error. */
export function describeS3Error(error: unknown): { httpStatus: number | undefined; code: string; message: string } {
  const shape = (typeof error === "object" && error !== null ? error : {}) as S3ErrorShape;
  const status = shape.$metadata?.httpStatusCode;
  const code = typeof shape.Code === "string" ? shape.Code : typeof shape.name === "string" ? shape.name : "Error";
  return {
    httpStatus: typeof status === "number" ? status : undefined,
    code,
    message: typeof shape.message === "string" && shape.message !== code ? shape.message : "",
  };
}

/** The S3 client Convex would build for `target`. */
export function convexS3Client(target: ConvexS3Target): S3Client {
  return new S3Client({
    endpoint: target.endpoint,
    region: target.region ?? "us-east-1",
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
  });
}

/** Client for presigning: like the Rust SDK, presigned requests get no default checksum. */
function presignClient(target: ConvexS3Target): S3Client {
  return new S3Client({
    endpoint: target.endpoint,
    region: target.region ?? "us-east-1",
    forcePathStyle: true,
    maxAttempts: 1,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
  });
}

async function step<T>(steps: string[], name: string, run: () => Promise<T>): Promise<T> {
  let value: T;
  try {
    value = await run();
  } catch (error) {
    throw new ConvexS3StepError(name, error);
  }
  steps.push(name);
  return value;
}

/** Splits `body` into parts of `partSize` bytes; an empty body is one empty part. */
export function splitIntoParts(body: Uint8Array, partSize: number): Buffer[] {
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (buffer.length === 0) return [Buffer.alloc(0)];
  const parts: Buffer[] = [];
  for (let offset = 0; offset < buffer.length; offset += partSize) parts.push(buffer.subarray(offset, offset + partSize));
  return parts;
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
  const steps: string[] = [];
  try {
    // 1. CreateMultipartUpload
    const createInput: CreateMultipartUploadCommandInput = { Bucket: bucket, Key: key };
    if (!disableSse) createInput.ServerSideEncryption = "AES256";
    if (!disableChecksums) createInput.ChecksumAlgorithm = "CRC32";
    const created = await step(steps, "CreateMultipartUpload", () => client.send(new CreateMultipartUploadCommand(createInput)));
    const uploadId = created.UploadId;
    if (!uploadId) throw new Error("CreateMultipartUpload returned no UploadId");

    // 2. UploadPart
    const parts: ConvexUploadedPart[] = [];
    const bodies = splitIntoParts(options.body, partSize);
    for (const [index, partBody] of bodies.entries()) {
      const partNumber = index + 1;
      const response = await step(steps, `UploadPart #${partNumber}`, () =>
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
      );
      if (!response.ETag) throw new Error("Object part missing etag");
      if (!disableChecksums && !response.ChecksumCRC32) throw new Error(MISSING_CRC32_MESSAGE);
      parts.push({
        partNumber,
        size: partBody.length,
        eTag: response.ETag,
        checksumCrc32: response.ChecksumCRC32,
        expectedCrc32: crc32Base64(partBody),
      });
    }

    // 3. CompleteMultipartUpload
    const completedParts = [...parts]
      .sort((a, b) => a.partNumber - b.partNumber)
      .map((part) => ({
        PartNumber: part.partNumber,
        ETag: part.eTag,
        ...(disableChecksums ? {} : { ChecksumCRC32: part.checksumCrc32 }),
      }));
    const completed = await step(steps, "CompleteMultipartUpload", () =>
      client.send(
        new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: completedParts } }),
      ),
    );

    // 4. Ranged GET size probe
    const probe = await step(steps, "GetObject (range size probe)", async () => {
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${rangeProbeBytes - 1}` }));
        const bytes = Buffer.from((await response.Body?.transformToByteArray()) ?? new Uint8Array());
        const total = /\/(\d+)$/.exec(response.ContentRange ?? "");
        if (!total) throw new Error(`ranged GET returned no usable Content-Range (got '${response.ContentRange ?? ""}')`);
        return { size: Number(total[1]), contentRange: response.ContentRange, status: response.$metadata.httpStatusCode ?? 0, bytes };
      } catch (error) {
        const info = describeS3Error(error);
        if (info.code === "InvalidRange") return { size: 0, contentRange: undefined, status: info.httpStatus ?? 416, bytes: Buffer.alloc(0) };
        throw error;
      }
    });

    // 5. HeadObject
    const head = await step(steps, "HeadObject", () => client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })));

    // 6. Presigned GET and PUT
    const downloaded = await step(steps, "presigned GET", async () => {
      const url = await getSignedUrl(presigner, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: 60 });
      const response = await fetch(url);
      const bytes = Buffer.from(await response.arrayBuffer());
      if (response.status !== 200) throw httpError(response.status, bytes);
      return bytes;
    });
    const putKey = `${key}.presigned-put`;
    const presignedPut = await step(steps, "presigned PUT", async () => {
      const url = await getSignedUrl(presigner, new PutObjectCommand({ Bucket: bucket, Key: putKey }), { expiresIn: 60 });
      const response = await fetch(url, { method: "PUT", body: Buffer.from(options.body) });
      const bytes = Buffer.from(await response.arrayBuffer());
      if (response.status !== 200) throw httpError(response.status, bytes);
      const stored = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: putKey }));
      return { status: response.status, key: putKey, storedSize: stored.ContentLength };
    });

    // 7. DeleteObject
    if (options.deleteAfter ?? true) {
      await step(steps, "DeleteObject", () => client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));
      await step(steps, "DeleteObject (presigned PUT key)", () => client.send(new DeleteObjectCommand({ Bucket: bucket, Key: putKey })));
    }

    return {
      uploadId,
      parts,
      eTag: completed.ETag,
      checksumCrc32: completed.ChecksumCRC32,
      expectedCompositeCrc32: compositeCrc32Base64(parts.map((part) => part.expectedCrc32)),
      sizeFromRange: probe.size,
      contentRange: probe.contentRange,
      rangeStatus: probe.status,
      rangeBody: probe.bytes,
      head: { contentLength: head.ContentLength, eTag: head.ETag },
      downloaded,
      presignedPut,
      steps,
    };
  } finally {
    client.destroy();
    presigner.destroy();
  }
}

/** An error shaped like an SDK error, for the fetch-based (presigned) steps. */
function httpError(status: number, body: Buffer): Error {
  const text = body.toString("utf8");
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? `HTTP${status}`;
  return Object.assign(new Error(text.slice(0, 500)), { name: code, Code: code, $metadata: { httpStatusCode: status } });
}
