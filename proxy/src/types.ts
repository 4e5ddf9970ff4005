/** Options of the S3 compatibility proxy. Built from the environment by `loadProxyOptions` (config.ts). */

/** What the proxy does with SSE-S3 request headers (`x-amz-server-side-encryption`). */
export type SsePolicy = "strip" | "reject" | "passthrough";

/**
 * Who computes and verifies flexible checksums (`x-amz-checksum-<alg>`): `compute`, the proxy (upstreams that do
 * not, such as Ceph RGW before Tentacle); `passthrough`, the upstream (RGW Tentacle and later, AWS), to which the
 * proxy forwards the checksum headers and whose checksums the response carries.
 */
export type UpstreamChecksums = "compute" | "passthrough";

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** One structured log line. Never carries credentials, signatures or request headers. */
export interface LogEntry {
  readonly level: "info" | "warn" | "error";
  readonly msg: string;
  readonly [field: string]: string | number | boolean | undefined;
}

/** Receives every log line the proxy writes. */
export type LogSink = (entry: LogEntry) => void;

export interface ProxyOptions {
  /** Address to listen on. Port 0 picks a free port (read it back from the running proxy). */
  readonly listen: { readonly host: string; readonly port: number };
  /** The real S3 endpoint, e.g. `http://rook-ceph-rgw-store.rook-ceph.svc:80`. Requests go to it path-style. */
  readonly upstreamUrl: URL;
  /** Region used to sign upstream requests. @default "us-east-1" */
  readonly upstreamRegion: string;
  /** Credentials the proxy signs upstream requests with. Never logged, never returned to clients. */
  readonly upstreamCredentials: Credentials;
  /** Credentials clients sign with; the proxy verifies every request against them. */
  readonly clientCredentials: Credentials;
  /** Buckets clients may reach. Every other bucket (and ListBuckets) gets AccessDenied. */
  readonly buckets: readonly string[];
  /** SSE-S3 policy. @default "strip" */
  readonly sse: SsePolicy;
  /**
   * Who computes and verifies the checksums sent in `x-amz-checksum-<alg>` headers (S3PROXY_UPSTREAM_CHECKSUMS).
   * `passthrough` only for an upstream that verifies them: an upstream that ignores them would store a body whose
   * checksum does not match. aws-chunked trailers are verified by the proxy either way. @default "compute"
   */
  readonly upstreamChecksums: UpstreamChecksums;
  /** Largest allowed clock skew between client and proxy, in milliseconds. @default 900_000 (15 minutes) */
  readonly maxClockSkewMs: number;
  /**
   * Largest XML request body the proxy reads into memory (CompleteMultipartUpload, DeleteObjects), in bytes.
   * @default 4_194_304 (4 MiB; 10,000 parts with checksums fit in about 2 MiB)
   */
  readonly maxXmlBodyBytes: number;
  /**
   * Idle time after which an upstream connection that sends or receives nothing is reset and the request
   * answered with 503, in milliseconds. @default 120_000 (2 minutes)
   */
  readonly upstreamIdleTimeoutMs: number;
  /**
   * Idle time after which a client connection that sends or receives nothing is closed (aborting its upstream
   * request), in milliseconds. @default 120_000 (2 minutes)
   */
  readonly clientIdleTimeoutMs: number;
  /**
   * Time an upstream has to start answering once it received the whole request, in milliseconds. Past it, a read
   * (or a write whose body was not fully sent) gets 503 ServiceUnavailable, a fully sent write 500 InternalError
   * (outcome unknown). Shorter than the SDKs' own timeouts, so the client hears it. @default 30_000 (30 seconds)
   */
  readonly upstreamResponseTimeoutMs: number;
  /**
   * Time a client has to send the request line and headers, in milliseconds; then the connection gets 408 and is
   * closed (Node's `headersTimeout`). @default 20_000 (20 seconds)
   */
  readonly headersTimeoutMs: number;
  /**
   * The window over which a request body's transfer rate is measured, in milliseconds: a window in which the client
   * sent less than `minBodyBytesPerSecond` × the window (or nothing) ends the request with 408 RequestTimeout.
   * @default 20_000 (20 seconds)
   */
  readonly bodyTimeoutMs: number;
  /** Minimum request body transfer rate, in bytes per second (see `bodyTimeoutMs`). @default 1_024 */
  readonly minBodyBytesPerSecond: number;
  /**
   * Most S3 requests served at once; more get 503 SlowDown at once. With the per-request bound (ARCHITECTURE.md,
   * Memory) this bounds the proxy's memory. @default 64
   */
  readonly maxConcurrentRequests: number;
  /**
   * Most requests with a body (uploads) served at once, at most `maxConcurrentRequests`; more get 503 SlowDown, so
   * slow uploads cannot take the slots reads need. @default 48
   */
  readonly maxConcurrentUploads: number;
  /**
   * XML request bodies (read whole, then parsed) all requests may hold at once, in bytes; a request whose XML body
   * would exceed it gets 503 SlowDown before its body is read. At least `maxXmlBodyBytes`.
   * @default 8_388_608 (8 MiB: two of the largest documents)
   */
  readonly maxXmlBytesInFlight: number;
  /** How long `/readyz` waits for the upstream to answer, in milliseconds. @default 2_000 */
  readonly readinessTimeoutMs: number;
  /**
   * Certificate chain and key of the TLS listener (S3PROXY_TLS_CERT_FILE, S3PROXY_TLS_KEY_FILE).
   * @default - the proxy serves plain HTTP
   */
  readonly tls?: { readonly cert: string; readonly key: string };
  /**
   * PEM certificates trusted for an https upstream besides Node's bundled roots (S3PROXY_UPSTREAM_CA_FILE).
   * @default - Node's bundled roots (and NODE_EXTRA_CA_CERTS) only
   */
  readonly upstreamCa?: readonly string[];
  /** Where log lines go. @default - one JSON object per line on stdout */
  readonly log?: LogSink;
}
