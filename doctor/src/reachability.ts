/**
 * Can Convex reach the endpoint at all: DNS, a TCP connection, TLS trust (https), an HTTP answer, and the clock
 * skew against the endpoint's `Date` header (SigV4 requests more than 15 minutes off are refused). Every wait is
 * bounded by `timeoutMs`.
 */
import dns from "node:dns";
import net from "node:net";
import tls from "node:tls";
import type { Check } from "./types.ts";

/** A DNS lookup: every address of `hostname`. */
export type Lookup = (hostname: string) => Promise<readonly { readonly address: string; readonly family: number }[]>;

/** The system resolver (getaddrinfo, as Convex and Node use it). */
export const systemLookup: Lookup = (hostname) => dns.promises.lookup(hostname, { all: true });

/** AWS's SigV4 limit on clock skew: 15 minutes. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
/** Skew worth a warning. */
const WARN_CLOCK_SKEW_MS = 60 * 1000;

export interface ReachabilityOptions {
  readonly endpoint: URL;
  readonly timeoutMs: number;
  /** @default systemLookup */
  readonly lookup?: Lookup;
  /** Where the doctor runs, for the fixes: `outside` a workspace unless the backend's environment is used. */
  readonly insideWorkspace: boolean;
}

export interface Reachability {
  readonly checks: Check[];
  /** False when S3 requests cannot work (no DNS, no connection, untrusted TLS). */
  readonly reachable: boolean;
  /** Endpoint clock minus local clock, in milliseconds (1 s resolution), when a Date header came back. */
  readonly clockSkewMs?: number;
}

/** Rejects with a timeout error named after `what` when `promise` takes longer than `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what}: no answer within ${ms} ms`), { code: "ETIMEDOUT" })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function codeOf(error: unknown): string {
  const e = error as { code?: unknown; cause?: { code?: unknown } };
  if (typeof e?.code === "string") return e.code;
  if (typeof e?.cause?.code === "string") return e.cause.code;
  return (error as Error)?.name ?? "Error";
}

/** The port the endpoint URL names, or the scheme's default. */
export function endpointPort(url: URL): number {
  return url.port !== "" ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
}

/** The host without IPv6 brackets. */
export function endpointHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "");
}

function connect(address: string, port: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error(`no TCP connection within ${timeoutMs} ms`), { code: "ETIMEDOUT" }));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Date.now() - started);
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

interface TlsFacts {
  readonly authorized: boolean;
  readonly error?: string;
  readonly subject: string;
  readonly issuer: string;
  readonly validTo: string;
}

