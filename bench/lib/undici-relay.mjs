// The HTTP relay of http-relay.mjs with undici (the npm package, pinned in package.json) as the client of the
// upstream leg instead of node:http: node:http server, an undici Pool with a keep-alive socket per request in
// flight, bodies piped through unchanged, headers passed as they are (minus hop-by-hop ones undici refuses). Measured
// against http-relay.mjs by bench/upstream-client.bench.ts: does another HTTP client make the upstream leg cheaper?
// Usage: node undici-relay.mjs <target-host> <target-port>; prints {"msg":"listening","port":N} once it listens on
// 127.0.0.1 (port 0). SIGTERM stops it.
import http from "node:http";
import { Pool } from "undici";

const [host, portText] = process.argv.slice(2);
const targetPort = Number(portText);
if (!host || !Number.isInteger(targetPort)) {
  process.stderr.write("usage: node undici-relay.mjs <target-host> <target-port>\n");
  process.exit(2);
}
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "expect"]);
const pool = new Pool(`http://${host}:${targetPort}`, { connections: 256, pipelining: 1 });
const server = http.createServer({ requestTimeout: 0 }, (req, res) => {
  const headers = {};
  for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
  const hasBody = req.headers["content-length"] !== undefined && req.headers["content-length"] !== "0";
  pool.request({ method: req.method, path: req.url, headers, body: hasBody ? req : undefined }).then(
    (upstream) => {
      const out = {};
      for (const [name, value] of Object.entries(upstream.headers)) if (!HOP_BY_HOP.has(name)) out[name] = value;
      res.writeHead(upstream.statusCode, out);
      upstream.body.pipe(res);
    },
    () => res.destroy(),
  );
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ msg: "listening", port: server.address().port })}\n`);
});
process.on("SIGTERM", () => {
  server.close();
  void pool.destroy().finally(() => process.exit(0));
});
