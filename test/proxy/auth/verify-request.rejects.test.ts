import { describe, expect, it } from "vitest";
import { canonicalHeaders } from "../../../proxy/src/auth/canonical-headers.ts";
import { canonicalRequest, stringToSign } from "../../../proxy/src/auth/canonical-request.ts";
import { EMPTY_SHA256 } from "../../../proxy/src/auth/constants.ts";
import type { RequestHead } from "../../../proxy/src/auth/request-head.ts";
import { deriveSigningKey, signatureHex } from "../../../proxy/src/auth/signing-key.ts";
import type { VerifyOptions } from "../../../proxy/src/auth/types.ts";
import { verifyRequest } from "../../../proxy/src/auth/verify-request.ts";
import { S3Error, type S3ErrorCode } from "../../../proxy/src/errors.ts";
import { CLIENT_CREDENTIALS } from "../../support/sdk-client.ts";
import { presignHead, signHead } from "../../support/sign-head.ts";

const NOW = new Date("2026-11-23T03:00:00Z");
const MINUTE = 60_000;
const options: VerifyOptions = { credentials: CLIENT_CREDENTIALS, now: NOW, maxClockSkewMs: 15 * MINUTE };

function rejection(head: RequestHead, opts: VerifyOptions = options): S3Error {
  try {
    verifyRequest(head, opts);
  } catch (error) {
    if (error instanceof S3Error) return error;
    throw error;
  }
  throw new Error("verifyRequest accepted the request");
}

function expectRejected(head: RequestHead, code: S3ErrorCode, message?: RegExp, opts?: VerifyOptions): void {
  const error = rejection(head, opts);
  expect(error.code).toBe(code);
  if (message !== undefined) expect(error.message).toMatch(message);
}

function withHeaders(head: RequestHead, headers: Record<string, string | undefined>): RequestHead {
  return { ...head, headers: { ...head.headers, ...headers } };
}

const signed = (input: Parameters<typeof signHead>[0] = {}) => signHead({ signingDate: NOW, ...input });
const presigned = (input: Parameters<typeof presignHead>[0] = {}) => presignHead({ signingDate: NOW, ...input });

describe("verifyRequest: baseline", () => {
  it("accepts a correctly signed request at the same instant", async () => {
    expect(verifyRequest(await signed(), options).auth).toBe("header");
  });

  it("accepts a request 14 minutes in the past and 14 minutes in the future", async () => {
    expect(verifyRequest(await signed({ signingDate: new Date(NOW.getTime() - 14 * MINUTE) }), options).auth).toBe("header");
    expect(verifyRequest(await signed({ signingDate: new Date(NOW.getTime() + 14 * MINUTE) }), options).auth).toBe("header");
  });
});

describe("verifyRequest: less common but valid forms", () => {
  it("accepts header auth dated by the Date header alone (no x-amz-date)", () => {
    const head = {
      method: "GET",
      path: "/bucket/key",
      query: "",
      headers: { host: "proxy.test", date: "Mon, 23 Nov 2026 03:00:00 GMT", "x-amz-content-sha256": EMPTY_SHA256 } as Record<string, string>,
    };
    const scope = "20261123/us-east-1/s3/aws4_request";
    const canonical = canonicalRequest({
      method: "GET",
      canonicalUri: "/bucket/key",
      canonicalQuery: "",
      canonicalHeaders: canonicalHeaders(head.headers, ["date", "host", "x-amz-content-sha256"]),
      signedHeaders: "date;host;x-amz-content-sha256",
      payloadHash: EMPTY_SHA256,
    });
    const key = deriveSigningKey(CLIENT_CREDENTIALS.secretAccessKey, "20261123", "us-east-1", "s3");
    const signature = signatureHex(key, stringToSign("20261123T030000Z", scope, canonical));
    head.headers["authorization"] = `AWS4-HMAC-SHA256 Credential=${CLIENT_CREDENTIALS.accessKeyId}/${scope}, SignedHeaders=date;host;x-amz-content-sha256, Signature=${signature}`;
    const verified = verifyRequest(head, options);
    expect(verified.amzDate).toBe("20261123T030000Z");
  });

  it("accepts a presigned PUT bound to a body SHA-256 (payload kind sha256)", async () => {
    const hex = "b".repeat(64);
    const head = await presigned({ method: "PUT", headers: { "x-amz-content-sha256": hex } });
    expect(verifyRequest(head, options).payload).toEqual({ kind: "sha256", hex });
  });

  it("accepts a scope in any well-formed region when none is configured", async () => {
    for (const region of ["us-east-1", "auto", "garage", "ceph_zonegroup.1"]) {
      expect(verifyRequest(await signed({ region }), options).scope.region).toBe(region);
    }
  });
});

