/**
 * A raw SigV4 client for the proxy tests: signs requests with @smithy/signature-v4 (an independent signer, not the
 * proxy's), presigns URLs, encodes aws-chunked bodies in both streaming modes (STREAMING-AWS4-HMAC-SHA256-PAYLOAD
 * with chained chunk signatures, STREAMING-UNSIGNED-PAYLOAD-TRAILER with a checksum trailer) and sends requests
 * with node:http so every header and byte on the wire is under the test's control.
 */
import { createHash, createHmac } from "node:crypto";
import http from "node:http";
import { Readable } from "node:stream";
import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { S3RequestPresigner } from "@aws-sdk/s3-request-presigner";
import type { Credentials } from "../../proxy/src/types.ts";

export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

export interface SignInput {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly method: string;
  /** Percent-encoded path, e.g. `/bucket/a%20b`. */
  readonly path: string;
  /** Decoded query parameters. */
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  /** x-amz-content-sha256. @default "UNSIGNED-PAYLOAD" */
  readonly payloadHash?: string;
  readonly credentials: Credentials;
  /** @default "us-east-1" */
  readonly region?: string;
  /** @default - now */
  readonly date?: Date;
}

export interface SignedRequest {
  /** Path and query as sent. */
  readonly path: string;
  readonly headers: Record<string, string>;
}

function signer(credentials: Credentials, region: string): SignatureV4 {
  return new SignatureV4({
    credentials,
    region,
    service: "s3",
    sha256: Hash.bind(null, "sha256"),
    uriEscapePath: false,
    applyChecksum: false,
  });
}

/** RFC 3986 percent-encoding, as SigV4 canonical query strings use it. */
export function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function queryString(query: Record<string, string | string[] | null> | undefined): string {
  const entries = Object.entries(query ?? {}).flatMap(([k, v]) =>
    v === null ? [[k, ""] as const] : Array.isArray(v) ? v.map((x) => [k, x] as const) : [[k, v] as const],
  );
  return entries.map(([k, v]) => (v === "" ? rfc3986(k) : `${rfc3986(k)}=${rfc3986(v)}`)).join("&");
}

/** Signs a request with the Authorization header. */
export async function signRequest(input: SignInput): Promise<SignedRequest> {
  const url = new URL(input.endpoint);
  const request = new HttpRequest({
    method: input.method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: input.path,
    query: input.query ?? {},
    headers: {
      host: url.host,
      "x-amz-content-sha256": input.payloadHash ?? "UNSIGNED-PAYLOAD",
      ...input.headers,
    },
  });
  const signed = await signer(input.credentials, input.region ?? "us-east-1").sign(request, { signingDate: input.date ?? new Date() });
  const qs = queryString(input.query);
  return { path: qs === "" ? input.path : `${input.path}?${qs}`, headers: signed.headers as Record<string, string> };
}

/** A presigned URL (query auth), made by the AWS SDK's S3 presigner (UNSIGNED-PAYLOAD, like every S3 presigner). */
export async function presignUrl(input: SignInput & { readonly expiresIn: number }): Promise<string> {
  const url = new URL(input.endpoint);
  const request = new HttpRequest({
    method: input.method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: input.path,
    query: input.query ?? {},
    headers: { host: url.host, ...input.headers },
  });
  const presigner = new S3RequestPresigner({ credentials: input.credentials, region: input.region ?? "us-east-1", sha256: Hash.bind(null, "sha256") });
  const presigned = await presigner.presign(request, {
    expiresIn: input.expiresIn,
    signingDate: input.date ?? new Date(),
  });
  return `${input.endpoint}${input.path}?${queryString(presigned.query as Record<string, string>)}`;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Sends one request and reads the whole response. */
export function sendRaw(
  endpoint: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer | Readable,
): Promise<RawResponse> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const request = http.request(
      { hostname: url.hostname, port: Number(url.port), method, path, headers, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    if (body instanceof Readable) body.pipe(request);
    else request.end(body);
  });
}

/** Signs (header auth) and sends. `body` Buffers get a Content-Length. */
export async function signedSend(input: SignInput & { readonly body?: Buffer }): Promise<RawResponse> {
  const headers = { ...input.headers };
  if (input.body !== undefined) headers["content-length"] = String(input.body.length);
  const signed = await signRequest({ ...input, headers });
  return sendRaw(input.endpoint, input.method, signed.path, signed.headers, input.body);
}

/** The SigV4 signing key for `date` (YYYYMMDD). */
export function signingKey(secretAccessKey: string, date: string, region: string): Buffer {
  const h = (key: string | Buffer, data: string): Buffer => createHmac("sha256", key).update(data).digest();
  return h(h(h(h(`AWS4${secretAccessKey}`, date), region), "s3"), "aws4_request");
}

function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** x-amz-date form of `date`. */
export function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

export interface StreamingSignedBody {
  readonly headers: Record<string, string>;
  readonly path: string;
  readonly body: Buffer;
}

