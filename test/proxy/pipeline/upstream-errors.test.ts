import { describe, expect, it } from "vitest";
import { translateUpstreamError, upstreamFailure } from "../../../proxy/src/pipeline/upstream-errors.ts";

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
