/**
 * A tiny HTTP server on 127.0.0.1 (port 0) that records every request exactly as it arrived (raw path and query,
 * headers, body) and answers just enough for the AWS SDK to be satisfied. Used to obtain real SDK signatures.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { RequestHead } from "../../proxy/src/auth/request-head.ts";

/** One recorded request. */
export interface CapturedRequest {
  readonly head: RequestHead;
  readonly body: Buffer;
}

/** A running capture server. */
export interface CaptureServer {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly requests: CapturedRequest[];
  close(): Promise<void>;
}

/** The RequestHead of a Node request, as the proxy pipeline builds it. */
export function headOf(req: IncomingMessage): RequestHead {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  return {
    method: req.method ?? "GET",
    path: q === -1 ? url : url.slice(0, q),
    query: q === -1 ? "" : url.slice(q + 1),
    headers,
  };
}

function answer(head: RequestHead, res: ServerResponse): void {
  res.setHeader("x-amz-request-id", "capture");
  if (head.method === "POST" && /(^|&)uploads(=|&|$)/.test(head.query)) {
    res.setHeader("content-type", "application/xml");
    res.end("<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>upload-1</UploadId></InitiateMultipartUploadResult>");
    return;
  }
  if (head.method === "GET" && /(^|&)list-type=2/.test(head.query)) {
    res.setHeader("content-type", "application/xml");
    res.end("<ListBucketResult><Name>b</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>");
    return;
  }
  res.setHeader("etag", '"0123456789abcdef0123456789abcdef"');
  res.statusCode = head.method === "DELETE" ? 204 : 200;
  res.end();
}

/** Starts a capture server; read `endpoint` for its port. */
export async function startCaptureServer(): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const head = headOf(req);
      requests.push({ head, body: Buffer.concat(chunks) });
      answer(head, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