/**
 * A complete STREAMING-AWS4-HMAC-SHA256-PAYLOAD request: headers signed with @smithy/signature-v4, then the body
 * encoded as aws-chunked with each chunk's signature chained from the seed signature. `tamper` flips a byte of
 * the encoded data of chunk `tamper.chunk` after signing (to test that a bad chunk is never committed). With
 * `trailer`, the request is STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: the final chunk is followed by the trailer
 * and its `x-amz-trailer-signature` (chained from the final chunk's signature).
 */
export async function streamingSignedRequest(input: {
  readonly endpoint: string;
  readonly path: string;
  readonly data: Buffer;
  readonly chunkSize: number;
  readonly credentials: Credentials;
  readonly region?: string;
  readonly date?: Date;
  readonly headers?: Record<string, string>;
  readonly tamper?: { readonly chunk: number };
  readonly trailer?: { readonly name: string; readonly value: string };
}): Promise<StreamingSignedBody> {
  const region = input.region ?? "us-east-1";
  const date = input.date ?? new Date();
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < input.data.length; offset += input.chunkSize) {
    chunks.push(input.data.subarray(offset, offset + input.chunkSize));
  }
  chunks.push(Buffer.alloc(0));
  const headerOf = (size: number): number => `${size.toString(16)};chunk-signature=${"0".repeat(64)}\r\n`.length + size + 2;
  const trailerLines = input.trailer === undefined ? "" : `${input.trailer.name}:${input.trailer.value}\r\nx-amz-trailer-signature:${"0".repeat(64)}\r\n`;
  const encodedLength = chunks.reduce((sum, chunk) => sum + headerOf(chunk.length), 0) + trailerLines.length;
  const signed = await signRequest({
    endpoint: input.endpoint,
    method: "PUT",
    path: input.path,
    payloadHash: input.trailer === undefined ? "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" : "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
    credentials: input.credentials,
    region,
    date,
    headers: {
      "content-encoding": "aws-chunked",
      "x-amz-decoded-content-length": String(input.data.length),
      "content-length": String(encodedLength),
      ...(input.trailer === undefined ? {} : { "x-amz-trailer": input.trailer.name }),
      ...input.headers,
    },
  });
  const seed = /Signature=([0-9a-f]{64})/.exec(signed.headers.authorization ?? "")?.[1];
  if (seed === undefined) throw new Error("no seed signature in the Authorization header");
  const stamp = amzDate(date);
  const scope = `${stamp.slice(0, 8)}/${region}/s3/aws4_request`;
  const key = signingKey(input.credentials.secretAccessKey, stamp.slice(0, 8), region);
  let previous = seed;
  const encoded: Buffer[] = [];
  chunks.forEach((chunk, index) => {
    const stringToSign = ["AWS4-HMAC-SHA256-PAYLOAD", stamp, scope, previous, EMPTY_SHA256, sha256Hex(chunk)].join("\n");
    const signature = createHmac("sha256", key).update(stringToSign).digest("hex");
    previous = signature;
    const data = Buffer.from(chunk);
    if (input.tamper?.chunk === index && data.length > 0) data[0] = (data[0] ?? 0) ^ 0xff;
    const last = index === chunks.length - 1;
    encoded.push(Buffer.from(`${chunk.length.toString(16)};chunk-signature=${signature}\r\n`), data);
    if (last && input.trailer !== undefined) {
      const canonical = `${input.trailer.name}:${input.trailer.value}\n`;
      const toSign = ["AWS4-HMAC-SHA256-TRAILER", stamp, scope, signature, sha256Hex(canonical)].join("\n");
      const trailerSignature = createHmac("sha256", key).update(toSign).digest("hex");
      encoded.push(Buffer.from(`${input.trailer.name}:${input.trailer.value}\r\nx-amz-trailer-signature:${trailerSignature}\r\n`));
    }
    encoded.push(Buffer.from("\r\n"));
  });
  return { headers: signed.headers, path: signed.path, body: Buffer.concat(encoded) };
}

/**
 * A STREAMING-UNSIGNED-PAYLOAD-TRAILER request (what the AWS SDK sends for stream bodies): plain aws-chunked
 * chunks, then the `x-amz-checksum-<alg>` trailer with `trailerValue`.
 */
export async function unsignedTrailerRequest(input: {
  readonly endpoint: string;
  readonly path: string;
  readonly data: Buffer;
  readonly chunkSize: number;
  readonly trailerName: string;
  readonly trailerValue: string;
  readonly credentials: Credentials;
  readonly headers?: Record<string, string>;
}): Promise<StreamingSignedBody> {
  const encoded: Buffer[] = [];
  for (let offset = 0; offset < input.data.length; offset += input.chunkSize) {
    const chunk = input.data.subarray(offset, offset + input.chunkSize);
    encoded.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n"));
  }
  encoded.push(Buffer.from(`0\r\n${input.trailerName}:${input.trailerValue}\r\n\r\n`));
  const body = Buffer.concat(encoded);
  const signed = await signRequest({
    endpoint: input.endpoint,
    method: "PUT",
    path: input.path,
    payloadHash: "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
    credentials: input.credentials,
    headers: {
      "content-encoding": "aws-chunked",
      "x-amz-decoded-content-length": String(input.data.length),
      "x-amz-trailer": input.trailerName,
      "content-length": String(body.length),
      ...input.headers,
    },
  });
  return { headers: signed.headers, path: signed.path, body };
}
