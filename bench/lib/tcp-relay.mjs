// A bare TCP relay, the control for the proxy benchmark: it copies bytes between the client and RGW in both
// directions and does nothing else (no HTTP parsing, no SigV4, no checksums). Whatever it costs is the floor for any
// extra hop written in Node on this machine. Usage: node tcp-relay.mjs <target-host> <target-port>; prints
// {"msg":"listening","port":N} once it listens on 127.0.0.1 (port 0: the system picks one). SIGTERM stops it.
import net from "node:net";

const [host, portText] = process.argv.slice(2);
const targetPort = Number(portText);
if (!host || !Number.isInteger(targetPort)) {
  process.stderr.write("usage: node tcp-relay.mjs <target-host> <target-port>\n");
  process.exit(2);
}
const server = net.createServer({ noDelay: true }, (client) => {
  const upstream = net.connect({ host, port: targetPort, noDelay: true });
  client.pipe(upstream);
  upstream.pipe(client);
  client.on("error", () => upstream.destroy());
  upstream.on("error", () => client.destroy());
  client.on("close", () => upstream.destroy());
  upstream.on("close", () => client.destroy());
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ msg: "listening", port: server.address().port })}\n`);
});
process.on("SIGTERM", () => {
  server.close();
  process.exit(0);
});
