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

/** The code and message parseRoute refuses `method url` with. */
function refusal(method: string, url: string, copySource = false): string {
  try {
    parseRoute(method, url, copySource);
  } catch (error) {
    expect(error).toBeInstanceOf(S3Error);
    return `${(error as S3Error).code}: ${(error as S3Error).message}`;
  }
  throw new Error(`${method} ${url} was not refused`);
}

describe("parseRoute: what it refuses before the operation table", () => {
  const notAllowed = `MethodNotAllowed: ${new S3Error("MethodNotAllowed").message}`;

  it("refuses a target that is not an absolute path (an absolute-form URL) and a path with an empty bucket name", () => {
    expect(refusal("GET", "http://127.0.0.1/b/k")).toBe("InvalidURI: The request target must be an absolute path.");
    expect(refusal("GET", "b/k")).toBe("InvalidURI: The request target must be an absolute path.");
    expect(refusal("GET", "//k")).toBe("InvalidURI: The path has an empty bucket name.");
    expect(refusal("GET", "//")).toBe("InvalidURI: The path has an empty bucket name.");
  });

  it("names only a GET or HEAD of / without parameters ListBuckets; anything else on / is not allowed", () => {
    expect(parseRoute("HEAD", "/").operation).toBe("ListBuckets");
    expect(parseRoute("GET", "/?x-id=ListBuckets").operation).toBe("ListBuckets");
    for (const method of ["PUT", "POST", "DELETE"]) expect(refusal(method, "/"), method).toBe(notAllowed);
    expect(refusal("GET", "/?uploads")).toBe(notAllowed);
    expect(refusal("HEAD", "/?prefix=a")).toBe(notAllowed);
  });

  it("refuses a method no rule knows for the target", () => {
    expect(refusal("PATCH", "/b/k")).toBe(notAllowed);
    expect(refusal("OPTIONS", "/b")).toBe(notAllowed);
  });

  it("names only a PUT with x-amz-copy-source a copy: other operations keep their names", () => {
    expect(parseRoute("GET", "/b/k", true).operation).toBe("GetObject");
    expect(parseRoute("HEAD", "/b/k", true).operation).toBe("HeadObject");
    expect(parseRoute("POST", "/b/k?uploads", true).operation).toBe("CreateMultipartUpload");
  });

  it("skips empty parts of the query, as the verifier does", () => {
    expect(parseRoute("GET", "/b?&list-type=2&&prefix=a&").query).toEqual([["list-type", "2"], ["prefix", "a"]]);
    expect(parseRoute("GET", "/b?").query).toEqual([]);
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

/** AWS's bucket configuration sub-resources, written out (query-classes.ts holds the proxy's copy). */
const BUCKET_SUBRESOURCES = [
  "accelerate", "acl", "analytics", "cors", "encryption", "intelligent-tiering", "inventory", "lifecycle", "location",
  "logging", "metrics", "notification", "object-lock", "ownershipControls", "policy", "policyStatus",
  "publicAccessBlock", "replication", "requestPayment", "tagging", "versioning", "website",
];

describe("parseRoute: the operation table, entry by entry", () => {
  it("names every bucket sub-resource for GET, PUT and DELETE, and carries no other parameter with it", () => {
    for (const method of ["GET", "PUT", "DELETE"]) {
      for (const name of BUCKET_SUBRESOURCES) {
        expect(parseRoute(method, `/b?${name}`), `${method} ?${name}`).toMatchObject({ operation: "BucketSubresource", subresource: name, query: [[name, ""]] });
      }
    }
    expect(() => parseRoute("GET", "/b?policy&list-type=2")).toThrow(new S3Error("InvalidArgument", "The query parameters 'policy', 'list-type' do not name one GET operation on a bucket; send the parameters of one operation only."));
    expect(() => parseRoute("GET", "/b?policy&versionId=v")).toThrow(new S3Error("InvalidArgument", "The query parameter 'versionId' is not supported on GET of a bucket by this proxy."));
    expect(() => parseRoute("POST", "/b?policy")).toThrow(new S3Error("InvalidArgument", "The query parameter 'policy' is not supported on POST of a bucket by this proxy."));
  });

  it("names the object sub-resources: all five readable, four settable, tagging set and removed by its own operations, each with a versionId", () => {
    for (const name of ["acl", "tagging", "retention", "legal-hold", "attributes"]) {
      expect(parseRoute("GET", `/b/k?${name}&versionId=v`), `GET ?${name}`).toMatchObject({ operation: "ObjectSubresource", subresource: name });
    }
    for (const name of ["acl", "retention", "legal-hold", "attributes"]) {
      expect(parseRoute("PUT", `/b/k?${name}&versionId=v`), `PUT ?${name}`).toMatchObject({ operation: "ObjectSubresource", subresource: name });
    }
    expect(parseRoute("PUT", "/b/k?tagging&versionId=v")).toMatchObject({ operation: "PutObjectTagging", subresource: undefined });
    expect(parseRoute("DELETE", "/b/k?tagging&versionId=v")).toMatchObject({ operation: "ObjectSubresource", subresource: "tagging" });
    expect(() => parseRoute("DELETE", "/b/k?acl")).toThrow(new S3Error("InvalidArgument", "The query parameter 'acl' is not supported on DELETE of an object by this proxy."));
  });

  it.each([
    ["PUT", "/b", "CreateBucket"],
    ["DELETE", "/b", "DeleteBucket"],
    ["GET", "/b?list-type=2&delimiter=%2F&encoding-type=url&max-keys=5&prefix=p&continuation-token=t&fetch-owner=true&start-after=a", "ListObjectsV2"],
    ["GET", "/b?delimiter=%2F&encoding-type=url&max-keys=5&prefix=p&marker=m", "ListObjects"],
    ["GET", "/b?versions&delimiter=%2F&encoding-type=url&max-keys=5&prefix=p&key-marker=k&version-id-marker=v", "ListObjectVersions"],
    ["GET", "/b?uploads&delimiter=%2F&encoding-type=url&prefix=p&key-marker=k&max-uploads=5&upload-id-marker=u", "ListMultipartUploads"],
    [
      "GET",
      "/b/k?versionId=v&partNumber=1&response-cache-control=c&response-content-disposition=d&response-content-encoding=e&response-content-language=l&response-content-type=t&response-expires=x",
      "GetObject",
    ],
    ["GET", "/b/k?uploadId=u&max-parts=5&part-number-marker=1&encoding-type=url", "ListParts"],
    ["HEAD", "/b/k?versionId=v&partNumber=1", "HeadObject"],
    ["DELETE", "/b/k?versionId=v", "DeleteObject"],
  ])("%s %s is %s, with every parameter it may carry", (method, url, operation) => {
    expect(parseRoute(method, url).operation).toBe(operation);
  });

  it.each([
    ["HEAD", "/b?prefix=p", "The query parameter 'prefix' is not supported on HEAD of a bucket by this proxy."],
    ["PUT", "/b?prefix=p", "The query parameter 'prefix' is not supported on PUT of a bucket by this proxy."],
    ["POST", "/b?delete&prefix=p", "The query parameter 'prefix' is not supported on POST of a bucket by this proxy."],
    ["GET", "/b?max-uploads=5", "The query parameters 'max-uploads' do not name one GET operation on a bucket; send the parameters of one operation only."],
    ["GET", "/b?marker=m&list-type=2", "The query parameters 'marker', 'list-type' do not name one GET operation on a bucket; send the parameters of one operation only."],
    ["GET", "/b/k?max-parts=5", "The query parameters 'max-parts' do not name one GET operation on an object; send the parameters of one operation only."],
    ["HEAD", "/b/k?response-expires=x", "The query parameter 'response-expires' is not supported on HEAD of an object by this proxy."],
    ["PUT", "/b/k?versionId=v", "The query parameters 'versionId' do not name one PUT operation on an object; send the parameters of one operation only."],
    ["POST", "/b/k?uploads&versionId=v", "The query parameter 'versionId' is not supported on POST of an object by this proxy."],
    ["DELETE", "/b/k?uploadId=u&versionId=v", "The query parameters 'uploadId', 'versionId' do not name one DELETE operation on an object; send the parameters of one operation only."],
  ])("refuses %s %s: a parameter the operation does not take", (method, url, message) => {
    expect(() => parseRoute(method, url)).toThrow(new S3Error("InvalidArgument", message));
  });

  it("keeps each of the client's own presigned-auth parameters and the payload hash (any case) out of the upstream query", () => {
    const auth = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token"];
    for (const name of [...auth, "X-Amz-Content-Sha256", "x-amz-content-sha256", "x-amz-sdk-checksum-algorithm", "x-amz-checksum-sha256", "x-id"]) {
      expect(parseRoute("GET", `/b/k?${name}=1&versionId=v`).query, name).toEqual([["versionId", "v"]]);
    }
    // Only the exact spellings: another letter case is an ordinary (unknown) parameter, refused.
    expect(() => parseRoute("GET", "/b/k?x-amz-algorithm=1")).toThrow(new S3Error("InvalidArgument", "The query parameter 'x-amz-algorithm' is not supported on GET of an object by this proxy."));
    expect(() => parseRoute("GET", "/b/k?X-Amz-Checksum-Crc32=1")).toThrow(new S3Error("InvalidArgument", "The query parameter 'X-Amz-Checksum-Crc32' is not supported on GET of an object by this proxy."));
  });
});
