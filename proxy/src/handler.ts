/**
 * Runs one S3 request through the pipeline stages (see ARCHITECTURE.md):
 * request-headers -> route -> authenticate -> authorize-bucket -> sse-policy -> checksum-policy -> (100 Continue)
 * -> request-body or small-body (body-deadline) -> upstream-request (-> xml-body / complete-multipart) -> response /
 * upstream-errors. Owns the timing between the body stream, the upstream request and the response: client aborts
 * abort the upstream request, slow bodies are cut off, upstream failures become S3 errors.
 */
import { createHash } from "node:crypto";
import type http from "node:http";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Admission } from "./admission.ts";
import { S3Error } from "./errors.ts";
import type { ProxyMetrics } from "./metrics.ts";
import { authenticate } from "./pipeline/authenticate.ts";
import { authorizeBucket } from "./pipeline/authorize-bucket.ts";
import type { ChunkedDecoder } from "./auth/index.ts";
import type { ChecksumAlgorithm } from "./checksum/index.ts";
import { planChecksums, type ChecksumPlan } from "./pipeline/checksum-policy.ts";
import { addCompositeToResult, rewriteCompleteRequest, type CompositeChecksum } from "./pipeline/complete-multipart.ts";
import { BodyCheck, BodyVerifier, upstreamBodyLength } from "./pipeline/request-body.ts";
import { sendClientError, sendS3Error, successHeaders } from "./pipeline/response.ts";
import { streamChain } from "./pipeline/stream-chain.ts";
import { watchBodyRate } from "./pipeline/body-deadline.ts";
import { normalizeRequestHeaders, upstreamHeaders } from "./pipeline/request-headers.ts";
import { planPayloadHash } from "./pipeline/payload-hash.ts";
import { parseRoute, type Route } from "./pipeline/route.ts";
import { EMPTY_SHA256 } from "./pipeline/sign-upstream.ts";
import { readSmallBody, readsWhole, type SmallBody } from "./pipeline/small-body.ts";
import { applySsePolicy } from "./pipeline/sse-policy.ts";
import { RETRY_AFTER_SECONDS, translateUpstreamError, upstreamFailure, type ClientError } from "./pipeline/upstream-errors.ts";
import { openUpstreamRequest } from "./pipeline/upstream-request.ts";
import { rewriteDeleteRequest, rewriteTaggingRequest } from "./pipeline/xml-body.ts";
import type { LogSink, ProxyOptions } from "./types.ts";

export interface ProxyContext {
  readonly options: ProxyOptions;
  readonly agent: http.Agent;
  /** A separate small pool for /readyz, so readiness is answerable while every request socket is busy. */
  readonly readinessAgent: http.Agent;
  readonly metrics: ProxyMetrics;
  readonly log: LogSink;
  /** The total bounds (admission.ts): the XML byte budget is taken here, once a request's XML length is known. */
  readonly admission: Admission;
}

/** Largest upstream error or CompleteMultipartUpload result document read into memory, in bytes. */
const MAX_UPSTREAM_DOCUMENT_BYTES = 1024 * 1024;

/** Operations whose (small) XML request body is read whole, parsed and re-serialized before it goes up. */
const XML_BODY_OPERATIONS = ["CompleteMultipartUpload", "DeleteObjects", "PutObjectTagging"];

/** Marks the client's connection as gone (aborted mid-request or mid-response). */
class ClientAbort extends Error {
  constructor() {
    super("the client closed the connection before the request completed");
    this.name = "ClientAbort";
  }
}