describe("verifyRequest: header auth rejections", () => {
  it("rejects a request signed with another secret", async () => {
    const head = await signed({ credentials: { accessKeyId: CLIENT_CREDENTIALS.accessKeyId, secretAccessKey: "not-the-secret" } });
    expectRejected(head, "SignatureDoesNotMatch");
  });

  it("rejects an unknown access key", async () => {
    expectRejected(await signed({ credentials: { accessKeyId: "AKIDSOMEONEELSE", secretAccessKey: CLIENT_CREDENTIALS.secretAccessKey } }), "InvalidAccessKeyId");
  });

  it("rejects a request 16 minutes in the past", async () => {
    expectRejected(await signed({ signingDate: new Date(NOW.getTime() - 16 * MINUTE) }), "RequestTimeTooSkewed");
  });

  it("rejects a request 16 minutes in the future", async () => {
    expectRejected(await signed({ signingDate: new Date(NOW.getTime() + 16 * MINUTE) }), "RequestTimeTooSkewed");
  });

  it("honours a smaller maxClockSkewMs", async () => {
    const head = await signed({ signingDate: new Date(NOW.getTime() - 2 * MINUTE) });
    expectRejected(head, "RequestTimeTooSkewed", /request time/, { ...options, maxClockSkewMs: MINUTE });
  });

  it("rejects a replayed request whose x-amz-date was moved to now (the date is signed)", async () => {
    const old = await signed({ signingDate: new Date(NOW.getTime() - 60 * MINUTE) });
    expectRejected(withHeaders(old, { "x-amz-date": "20261123T030000Z" }), "SignatureDoesNotMatch");
  });

  it("rejects a request whose x-amz-date names another day than its credential scope", async () => {
    const head = await signed();
    expectRejected(withHeaders(head, { "x-amz-date": "20261124T000100Z" }), "AuthorizationHeaderMalformed", /^The authorization header is malformed; Invalid credential date "20261123"\. This date is not the same as X-Amz-Date: "20261124"\.$/, {
      ...options,
      now: new Date("2026-11-24T00:01:00Z"),
    });
  });

  it("rejects a request whose path was changed to another key", async () => {
    const head = await signed({ path: "/bucket/mine" });
    expectRejected({ ...head, path: "/bucket/theirs" }, "SignatureDoesNotMatch");
  });

  it("rejects a request whose path was re-encoded into another key (%2F is not /)", async () => {
    const head = await signed({ path: "/bucket/a%2Fb" });
    expect(verifyRequest(head, options).auth).toBe("header");
    expectRejected({ ...head, path: "/bucket/a/b" }, "SignatureDoesNotMatch");
  });

  it("rejects a request whose query gained a parameter", async () => {
    const head = await signed({ query: { uploadId: "u1" } });
    expectRejected({ ...head, query: `${head.query}&partNumber=2` }, "SignatureDoesNotMatch");
  });

  it("rejects a request whose method was changed", async () => {
    expectRejected({ ...(await signed({ method: "GET" })), method: "DELETE" }, "SignatureDoesNotMatch");
  });

  it("rejects a request whose signed header value was changed", async () => {
    const head = await signed({ method: "PUT", headers: { "content-type": "text/plain" } });
    expectRejected(withHeaders(head, { "content-type": "text/html" }), "SignatureDoesNotMatch");
  });

  it("rejects a request whose x-amz-content-sha256 was swapped for UNSIGNED-PAYLOAD", async () => {
    const head = await signed({ method: "PUT" });
    expectRejected(withHeaders(head, { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" }), "SignatureDoesNotMatch");
  });

  it("rejects a signature in upper-case hex (signatures compare exactly)", async () => {
    const head = await signed();
    const auth = head.headers["authorization"]!.replace(/Signature=([0-9a-f]+)/, (_m, s: string) => `Signature=${s.toUpperCase()}`);
    expectRejected(withHeaders(head, { authorization: auth }), "SignatureDoesNotMatch");
  });

  it("rejects a truncated signature", async () => {
    const head = await signed();
    expectRejected(withHeaders(head, { authorization: head.headers["authorization"]!.slice(0, -1) }), "SignatureDoesNotMatch");
  });

  it("rejects an x-amz-* header the client did not sign (x-amz-copy-source smuggled in)", async () => {
    const head = await signed({ method: "PUT" });
    expectRejected(withHeaders(head, { "x-amz-copy-source": "/bucket/secret" }), "AccessDenied", /not signed: x-amz-copy-source/);
  });

  it("rejects a request that does not sign host", async () => {
    const head = await signed();
    const auth = head.headers["authorization"]!.replace("SignedHeaders=host;", "SignedHeaders=");
    expectRejected(withHeaders(head, { authorization: auth }), "AccessDenied", /host/);
  });

  it("rejects a request without x-amz-content-sha256", async () => {
    const head = await signed();
    expectRejected(withHeaders(head, { "x-amz-content-sha256": undefined }), "InvalidRequest", /x-amz-content-sha256/);
  });

  it("rejects an x-amz-content-sha256 that is neither a digest nor a known mode", async () => {
    expectRejected(await signed({ headers: { "x-amz-content-sha256": "NOT-A-HASH" } }), "InvalidArgument", /x-amz-content-sha256 must be/);
  });

  it("rejects an aws-chunked request without x-amz-decoded-content-length", async () => {
    const head = await signed({ method: "PUT", headers: { "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" } });
    expectRejected(head, "MissingContentLength");
  });

  it("rejects a trailer mode without x-amz-trailer, and a CRC64NVME trailer", async () => {
    const base = { "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "x-amz-decoded-content-length": "3" };
    expectRejected(await signed({ method: "PUT", headers: base }), "InvalidRequest", /x-amz-trailer/);
    expectRejected(await signed({ method: "PUT", headers: { ...base, "x-amz-trailer": "x-amz-checksum-crc64nvme" } }), "NotImplemented");
  });

  it("rejects a request without any authentication (no anonymous access)", () => {
    expectRejected({ method: "GET", path: "/bucket/key", query: "", headers: { host: "proxy.test" } }, "AccessDenied", /^Anonymous access is not allowed: sign the request with AWS4-HMAC-SHA256\.$/);
  });

  it("rejects SigV2 header and query authentication", () => {
    const head = { method: "GET", path: "/bucket/key", query: "", headers: { host: "proxy.test", authorization: "AWS AKID:c2lnbmF0dXJl" } };
    expectRejected(head, "InvalidRequest", /AWS4-HMAC-SHA256/);
    expectRejected({ ...head, headers: { host: "proxy.test" }, query: "AWSAccessKeyId=AKID&Expires=1&Signature=abc" }, "InvalidRequest");
  });

  it("rejects a request carrying both an Authorization header and presigned parameters", async () => {
    const head = await signed();
    const url = await presigned();
    expectRejected({ ...head, query: url.query }, "InvalidArgument", /Only one auth mechanism/);
  });

  it("rejects a garbled Authorization header", async () => {
    const head = await signed();
    const garbled = [
      "AWS4-HMAC-SHA256 Credential=only",
      "AWS4-HMAC-SHA256 Credential=a/b/c, SignedHeaders=host, Signature=00, Extra=1",
      "AWS4-HMAC-SHA256 garbage",
      "AWS4-HMAC-SHA256 Credential=x, Credential=y, SignedHeaders=host, Signature=00",
    ];
    for (const authorization of garbled) expectRejected(withHeaders(head, { authorization }), "AuthorizationHeaderMalformed");
  });

  it("rejects a credential scope for another service, a bad terminator, a malformed date and a wrong configured region", async () => {
    expectRejected(await signed({ service: "iam" }), "AuthorizationHeaderMalformed", /incorrect service "iam"/);
    const head = await signed();
    const auth = head.headers["authorization"]!;
    expectRejected(withHeaders(head, { authorization: auth.replace("aws4_request", "aws5_request") }), "AuthorizationHeaderMalformed", /terminal/);
    expectRejected(withHeaders(head, { authorization: auth.replace(/\/2026\d{4}\//, "/2026-11-23/") }), "AuthorizationHeaderMalformed", /mal-formed/);
    expectRejected(await signed({ region: "eu-west-1" }), "AuthorizationHeaderMalformed", /region 'eu-west-1' is wrong/, { ...options, region: "us-east-1" });
  });

  it("accepts a credential scope naming the configured region", async () => {
    expect(verifyRequest(await signed({ region: "eu-west-1" }), { ...options, region: "eu-west-1" }).accessKeyId).toBe(CLIENT_CREDENTIALS.accessKeyId);
  });

  it("rejects a request without a valid x-amz-date or Date header", async () => {
    const head = await signed();
    expectRejected(withHeaders(head, { "x-amz-date": "2026-11-23T03:00:00Z" }), "AccessDenied", /Date or x-amz-date/);
    expectRejected(withHeaders(head, { "x-amz-date": "20261323T030000Z" }), "AccessDenied", /Date or x-amz-date/);
  });
});

describe("verifyRequest: presigned URL rejections", () => {
  it("accepts a presigned URL until the last second of its validity", async () => {
    const head = await presigned({ expiresIn: 60 });
    expect(verifyRequest(head, { ...options, now: new Date(NOW.getTime() + 60_000) }).auth).toBe("presigned");
  });

  it("rejects an expired presigned URL", async () => {
    const head = await presigned({ expiresIn: 60 });
    expectRejected(head, "AccessDenied", /^Request has expired$/, { ...options, now: new Date(NOW.getTime() + 61_000) });
  });

  it("rejects a presigned URL dated beyond the allowed skew in the future", async () => {
    const head = await presigned({ signingDate: new Date(NOW.getTime() + 16 * MINUTE) });
    expectRejected(head, "AccessDenied", /not valid yet/);
  });

  it("rejects a presigned URL whose X-Amz-Expires was extended", async () => {
    const head = await presigned({ expiresIn: 60 });
    expectRejected({ ...head, query: head.query.replace("X-Amz-Expires=60", "X-Amz-Expires=604800") }, "SignatureDoesNotMatch");
  });

  it("rejects X-Amz-Expires over a week, negative or not a number", async () => {
    const head = await presigned({ expiresIn: 60 });
    for (const [value, message] of [
      ["604801", /less than a week/],
      ["-1", /should be a number/],
      ["soon", /should be a number/],
    ] as const) {
      expectRejected({ ...head, query: head.query.replace("X-Amz-Expires=60", `X-Amz-Expires=${value}`) }, "AuthorizationQueryParametersError", message);
    }
  });

  it("rejects a presigned URL missing a parameter, with a second X-Amz-Signature, or another algorithm", async () => {
    const head = await presigned();
    expectRejected({ ...head, query: head.query.replace(/X-Amz-SignedHeaders=[^&]*&?/, "") }, "AuthorizationQueryParametersError", /requires/);
    expectRejected({ ...head, query: `${head.query}&X-Amz-Signature=00` }, "AuthorizationQueryParametersError", /more than once/);
    expectRejected({ ...head, query: head.query.replace("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256") }, "AuthorizationQueryParametersError", /only supports/);
  });

  it("rejects a presigned URL with a malformed X-Amz-Date or credential", async () => {
    const head = await presigned();
    expectRejected({ ...head, query: head.query.replace(/X-Amz-Date=\d{8}T\d{6}Z/, "X-Amz-Date=yesterday") }, "AuthorizationQueryParametersError", /ISO8601/);
    expectRejected({ ...head, query: head.query.replace(/X-Amz-Credential=[^&]*/, "X-Amz-Credential=nope") }, "AuthorizationQueryParametersError", /X-Amz-Credential/);
  });

  it("rejects a presigned URL signed with another secret, or for another key", async () => {
    const other = await presigned({ credentials: { accessKeyId: CLIENT_CREDENTIALS.accessKeyId, secretAccessKey: "wrong" } });
    expectRejected(other, "SignatureDoesNotMatch");
    const head = await presigned({ path: "/bucket/a" });
    expectRejected({ ...head, path: "/bucket/b" }, "SignatureDoesNotMatch");
  });

  it("rejects a presigned PUT that smuggles an unsigned x-amz-copy-source header", async () => {
    const head = await presigned({ method: "PUT" });
    expectRejected(withHeaders(head, { "x-amz-copy-source": "/bucket/other-users-object" }), "AccessDenied", /not signed/);
  });

  it("rejects a presigned URL whose x-amz-content-sha256 header contradicts its X-Amz-Content-Sha256", async () => {
    const head = await presigned({ method: "PUT", headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } });
    expect(verifyRequest(head, options).payload).toEqual({ kind: "unsigned" });
    const hex = "a".repeat(64);
    expectRejected(withHeaders(head, { "x-amz-content-sha256": hex }), "InvalidRequest", /does not match/);
  });

  it("binds hoisted x-amz-* query parameters (x-amz-checksum-crc32 cannot be changed)", async () => {
    const head = await presigned({ method: "PUT", headers: { "x-amz-checksum-crc32": "AAAAAA==" } });
    expect(head.query).toContain("x-amz-checksum-crc32=AAAAAA%3D%3D");
    expect(verifyRequest(head, options).auth).toBe("presigned");
    expectRejected({ ...head, query: head.query.replace("AAAAAA%3D%3D", "BBBBBB%3D%3D") }, "SignatureDoesNotMatch");
  });
});

describe("verifyRequest: edges found by the mutation review", () => {
  it("rejects every unsigned x-amz-* header smuggled in, naming them all in order", async () => {
    const head = await signed({ method: "PUT" });
    const smuggled = withHeaders(head, { "x-amz-tagging": "owner=mallory", "x-amz-copy-source": "/bucket/secret" });
    expectRejected(smuggled, "AccessDenied", /^There were headers present in the request which were not signed: x-amz-copy-source, x-amz-tagging$/);
  });

  it("accepts unsigned headers outside x-amz-* (what a load balancer in front adds)", async () => {
    const head = await signed();
    expect(verifyRequest(withHeaders(head, { "x-forwarded-for": "10.0.0.1", "user-agent": "curl/8" }), options).auth).toBe("header");
  });

  it("rejects an Authorization header whose SignedHeaders is not a list of lower-case names, quoting it", async () => {
    const head = await signed();
    const auth = head.headers["authorization"]!.replace("SignedHeaders=host;", "SignedHeaders=Host;");
    const error = rejection(withHeaders(head, { authorization: auth }));
    expect(error.code).toBe("AuthorizationHeaderMalformed");
    expect(error.message).toMatch(/^The authorization header is malformed; SignedHeaders 'Host;[a-z0-9;-]+' is not a ;-separated list of lower-case names\.$/);
  });

  it("rejects a presigned URL whose X-Amz-SignedHeaders is not a list of lower-case names, quoting it", async () => {
    const url = await presigned();
    expect(url.query).toContain("X-Amz-SignedHeaders=host");
    const error = rejection({ ...url, query: url.query.replace("X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=Host") });
    expect(error.code).toBe("AuthorizationQueryParametersError");
    expect(error.message).toBe("X-Amz-SignedHeaders 'Host' is not a ;-separated list of lower-case names.");
  });

  it("allows exactly maxClockSkewMs of skew and not a second more, saying the allowed difference in seconds", async () => {
    for (const offset of [-15 * MINUTE, 15 * MINUTE]) {
      expect(verifyRequest(await signed({ signingDate: new Date(NOW.getTime() + offset) }), options).auth).toBe("header");
      const beyond = await signed({ signingDate: new Date(NOW.getTime() + offset + Math.sign(offset) * 1000) });
      expectRejected(beyond, "RequestTimeTooSkewed", /server time 20261123T030000Z, largest allowed difference 900 s\)\.$/);
    }
    // A presigned URL may be dated at most maxClockSkewMs in the future.
    expect(verifyRequest(await presigned({ signingDate: new Date(NOW.getTime() + 15 * MINUTE) }), options).auth).toBe("presigned");
    expectRejected(await presigned({ signingDate: new Date(NOW.getTime() + 15 * MINUTE + 1000) }), "AccessDenied", /not valid yet/);
  });

  it("rejects SigV2 query authentication with the mechanism message", () => {
    const head = { method: "GET", path: "/bucket/key", query: "AWSAccessKeyId=AKID&Expires=1&Signature=abc", headers: { host: "proxy.test" } };
    expectRejected(head, "InvalidRequest", /^The authorization mechanism you have provided is not supported\. Please use AWS4-HMAC-SHA256\.$/);
  });

  it("reads x-amz-date and x-amz-content-sha256 with white space around them (they sign trimmed)", async () => {
    const head = await signed();
    const padded = withHeaders(head, { "x-amz-date": ` ${head.headers["x-amz-date"]} `, "x-amz-content-sha256": ` ${EMPTY_SHA256}\t` });
    const verified = verifyRequest(padded, options);
    expect(verified.amzDate).toBe("20261123T030000Z");
    expect(verified.payload).toEqual({ kind: "sha256", hex: EMPTY_SHA256 });
  });

  it("refuses header auth with neither x-amz-date nor Date", async () => {
    const head = await signed();
    expectRejected(withHeaders(head, { "x-amz-date": undefined, date: undefined }), "AccessDenied", /^AWS authentication requires a valid Date or x-amz-date header$/);
  });

  it("accepts x-amz-date and x-amz-content-sha256 left out of SignedHeaders (the string to sign and the payload line bind them)", async () => {
    const head = await signed({ unsignableHeaders: new Set(["x-amz-date", "x-amz-content-sha256"]) });
    expect(head.headers["authorization"]).toContain("SignedHeaders=host,");
    expect(head.headers["x-amz-date"]).toBe("20261123T030000Z");
    expect(verifyRequest(head, options).auth).toBe("header");
  });

  it("takes a presigned URL's payload hash from the x-amz-content-sha256 header when the query has none, white space aside", async () => {
    const hex = "b".repeat(64);
    const head = await presigned({ method: "PUT", headers: { "x-amz-content-sha256": hex }, unhoistableHeaders: new Set(["x-amz-content-sha256"]) });
    expect(head.query).not.toMatch(/x-amz-content-sha256=/i);
    expect(verifyRequest(head, options).payload).toEqual({ kind: "sha256", hex });
    expect(verifyRequest(withHeaders(head, { "x-amz-content-sha256": ` ${hex} ` }), options).payload).toEqual({ kind: "sha256", hex });
  });

  it("accepts a presigned URL whose x-amz-content-sha256 header repeats its query parameter with white space around it", async () => {
    const head = await presigned({ method: "PUT", headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } });
    expect(verifyRequest(withHeaders(head, { "x-amz-content-sha256": " UNSIGNED-PAYLOAD " }), options).payload).toEqual({ kind: "unsigned" });
  });

  it("treats a query with only X-Amz-Signature or only X-Amz-Algorithm as a presigned URL missing its parameters, not as anonymous", () => {
    for (const query of ["X-Amz-Signature=abc", "X-Amz-Algorithm=AWS4-HMAC-SHA256"]) {
      expectRejected({ method: "GET", path: "/bucket/key", query, headers: { host: "proxy.test" } }, "AuthorizationQueryParametersError", /^Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters\.$/);
    }
  });

  it("refuses an Authorization header beside X-Amz-Signature or AWSAccessKeyId in the query", async () => {
    const head = await signed();
    for (const query of ["X-Amz-Signature=abc", "AWSAccessKeyId=AKID"]) expectRejected({ ...head, query }, "InvalidArgument", /^Only one auth mechanism allowed/);
  });

  it("verifies a SigV4 presigned URL that also carries an AWSAccessKeyId parameter as SigV4", async () => {
    const head = await presigned({ query: { AWSAccessKeyId: "legacy" } });
    expect(head.query).toContain("AWSAccessKeyId=legacy");
    expect(verifyRequest(head, options).auth).toBe("presigned");
  });

  it("does not take a repeated ordinary parameter of a presigned URL for a repeated auth parameter", async () => {
    const head = await presigned();
    expectRejected({ ...head, query: `${head.query}&tag=a&tag=b` }, "SignatureDoesNotMatch");
  });

  it("refuses an X-Amz-Expires with text after its digits", async () => {
    const head = await presigned({ expiresIn: 60 });
    expectRejected({ ...head, query: head.query.replace("X-Amz-Expires=60", "X-Amz-Expires=60s") }, "AuthorizationQueryParametersError", /^X-Amz-Expires should be a number$/);
  });

  it("refuses a presigned URL with X-Amz-Content-Sha256 twice, in any letter case", async () => {
    const head = await presigned({ method: "PUT" });
    expect(head.query).toContain("x-amz-content-sha256=UNSIGNED-PAYLOAD");
    expectRejected({ ...head, query: `${head.query}&X-Amz-Content-Sha256=${"a".repeat(64)}` }, "AuthorizationQueryParametersError", /^The query parameter X-Amz-Content-Sha256 appears more than once\.$/);
  });
});
