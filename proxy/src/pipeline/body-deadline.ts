/**
 * Stage 6a: a minimum transfer rate for request bodies. In every window of `bodyTimeoutMs` the client must deliver
 * at least `minBodyBytesPerSecond` × the window (and at least one byte); a client that trickles or stalls is cut off
 * with 408 RequestTimeout before it can hold an upstream socket for long. Time during which the proxy itself is not
 * reading (backpressure from the upstream) does not count against the client.
 */
import type http from "node:http";
import { S3Error } from "../errors.ts";

export interface BodyDeadlineOptions {
  /** Length of one measuring window, in milliseconds. */
  readonly bodyTimeoutMs: number;
  /** Bytes per second the client must sustain over each window. */
  readonly minBodyBytesPerSecond: number;
}

/**
 * Watches `req`'s body until it ends or closes; calls `onTimeout` once with a RequestTimeout S3Error when a window
 * fell short. Returns a function that stops watching.
 */
export function watchBodyRate(req: http.IncomingMessage, options: BodyDeadlineOptions, onTimeout: (error: S3Error) => void): () => void {
  const windowMs = options.bodyTimeoutMs;
  const needed = Math.max(1, Math.ceil((options.minBodyBytesPerSecond * windowMs) / 1000));
  let windowBytes = 0;
  let windowStart = Date.now();
  const onData = (chunk: Buffer): void => {
    windowBytes += chunk.length;
  };
  const tick = (): void => {
    const now = Date.now();
    // Paused by the pipe: the upstream is slower than the client; restart the window once reading resumes.
    if (req.readableFlowing === false) {
      windowStart = now;
      windowBytes = 0;
      return;
    }
    if (now - windowStart < windowMs) return;
    if (windowBytes < needed) {
      stop();
      onTimeout(
        new S3Error(
          "RequestTimeout",
          `Your socket connection to the server was not read from or written to within the timeout period: the request body ` +
            `arrived at ${windowBytes} bytes in ${windowMs} ms, under the minimum of ${needed}.`,
        ),
      );
      return;
    }
    windowStart = now;
    windowBytes = 0;
  };
  const timer = setInterval(tick, Math.max(10, Math.floor(windowMs / 4)));
  timer.unref();
  const stop = (): void => {
    clearInterval(timer);
    req.off("data", onData);
    req.off("end", stop);
    req.off("close", stop);
  };
  req.on("data", onData);
  req.once("end", stop);
  req.once("close", stop);
  return stop;
}
