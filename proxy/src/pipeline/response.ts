/**
 * Stage 10: the response to the client. Copies the upstream's status and end-to-end headers, then makes the
 * upstream look like AWS: the body's `x-amz-checksum-<alg>` on PutObject/UploadPart, `x-amz-checksum-algorithm`
 * on CreateMultipartUpload, the SSE echo under S3PROXY_SSE=strip. Also writes the proxy's own S3 error documents.
 */
import type http from "node:http";
import { S3Error, s3ErrorXml } from "../errors.ts";
import { checksumHeaderName, type ChecksumAlgorithm } from "../checksum/index.ts";
import { clientErrorXml, type ClientError } from "./upstream-errors.ts";

const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-authenticate", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"]);

export interface ResponseDecoration {
  /** Value for `x-amz-server-side-encryption` (the SSE echo), if any. */
  readonly sse: string | undefined;
  /** Checksums of the uploaded body to report (PutObject, UploadPart). */
  readonly checksums: ReadonlyMap<ChecksumAlgorithm, string> | undefined;
  /** Algorithm to echo in `x-amz-checksum-algorithm` (CreateMultipartUpload). */
  readonly checksumAlgorithm: ChecksumAlgorithm | undefined;
  /** Value for `x-amz-checksum-type`: FULL_OBJECT on PutObject, COMPOSITE on CreateMultipartUpload, as AWS sends. */
  readonly checksumType: "FULL_OBJECT" | "COMPOSITE" | undefined;
}

/** The headers the client gets for a successful upstream response. `dropLength` when the body is rewritten. */
export function successHeaders(
  upstream: http.IncomingMessage,
  decoration: ResponseDecoration,
  dropLength: boolean,
): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || (dropLength && name === "content-length")) continue;
    if (decoration.checksums !== undefined && name.startsWith("x-amz-checksum-")) continue;
    headers[name] = value;
  }
  if (decoration.sse !== undefined) headers["x-amz-server-side-encryption"] = decoration.sse;
  for (const [algorithm, value] of decoration.checksums ?? []) headers[checksumHeaderName(algorithm)] = value;
  if (decoration.checksumAlgorithm !== undefined) headers["x-amz-checksum-algorithm"] = decoration.checksumAlgorithm;
  if (decoration.checksumType !== undefined) headers["x-amz-checksum-type"] = decoration.checksumType;
  return headers;
}

/** Sends one of the proxy's own errors as an S3 XML document (no body for HEAD). */
export function sendS3Error(res: http.ServerResponse, method: string, error: S3Error, resource: string, requestId: string, close: boolean): void {
  sendXmlError(res, method, error.status, s3ErrorXml(error, resource, requestId), { ...error.headers }, requestId, close);
}

/** Sends a translated upstream error as an S3 XML document (no body for HEAD). */
export function sendClientError(
  res: http.ServerResponse,
  method: string,
  error: ClientError,
  resource: string,
  requestId: string,
  extraHeaders: http.OutgoingHttpHeaders,
  close: boolean,
): void {
  sendXmlError(res, method, error.status, clientErrorXml(error, resource, requestId), extraHeaders, requestId, close);
}

function sendXmlError(
  res: http.ServerResponse,
  method: string,
  status: number,
  xml: string,
  extraHeaders: http.OutgoingHttpHeaders,
  requestId: string,
  close: boolean,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = Buffer.from(xml);
  res.writeHead(status, {
    ...extraHeaders,
    "content-type": "application/xml",
    "content-length": body.length,
    "x-amz-request-id": requestId,
    ...(close ? { connection: "close" } : {}),
  });
  res.end(method === "HEAD" ? undefined : body);
}
