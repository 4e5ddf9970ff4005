/**
 * Convex's range prefetch (the first read of an object is `Range: bytes=0-8388607`, and the size comes from
 * `Content-Range`) needs three S3 behaviours: 206 with `bytes 0-39/100` on a 100-byte object, 416 `InvalidRange`
 * on an empty object, 404 `NoSuchKey` on a missing key. A store that differs needs AWS_S3_DISABLE_RANGE_PREFETCH=true.
 */
import { randomBytes } from "node:crypto";
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { describeS3Error } from "./convex-s3-sequence.ts";
import type { Check } from "./types.ts";

export interface RangeCheck {
  readonly check: Check;
  readonly needsPrefetchOff: boolean;
}

async function rangedGet(client: S3Client, bucket: string, key: string): Promise<string> {
  try {
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: "bytes=0-39" }));
    const bytes = (await got.Body?.transformToByteArray())?.length ?? 0;
    return `${got.$metadata.httpStatusCode} ${got.ContentRange ?? "(no Content-Range)"} ${bytes}B`;
  } catch (error) {
    const info = describeS3Error(error);
    return `${info.httpStatus ?? "-"} ${info.code}`;
  }
}

/** Writes a 100-byte and an empty object under `prefix`, then reads ranges of them and of a missing key. */
export async function checkRanges(client: S3Client, bucket: string, prefix: string): Promise<RangeCheck> {
  const small = `${prefix}range-100`;
  const empty = `${prefix}range-0`;
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: small, Body: randomBytes(100) }));
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: empty, Body: Buffer.alloc(0) }));
  const answers = {
    "100-byte object": [await rangedGet(client, bucket, small), "206 bytes 0-39/100 40B"],
    "empty object": [await rangedGet(client, bucket, empty), "416 InvalidRange"],
    "missing key": [await rangedGet(client, bucket, `${prefix}range-missing`), "404 NoSuchKey"],
  } as const;
  const wrong = Object.entries(answers).filter(([, [got, want]]) => got !== want);
  const shown = Object.entries(answers)
    .map(([what, [got]]) => `${what}: ${got}`)
    .join("; ");
  if (wrong.length === 0) {
    return { check: { id: "range", title: "Ranged GET (size prefetch)", status: "ok", detail: `as S3 answers: ${shown}` }, needsPrefetchOff: false };
  }
  return {
    check: {
      id: "range",
      title: "Ranged GET (size prefetch)",
      status: "warn",
      detail: `not as S3 answers (${wrong.map(([what, [, want]]) => `${what}: expected ${want}`).join("; ")}): ${shown}`,
      fix: "set AWS_S3_DISABLE_RANGE_PREFETCH=true (Convex releases from 2026-07-17 on)",
    },
    needsPrefetchOff: true,
  };
}
