import { describe, expect, it } from "vitest";
import { decodeXmlText, elementText, translateUpstreamError, upstreamFailure } from "../../../proxy/src/pipeline/upstream-errors.ts";

const rgw = (code: string, message = ""): string =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><BucketName>b</BucketName><RequestId>tx1</RequestId></Error>`;

describe("translateUpstreamError", () => {
  it("keeps the code and fills RGW's empty message", () => {
    expect(translateUpstreamError(404, rgw("NoSuchKey"))).toEqual({ status: 404, code: "NoSuchKey", message: "The specified key does not exist." });
  });

  it("explains rgw_crypt_require_ssl for InvalidRequest", () => {
    const error = translateUpstreamError(400, rgw("InvalidRequest"));
    expect(error.code).toBe("InvalidRequest");
    expect(error.message).toContain("rgw_crypt_require_ssl");
    expect(error.message).toContain("S3PROXY_SSE=strip");
  });

  it("keeps a message the upstream did send", () => {
    expect(translateUpstreamError(400, rgw("InvalidArgument", "bad &amp; wrong")).message).toBe("bad & wrong");
  });

  it("names a code for a body-less error", () => {
    expect(translateUpstreamError(404, "")).toEqual({ status: 404, code: "NoSuchKey", message: "The specified key does not exist." });
  });

  it("turns the upstream rejecting the proxy's own signature into a 500 that blames the proxy's configuration", () => {
    const error = translateUpstreamError(403, rgw("SignatureDoesNotMatch", "<StringToSign> stuff"));
    expect(error).toMatchObject({ status: 500, code: "InternalError" });
    expect(error.message).toContain("S3PROXY_UPSTREAM_ACCESS_KEY_ID");
  });
});

describe("upstreamFailure", () => {
  it("is a 503 with Retry-After naming the network error when the upstream did not get the whole request", () => {
    const error = upstreamFailure(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), false);
    expect(error.status).toBe(503);
    expect(error.code).toBe("ServiceUnavailable");
    expect(error.headers).toEqual({ "retry-after": "1" });
    expect(error.message).toBe("The upstream object store did not answer (ECONNREFUSED). Nothing was changed; please retry.");
  });

  it("is a 500 InternalError saying the outcome is unknown when a write was fully sent, never 'nothing was changed'", () => {
    const error = upstreamFailure(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), true);
    expect(error.status).toBe(500);
    expect(error.code).toBe("InternalError");
    expect(error.message).toBe(
      "The upstream object store received the whole request but its answer was lost (ECONNRESET): the outcome is unknown " +
        "(the change may or may not have been made). Retry the request, or check the object.",
    );
    expect(error.message).not.toContain("Nothing");
  });
});

describe("the message tables, entry by entry", () => {
  it.each([
    ["NoSuchKey", 404, "The specified key does not exist."],
    ["NoSuchBucket", 404, "The specified bucket does not exist upstream."],
    ["NoSuchUpload", 404, "The specified multipart upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed."],
    ["InvalidRange", 416, "The requested range is not satisfiable."],
    ["InvalidPart", 400, "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified ETag may not match the part's ETag."],
    ["InvalidPartOrder", 400, "The list of parts was not in ascending order. Parts must be ordered by part number."],
    ["EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed object size (5 MiB for every part but the last)."],
    ["EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed object size."],
    ["BucketNotEmpty", 409, "The bucket you tried to delete is not empty."],
    ["BucketAlreadyExists", 409, "The requested bucket name is not available."],
    ["BucketAlreadyOwnedByYou", 409, "The bucket you tried to create already exists, and you own it."],
    ["PreconditionFailed", 412, "At least one of the preconditions you specified did not hold."],
    ["AccessDenied", 403, "Access Denied by the upstream object store: check the upstream user's permissions on this bucket."],
    ["MissingContentLength", 411, "You must provide the Content-Length HTTP header."],
    ["XAmzContentSHA256Mismatch", 400, "The provided 'x-amz-content-sha256' header does not match what was computed."],
    ["BadDigest", 400, "The checksum you specified did not match the checksum of the body we received."],
    ["QuotaExceeded", 403, "The upstream user's or bucket's quota is exceeded."],
    [
      "InvalidRequest",
      400,
      "The upstream object store refused the request as invalid. If it asked for server-side encryption: Ceph RGW refuses SSE over plain HTTP while " +
        "rgw_crypt_require_ssl is true (its default); run the proxy with S3PROXY_SSE=strip, or serve RGW over TLS with an SSE-S3 backend.",
    ],
    [
      "InvalidArgument",
      400,
      "The upstream object store refused an argument. If it asked for server-side encryption: Ceph RGW needs an SSE-S3 backend " +
        "(rgw_crypt_sse_s3_backend=vault and a Vault token); run the proxy with S3PROXY_SSE=strip.",
    ],
    ["SlowDown", 503, "The upstream object store answered 503 SlowDown."],
  ])("fills RGW's empty message for %s", (code, status, message) => {
    expect(translateUpstreamError(status, rgw(code))).toEqual({ status, code, message });
    expect(translateUpstreamError(status, rgw(code, "  ")).message).toBe(message);
  });

  it.each(["SignatureDoesNotMatch", "InvalidAccessKeyId", "RequestTimeTooSkewed", "AuthorizationHeaderMalformed"])(
    "blames the proxy's own configuration for %s",
    (code) => {
      expect(translateUpstreamError(403, rgw(code, "upstream detail"))).toEqual({
        status: 500,
        code: "InternalError",
        message:
          `The upstream object store rejected the proxy's own request (${code}): check S3PROXY_UPSTREAM_ACCESS_KEY_ID, ` +
          "S3PROXY_UPSTREAM_SECRET_ACCESS_KEY, S3PROXY_UPSTREAM_REGION and the proxy host's clock.",
      });
    },
  );

  it("names a code for each body-less status", () => {
    const codes = Object.fromEntries([403, 404, 412, 416, 500, 502, 400, 409].map((status) => [status, translateUpstreamError(status, "").code]));
    expect(codes).toEqual({ 403: "AccessDenied", 404: "NoSuchKey", 412: "PreconditionFailed", 416: "InvalidRange", 500: "InternalError", 502: "InternalError", 400: "InvalidRequest", 409: "InvalidRequest" });
  });

  it("decodes the five predefined entities and character references, and leaves any other entity as it is", () => {
    expect(decodeXmlText("&amp;&lt;&gt;&quot;&apos;&#65;&#x42;&nbsp;")).toBe("&<>\"'AB&nbsp;");
    expect(elementText("<Error><Code>A&amp;B</Code><Message/></Error>", "Code")).toBe("A&B");
    expect(elementText("<Error><Message/></Error>", "Message")).toBe("");
    expect(elementText("<Error></Error>", "Code")).toBeUndefined();
  });
});
