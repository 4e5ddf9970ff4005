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

describe("parseRoute: the query is classified on its decoded form against the operation table", () => {
  it.each([
    ["POST", "/b/k?uploads&uploadId=u", "The query parameters 'uploads', 'uploadId' do not name one POST operation on an object; send the parameters of one operation only."],
    ["PUT", "/b/k?uploadId=u", "The query parameters 'uploadId' do not name one PUT operation on an object; send the parameters of one operation only."],
    ["PUT", "/b/k?acl%3D", "The query parameter 'acl=' is not supported on PUT of an object by this proxy."],
    ["PUT", "/b/k?restore", "The query parameter 'restore' is not supported on PUT of an object by this proxy."],
    ["GET", "/b/k?x=1", "The query parameter 'x' is not supported on GET of an object by this proxy."],
    ["POST", "/b?delete&uploads", "The query parameter 'uploads' is not supported on POST of a bucket by this proxy."],
    ["PUT", "/b/k?partNumber=0&uploadId=u", "partNumber '0' is not a part number from 1 to 10000."],
    ["GET", "/b?list-type=1", "list-type '1' is not supported; use list-type=2."],
  ])("refuses %s %s (prevents the proxy and the upstream seeing different operations)", (method, url, message) => {
    expect(() => parseRoute(method, url)).toThrow(new S3Error("InvalidArgument", message));
  });

  it.each([
    ["/b/k?uploadId=a&uploadId=b", "uploadId"],
    ["/b/k?partNumber=1&%70artNumber=2&uploadId=u", "partNumber"],
  ])("refuses a repeated parameter in %s, however encoded", (url, name) => {
    expect(() => parseRoute("PUT", url)).toThrow(new S3Error("InvalidArgument", `The query parameter '${name}' appears more than once; send each parameter once.`));
  });

  it("refuses malformed percent-encoding in the query, which another parser would read differently", () => {
    expect(() => parseRoute("GET", "/b/k?versionId=%E0%A4%A")).toThrow(
      new S3Error("InvalidURI", "Couldn't parse the specified URI: '%E0%A4%A' is not valid percent-encoding."),
    );
  });

  it("names an operation from an encoded sub-resource the way the upstream decodes it", () => {
    expect(parseRoute("PUT", "/b/k?%61cl")).toMatchObject({ operation: "ObjectSubresource", subresource: "acl" });
    expect(parseRoute("DELETE", "/b?%70olicy")).toMatchObject({ operation: "BucketSubresource", subresource: "policy" });
  });

  it("keeps the client's presigned-auth parameters, checksum hints and x-id out of the upstream query", () => {
    const route = parseRoute("PUT", "/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=s&x-amz-checksum-crc32=AAAAAA%3D%3D&x-id=PutObject&partNumber=2&uploadId=u");
    expect(route.operation).toBe("UploadPart");
    expect(route.query).toEqual([["partNumber", "2"], ["uploadId", "u"]]);
  });

  it.each([
    ["GET", "/b?policy", "BucketSubresource"],
    ["PUT", "/b?cors", "BucketSubresource"],
    ["DELETE", "/b?lifecycle", "BucketSubresource"],
    ["GET", "/b?versions&prefix=p", "ListObjectVersions"],
    ["GET", "/b?uploads&prefix=p", "ListMultipartUploads"],
    ["PUT", "/b/k?tagging", "PutObjectTagging"],
    ["DELETE", "/b/k?tagging", "ObjectSubresource"],
    ["GET", "/b/k?versionId=v&response-content-type=text%2Fplain&x-id=GetObject", "GetObject"],
  ])("%s %s is %s", (method, url, operation) => {
    expect(parseRoute(method, url).operation).toBe(operation);
  });
});