export async function handleS3Request(
  ctx: ProxyContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  requestId: string,
  expectContinue = false,
): Promise<void> {
  const started = process.hrtime.bigint();
  const method = req.method ?? "GET";
  const resource = (req.url ?? "/").split("?")[0] ?? "/";
  let operation = "Unknown";
  let bucket: string | undefined;
  let bytesIn = 0;
  let bytesOut = 0;
  let errorCode: string | undefined;
  let clientAborted = false;
  /** The upstream closed mid-response: the client's response was cut off (relayResponse). */
  let upstreamCut = false;
  res.on("close", () => {
    if (!res.writableFinished && !upstreamCut) {
      clientAborted = true;
      errorCode ??= "ClientAbort";
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const status = upstreamCut ? 502 : clientAborted && !res.writableFinished ? 499 : res.statusCode;
    ctx.metrics.recordRequest(operation, status, seconds);
    ctx.metrics.addBytes("in", bytesIn);
    ctx.metrics.addBytes("out", bytesOut);
    ctx.log({
      level: status >= 500 || status === 499 ? "warn" : "info",
      msg: clientAborted && status === 499 ? "client aborted" : "request",
      requestId,
      method,
      operation,
      bucket,
      status,
      errorCode,
      bytesIn,
      bytesOut,
      durationMs: Math.round(seconds * 1000),
    });
  });

  let upstream: http.ClientRequest | undefined;
  let bodySent = false;
  try {
    const headers = normalizeRequestHeaders(req.rawHeaders);
    const route = parseRoute(method, req.url ?? "/", headers["x-amz-copy-source"] !== undefined);
    operation = route.operation;
    bucket = route.bucket;
    const { verified, decoder } = authenticate(route, headers, ctx.options, new Date());
    authorizeBucket(route, ctx.options.buckets, headers);
    const sse = applySsePolicy(headers, ctx.options.sse);
    const payload = verified.payload;
    const length = upstreamBodyLength(method, headers, verified);
    const xmlBody = XML_BODY_OPERATIONS.includes(route.operation);
    const hasBody = length > 0 || method === "PUT" || method === "POST";
    const payloadHash = planPayloadHash(route.operation, payload, length, hasBody);
    const plan = planChecksums(route.operation, headers, "trailer" in payload ? payload.trailer : undefined, {
      upstreamChecksums: ctx.options.upstreamChecksums,
      ...(payloadHash.proxyVerifies === undefined && payload.kind === "sha256" ? { upstreamVerifiedSha256: payload.hex } : {}),
    });
    // GET, HEAD and DELETE without a body skip the body stages: the upstream request goes out at once.
    const bodiless =
      decoder === undefined &&
      length === 0 &&
      method !== "PUT" &&
      method !== "POST" &&
      headers["transfer-encoding"] === undefined &&
      plan.compute.length === 0;
    if (bodiless && payload.kind === "sha256" && payload.hex.toLowerCase() !== EMPTY_SHA256) {
      throw new S3Error("XAmzContentSHA256Mismatch");
    }
    const bodyChecks = { length, sha256Hex: payloadHash.proxyVerifies, checksums: plan };
    // A small plain body is read whole and checked before the upstream request opens (small-body.ts).
    const small = !bodiless && !xmlBody && decoder === undefined && readsWhole(length) ? new BodyCheck(bodyChecks) : undefined;
    const verifier = bodiless || small !== undefined ? undefined : new BodyVerifier(bodyChecks);
    const stages: Transform[] = verifier === undefined ? [] : decoder === undefined ? [verifier] : [decoder, verifier];
    const first = stages[0];
    const forward = upstreamHeaders(headers, sse.dropHeaders, ctx.options.upstreamChecksums);
    if (xmlBody && length > ctx.options.maxXmlBodyBytes) {
      throw new S3Error("MaxMessageLengthExceeded", `The XML document is larger than ${ctx.options.maxXmlBodyBytes} bytes.`);
    }
    if (xmlBody) {
      const release = ctx.admission.tryReserveXml(length);
      if (release === undefined) {
        throw new S3Error("SlowDown", "The proxy is reading as many XML request bodies as it allows; retry shortly.", {
          "retry-after": String(RETRY_AFTER_SECONDS),
        });
      }
      res.once("close", release);
    }
    // Everything that can refuse the request without its body has run: only now is the body invited.
    if (expectContinue) res.writeContinue();
    req.on("data", (chunk: Buffer) => {
      bytesIn += chunk.length;
    });
    req.on("error", () => {
      clientAborted = true;
      first?.destroy(new ClientAbort());
    });
    req.on("close", () => {
      if (!req.complete) {
        clientAborted = true;
        first?.destroy(new ClientAbort());
      }
    });
    if (first !== undefined) {
      watchBodyRate(req, ctx.options, (error) => first.destroy(error));
      req.pipe(first);
    }
    const smallBody = small === undefined ? undefined : readSmallBody(req, small, ctx.options, () => new ClientAbort());
    let smallRead: SmallBody | undefined;

    /** The re-signed upstream request with `payloadHash` and, when it carries a body, `contentLength`. */
    const openUpstream = (payloadHash: string, contentLength: number | undefined): http.ClientRequest =>
      openUpstreamRequest({ options: ctx.options, agent: ctx.agent, route, headers: forward, payloadHash, contentLength });
    let composite: CompositeChecksum | undefined;
    let bodyDone: Promise<void>;
    let streamed = false;
    if (xmlBody) {
      const xml = (await readAll(pipelineToBuffer(stages, ctx.options.maxXmlBodyBytes))).toString("utf8");
      let body: Buffer;
      if (route.operation === "CompleteMultipartUpload") {
        const rewritten = rewriteCompleteRequest(xml, ctx.options.upstreamChecksums === "passthrough");
        composite = rewritten.composite;
        body = Buffer.from(rewritten.body);
      } else {
        body = Buffer.from(route.operation === "DeleteObjects" ? rewriteDeleteRequest(xml) : rewriteTaggingRequest(xml));
        forward["content-md5"] = createHash("md5").update(body).digest("base64");
      }
      forward["content-type"] = "application/xml";
      upstream = openUpstream(createHash("sha256").update(body).digest("hex"), body.length);
      upstream.end(body);
      bodyDone = Promise.resolve();
    } else if (smallBody !== undefined) {
      smallRead = await smallBody;
      upstream = openUpstream(payloadHash.upstream, hasBody ? length : undefined);
      upstream.end(smallRead.body);
      bodyDone = Promise.resolve();
    } else if (first === undefined) {
      upstream = openUpstream(EMPTY_SHA256, undefined);
      upstream.end();
      bodyDone = Promise.resolve();
    } else {
      upstream = openUpstream(payloadHash.upstream, hasBody ? length : undefined);
      bodyDone = streamChain(first, stages.slice(1), upstream);
      streamed = true;
    }
    bodyDone.catch(() => undefined);
    upstream.on("error", () => undefined);
    upstream.once("finish", () => {
      bodySent = true;
    });

    const response = responseOf(upstream);
    // A streamed body can fail before the upstream answers: whichever comes first settles the wait.
    const upRes = streamed ? await Promise.race([response, bodyDone.then(() => new Promise<never>(() => undefined))]) : await response;
    const status = upRes.statusCode ?? 502;
    if (status < 400) await bodyDone;

    if (status >= 400) {
      let translated: ClientError;
      if (method === "HEAD") {
        upRes.resume();
        translated = (status === 400 || status === 403 ? await probeHeadError(ctx, route, forward) : undefined) ?? translateUpstreamError(status, "");
      } else {
        translated = translateUpstreamError(status, (await readAll(limited(upRes, MAX_UPSTREAM_DOCUMENT_BYTES))).toString("utf8"));
      }
      if (!req.complete && first !== undefined) {
        req.unpipe(first);
        first.destroy();
      }
      errorCode = translated.code;
      const extra: http.OutgoingHttpHeaders = {};
      if (upRes.headers["retry-after"] !== undefined) extra["retry-after"] = upRes.headers["retry-after"];
      sendClientError(res, method, translated, resource, requestId, extra, !req.complete);
      return;
    }

    const digests = plan.respond ? bodyDigests(plan, verifier?.digests ?? smallRead?.digests, decoder) : undefined;
    const decoration = {
      sse: sse.echo,
      checksums: digests,
      checksumAlgorithm: plan.multipartAlgorithm,
      checksumType:
        route.operation === "PutObject" && digests !== undefined
          ? ("FULL_OBJECT" as const)
          : plan.multipartAlgorithm !== undefined
            ? ("COMPOSITE" as const)
            : undefined,
    };
    if (route.operation === "CompleteMultipartUpload") {
      const document = (await readAll(limited(upRes, MAX_UPSTREAM_DOCUMENT_BYTES))).toString("utf8");
      const body = Buffer.from(addCompositeToResult(document, composite));
      res.writeHead(status, { ...successHeaders(upRes, decoration, true), "content-length": body.length });
      bytesOut += body.length;
      res.end(body);
      return;
    }
    res.writeHead(status, successHeaders(upRes, decoration, false));
    relayResponse(upRes, res, {
      count: (bytes) => {
        bytesOut += bytes;
      },
      upstreamCut: () => {
        upstreamCut = true;
        errorCode = "UpstreamCut";
      },
    });
  } catch (error) {
    upstream?.destroy();
    if (clientAborted || error instanceof ClientAbort) {
      errorCode = "ClientAbort";
      res.destroy();
      return;
    }
    const outcomeUnknown = bodySent && method !== "GET" && method !== "HEAD";
    const s3Error = error instanceof S3Error ? error : upstreamFailure(error as Error, outcomeUnknown);
    errorCode = s3Error.code;
    if (!(error instanceof S3Error)) {
      ctx.log({ level: "warn", msg: "upstream failed", requestId, operation, cause: (error as NodeJS.ErrnoException).code ?? (error as Error).message });
    }
    sendS3Error(res, method, s3Error, resource, requestId, !req.complete);
  }
}

/**
 * The checksums of an uploaded body the response reports: those the body checks computed (`computed`), the
 * trailer's (verified by the aws-chunked decoder) and those the upstream verified (`plan.known`). Undefined when
 * there are none, so that an upstream's own checksum headers pass through.
 */
function bodyDigests(
  plan: ChecksumPlan,
  computed: ReadonlyMap<ChecksumAlgorithm, string> | undefined,
  decoder: ChunkedDecoder | undefined,
): ReadonlyMap<ChecksumAlgorithm, string> | undefined {
  const digests = new Map(plan.known);
  for (const [algorithm, value] of computed ?? []) digests.set(algorithm, value);
  const trailer = decoder?.trailerChecksum;
  if (trailer !== undefined) digests.set(trailer.algorithm, trailer.base64);
  return digests.size === 0 ? undefined : digests;
}

/**
 * A HEAD error carries no document, so its status alone cannot tell the proxy's own signature being rejected from
 * a genuine denial. The same request is asked again as a one-byte GET, whose error document names the code; the
 * client then gets what a GET would have got (a 500 for a rejected proxy signature). Undefined when the GET
 * did not fail.
 */
async function probeHeadError(ctx: ProxyContext, route: Route, headers: Record<string, string>): Promise<ClientError | undefined> {
  const probe = openUpstreamRequest({
    options: ctx.options,
    agent: ctx.agent,
    route: { ...route, method: "GET" },
    headers: { ...headers, range: "bytes=0-0" },
    payloadHash: EMPTY_SHA256,
    contentLength: undefined,
  });
  probe.end();
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
    probe.once("response", resolve);
    probe.once("error", reject);
  });
  const status = response.statusCode ?? 502;
  if (status < 400) {
    response.resume();
    return undefined;
  }
  return translateUpstreamError(status, (await readAll(limited(response, MAX_UPSTREAM_DOCUMENT_BYTES))).toString("utf8"));
}

