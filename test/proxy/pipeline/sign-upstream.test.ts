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
];

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
        headers: Object.fromEntries(Object.entries(signed.headers).filter(([h]) => h !== "authorization")),
      }),
      { signingDate: now, unsignableHeaders: new Set(["content-length"]) },
    );
    expect(signed.headers.authorization).toBe(reference.headers.authorization);
    expect(verifyRequest({ method, path: path ?? "", query: qs ?? "", headers: signed.headers }, { credentials, now, maxClockSkewMs: 900_000 }).accessKeyId).toBe("AKIDUPSTREAM");
  });

  it("puts an empty sub-resource on the wire without '='", () => {
    const signed = signUpstreamRequest({ method: "POST", host: "h", bucket: "b", key: "k", query: [["uploads", ""]], headers: {}, payloadHash: EMPTY_SHA256, credentials, region: "us-east-1", now });
    expect(signed.path).toBe("/b/k?uploads");
  });
});
