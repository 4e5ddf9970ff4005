import { describe, expect, it } from "vitest";
import { formatAmzDate, parseAmzDate, parseHttpDate } from "../../../proxy/src/auth/amz-date.ts";
import { parseChunkHeader } from "../../../proxy/src/auth/chunk-header.ts";
import { parseCredential, scopeOf } from "../../../proxy/src/auth/credential-scope.ts";
import { parseAuthorization } from "../../../proxy/src/auth/parse-authorization.ts";
import { parseSignedHeaders } from "../../../proxy/src/auth/signed-headers.ts";
import { signatureEquals } from "../../../proxy/src/auth/signature-equals.ts";

const SIG = "a".repeat(64);

describe("parseAuthorization", () => {
  it("reads the three components with and without spaces after the commas, in any order", () => {
    for (const value of [
      `AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=${SIG}`,
      `AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;x-amz-date,Signature=${SIG}`,
      `AWS4-HMAC-SHA256 Signature=${SIG}, SignedHeaders=host;x-amz-date, Credential=AK/20130524/us-east-1/s3/aws4_request`,
    ]) {
      expect(parseAuthorization(value)).toEqual({ credential: "AK/20130524/us-east-1/s3/aws4_request", signedHeaders: "host;x-amz-date", signature: SIG });
    }
  });

  it("refuses other schemes with InvalidRequest", () => {
    expect(() => parseAuthorization("AWS AK:sig")).toThrow(expect.objectContaining({ code: "InvalidRequest" }));
    expect(() => parseAuthorization("AWS4-ECDSA-P256-SHA256 Credential=x")).toThrow(expect.objectContaining({ code: "InvalidRequest" }));
    expect(() => parseAuthorization("Bearer token")).toThrow(expect.objectContaining({ code: "InvalidRequest" }));
    // The scheme is the whole first word: a prefix or an extension of it is another scheme.
    expect(() => parseAuthorization(`AWS4-HMAC-SHA256X Credential=AK/20130524/us-east-1/s3/aws4_request`)).toThrow(
      expect.objectContaining({ code: "InvalidRequest", message: "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256." }),
    );
  });

  it("ignores white space around the header value", () => {
    const value = `  AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=${SIG}\t `;
    expect(parseAuthorization(value)).toEqual({ credential: "AK/20130524/us-east-1/s3/aws4_request", signedHeaders: "host", signature: SIG });
  });

  it("fails with AuthorizationHeaderMalformed naming the component that is missing, repeated, unknown or not name=value", () => {
    const credential = "Credential=AK/20130524/us-east-1/s3/aws4_request";
    const cases: [string, string][] = [
      [`${credential}, SignedHeaders=host`, "it needs Credential, SignedHeaders and Signature."],
      [`SignedHeaders=host, Signature=${SIG}`, "it needs Credential, SignedHeaders and Signature."],
      [`${credential}, Signature=${SIG}`, "it needs Credential, SignedHeaders and Signature."],
      [`${credential}, SignedHeaders=host, Signature=${SIG}, Signature=${SIG}`, "the component 'Signature' appears more than once."],
      [`${credential}, ${credential}, SignedHeaders=host, Signature=${SIG}`, "the component 'Credential' appears more than once."],
      [`${credential}, SignedHeaders=host, Signature=${SIG}, Expires=60`, "unknown component 'Expires'."],
      [`${credential}, signedheaders=host, Signature=${SIG}`, "unknown component 'signedheaders'."],
      [`${credential}, SignedHeaders=host, =${SIG}`, `the component '=${SIG}' is not of the form name=value.`],
      [`${credential}, SignedHeaders=host, Signature`, "the component 'Signature' is not of the form name=value."],
      [`${credential},, SignedHeaders=host, Signature=${SIG}`, "the component '' is not of the form name=value."],
    ];
    for (const [components, detail] of cases) {
      expect(() => parseAuthorization(`AWS4-HMAC-SHA256 ${components}`), components).toThrow(
        expect.objectContaining({ code: "AuthorizationHeaderMalformed", message: `The authorization header is malformed; ${detail}` }),
      );
    }
    // The scheme alone: its one "component" is the scheme itself.
    expect(() => parseAuthorization("AWS4-HMAC-SHA256")).toThrow(
      expect.objectContaining({ code: "AuthorizationHeaderMalformed", message: "The authorization header is malformed; the component 'AWS4-HMAC-SHA256' is not of the form name=value." }),
    );
  });

  it("keeps everything after the first '=' of a component as its value", () => {
    const parsed = parseAuthorization(`AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=ab=cd`);
    expect(parsed.signature).toBe("ab=cd");
  });
});

describe("parseCredential", () => {
  it("splits a credential into its parts", () => {
    const credential = parseCredential("AKID/20130524/us-east-1/s3/aws4_request");
    expect(credential).toEqual({ accessKeyId: "AKID", date: "20130524", region: "us-east-1", service: "s3", terminator: "aws4_request" });
    expect(scopeOf(credential!)).toBe("20130524/us-east-1/s3/aws4_request");
  });

  it("rejects wrong part counts, empty parts, bad dates and odd regions", () => {
    for (const value of ["AKID/20130524/us-east-1/s3", "/20130524/us-east-1/s3/aws4_request", "AKID/2013-05-24/us-east-1/s3/aws4_request", "AKID/20130524/us east/s3/aws4_request", "AKID/20130524/us-east-1/s3/aws4_request/x", "AKID/x20130524/us-east-1/s3/aws4_request", "AKID/201305240/us-east-1/s3/aws4_request"]) {
      expect(parseCredential(value), value).toBeUndefined();
    }
  });
});

