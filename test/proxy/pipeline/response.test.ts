/**
 * The response to the client (proxy/src/pipeline/response.ts): which upstream headers reach the client and what the
 * proxy adds, and the proxy's own XML error documents, on stand-ins for the upstream response and the client's
 * response, against hand-written values. Through the proxy's server: server.test.ts, security.test.ts.
 */
import type http from "node:http";
import { describe, expect, it } from "vitest";
import { S3Error } from "../../../proxy/src/errors.ts";
import { sendClientError, sendS3Error, successHeaders, type ResponseDecoration } from "../../../proxy/src/pipeline/response.ts";

const NONE: ResponseDecoration = { sse: undefined, checksums: undefined, checksumAlgorithm: undefined, checksumType: undefined };
const upstream = (headers: http.IncomingHttpHeaders) => ({ headers }) as http.IncomingMessage;

/** A client response as far as the error writers use it, recording what they do. */
function clientResponse(headersSent = false) {
  const record: { status?: number; headers?: http.OutgoingHttpHeaders; body?: Buffer | undefined; ended: boolean; destroyed: boolean } = { ended: false, destroyed: false };
  const res = {
    headersSent,
    writeHead(status: number, headers: http.OutgoingHttpHeaders) {
      record.status = status;
      record.headers = headers;
      return res;
    },
    end(body?: Buffer) {
      record.body = body;
      record.ended = true;
      return res;
    },
    destroy() {
      record.destroyed = true;
      return res;
    },
  };
  return { res: res as unknown as http.ServerResponse, record };
}

describe("successHeaders", () => {
  it("copies the upstream's end-to-end headers and leaves out every hop-by-hop one (and adds no header it has no value for)", () => {
    const hopByHop = ["connection", "keep-alive", "proxy-authenticate", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"];
    const headers = successHeaders(
      upstream({ etag: '"e"', "content-length": "5", "x-amz-checksum-crc32": "AAAAAA==", "x-absent": undefined, ...Object.fromEntries(hopByHop.map((h) => [h, "x"])) }),
      NONE,
      false,
    );
    expect(headers).toStrictEqual({ etag: '"e"', "content-length": "5", "x-amz-checksum-crc32": "AAAAAA==" });
  });

  it("drops Content-Length only when the body is rewritten", () => {
    expect(successHeaders(upstream({ etag: '"e"', "content-length": "5" }), NONE, true)).toStrictEqual({ etag: '"e"' });
  });

  it("reports the body's own checksums instead of the upstream's, and echoes the SSE, the algorithm and the type", () => {
    const headers = successHeaders(
      upstream({ etag: '"e"', "x-amz-checksum-crc32": "upstream", "x-amz-checksum-sha256": "upstream", "x-amz-server-side-encryption": "aws:kms" }),
      { sse: "AES256", checksums: new Map([["CRC32C", "crc32c-value"], ["SHA1", "sha1-value"]]), checksumAlgorithm: "CRC32C", checksumType: "FULL_OBJECT" },
      false,
    );
    expect(headers).toStrictEqual({
      etag: '"e"',
      "x-amz-server-side-encryption": "AES256",
      "x-amz-checksum-crc32c": "crc32c-value",
      "x-amz-checksum-sha1": "sha1-value",
      "x-amz-checksum-algorithm": "CRC32C",
      "x-amz-checksum-type": "FULL_OBJECT",
    });
  });

  it("keeps the upstream's SSE and checksum headers when the proxy has nothing of its own to say", () => {
    expect(successHeaders(upstream({ "x-amz-server-side-encryption": "AES256", "x-amz-checksum-crc32": "c" }), NONE, false)).toStrictEqual({
      "x-amz-server-side-encryption": "AES256",
      "x-amz-checksum-crc32": "c",
    });
  });
});

describe("sendS3Error and sendClientError", () => {
  const xml = (code: string, message: string) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><Resource>/b/k</Resource><RequestId>req-1</RequestId></Error>`;

  it("sends the proxy's own error as an XML document with its status, its headers, the request id and its length", () => {
    const { res, record } = clientResponse();
    sendS3Error(res, "PUT", new S3Error("SlowDown", "Slow down.", { "retry-after": "1" }), "/b/k", "req-1", false);
    const body = xml("SlowDown", "Slow down.");
    expect(record).toEqual({
      status: 503,
      headers: { "retry-after": "1", "content-type": "application/xml", "content-length": Buffer.byteLength(body), "x-amz-request-id": "req-1" },
      body: Buffer.from(body),
      ended: true,
      destroyed: false,
    });
  });

  it("sends a translated upstream error with the caller's headers, asks to close the connection when told, and sends no body to HEAD", () => {
    const { res, record } = clientResponse();
    sendClientError(res, "HEAD", { status: 404, code: "NoSuchKey", message: "The specified key does not exist." }, "/b/k", "req-1", { "x-extra": "1" }, true);
    expect(record).toEqual({
      status: 404,
      headers: {
        "x-extra": "1",
        "content-type": "application/xml",
        "content-length": Buffer.byteLength(xml("NoSuchKey", "The specified key does not exist.")),
        "x-amz-request-id": "req-1",
        connection: "close",
      },
      body: undefined,
      ended: true,
      destroyed: false,
    });
  });

  it("cuts the connection instead when the response has already started", () => {
    const { res, record } = clientResponse(true);
    sendS3Error(res, "GET", new S3Error("InternalError", "x"), "/b/k", "req-1", false);
    expect(record).toEqual({ ended: false, destroyed: true });
  });
});
