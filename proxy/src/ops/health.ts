/**
 * GET /healthz: the process is up (no upstream call, no auth).
 * GET /readyz: 200 only when the upstream answers a signed HeadBucket for every configured bucket with 200;
 * 503 with the reason otherwise. Neither endpoint reveals credentials.
 */
import type http from "node:http";
import type { ProxyContext } from "../handler.ts";
import { EMPTY_SHA256 } from "../pipeline/sign-upstream.ts";
import { openUpstreamRequest } from "../pipeline/upstream-request.ts";

export function serveHealthz(res: http.ServerResponse): void {
  sendText(res, 200, "ok\n");
}

export async function serveReadyz(ctx: ProxyContext, res: http.ServerResponse): Promise<void> {
  const problems = (await Promise.all(ctx.options.buckets.map((bucket) => probeBucket(ctx, bucket)))).filter(
    (p): p is string => p !== undefined,
  );
  if (problems.length === 0) sendText(res, 200, "ready\n");
  else sendText(res, 503, `not ready: ${problems.join("; ")}\n`);
}

/** Undefined when the upstream answered HeadBucket with 200, else what went wrong. */
function probeBucket(ctx: ProxyContext, bucket: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const request = openUpstreamRequest({
      options: ctx.options,
      agent: ctx.readinessAgent,
      route: { method: "HEAD", rawPath: `/${bucket}`, rawQuery: "", query: [], bucket, key: undefined, operation: "HeadBucket", subresource: undefined },
      headers: {},
      payloadHash: EMPTY_SHA256,
      contentLength: undefined,
    });
    const timer = setTimeout(() => {
      request.destroy();
      resolve(`upstream did not answer within ${ctx.options.readinessTimeoutMs} ms`);
    }, ctx.options.readinessTimeoutMs);
    request.on("response", (response) => {
      clearTimeout(timer);
      response.resume();
      resolve(response.statusCode === 200 ? undefined : `HeadBucket ${bucket} answered ${response.statusCode}`);
    });
    request.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(`upstream unreachable (${error.code ?? error.message})`);
    });
    request.end();
  });
}

function sendText(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body), "cache-control": "no-store" });
  res.end(body);
}