describe("amz dates", () => {
  it("round-trips a timestamp", () => {
    const date = parseAmzDate("20130524T000000Z");
    expect(date?.toISOString()).toBe("2013-05-24T00:00:00.000Z");
    expect(formatAmzDate(date!)).toBe("20130524T000000Z");
  });

  it("rejects out-of-range fields and other formats", () => {
    for (const value of ["20131324T000000Z", "20130230T000000Z", "20130524T250000Z", "2013-05-24T00:00:00Z", "20130524T000000", "20130524"]) {
      expect(parseAmzDate(value), value).toBeUndefined();
    }
  });

  it("reads RFC 7231 Date headers only in GMT", () => {
    expect(parseHttpDate("Fri, 24 May 2013 00:00:00 GMT")?.toISOString()).toBe("2013-05-24T00:00:00.000Z");
    expect(parseHttpDate("2013-05-24T00:00:00+02:00")).toBeUndefined();
    expect(parseHttpDate("not a date GMT")).toBeUndefined();
    // GMT must end the value (white space around it aside): an offset after it is another zone.
    expect(parseHttpDate(" Fri, 24 May 2013 00:00:00 GMT \t")?.toISOString()).toBe("2013-05-24T00:00:00.000Z");
    expect(parseHttpDate("Fri, 24 May 2013 00:00:00 GMT+0200")).toBeUndefined();
  });
});

describe("parseSignedHeaders", () => {
  it("accepts a ;-separated list of lower-case names", () => {
    expect(parseSignedHeaders("host;x-amz-content-sha256;x-amz-date")).toEqual(["host", "x-amz-content-sha256", "x-amz-date"]);
  });

  it("rejects empty lists, empty names and upper case", () => {
    for (const value of ["", "host;;x-amz-date", "Host;x-amz-date", "host;x amz"]) expect(parseSignedHeaders(value), value).toBeUndefined();
  });
});

describe("parseChunkHeader", () => {
  it("reads hex sizes and the chunk signature", () => {
    expect(parseChunkHeader(`10000;chunk-signature=${SIG}`, true)).toEqual({ size: 65536, signature: SIG });
    expect(parseChunkHeader("0", false)).toEqual({ size: 0, signature: undefined });
    expect(parseChunkHeader("aB", false)).toEqual({ size: 171, signature: undefined });
  });

  it("ignores extensions of unsigned chunks", () => {
    expect(parseChunkHeader("4;foo=bar", false)).toEqual({ size: 4, signature: undefined });
  });

  it("rejects bad sizes, and signed chunks without exactly one well-formed signature", () => {
    for (const [line, signed] of [["", false], ["-1", false], ["0x10", false], ["1".repeat(17), false], ["10", true], [`10;chunk-signature=${SIG.toUpperCase()}`, true], [`10;chunk-signature=${SIG};x=1`, true], ["10;chunk-signature=abc", true]] as const) {
      expect(() => parseChunkHeader(line, signed), line).toThrow(expect.objectContaining({ code: "InvalidRequest" }));
    }
  });
});

describe("parseChunkHeader: messages", () => {
  const long = `${"1".repeat(8)};${"x".repeat(120)}`;

  it("quotes at most 100 characters of a bad size line", () => {
    expect(() => parseChunkHeader(`zz${"q".repeat(120)}`, false)).toThrow(
      expect.objectContaining({ code: "InvalidRequest", message: `Malformed aws-chunked body: bad chunk size line 'zz${"q".repeat(98)}'.` }),
    );
  });

  it("refuses a 16-digit size beyond the largest safe integer, quoting it", () => {
    expect(parseChunkHeader("1fffffffffffff", false).size).toBe(2 ** 53 - 1);
    expect(() => parseChunkHeader("1".repeat(16), false)).toThrow(
      expect.objectContaining({ code: "InvalidRequest", message: `Malformed aws-chunked body: chunk size '${"1".repeat(16)}' is too large.` }),
    );
  });

  it("says a signed chunk lacks its signature, quoting at most 100 characters of the line", () => {
    expect(() => parseChunkHeader(long, true)).toThrow(
      expect.objectContaining({ message: `Malformed aws-chunked body: chunk size line '${long.slice(0, 100)}' lacks ';chunk-signature=<signature>'.` }),
    );
  });

  it("takes the signature only from an extension that is exactly chunk-signature=<64 hex>", () => {
    for (const extension of [`x-chunk-signature=${SIG}`, `chunk-signature=${SIG}0`]) {
      expect(() => parseChunkHeader(`10;${extension}`, true), extension).toThrow(expect.objectContaining({ code: "InvalidRequest" }));
    }
  });
});

describe("signatureEquals", () => {
  it("is true only for identical strings", () => {
    expect(signatureEquals(SIG, SIG)).toBe(true);
    expect(signatureEquals(SIG, `${SIG.slice(0, 63)}b`)).toBe(false);
    expect(signatureEquals(SIG, SIG.slice(1))).toBe(false);
    expect(signatureEquals(SIG, "")).toBe(false);
  });
});
