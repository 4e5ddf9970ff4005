/** Structured logging: one JSON object per line. Callers pass only fields that are safe to show. */
import type { LogEntry, LogSink } from "./types.ts";

/**
 * `{"time":"<ISO 8601>",<the entry's fields>}` and a newline. The time is spliced in front of the entry's JSON
 * (never empty: `level` and `msg` are required) rather than copied into a new object with it, once per request.
 */
const line = (entry: LogEntry): string => `{"time":"${new Date().toISOString()}",${JSON.stringify(entry).slice(1)}\n`;

/** A sink that writes each entry as one JSON line, with a timestamp first, to `out` (stdout by default). */
export function jsonLineSink(out: NodeJS.WritableStream = process.stdout): LogSink {
  return (entry: LogEntry) => {
    out.write(line(entry));
  };
}

/** Largest batch of request lines held before it is written, in bytes. */
const MAX_BATCH_BYTES = 64 * 1024;

/**
 * Like `jsonLineSink`, but the per-request `info` lines are written in batches: at most `flushMs` later, or once
 * 64 KiB are waiting, or before any other line (which is written at once, so the order is kept), or when the
 * process exits. One write for many requests instead of one per request: each write to stdout is a system call.
 * @param flushMs the longest a request line waits, in milliseconds. @default 50
 */
export function batchedJsonLineSink(out: NodeJS.WritableStream = process.stdout, flushMs = 50): LogSink {
  let pending = "";
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (pending === "") return;
    const text = pending;
    pending = "";
    out.write(text);
  };
  process.once("exit", flush);
  return (entry: LogEntry) => {
    if (entry.level !== "info" || entry.msg !== "request") {
      pending += line(entry);
      flush();
      return;
    }
    pending += line(entry);
    if (pending.length >= MAX_BATCH_BYTES) flush();
    else if (timer === undefined) timer = setTimeout(flush, flushMs).unref();
  };
}
