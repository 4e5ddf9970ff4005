/**
 * The operation table itself (proxy/src/pipeline/query-classes.ts), written out by hand: what each operation requires
 * and what else it may carry. How requests are named from it: route.test.ts.
 */
import { describe, expect, it } from "vitest";
import { S3Error } from "../../../proxy/src/errors.ts";
import { OPERATION_RULES, checkQueryValue, isClientOnlyQueryParameter } from "../../../proxy/src/pipeline/query-classes.ts";

const LIST_COMMON = ["delimiter", "encoding-type", "max-keys", "prefix"];
const RESPONSE_OVERRIDES = ["response-cache-control", "response-content-disposition", "response-content-encoding", "response-content-language", "response-content-type", "response-expires"];

describe("OPERATION_RULES", () => {
  it("holds each named operation once, with exactly the parameters it requires and may carry", () => {
    const named = OPERATION_RULES.filter((rule) => rule.subresource === undefined).map((rule) => ({ ...rule }));
    expect(named).toEqual([
      { operation: "ListObjectsV2", method: "GET", level: "bucket", requires: ["list-type"], allows: [...LIST_COMMON, "continuation-token", "fetch-owner", "start-after"] },
      { operation: "ListObjects", method: "GET", level: "bucket", requires: [], allows: [...LIST_COMMON, "marker"] },
      { operation: "ListObjectVersions", method: "GET", level: "bucket", requires: ["versions"], allows: [...LIST_COMMON, "key-marker", "version-id-marker"] },
      { operation: "ListMultipartUploads", method: "GET", level: "bucket", requires: ["uploads"], allows: ["delimiter", "encoding-type", "prefix", "key-marker", "max-uploads", "upload-id-marker"] },
      { operation: "HeadBucket", method: "HEAD", level: "bucket", requires: [], allows: [] },
      { operation: "CreateBucket", method: "PUT", level: "bucket", requires: [], allows: [] },
      { operation: "DeleteBucket", method: "DELETE", level: "bucket", requires: [], allows: [] },
      { operation: "DeleteObjects", method: "POST", level: "bucket", requires: ["delete"], allows: [] },
      { operation: "GetObject", method: "GET", level: "object", requires: [], allows: ["versionId", "partNumber", ...RESPONSE_OVERRIDES] },
      { operation: "ListParts", method: "GET", level: "object", requires: ["uploadId"], allows: ["max-parts", "part-number-marker", "encoding-type"] },
      { operation: "HeadObject", method: "HEAD", level: "object", requires: [], allows: ["versionId", "partNumber"] },
      { operation: "PutObject", method: "PUT", level: "object", requires: [], allows: [] },
      { operation: "UploadPart", method: "PUT", level: "object", requires: ["partNumber", "uploadId"], allows: [] },
      { operation: "PutObjectTagging", method: "PUT", level: "object", requires: ["tagging"], allows: ["versionId"] },
      { operation: "CreateMultipartUpload", method: "POST", level: "object", requires: ["uploads"], allows: [] },
      { operation: "CompleteMultipartUpload", method: "POST", level: "object", requires: ["uploadId"], allows: [] },
      { operation: "DeleteObject", method: "DELETE", level: "object", requires: [], allows: ["versionId"] },
      { operation: "AbortMultipartUpload", method: "DELETE", level: "object", requires: ["uploadId"], allows: [] },
    ]);
  });

  it("gives each sub-resource rule only its own parameter: nothing else on a bucket, a versionId on an object", () => {
    const subresources = OPERATION_RULES.filter((rule) => rule.subresource !== undefined);
    expect(subresources).toHaveLength(22 * 3 + 5 + 4 + 1);
    for (const rule of subresources) {
      expect(rule.requires, `${rule.method} ${rule.subresource}`).toEqual([rule.subresource]);
      expect(rule.allows, `${rule.method} ${rule.subresource}`).toEqual(rule.level === "bucket" ? [] : ["versionId"]);
      expect(rule.operation).toBe(rule.level === "bucket" ? "BucketSubresource" : "ObjectSubresource");
    }
  });
});

/** The message checkQueryValue refuses with, or undefined when it accepts. */
function refusal(name: string, value: string): string | undefined {
  try {
    checkQueryValue(name, value);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(S3Error);
    expect((error as S3Error).code).toBe("InvalidArgument");
    return (error as S3Error).message;
  }
}

describe("OPERATION_RULES: one operation per request", () => {
  it("has no two rules of one method and level that the same parameters could both match", () => {
    const matches = (rule: (typeof OPERATION_RULES)[number], names: readonly string[]): boolean =>
      rule.requires.every((name) => names.includes(name)) && names.every((name) => rule.requires.includes(name) || rule.allows.includes(name));
    const both: string[] = [];
    for (const a of OPERATION_RULES) {
      for (const b of OPERATION_RULES) {
        if (a === b || a.method !== b.method || a.level !== b.level) continue;
        // The smallest set either could take: what both require. If both take it, some request means two things.
        const names = [...new Set([...a.requires, ...b.requires])];
        if (matches(a, names) && matches(b, names)) both.push(`${a.operation}/${b.operation}`);
      }
    }
    expect(both).toEqual([]);
  });
});

describe("checkQueryValue", () => {
  it("takes a partNumber of 1 to 5 digits without a leading zero, and nothing around it", () => {
    for (const value of ["1", "12", "10000", "99999"]) expect(refusal("partNumber", value), value).toBeUndefined();
    for (const value of ["0", "01", "x1", "1x", "1 ", "123456", ""]) {
      expect(refusal("partNumber", value), value).toBe(`partNumber '${value}' is not a part number from 1 to 10000.`);
    }
  });

  it("takes list-type=2 only, and any uploadId but an empty one", () => {
    expect(refusal("list-type", "2")).toBeUndefined();
    expect(refusal("list-type", "1")).toBe("list-type '1' is not supported; use list-type=2.");
    expect(refusal("list-type", "")).toBe("list-type '' is not supported; use list-type=2.");
    expect(refusal("uploadId", "2~abc")).toBeUndefined();
    expect(refusal("uploadId", "")).toBe("uploadId is empty.");
    expect(refusal("prefix", "")).toBeUndefined();
  });
});

describe("isClientOnlyQueryParameter", () => {
  it("keeps the client's own auth, payload and checksum hints and x-id from the upstream, and nothing else", () => {
    for (const name of ["X-Amz-Signature", "X-Amz-Security-Token", "x-amz-content-sha256", "X-Amz-Content-Sha256", "x-amz-sdk-checksum-algorithm", "x-amz-checksum-crc32", "x-id"]) {
      expect(isClientOnlyQueryParameter(name), name).toBe(true);
    }
    for (const name of ["x-amz-checksum-CRC32", "X-Amz-Checksum-Crc32", "X-Id", "x-amz-signature", "uploadId", "prefix"]) {
      expect(isClientOnlyQueryParameter(name), name).toBe(false);
    }
  });
});