function tlsHandshake(address: string, servername: string, port: number, timeoutMs: number): Promise<TlsFacts> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: address, port, servername: net.isIP(servername) ? undefined : servername, rejectUnauthorized: false });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error(`no TLS handshake within ${timeoutMs} ms`), { code: "ETIMEDOUT" }));
    }, timeoutMs);
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      const cert = socket.getPeerCertificate();
      const identity = socket.authorized ? tls.checkServerIdentity(servername, cert) : undefined;
      const error = socket.authorized ? identity?.message : String(socket.authorizationError);
      socket.destroy();
      resolve({
        authorized: socket.authorized && identity === undefined,
        ...(error ? { error } : {}),
        subject: String(cert.subject?.CN ?? "(no CN)"),
        issuer: String(cert.issuer?.CN ?? cert.issuer?.O ?? "(unknown issuer)"),
        validTo: cert.valid_to ?? "?",
      });
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Runs the reachability checks in order; a failed one skips those that need it. */
export async function checkReachability(options: ReachabilityOptions): Promise<Reachability> {
  const { endpoint, timeoutMs } = options;
  const lookup = options.lookup ?? systemLookup;
  const host = endpointHost(endpoint);
  const port = endpointPort(endpoint);
  const checks: Check[] = [];
  const where = options.insideWorkspace
    ? "from inside the workspace"
    : "from here; Convex resolves it from inside the backend's pod or container, so run the doctor there too (--backend-env) when the name is cluster-internal";

  let address: string;
  if (net.isIP(host)) {
    address = host;
    checks.push({ id: "dns", title: "DNS", status: "ok", detail: `${host} is an IP address (no lookup)` });
  } else {
    try {
      const addresses = await withTimeout(lookup(host), timeoutMs, `DNS lookup of ${host}`);
      const first = addresses[0];
      if (first === undefined) throw Object.assign(new Error(`${host} has no address`), { code: "ENOTFOUND" });
      address = first.address;
      checks.push({ id: "dns", title: "DNS", status: "ok", detail: `${host} resolves to ${addresses.map((a) => a.address).join(", ")}` });
    } catch (error) {
      checks.push({
        id: "dns",
        title: "DNS",
        status: "fail",
        detail: `${host} does not resolve (${codeOf(error)}) ${where}`,
        fix: `use a name that resolves where Convex runs, or its IP address, in S3_ENDPOINT_URL`,
      });
      return { checks, reachable: false };
    }
  }

  try {
    const ms = await connect(address, port, timeoutMs);
    checks.push({ id: "tcp", title: "TCP connection", status: "ok", detail: `${address}:${port} accepted a connection in ${ms} ms` });
  } catch (error) {
    const code = codeOf(error);
    checks.push({
      id: "tcp",
      title: "TCP connection",
      status: "fail",
      detail: `${address}:${port}: ${code === "ECONNREFUSED" ? "connection refused (nothing listens there)" : code === "ETIMEDOUT" ? `no answer within ${timeoutMs} ms` : code}`,
      fix: `check that the S3 endpoint is up and that ${host}:${port} is the right host and port (a firewall or NetworkPolicy may drop the connection)`,
    });
    return { checks, reachable: false };
  }

  if (endpoint.protocol === "https:") {
    try {
      const facts = await tlsHandshake(address, host, port, timeoutMs);
      if (!facts.authorized) {
        checks.push({
          id: "tls",
          title: "TLS trust",
          status: "fail",
          detail: `certificate for ${facts.subject}, issued by ${facts.issuer}: not trusted (${facts.error ?? "unknown reason"})`,
          fix: "add the issuing CA to the backend's trust store (the backend image's ca-certificates; NODE_EXTRA_CA_CERTS for Node actions), and to this machine's (NODE_EXTRA_CA_CERTS=ca.pem npm run doctor ...)",
        });
        return { checks, reachable: false };
      }
      checks.push({ id: "tls", title: "TLS trust", status: "ok", detail: `certificate for ${facts.subject}, issued by ${facts.issuer}, valid until ${facts.validTo}: trusted` });
    } catch (error) {
      checks.push({
        id: "tls",
        title: "TLS trust",
        status: "fail",
        detail: `no TLS handshake with ${host}:${port} (${codeOf(error)})`,
        fix: "the port may speak plain HTTP: try http:// (or the TLS port Rook publishes in BUCKET_PORT)",
      });
      return { checks, reachable: false };
    }
  } else {
    checks.push({ id: "tls", title: "TLS trust", status: "skip", detail: "plain HTTP endpoint: no TLS" });
  }

  let clockSkewMs: number | undefined;
  try {
    const sent = Date.now();
    const response = await fetch(endpoint, { signal: AbortSignal.timeout(timeoutMs) });
    const received = Date.now();
    await response.arrayBuffer();
    const server = response.headers.get("server");
    checks.push({ id: "http", title: "HTTP answer", status: "ok", detail: `GET / answered HTTP ${response.status}${server ? ` (Server: ${server})` : ""}` });
    const date = response.headers.get("date");
    const parsed = date === null ? Number.NaN : Date.parse(date);
    if (Number.isNaN(parsed)) {
      checks.push({ id: "clock", title: "Clock skew", status: "warn", detail: "the endpoint sent no usable Date header", fix: "keep clocks in sync with NTP: SigV4 refuses requests more than 15 minutes off" });
    } else {
      // The Date header has one-second resolution: compare with the midpoint of the request.
      clockSkewMs = parsed - (sent + received) / 2;
      const seconds = Math.round(clockSkewMs / 1000);
      const shown = `endpoint clock ${seconds >= 0 ? "+" : ""}${seconds} s against this machine's (Date: ${date})`;
      if (Math.abs(clockSkewMs) >= MAX_CLOCK_SKEW_MS) {
        checks.push({ id: "clock", title: "Clock skew", status: "fail", detail: shown, fix: "sync the clocks (NTP): requests more than 15 minutes off are refused with RequestTimeTooSkewed" });
      } else if (Math.abs(clockSkewMs) >= WARN_CLOCK_SKEW_MS + 1000) {
        checks.push({ id: "clock", title: "Clock skew", status: "warn", detail: shown, fix: "sync the clocks (NTP): at 15 minutes SigV4 requests are refused" });
      } else {
        checks.push({ id: "clock", title: "Clock skew", status: "ok", detail: shown });
      }
    }
  } catch (error) {
    checks.push({ id: "http", title: "HTTP answer", status: "fail", detail: `GET / failed (${codeOf(error)})`, fix: "the port accepts connections but does not answer HTTP: check the endpoint URL" });
    return { checks, reachable: false };
  }
  return { checks, reachable: true, ...(clockSkewMs === undefined ? {} : { clockSkewMs }) };
}

/** `node.externalPackages` needs an https endpoint: Convex's node executor uploads its zip only to https URLs. */
export function externalPackagesCheck(endpoint: URL): Check {
  if (endpoint.protocol === "https:") {
    return {
      id: "external-packages",
      title: "node.externalPackages",
      status: "ok",
      detail: "https endpoint: the node executor can upload node_modules.zip to its presigned URL in s3 mode; in proxied mode it signs for the proxy's URL, which the stacks serve over https (storage.proxy.tls, on by default)",
    };
  }
  return {
    id: "external-packages",
    title: "node.externalPackages",
    status: "warn",
    detail: "http endpoint: Convex's node executor refuses the presigned upload URL (\"unrecognized protocol http: for buildDeps upload url\"), so node.externalPackages cannot work in s3 mode; proxied mode works, since the stacks serve the proxy over https (storage.proxy.tls, on by default)",
    fix: "for node.externalPackages use proxied mode, or serve the endpoint over https (storage.bucket.endpointScheme: https, storage.bucket.caBundle for a private CA); everything else works over http",
  };
}
