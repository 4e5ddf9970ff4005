/**
 * Convex's S3 traffic sent straight to a real Ceph RGW (no proxy): which Convex settings work and which fail.
 * The `s3` storage mode relies on (c): AWS_S3_DISABLE_SSE=true plus AWS_S3_DISABLE_CHECKSUMS=true.
 * Behaviour that differs between Ceph releases is asserted per release (Debian bookworm ships Pacific 16.2.15).
 */
import { Readable } from "node:stream";
import { randomBytes } from "node:crypto";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { expect, it } from "vitest";
import {
  CONVEX_PART_SIZE,
  ConvexS3StepError,
  MISSING_CRC32_MESSAGE,
  describeS3Error,
  runConvexS3Sequence,
} from "../support/convex-s3-sequence.ts";
import { adminS3Client, createTestBucket, describeWithRgw } from "../support/rgw.ts";

/** Major Ceph release: 16 Pacific, 17 Quincy, 18 Reef, 19 Squid, 20 Tentacle. */
function cephMajor(version: string): number {
  const major = Number(version.split(".")[0]);
  if (!Number.isInteger(major)) throw new Error(`cannot read the Ceph release from '${version}'`);
  return major;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the Convex sequence to fail, but it succeeded");
}

describeWithRgw("Convex's S3 sequence directly against Ceph RGW", (rgw) => {
  const major = cephMajor(rgw.cephVersion);
  const target = rgw;

  it("reports the Ceph release it runs on", () => {
    console.log(`Ceph ${rgw.cephVersion} at ${rgw.endpoint}`);
    expect(major).toBeGreaterThanOrEqual(16);
  });

  it("fails with Convex's defaults: SSE-S3 on plain HTTP is rejected at CreateMultipartUpload", async () => {
    const bucket = await createTestBucket("direct-defaults");
    const error = await rejection(runConvexS3Sequence({ target, bucket: bucket.name, key: "obj", body: randomBytes(100) }));
    expect(error).toBeInstanceOf(ConvexS3StepError);
    const stepError = error as ConvexS3StepError;
    expect(stepError.step).toBe("CreateMultipartUpload");
    expect(stepError.httpStatus).toBe(400);
    // Pacific and Reef: rgw_crypt_require_ssl; Tentacle: SSE-S3 needs a Vault backend.
    expect(stepError.code).toBe(major <= 18 ? "InvalidRequest" : "InvalidArgument");
  });

  it("with only AWS_S3_DISABLE_SSE, fails on Pacific/Reef because UploadPart does not echo the CRC32", async () => {
    const bucket = await createTestBucket("direct-sse-off");
    const run = runConvexS3Sequence({ target, bucket: bucket.name, key: "obj", body: randomBytes(100), disableSse: true });
    if (major <= 18) {
      await expect(run).rejects.toThrow(new Error(MISSING_CRC32_MESSAGE));
    } else {
      const result = await run;
      expect(result.parts[0].checksumCrc32).toBe(result.parts[0].expectedCrc32);
    }
  });

  const sizes: ReadonlyArray<readonly [string, number]> = [
    ["empty (one empty part)", 0],
    ["small (100 B)", 100],
    ["5 MiB + 1 byte (two parts)", CONVEX_PART_SIZE + 1],
    ["12 MiB + 7 bytes (three parts)", 12 * 1024 * 1024 + 7],
  ];
  it.each(sizes)(
    "with AWS_S3_DISABLE_SSE and AWS_S3_DISABLE_CHECKSUMS succeeds: %s, identical bytes back",
    async (_label, size) => {
      const bucket = await createTestBucket("direct-compat");
      const body = randomBytes(size);
      const result = await runConvexS3Sequence({
        target,
        bucket: bucket.name,
        key: `files/${size}`,
        body,
        disableSse: true,
        disableChecksums: true,
      });
      expect(result.parts.map((part) => part.size)).toEqual(
        size === 0 ? [0] : Array.from({ length: Math.ceil(size / CONVEX_PART_SIZE) }, (_, i) => Math.min(CONVEX_PART_SIZE, size - i * CONVEX_PART_SIZE)),
      );
      if (major <= 18) expect(result.parts.every((part) => part.checksumCrc32 === undefined)).toBe(true);
      expect(result.sizeFromRange).toBe(size);
      if (size === 0) {
        expect(result.rangeStatus).toBe(416);
      } else {
        expect(result.rangeStatus).toBe(206);
        expect(result.contentRange).toBe(`bytes 0-${Math.min(size, 1_048_576) - 1}/${size}`);
        expect(result.rangeBody.equals(body.subarray(0, 1_048_576))).toBe(true);
      }
      expect(result.head.contentLength).toBe(size);
      expect(result.downloaded.length).toBe(size);
      expect(result.downloaded.equals(body)).toBe(true);
      expect(result.presignedPut).toMatchObject({ status: 200, storedSize: size });
      expect(result.steps.at(-1)).toBe("DeleteObject (presigned PUT key)");
    },
  );

  it("rejects an aws-chunked streaming upload (STREAMING-UNSIGNED-PAYLOAD-TRAILER) with 411 on Pacific", async () => {
    const bucket = await createTestBucket("direct-chunked");
    const body = randomBytes(100);
    // A stream body with a known length and the SDK's default checksum mode: aws-chunked with a CRC32 trailer.
    const put = bucket.client.send(
      new PutObjectCommand({ Bucket: bucket.name, Key: "streamed", Body: Readable.from([body]), ContentLength: body.length }),
    );
    if (major === 16) {
      const error = await rejection(put);
      expect(describeS3Error(error)).toMatchObject({ httpStatus: 411, code: "MissingContentLength" });
    } else {
      await put;
    }
    // Without the trailer (WHEN_REQUIRED) the same stream upload works on every release.
    const plain = adminS3Client(rgw, { requestChecksumCalculation: "WHEN_REQUIRED" });
    await plain.send(new PutObjectCommand({ Bucket: bucket.name, Key: "plain", Body: Readable.from([body]), ContentLength: body.length }));
    const back = await plain.send(new GetObjectCommand({ Bucket: bucket.name, Key: "plain" }));
    expect(Buffer.from(await back.Body!.transformToByteArray()).equals(body)).toBe(true);
    plain.destroy();
  });
});
