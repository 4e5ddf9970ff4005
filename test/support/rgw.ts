/**
 * Helpers for the `rgw` vitest project (files `test/**\/*.rgw.test.ts`), which runs against a real single-node
 * Ceph RGW on 127.0.0.1 started by test/support/rgw.global-setup.ts (scripts/ceph-rgw/up.sh).
 *
 * - `describeWithRgw(name, (rgw) => ...)`: a describe block that is skipped, loudly, when RGW is unavailable
 *   (never in CI: there the global setup fails instead).
 * - `rgwOrSkip(context)`: the same inside a single test.
 * - `adminS3Client(rgw)`: an S3 client for the `convex` user, path-style.
 * - `createTestBucket(prefix)` inside a test, `useTestBucket(prefix)` at describe level: a uniquely named bucket,
 *   emptied and deleted afterwards.
 * - `createTestRgwUser(rgw, prefix)`: a second S3 user (upstream credentials, "foreign bucket" tests).
 */
import { randomBytes } from "node:crypto";
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, inject, it, onTestFinished, type TestContext } from "vitest";
import { createRgwUser, deleteRgwUser, type RgwCluster, type RgwUser } from "../../scripts/ceph-rgw/cluster.ts";

/** What the global setup provides when RGW is running. */
export interface AvailableRgwInfo extends RgwCluster {
  readonly available: true;
}

/** What the global setup provides when RGW could not start outside CI. */
export interface UnavailableRgwInfo {
  readonly available: false;
  /** Why, including up.sh's output. */
  readonly reason: string;
}

export type RgwInfo = AvailableRgwInfo | UnavailableRgwInfo;

declare module "vitest" {
  export interface ProvidedContext {
    rgw: RgwInfo;
  }
}

/** The RGW info from the global setup (test/support/rgw.global-setup.ts). */
export function rgwInfo(): RgwInfo {
  return inject("rgw");
}

const warned = new Set<string>();

function warnSkipped(what: string, reason: string): void {
  if (warned.has(what)) return;
  warned.add(what);
  console.warn(
    [
      "",
      "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
      `!!! SKIPPED (Ceph RGW unavailable): ${what}`,
      `!!! reason: ${reason.split("\n")[0]}`,
      "!!! In CI (CI=true) this is a failure, not a skip.",
      "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
      "",
    ].join("\n"),
  );
}

/**
 * A describe block that needs RGW. `fn` gets the running cluster; when RGW is unavailable the block is skipped
 * with a loud warning and `fn` is not called.
 */
export function describeWithRgw(name: string, fn: (rgw: AvailableRgwInfo) => void): void {
  const info = rgwInfo();
  if (info.available) {
    describe(name, () => fn(info));
    return;
  }
  warnSkipped(name, info.reason);
  describe.skipIf(true)(`${name} [needs Ceph RGW, unavailable: ${info.reason.split("\n")[0]}]`, () => {
    it("runs against a real Ceph RGW", () => undefined);
  });
}

/** Inside a test: the running cluster, or skip this test (loudly) when RGW is unavailable. */
export function rgwOrSkip(context: Pick<TestContext, "skip" | "task">): AvailableRgwInfo {
  const info = rgwInfo();
  if (info.available) return info;
  warnSkipped(context.task.name, info.reason);
  return context.skip(`Ceph RGW unavailable: ${info.reason.split("\n")[0]}`);
}

/** Endpoint and credentials of an S3 user. */
export interface S3Target {
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** An S3 client (path-style) for `target`: the `convex` user of the cluster unless other credentials are given. */
export function adminS3Client(target: S3Target, overrides: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    endpoint: target.endpoint,
    region: target.region,
    forcePathStyle: true,
    credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
    ...overrides,
  });
}

/** A unique, valid bucket name: `<prefix>-<12 hex>`, lower-case, at most 63 characters. */
export function uniqueBucketName(prefix: string): string {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40) || "test";
  return `${clean}-${randomBytes(6).toString("hex")}`;
}

/** Aborts open multipart uploads, deletes every object, then deletes the bucket. */
export async function emptyAndDeleteBucket(client: S3Client, bucket: string): Promise<void> {
  for (;;) {
    const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    for (const upload of uploads.Uploads ?? []) {
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }));
    }
    if (!uploads.IsTruncated) break;
  }
  for (;;) {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    const keys = (listed.Contents ?? []).flatMap((object) => (object.Key === undefined ? [] : [{ Key: object.Key }]));
    if (keys.length > 0) await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
    if (!listed.IsTruncated) break;
  }
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}

export interface TestBucket {
  readonly name: string;
  /** Client of the bucket's owner. */
  readonly client: S3Client;
  /** Empties and deletes the bucket. */
  destroy(): Promise<void>;
}

export interface TestBucketOptions {
  /** Owner of the bucket. @default - the cluster's `convex` user (from inject('rgw')) */
  readonly owner?: S3Target;
}

function ownerOf(options: TestBucketOptions): S3Target {
  if (options.owner) return options.owner;
  const info = rgwInfo();
  if (!info.available) throw new Error(`Ceph RGW unavailable: ${info.reason}`);
  return info;
}

async function makeBucket(prefix: string, options: TestBucketOptions): Promise<TestBucket> {
  const client = adminS3Client(ownerOf(options));
  const name = uniqueBucketName(prefix);
  await client.send(new CreateBucketCommand({ Bucket: name }));
  return { name, client, destroy: () => emptyAndDeleteBucket(client, name) };
}

/** Inside a test: creates a unique bucket, emptied and deleted when the test finishes. */
export async function createTestBucket(prefix: string, options: TestBucketOptions = {}): Promise<TestBucket> {
  const bucket = await makeBucket(prefix, options);
  onTestFinished(() => bucket.destroy());
  return bucket;
}

/**
 * At describe level: a unique bucket created in beforeAll and deleted in afterAll. Read `.current` inside tests.
 */
export function useTestBucket(prefix: string, options: TestBucketOptions = {}): { readonly current: TestBucket } {
  let bucket: TestBucket | undefined;
  beforeAll(async () => {
    bucket = await makeBucket(prefix, options);
  });
  afterAll(async () => {
    await bucket?.destroy();
  });
  return {
    get current(): TestBucket {
      if (!bucket) throw new Error(`useTestBucket('${prefix}'): the bucket exists only inside tests (after beforeAll)`);
      return bucket;
    },
  };
}

/** A second S3 user on the cluster, e.g. for foreign-bucket tests. */
export interface TestRgwUser extends RgwUser, S3Target {}

/**
 * Creates an extra S3 user `<prefix>-<hex>` with random keys (radosgw-admin with the cluster's ceph.conf).
 * Delete it with `deleteTestRgwUser` (or leave it: down.sh discards the whole cluster).
 */
export async function createTestRgwUser(rgw: AvailableRgwInfo, prefix: string): Promise<TestRgwUser> {
  const uid = uniqueBucketName(prefix);
  const user = await createRgwUser(rgw, uid);
  return { ...user, endpoint: rgw.endpoint, region: rgw.region };
}

/** Deletes a user made by `createTestRgwUser`, with its buckets and objects. */
export async function deleteTestRgwUser(rgw: AvailableRgwInfo, user: Pick<RgwUser, "uid">): Promise<void> {
  await deleteRgwUser(rgw, user.uid);
}
