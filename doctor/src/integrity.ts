/**
 * Does the endpoint verify what it is sent, and does it take the bodies S3 clients send?
 * - `crc32-verified`: a PUT whose `x-amz-checksum-crc32` does not match its body. Stored = an integrity hole: the
 *   store keeps bytes that differ from what the client checksummed.
 * - `sha256-verified`: a PUT signed with an `x-amz-content-sha256` that does not match its body (Convex's UploadPart
 *   is signed with its body's SHA-256: a store that checks it catches damaged parts even without CRC32).
 * - `aws-chunked`: a streaming PUT with the SDK's default CRC32 trailer (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`).
 *   Convex's own uploads are in-memory and never aws-chunked; JS SDK clients streaming to the bucket are.
 * Every probe object is in the scratch prefix.
 */
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { crc32Base64, describeS3Error } from "./convex-s3-sequence.ts";
import type { Check } from "./types.ts";

export interface IntegrityInput {
  /** A path-style client with the SDK's default checksum settings. */
  readonly client: S3Client;
  readonly bucket: string;
  readonly prefix: string;
  /** Prefix of the check ids and titles, e.g. `proxied ` for the same probes through the proxy. */
  readonly via?: string;
}

async function stored(client: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if (describeS3Error(error).httpStatus === 404) return false;
    throw error;
  }
}

function answer(error: unknown): string {
  const info = describeS3Error(error);
  return `${info.httpStatus ? `HTTP ${info.httpStatus} ` : ""}${info.code}`;
}

/** What a refused-or-stored probe says of itself: the header it gets wrong and what a store must do with it. */
interface WrongHeaderProbe {
  /** e.g. "with a wrong x-amz-checksum-crc32" */
  readonly what: string;
  /** What a refusal proves, e.g. "the CRC32 is verified". */
  readonly proves: string;
  /** The hole when it is stored, e.g. "the endpoint does not verify the CRC32 it is sent". */
  readonly hole: string;
  readonly fix: string;
}

/** Runs `send` (the probe's PUT): refused, or answered but not stored, is ok; stored is an integrity hole. */
async function refusedOrNotStored(input: IntegrityInput, id: string, title: string, key: string, send: () => Promise<unknown>, probe: WrongHeaderProbe): Promise<Check> {
  try {
    await send();
  } catch (error) {
    return { id, title, status: "ok", detail: `a PUT ${probe.what} was refused (${answer(error)}): ${probe.proves}` };
  }
  if (!(await stored(input.client, input.bucket, key))) {
    return { id, title, status: "ok", detail: `a PUT ${probe.what} was answered 200 but nothing was stored` };
  }
  return { id, title, status: "fail", detail: `INTEGRITY HOLE: a PUT ${probe.what} was accepted and stored; ${probe.hole}`, fix: probe.fix };
}

/** PUT with a CRC32 of other bytes. */
async function wrongCrc32(input: IntegrityInput, id: string, title: string): Promise<Check> {
  const body = randomBytes(1024);
  const wrong = crc32Base64(randomBytes(1024));
  const key = `${input.prefix}integrity-crc32`;
  const send = () => input.client.send(new PutObjectCommand({ Bucket: input.bucket, Key: key, Body: body, ChecksumCRC32: wrong }));
  return refusedOrNotStored(input, id, title, key, send, {
    what: "with a wrong x-amz-checksum-crc32",
    proves: "the CRC32 is verified",
    hole: "the endpoint does not verify the CRC32 it is sent",
    fix: "use proxied mode: the project's proxy verifies CRC32, CRC32C, SHA-1 and SHA-256 before anything reaches the bucket",
  });
}

/** PUT signed with the SHA-256 of other bytes, set before the SDK signs (its signer keeps a given hash). */
async function wrongSha256(input: IntegrityInput, id: string, title: string): Promise<Check> {
  const body = randomBytes(1024);
  const wrong = createHash("sha256").update(randomBytes(1024)).digest("hex");
  const key = `${input.prefix}integrity-sha256`;
  const command = new PutObjectCommand({ Bucket: input.bucket, Key: key, Body: body });
  command.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers) request.headers["x-amz-content-sha256"] = wrong;
      return next(args);
    },
    { step: "build", name: "doctorWrongPayloadHash" },
  );
  return refusedOrNotStored(input, id, title, key, () => input.client.send(command), {
    what: "signed with a wrong x-amz-content-sha256",
    proves: "the signed payload hash is verified",
    hole: "the endpoint does not check the signed payload hash",
    // The proxy signs PutObject/UploadPart upstream with the client's own payload hash and leaves its check to the
    // endpoint (proxy/ARCHITECTURE.md, "Which check runs where"): proxied mode does not close this hole.
    fix: "use an endpoint that checks x-amz-content-sha256 (Ceph RGW, MinIO and AWS do); proxied mode does not help here (the proxy leaves this check to the endpoint), while the proxy's CRC32 check still guards bodies that carry one, as Convex's uploads through the proxy do",
  });
}

/** Streaming PUT (aws-chunked with a CRC32 trailer, the JS SDK's default for stream bodies). */
async function awsChunked(input: IntegrityInput, id: string, title: string): Promise<Check> {
  const body = randomBytes(1024);
  const key = `${input.prefix}aws-chunked`;
  try {
    await input.client.send(new PutObjectCommand({ Bucket: input.bucket, Key: key, Body: Readable.from([body]), ContentLength: body.length }));
    return { id, title, status: "ok", detail: "a streaming PUT (aws-chunked, CRC32 trailer) was stored" };
  } catch (error) {
    return {
      id,
      title,
      status: "warn",
      detail: `a streaming PUT (aws-chunked, CRC32 trailer) was refused (${answer(error)}); Convex itself is not affected (its uploads are in-memory)`,
      fix: "JS SDK clients that stream to this bucket need requestChecksumCalculation WHEN_REQUIRED, or use proxied mode (the proxy decodes aws-chunked)",
    };
  }
}

/** The three probes, in order. */
export async function checkIntegrity(input: IntegrityInput): Promise<Check[]> {
  const via = input.via ?? "";
  const id = (name: string) => (via === "" ? name : `${via.trim()}-${name}`);
  const title = (text: string) => (via === "" ? text : `${text} (${via.trim()})`);
  return [
    await wrongCrc32(input, id("crc32-verified"), title("Wrong CRC32 refused")),
    await wrongSha256(input, id("sha256-verified"), title("Wrong payload SHA-256 refused")),
    await awsChunked(input, id("aws-chunked"), title("aws-chunked upload")),
  ];
}
