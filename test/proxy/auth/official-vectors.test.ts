import { describe, expect, it } from "vitest";
import { canonicalHeaders } from "../../../proxy/src/auth/canonical-headers.ts";
import { canonicalQuery } from "../../../proxy/src/auth/canonical-query.ts";
import { canonicalRequest, sha256Hex, stringToSign } from "../../../proxy/src/auth/canonical-request.ts";
import { canonicalUriCandidates } from "../../../proxy/src/auth/canonical-uri.ts";
import { parseQuery } from "../../../proxy/src/auth/query-params.ts";
import { deriveSigningKey, signatureHex } from "../../../proxy/src/auth/signing-key.ts";
import { verifyRequest } from "../../../proxy/src/auth/verify-request.ts";
import { SUITE, SUITE_VECTORS } from "../../fixtures/sigv4/aws-sigv4-test-suite.ts";
import { S3_CHUNKED_EXAMPLE, S3_EXAMPLE, S3_HEADER_EXAMPLES, S3_PRESIGNED_EXAMPLE } from "../../fixtures/sigv4/s3-examples.ts";

const s3Options = {
  credentials: { accessKeyId: S3_EXAMPLE.accessKeyId, secretAccessKey: S3_EXAMPLE.secretAccessKey },
  now: S3_EXAMPLE.now,
  maxClockSkewMs: 900_000,
};

describe("official AWS SigV4 test-suite vectors (canonical request, string to sign, key, signature)", () => {
  const key = deriveSigningKey(SUITE.secretAccessKey, SUITE.date, SUITE.region, SUITE.service);
  const scope = `${SUITE.date}/${SUITE.region}/${SUITE.service}/aws4_request`;

  for (const vector of SUITE_VECTORS) {
    it(vector.name, () => {
      const headers: Record<string, string> = { host: "example.amazonaws.com", "x-amz-date": SUITE.amzDate, ...vector.headers };
      const signed = Object.keys(headers).sort();
      const canonical = canonicalRequest({
        method: vector.method,
        canonicalUri: canonicalUriCandidates(vector.path)[0] ?? "",
        canonicalQuery: canonicalQuery(parseQuery(vector.query)),
        canonicalHeaders: canonicalHeaders(headers, signed),
        signedHeaders: signed.join(";"),
        payloadHash: sha256Hex(vector.body ?? ""),
      });
      expect(signatureHex(key, stringToSign(SUITE.amzDate, scope, canonical))).toBe(vector.signature);
    });
  }

  it("derives the documented signing key for 20120215/us-east-1/iam", () => {
    // AWS General Reference, "Examples of how to derive a signing key for Signature Version 4".
    const derived = deriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
    expect(derived.toString("hex")).toBe("f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
  });
});

describe("Amazon S3 API Reference SigV4 examples through verifyRequest", () => {
  for (const example of S3_HEADER_EXAMPLES) {
    it(`accepts the documented ${example.name} request`, () => {
      const verified = verifyRequest(example, s3Options);
      expect(verified.auth).toBe("header");
      expect(verified.seedSignature).toBe(example.signature);
      expect(verified.scope.value).toBe("20130524/us-east-1/s3/aws4_request");
    });
  }

  it("accepts the documented presigned GET (86400 s)", () => {
    const verified = verifyRequest(S3_PRESIGNED_EXAMPLE, { ...s3Options, now: new Date("2013-05-24T12:00:00Z") });
    expect(verified.auth).toBe("presigned");
    expect(verified.payload).toEqual({ kind: "unsigned" });
    expect(verified.expiresAt?.toISOString()).toBe("2013-05-25T00:00:00.000Z");
  });

  it("accepts the documented aws-chunked upload's headers and returns its seed signature", () => {
    const verified = verifyRequest(S3_CHUNKED_EXAMPLE.head, s3Options);
    expect(verified.payload).toEqual({ kind: "streaming-signed" });
    expect(verified.decodedContentLength).toBe(66560);
    expect(verified.seedSignature).toBe(S3_CHUNKED_EXAMPLE.seedSignature);
  });

  it("rejects the documented PUT Object with one byte of its payload hash changed", () => {
    const example = S3_HEADER_EXAMPLES[1]!;
    const head = { ...example, headers: { ...example.headers, "x-amz-content-sha256": `${"0"}${example.headers["x-amz-content-sha256"]!.slice(1)}` } };
    expect(() => verifyRequest(head, s3Options)).toThrow(expect.objectContaining({ code: "SignatureDoesNotMatch" }));
  });
});
