import { describe, expect, it } from "vitest";
import { S3Error } from "../../../proxy/src/errors.ts";
import { parseRoute } from "../../../proxy/src/pipeline/route.ts";

describe("parseRoute", () => {
  it.each([
    ["GET", "/", "ListBuckets"],
    ["GET", "/b?list-type=2&prefix=a", "ListObjectsV2"],
    ["GET", "/b", "ListObjects"],
    ["HEAD", "/b", "HeadBucket"],
    ["POST", "/b?delete", "DeleteObjects"],
    ["PUT", "/b/k", "PutObject"],
    ["PUT", "/b/k?partNumber=1&uploadId=u", "UploadPart"],
    ["POST", "/b/k?uploads", "CreateMultipartUpload"],
    ["POST", "/b/k?uploadId=u", "CompleteMultipartUpload"],
    ["DELETE", "/b/k?uploadId=u", "AbortMultipartUpload"],
    ["GET", "/b/k?uploadId=u", "ListParts"],
    ["GET", "/b/k", "GetObject"],
    ["HEAD", "/b/k", "HeadObject"],
    ["DELETE", "/b/k", "DeleteObject"],
  ])("%s %s is %s", (method, url, operation) => {
    expect(parseRoute(method, url).operation).toBe(operation);
  });

  it("decodes the key but keeps + as +, and keeps the raw path for verification", () => {
    const route = parseRoute("GET", "/bucket/dir/a%20b+c%2Fd?response-content-type=1+2");
    expect(route.bucket).toBe("bucket");
    expect(route.key).toBe("dir/a b+c/d");
    expect(route.rawPath).toBe("/bucket/dir/a%20b+c%2Fd");
    expect(route.query).toEqual([["response-content-type", "1+2"]]);
  });

  it("names copies from the x-amz-copy-source header", () => {
    expect(parseRoute("PUT", "/b/k", true).operation).toBe("CopyObject");
    expect(parseRoute("PUT", "/b/k?partNumber=2&uploadId=u", true).operation).toBe("UploadPartCopy");
  });

  it("fails if the percent-encoding is broken", () => {
    expect(() => parseRoute("GET", "/b/%zz")).toThrow(new S3Error("InvalidURI", "Couldn't parse the specified URI: '%zz' is not valid percent-encoding."));
  });
});
