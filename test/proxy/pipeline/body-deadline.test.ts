/**
 * watchBodyRate (proxy/src/pipeline/body-deadline.ts) on a stand-in request whose `data`, `end` and `close` events the
 * test emits itself, with vitest's fake clock: each window's byte count, the minimum, the message, the pause rule and
 * the cleanup, against hand-computed values. Through the proxy's server: small-body.test.ts, test/proxy/limits.rgw.test.ts.
 */
import { EventEmitter } from "node:events";
import type http from "node:http";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { S3Error } from "../../../proxy/src/errors.ts";
import { watchBodyRate } from "../../../proxy/src/pipeline/body-deadline.ts";

/** A request as far as watchBodyRate reads it: its events and whether it is flowing. */
class FakeRequest extends EventEmitter {
  readableFlowing: boolean | null = true;
  send(bytes: number): void {
    this.emit("data", Buffer.alloc(bytes));
  }
}

const message = (bytes: number, windowMs: number, needed: number) =>
  "Your socket connection to the server was not read from or written to within the timeout period: the request body " +
  `arrived at ${bytes} bytes in ${windowMs} ms, under the minimum of ${needed}.`;

function watch(options: { bodyTimeoutMs: number; minBodyBytesPerSecond: number }) {
  const req = new FakeRequest();
  const timeouts: S3Error[] = [];
  const stop = watchBodyRate(req as unknown as http.IncomingMessage, options, (error) => timeouts.push(error));
  return { req, timeouts, stop };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("watchBodyRate", () => {
  it("cuts a window that fell one byte short off at its end, once, with RequestTimeout naming the bytes, the window and the minimum", () => {
    const { req, timeouts } = watch({ bodyTimeoutMs: 1000, minBodyBytesPerSecond: 100 });
    req.send(60);
    req.send(39);
    vi.advanceTimersByTime(999);
    expect(timeouts).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(timeouts).toEqual([new S3Error("RequestTimeout", message(99, 1000, 100))]);
    expect(timeouts[0]?.code).toBe("RequestTimeout");
    vi.advanceTimersByTime(5000);
    expect(timeouts).toHaveLength(1);
    // It stopped watching: no listener left on the request.
    expect([req.listenerCount("data"), req.listenerCount("end"), req.listenerCount("close")]).toEqual([0, 0, 0]);
  });

  it("measures each window on its own: enough in the first, nothing in the second", () => {
    const { req, timeouts } = watch({ bodyTimeoutMs: 1000, minBodyBytesPerSecond: 100 });
    req.send(100);
    vi.advanceTimersByTime(1000);
    expect(timeouts).toEqual([]);
    vi.advanceTimersByTime(999);
    expect(timeouts).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(timeouts).toEqual([new S3Error("RequestTimeout", message(0, 1000, 100))]);
  });

  it("asks for at least one byte a window with no minimum rate, and rounds a fractional minimum up", () => {
    const none = watch({ bodyTimeoutMs: 1000, minBodyBytesPerSecond: 0 });
    none.req.send(1);
    vi.advanceTimersByTime(1000);
    expect(none.timeouts).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(none.timeouts).toEqual([new S3Error("RequestTimeout", message(0, 1000, 1))]);

    const fraction = watch({ bodyTimeoutMs: 1500, minBodyBytesPerSecond: 1 });
    fraction.req.send(1);
    vi.advanceTimersByTime(1500);
    expect(fraction.timeouts).toEqual([new S3Error("RequestTimeout", message(1, 1500, 2))]);
  });

  it("does not count time the proxy itself is not reading: a paused request restarts the window once it flows again", () => {
    const { req, timeouts } = watch({ bodyTimeoutMs: 1000, minBodyBytesPerSecond: 100 });
    req.send(50);
    req.readableFlowing = false;
    vi.advanceTimersByTime(3000);
    expect(timeouts).toEqual([]);
    req.readableFlowing = true;
    // The window restarted at the last check while paused (3000 ms), with its bytes counted from zero.
    req.send(99);
    vi.advanceTimersByTime(999);
    expect(timeouts).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(timeouts).toEqual([new S3Error("RequestTimeout", message(99, 1000, 100))]);
  });

  it("checks four times a window (at least every 10 ms), on a timer that does not keep the process alive", () => {
    const spy = vi.spyOn(globalThis, "setInterval");
    watch({ bodyTimeoutMs: 1000, minBodyBytesPerSecond: 1 });
    watch({ bodyTimeoutMs: 20, minBodyBytesPerSecond: 1 });
    expect(spy.mock.calls.map((call) => call[1])).toEqual([250, 10]);
    for (const result of spy.mock.results) expect((result.value as NodeJS.Timeout).hasRef()).toBe(false);
  });

  it.each(["end", "close"])("stops watching when the request emits %s: no timeout, no listener left", (event) => {
    const { req, timeouts } = watch({ bodyTimeoutMs: 1000, minBodyBytesPerSecond: 100 });
    req.emit(event);
    vi.advanceTimersByTime(5000);
    expect(timeouts).toEqual([]);
    expect([req.listenerCount("data"), req.listenerCount("end"), req.listenerCount("close")]).toEqual([0, 0, 0]);
  });

  it("stops watching when the caller says so", () => {
    const { req, timeouts, stop } = watch({ bodyTimeoutMs: 1000, minBodyBytesPerSecond: 100 });
    stop();
    vi.advanceTimersByTime(5000);
    expect(timeouts).toEqual([]);
    expect([req.listenerCount("data"), req.listenerCount("end"), req.listenerCount("close")]).toEqual([0, 0, 0]);
  });
});
