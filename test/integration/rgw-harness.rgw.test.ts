/**
 * The RGW test harness itself: the provided cluster info, unique test buckets, and extra users whose buckets
 * are foreign to each other (what the proxy's "foreign bucket" tests build on).
 */
import { GetObjectCommand, HeadBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { expect, it } from "vitest";
import { describeS3Error } from "../support/convex-s3-sequence.ts";
import { adminS3Client, createTestBucket, createTestRgwUser, deleteTestRgwUser, describeWithRgw } from "../support/rgw.ts";

describeWithRgw("RGW test harness", (rgw) => {
  it("provides a loopback endpoint, credentials and the Ceph version", () => {
    expect(rgw.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(rgw.region).toBe("us-east-1");
    expect(rgw.accessKeyId.length).toBeGreaterThan(0);
    expect(rgw.cephVersion).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("creates unique buckets", async () => {
    const a = await createTestBucket("harness");
    const b = await createTestBucket("harness");
    expect(a.name).not.toBe(b.name);
    await a.client.send(new HeadBucketCommand({ Bucket: a.name }));
  });

  it("creates a second user that cannot read the first user's bucket", async () => {
    const other = await createTestRgwUser(rgw, "harness-other");
    try {
      const bucket = await createTestBucket("harness-owned");
      await bucket.client.send(new PutObjectCommand({ Bucket: bucket.name, Key: "k", Body: Buffer.from("x") }));
      const otherClient = adminS3Client(other);
      const error = await otherClient.send(new GetObjectCommand({ Bucket: bucket.name, Key: "k" })).then(
        () => undefined,
        (e: unknown) => e,
      );
      otherClient.destroy();
      expect(describeS3Error(error)).toMatchObject({ httpStatus: 403, code: "AccessDenied" });
    } finally {
      await deleteTestRgwUser(rgw, other);
    }
  });
});
