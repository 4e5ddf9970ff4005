/** Structured logging: one JSON object per line. Callers pass only fields that are safe to show. */
import type { LogEntry, LogSink } from "./types.ts";

/** A sink that writes each entry as one JSON line, with a timestamp first, to `out` (stdout by default). */
export function jsonLineSink(out: NodeJS.WritableStream = process.stdout): LogSink {
  return (entry: LogEntry) => {
    out.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
  };
}
