import { describe, expect, it } from "vitest";
import { translateUpstreamError, upstreamUnavailable } from "../../../proxy/src/pipeline/upstream-errors.ts";

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

describe("upstreamUnavailable", () => {
  it("is a 503 with Retry-After naming the network error", () => {
    const error = upstreamUnavailable(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));
    expect(error.status).toBe(503);
    expect(error.code).toBe("ServiceUnavailable");
    expect(error.headers).toEqual({ "retry-after": "1" });
    expect(error.message).toBe("The upstream object store did not answer (ECONNREFUSED). Nothing was stored; please retry.");
  });
});
