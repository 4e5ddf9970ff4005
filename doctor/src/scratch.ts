/**
 * The scratch prefix: every object the doctor writes is under `convex-doctor/<UTC time>-<random>/`, and the prefix
 * is emptied at the end (objects deleted, unfinished multipart uploads aborted), then listed again to prove it.
 */
import { randomBytes } from "node:crypto";
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";
import { describeS3Error } from "./convex-s3-sequence.ts";
import type { Check } from "./types.ts";

/** Parent of every scratch prefix. */
export const SCRATCH_ROOT = "convex-doctor/";

/** A fresh prefix, e.g. `convex-doctor/20261201T091500Z-3f9a1c2b/`. */
export function scratchPrefix(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return `${SCRATCH_ROOT}${stamp}-${randomBytes(4).toString("hex")}/`;
}

/** What is still under the prefix. */
export async function listScratch(client: S3Client, bucket: string, prefix: string): Promise<{ keys: string[]; uploads: { key: string; uploadId: string }[] }> {
  const keys: string[] = [];
  let token: string | undefined;
  // Bounded: a scratch prefix holds a few dozen keys; 20 pages of 1000 is far beyond what the doctor writes.
  for (let page = 0; page < 20; page++) {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of listed.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
    if (!listed.IsTruncated || !listed.NextContinuationToken) break;
    token = listed.NextContinuationToken;
  }
  const uploads: { key: string; uploadId: string }[] = [];
  const listedUploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }));
  for (const upload of listedUploads.Uploads ?? []) {
    if (upload.Key !== undefined && upload.UploadId !== undefined) uploads.push({ key: upload.Key, uploadId: upload.UploadId });
  }
  return { keys, uploads };
}

/** Empties the prefix, then lists it again; the check says what was removed and whether anything is left. */
export async function cleanScratch(client: S3Client, bucket: string, prefix: string): Promise<Check> {
  try {
    const found = await listScratch(client, bucket, prefix);
    for (const upload of found.uploads) {
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.key, UploadId: upload.uploadId }));
    }
    // One DeleteObject per key (not DeleteObjects): some stores want Content-MD5 on the batch call.
    for (const key of found.keys) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    const left = await listScratch(client, bucket, prefix);
    const removed = `${found.keys.length} object(s) deleted, ${found.uploads.length} unfinished upload(s) aborted`;
    if (left.keys.length === 0 && left.uploads.length === 0) {
      return { id: "cleanup", title: "Scratch prefix cleaned up", status: "ok", detail: `${prefix}: ${removed}; nothing left` };
    }
    return {
      id: "cleanup",
      title: "Scratch prefix cleaned up",
      status: "warn",
      detail: `${prefix}: ${removed}, but ${left.keys.length} object(s) and ${left.uploads.length} upload(s) remain`,
      fix: `delete s3://${bucket}/${prefix} by hand`,
    };
  } catch (error) {
    const info = describeS3Error(error);
    return {
      id: "cleanup",
      title: "Scratch prefix cleaned up",
      status: "warn",
      detail: `cleaning ${prefix} failed: ${info.httpStatus ? `HTTP ${info.httpStatus} ` : ""}${info.code}`,
      fix: `delete s3://${bucket}/${prefix} by hand (the keys may lack List or Delete permission)`,
    };
  }
}
