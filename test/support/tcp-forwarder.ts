/**
 * A tiny TCP forwarder on 127.0.0.1 port 0, to put between the proxy and a real upstream and cut the connection
 * mid-request: `resetAfterBytes(n)` resets both sides once n bytes went upstream on one connection;
 * `resetOnAnswer()` forwards the whole request and resets the connection instead of passing on the answer (the
 * upstream acted on the request, the proxy never hears how); `holdAnswers()` forwards requests and never passes on
 * an answer (a stalled upstream).
 */
import net from "node:net";
import type { AddressInfo } from "node:net";

export interface TcpForwarder {
  readonly endpoint: string;
  /** Reset (RST) the next connection once `bytes` bytes were forwarded upstream on it. */
  resetAfterBytes(bytes: number): void;
  /** Forward the next connection's request whole, then reset it when the upstream's first answer byte arrives. */
  resetOnAnswer(): void;
  /** Forward requests on the next connection and never pass on an answer, nor close it. */
  holdAnswers(): void;
  /** How many connections were reset by `resetAfterBytes` or `resetOnAnswer`. */
  readonly resets: number;
  close(): Promise<void>;
}

export async function startTcpForwarder(target: { host: string; port: number }): Promise<TcpForwarder> {
  let resetAt: number | undefined;
  let resetAnswer = false;
  let holdAnswer = false;
  let resets = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    let forwarded = 0;
    const limit = resetAt;
    const dropAnswer = resetAnswer;
    const hold = holdAnswer;
    resetAnswer = false;
    holdAnswer = false;
    client.on("data", (chunk: Buffer) => {
      forwarded += chunk.length;
      if (limit !== undefined && forwarded >= limit) {
        resetAt = undefined;
        resets += 1;
        upstream.resetAndDestroy();
        client.resetAndDestroy();
        return;
      }
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on("drain", () => client.resume());
    if (hold) {
      upstream.resume();
    } else if (dropAnswer) {
      upstream.once("data", () => {
        resets += 1;
        upstream.resetAndDestroy();
        client.resetAndDestroy();
      });
    } else {
      upstream.pipe(client);
    }
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    for (const socket of [client, upstream]) socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    resetAfterBytes(bytes) {
      resetAt = bytes;
    },
    resetOnAnswer() {
      resetAnswer = true;
    },
    holdAnswers() {
      holdAnswer = true;
    },
    get resets() {
      return resets;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
