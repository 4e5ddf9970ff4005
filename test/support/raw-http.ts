/**
 * HTTP/1.1 over a raw socket, for requests no HTTP client would send: header names spelled at will and repeated,
 * `Expect: 100-continue` with the body held until (and unless) the server invites it, bodies trickled byte by byte.
 */
import net from "node:net";

export interface RawResponse {
  readonly status: number;
  /** Header lines, lower-case names (repeated names joined with ", "). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface RawConnection {
  readonly socket: net.Socket;
  /** Resolves with the next response on the connection (an interim 100 Continue included). */
  nextResponse(timeoutMs?: number): Promise<RawResponse>;
  /** Resolves when the server closed the connection. */
  readonly closed: Promise<void>;
}

/** Opens a connection to `endpoint` and writes the request head (`headers` in order, names as given). */
export async function openRaw(endpoint: string, method: string, target: string, headers: readonly (readonly [string, string])[]): Promise<RawConnection> {
  const url = new URL(endpoint);
  const socket = net.connect(Number(url.port), url.hostname);
  socket.on("error", () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  let buffered = Buffer.alloc(0);
  const waiters: (() => void)[] = [];
  socket.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (const wake of waiters.splice(0)) wake();
  });
  socket.on("close", () => {
    for (const wake of waiters.splice(0)) wake();
  });
  socket.write(`${method} ${target} HTTP/1.1\r\n${headers.map(([name, value]) => `${name}: ${value}\r\n`).join("")}\r\n`, "latin1");

  const parse = (): RawResponse | undefined => {
    const end = buffered.indexOf("\r\n\r\n");
    if (end === -1) return undefined;
    const [statusLine = "", ...lines] = buffered.subarray(0, end).toString("latin1").split("\r\n");
    const parsed: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(":");
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      parsed[name] = parsed[name] === undefined ? value : `${parsed[name]}, ${value}`;
    }
    const status = Number(statusLine.split(" ")[1]);
    const length = status === 100 || method === "HEAD" ? 0 : Number(parsed["content-length"] ?? 0);
    if (buffered.length < end + 4 + length) return undefined;
    const body = buffered.subarray(end + 4, end + 4 + length);
    buffered = buffered.subarray(end + 4 + length);
    return { status, headers: parsed, body: Buffer.from(body) };
  };

  return {
    socket,
    closed,
    async nextResponse(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const response = parse();
        if (response !== undefined) return response;
        if (socket.destroyed) throw new Error("the connection closed before a response arrived");
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no response within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
  };
}

/** Sends a request with `headers` and `body` over a raw socket and reads the response. */
export async function rawRequest(
  endpoint: string,
  method: string,
  target: string,
  headers: readonly (readonly [string, string])[],
  body: Buffer = Buffer.alloc(0),
): Promise<RawResponse> {
  const connection = await openRaw(endpoint, method, target, headers);
  if (body.length > 0) connection.socket.write(body);
  try {
    return await connection.nextResponse();
  } finally {
    connection.socket.destroy();
  }
}
