// A plain Node HTTP relay, the benchmark's second control: node:http server and client with a keep-alive pool,
// request and response bodies piped through unchanged, headers (Host included, so SigV4 still verifies) passed as
// they are. No SigV4, no checksums, no S3. The proxy minus this is what the proxy's own logic costs; this minus the
// TCP relay is what Node's HTTP layer costs. Usage: node http-relay.mjs <target-host> <target-port>; prints
// {"msg":"listening","port":N} once it listens on 127.0.0.1 (port 0). SIGTERM stops it.
import http from "node:http";

const [host, portText] = process.argv.slice(2);
const targetPort = Number(portText);
if (!host || !Number.isInteger(targetPort)) {
  process.stderr.write("usage: node http-relay.mjs <target-host> <target-port>\n");
  process.exit(2);
}
const agent = new http.Agent({ keepAlive: true, maxSockets: 256, noDelay: true });
const server = http.createServer({ requestTimeout: 0 }, (req, res) => {
  const upstream = http.request({ host, port: targetPort, method: req.method, path: req.url, headers: req.headers, agent }, (upRes) => {
    res.writeHead(upRes.statusCode ?? 502, upRes.headers);
    upRes.pipe(res);
  });
  upstream.on("error", () => res.destroy());
  res.on("close", () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ msg: "listening", port: server.address().port })}\n`);
});
process.on("SIGTERM", () => {
  server.close();
  agent.destroy();
  process.exit(0);
});