/** Runs the body stages and collects their output, failing with MaxMessageLengthExceeded past `limit` bytes. */
function pipelineToBuffer(stages: Transform[], limit: number): Readable {
  const collector = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      callback(null, chunk);
    },
  });
  pipeline([...stages, collector]).catch((error: unknown) => collector.destroy(error as Error));
  return limited(collector, limit);
}

/** Passes `source` through, erroring with MaxMessageLengthExceeded past `limit` bytes. */
function limited(source: Readable, limit: number): Readable {
  let seen = 0;
  const guard = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      seen += chunk.length;
      if (seen > limit) callback(new S3Error("MaxMessageLengthExceeded", `The XML document is larger than ${limit} bytes.`));
      else callback(null, chunk);
    },
  });
  source.on("error", (error) => guard.destroy(error));
  return source.pipe(guard);
}

async function readAll(source: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of source) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The upstream's response, or its request's error. */
function responseOf(request: http.ClientRequest): Promise<http.IncomingMessage> {
  return new Promise<http.IncomingMessage>((resolve, reject) => {
    request.once("response", resolve);
    request.once("error", reject);
  });
}

/**
 * Pipes a successful upstream response to the client, counting its bytes. Either side ending early ends the
 * other: an upstream that closes mid-body cuts the client's response off (its length then does not match, so
 * the client sees the break), and a client that goes away destroys the upstream response (and with it the
 * upstream request: its socket is not reused half-read).
 */
function relayResponse(
  upstream: http.IncomingMessage,
  res: http.ServerResponse,
  on: { readonly count: (bytes: number) => void; readonly upstreamCut: () => void },
): void {
  upstream.on("data", (chunk: Buffer) => on.count(chunk.length));
  upstream.once("close", () => {
    if (upstream.complete || res.destroyed) return;
    on.upstreamCut();
    res.destroy();
  });
  res.once("close", () => {
    if (!res.writableFinished) upstream.destroy();
  });
  upstream.pipe(res);
}
