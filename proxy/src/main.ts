/**
 * Entry point (`npm run proxy`, and the bundle dist/s3-proxy.mjs): loads the configuration from the environment,
 * starts the proxy and logs JSON lines to stdout (request lines batched, at most 50 ms late). On listening it prints one line with "msg":"listening", the port
 * and the URL. SIGTERM and SIGINT close it gracefully.
 */
import { loadProxyOptions } from "./config.ts";
import { ProxyConfigError } from "./errors.ts";
import { batchedJsonLineSink } from "./log.ts";
import { startProxy } from "./server.ts";

// Request lines are batched (one write per 50 ms instead of one per request); every other line is written at once.
const log = batchedJsonLineSink();

async function main(): Promise<void> {
  let options;
  try {
    options = loadProxyOptions(process.env);
  } catch (error) {
    if (!(error instanceof ProxyConfigError)) throw error;
    log({ level: "error", msg: "invalid configuration", problems: error.problems.join(" | ") });
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
    return;
  }
  const proxy = await startProxy({ ...options, log });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log({ level: "info", msg: "shutting down", signal });
    proxy.close().then(
      () => log({ level: "info", msg: "stopped" }),
      (error: unknown) => log({ level: "error", msg: "shutdown failed", error: (error as Error).message }),
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  log({
    level: "info",
    msg: "listening",
    port: proxy.port,
    url: proxy.url,
    upstream: options.upstreamUrl.origin,
    buckets: options.buckets.join(","),
    sse: options.sse,
    tls: options.tls !== undefined,
  });
}

main().catch((error: unknown) => {
  log({ level: "error", msg: "failed to start", error: (error as Error).message });
  process.exitCode = 1;
});
