import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { describe, expect, it } from "vitest";
import { verifyRequest } from "../../../proxy/src/auth/index.ts";
import { EMPTY_SHA256, UNSIGNED_PAYLOAD, signUpstreamRequest } from "../../../proxy/src/pipeline/sign-upstream.ts";

const credentials = { accessKeyId: "AKIDUPSTREAM", secretAccessKey: "upstream/secret+key" };
const now = new Date("2026-11-23T03:00:00Z");

interface Case {
  readonly name: string;
  readonly method: string;
  readonly key: string;
  readonly query: [string, string][];
  readonly headers: Record<string, string>;
  readonly payloadHash: string;
}

const cases: Case[] = [
  { name: "a plain PUT", method: "PUT", key: "dir/file.bin", query: [], headers: { "content-type": "application/octet-stream", "content-length": "5" }, payloadHash: UNSIGNED_PAYLOAD },
  { name: "a key with spaces, unicode and reserved characters", method: "GET", key: "a b/ü+(1)*!'~.txt", query: [], headers: {}, payloadHash: EMPTY_SHA256 },
  { name: "sub-resources and repeated-looking query parameters", method: "PUT", key: "k", query: [["uploadId", "2~abc/def+="], ["partNumber", "10"]], headers: { "x-amz-meta-a": "  two  spaces " }, payloadHash: UNSIGNED_PAYLOAD },
  { name: "an empty-valued sub-resource", method: "POST", key: "k", query: [["uploads", ""]], headers: {}, payloadHash: EMPTY_SHA256 },
  // Sorted by name: the values run the other way, so an order taken from the values would show.
  { name: "three parameters out of order, values ordered the other way", method: "GET", key: "k", query: [["zeta", "a"], ["alpha", "z"], ["mid", "m"]], headers: {}, payloadHash: EMPTY_SHA256 },
  { name: "a metadata value with a tab and runs of spaces", method: "PUT", key: "k", query: [], headers: { "x-amz-meta-a": "a\tb  \t c", "content-length": "0" }, payloadHash: UNSIGNED_PAYLOAD },
  // Node hands header values over as latin1 (one character per byte on the wire): UTF-8 'é ü 日本' as its bytes.
  { name: "a non-ASCII (UTF-8) metadata value", method: "PUT", key: "k", query: [], headers: { "x-amz-meta-name": Buffer.from("é ü 日本", "utf8").toString("latin1") }, payloadHash: UNSIGNED_PAYLOAD },
  { name: "forwarded standard headers (cache-control, range, if-match)", method: "GET", key: "k", query: [], headers: { "cache-control": "no-cache", range: "bytes=0-9", "if-match": '"abc"' }, payloadHash: EMPTY_SHA256 },
];

/** The header values as a UTF-8 client (and @smithy/signature-v4) has them: the wire bytes decoded as UTF-8. */
function asUtf8(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, Buffer.from(value, "latin1").toString("utf8")]));
}

describe("signUpstreamRequest", () => {
  it.each(cases)("signs $name exactly like @smithy/signature-v4", async ({ method, key, query, headers, payloadHash }) => {
    const signed = signUpstreamRequest({ method, host: "127.0.0.1:7480", bucket: "bucket", key, query, headers, payloadHash, credentials, region: "us-east-1", now });
    const [path, qs] = signed.path.split("?");
    const reference = await new SignatureV4({ credentials, region: "us-east-1", service: "s3", sha256: Hash.bind(null, "sha256"), uriEscapePath: false, applyChecksum: false }).sign(
      new HttpRequest({
        method,
        hostname: "127.0.0.1",
        port: 7480,
        path,
        query: Object.fromEntries(query),
        headers: asUtf8(Object.fromEntries(Object.entries(signed.headers).filter(([h]) => h !== "authorization"))),
      }),
      // Every header the proxy sends is signed; smithy leaves a few out by default (cache-control, ...).
      { signingDate: now, signableHeaders: new Set(Object.keys(signed.headers)) },
    );
    expect(signed.headers.authorization).toBe(reference.headers.authorization);
    // What goes on the wire is what was signed: SigV4's normalized form of every value.
    for (const [name, value] of Object.entries(headers)) expect(signed.headers[name]).toBe(value.replace(/[ \t]+/g, " ").trim());
    expect(signed.headers.authorization).toContain(`SignedHeaders=${Object.keys(signed.headers).filter((h) => h !== "authorization").sort().join(";")},`);
    expect(verifyRequest({ method, path: path ?? "", query: qs ?? "", headers: signed.headers }, { credentials, now, maxClockSkewMs: 900_000 }).accessKeyId).toBe("AKIDUPSTREAM");
  });

  it("signs a request without a bucket for the root path", () => {
    const signed = signUpstreamRequest({ method: "GET", host: "h", bucket: undefined, key: undefined, query: [], headers: {}, payloadHash: EMPTY_SHA256, credentials, region: "us-east-1", now });
    expect(signed.path).toBe("/");
    expect(verifyRequest({ method: "GET", path: "/", query: "", headers: signed.headers }, { credentials, now, maxClockSkewMs: 900_000 }).accessKeyId).toBe("AKIDUPSTREAM");
  });

  it("puts the parameters on the wire sorted by name, as signed", () => {
    const signed = signUpstreamRequest({ method: "GET", host: "h", bucket: "b", key: "k", query: [["zeta", "a"], ["alpha", "z"], ["mid", "m"]], headers: {}, payloadHash: EMPTY_SHA256, credentials, region: "us-east-1", now });
    expect(signed.path).toBe("/b/k?alpha=z&mid=m&zeta=a");
  });

  it("puts an empty sub-resource on the wire without '='", () => {
    const signed = signUpstreamRequest({ method: "POST", host: "h", bucket: "b", key: "k", query: [["uploads", ""]], headers: {}, payloadHash: EMPTY_SHA256, credentials, region: "us-east-1", now });
    expect(signed.path).toBe("/b/k?uploads");
  });
});
