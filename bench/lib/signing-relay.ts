/**
 * The signing floor, a control of `npm run bench:signing-floor`: the HTTP relay (http-relay.mjs) plus the one piece
 * of work no S3 proxy that re-signs can skip: it verifies the client's SigV4 header signature and signs the upstream
 * request anew with the upstream credentials, with the proxy's own modules (proxy/src/auth, sign-upstream.ts). No
 * route rules, no header allow-list, no body or checksum checks, no logs, no metrics, no timeouts. Whatever the
 * proxy costs beyond this is its policy and bookkeeping; this minus the HTTP relay is what SigV4 costs.
 *
 * Configured like the proxy, by its environment (S3PROXY_UPSTREAM_URL, S3PROXY_UPSTREAM_REGION, the upstream and
 * client key pairs), so bench/lib/proxy-process.ts starts it: prints {"msg":"listening","port":N} once it listens on
 * 127.0.0.1 (port 0), answers GET /readyz with 200. Path-style requests with header signatures only; a request that
 * does not verify gets a bare 403. SIGTERM stops it. Built into one file by buildSigningRelayBundle().
 */
import http from "node:http";
import { parseQuery, verifyRequest } from "../../proxy/src/auth/index.ts";
import { percentDecode } from "../../proxy/src/auth/uri-encode.ts";
import { signUpstreamRequest, UNSIGNED_PAYLOAD } from "../../proxy/src/pipeline/sign-upstream.ts";

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`the signing relay needs ${name}`);
  return value;
};
const upstream = new URL(env("S3PROXY_UPSTREAM_URL"));
const region = env("S3PROXY_UPSTREAM_REGION");
const upstreamCredentials = { accessKeyId: env("S3PROXY_UPSTREAM_ACCESS_KEY_ID"), secretAccessKey: env("S3PROXY_UPSTREAM_SECRET_ACCESS_KEY") };
const clientCredentials = { accessKeyId: env("S3PROXY_ACCESS_KEY_ID"), secretAccessKey: env("S3PROXY_SECRET_ACCESS_KEY") };
/** Headers the upstream needs besides the signature's own. */
const FORWARDED = ["content-length", "content-type", "range"];
const agent = new http.Agent({ keepAlive: true, maxSockets: 256, noDelay: true });

const server = http.createServer({ requestTimeout: 0 }, (req, res) => {
  const url = req.url ?? "/";
  if (url === "/readyz") {
    res.end("ok");
    return;
  }
  const queryAt = url.indexOf("?");
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const rawQuery = queryAt === -1 ? "" : url.slice(queryAt + 1);
  const headers = req.headers as Record<string, string | undefined>;
  let payloadHash: string;
  try {
    const verified = verifyRequest({ method: req.method ?? "GET", path, query: rawQuery, headers }, { credentials: clientCredentials, now: new Date(), maxClockSkewMs: 900_000 });
    payloadHash = verified.payload.kind === "sha256" ? verified.payload.hex : UNSIGNED_PAYLOAD;
  } catch {
    res.writeHead(403, { "content-length": 0 }).end();
    req.resume();
    return;
  }
  const slash = path.indexOf("/", 1);
  const bucket = slash === -1 ? path.slice(1) : path.slice(1, slash);
  const key = slash === -1 ? undefined : path.slice(slash + 1);
  const forward: Record<string, string> = {};
  for (const name of FORWARDED) if (headers[name] !== undefined) forward[name] = headers[name];
  const signed = signUpstreamRequest({
    method: req.method ?? "GET",
    host: upstream.host,
    bucket: bucket === "" ? undefined : (percentDecode(bucket) ?? bucket),
    key: key === undefined ? undefined : (percentDecode(key) ?? key),
    query: parseQuery(rawQuery).map(({ name, value }) => [name, value] as const),
    headers: forward,
    payloadHash,
    credentials: upstreamCredentials,
    region,
    now: new Date(),
  });
  const upstreamRequest = http.request(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: signed.path, headers: signed.headers, agent },
    (upstreamResponse) => {
      res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
      upstreamResponse.pipe(res);
    },
  );
  upstreamRequest.on("error", () => res.destroy());
  res.on("close", () => {
    if (!res.writableFinished) upstreamRequest.destroy();
  });
  req.pipe(upstreamRequest);
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ msg: "listening", port: (server.address() as { port: number }).port })}\n`);
});
process.on("SIGTERM", () => {
  server.close();
  agent.destroy();
  process.exit(0);
});
