/**
 * Stage 0: the one view of the request headers that every later stage and the upstream request share.
 *
 * Names are normalized the way the upstream reads them: RGW (like CGI servers) maps a header name to a variable
 * by upper-casing it and turning `-` into `_`, so `x_amz_acl`, `X-AMZ-ACL` and `x-amz-acl` all mean the same to
 * it. The proxy therefore folds case and treats `_` as `-`, and refuses (400 InvalidArgument) a request that:
 * - sends a meaningful header (any `x-amz-*`, or one the proxy reads or forwards) under another spelling, such as
 *   `x_amz_copy_source`;
 * - sends a meaningful header twice (whatever the spelling): parsers disagree on which copy wins;
 * - sends an `x-amz-*` header the proxy does not know (501 NotImplemented): its meaning upstream is not checked.
 *
 * Only the headers in the allow-list below reach the upstream (upstream-request.ts), each of them signed; every
 * other header is dropped.
 */
import { S3Error } from "../errors.ts";
import type { UpstreamChecksums } from "../types.ts";

/** Request headers by normalized (lower-case, `-`) name. */
export type RequestHeaders = { readonly [name: string]: string | undefined };

/** Standard headers the upstream acts on and the proxy forwards (signed). */
const FORWARDED_STANDARD: ReadonlySet<string> = new Set([
  "cache-control", "content-disposition", "content-encoding", "content-language", "content-md5", "content-type",
  "expires", "if-match", "if-modified-since", "if-none-match", "if-unmodified-since", "range",
]);

/** `x-amz-*` headers the proxy forwards (signed) after the stages that check them. */
const FORWARDED_AMZ: ReadonlySet<string> = new Set([
  "x-amz-copy-source", "x-amz-copy-source-range", "x-amz-copy-source-if-match", "x-amz-copy-source-if-none-match",
  "x-amz-copy-source-if-modified-since", "x-amz-copy-source-if-unmodified-since", "x-amz-metadata-directive",
  "x-amz-tagging", "x-amz-tagging-directive", "x-amz-storage-class",
  "x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id", "x-amz-server-side-encryption-context",
  "x-amz-server-side-encryption-bucket-key-enabled", "x-amz-server-side-encryption-customer-algorithm",
  "x-amz-server-side-encryption-customer-key", "x-amz-server-side-encryption-customer-key-md5",
  "x-amz-copy-source-server-side-encryption-customer-algorithm", "x-amz-copy-source-server-side-encryption-customer-key",
  "x-amz-copy-source-server-side-encryption-customer-key-md5",
]);

/** Headers the proxy reads itself (signing, body framing, checksums) and never forwards. */
const CONSUMED: ReadonlySet<string> = new Set([
  "authorization", "host", "content-length", "transfer-encoding", "expect", "date", "connection",
  "x-amz-date", "x-amz-content-sha256", "x-amz-security-token", "x-amz-decoded-content-length", "x-amz-trailer",
  "x-amz-sdk-checksum-algorithm", "x-amz-checksum-algorithm", "x-amz-checksum-type", "x-amz-checksum-crc32",
  "x-amz-checksum-crc32c", "x-amz-checksum-crc64nvme", "x-amz-checksum-sha1", "x-amz-checksum-sha256",
]);

/**
 * Checksum headers forwarded (signed) to an upstream that computes and verifies checksums itself
 * (S3PROXY_UPSTREAM_CHECKSUMS=passthrough), after checksum-policy.ts parsed and checked them; consumed otherwise.
 */
const UPSTREAM_CHECKSUM_HEADERS: ReadonlySet<string> = new Set([
  "x-amz-checksum-algorithm", "x-amz-checksum-type", "x-amz-checksum-crc32", "x-amz-checksum-crc32c",
  "x-amz-checksum-sha1", "x-amz-checksum-sha256",
]);

/**
 * `x-amz-*` headers that change nothing upstream and are dropped: the SDKs' user agent, and the checksum mode of
 * GetObject/HeadObject (not supported: nothing is stored to return the checksum from).
 */
const IGNORED_AMZ: ReadonlySet<string> = new Set(["x-amz-user-agent", "x-amz-checksum-mode"]);

/** ACL headers: understood so that authorize-bucket.ts can deny them by name, never forwarded. */
function isAclHeader(name: string): boolean {
  return name === "x-amz-acl" || name.startsWith("x-amz-grant-");
}

/** Whether `name` (normalized) is forwarded upstream: the allow-list. */
export function isForwardedHeader(name: string): boolean {
  return FORWARDED_STANDARD.has(name) || FORWARDED_AMZ.has(name) || name.startsWith("x-amz-meta-");
}

function isMeaningful(name: string): boolean {
  return name.startsWith("x-amz-") || isForwardedHeader(name) || CONSUMED.has(name);
}

/**
 * The normalized headers of a request from Node's `rawHeaders` (name, value, name, value, ...; names as sent,
 * values as latin1 strings, i.e. the bytes on the wire). Throws the S3Error described in the file comment.
 */
export function normalizeRequestHeaders(rawHeaders: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const sent = rawHeaders[i] ?? "";
    const value = rawHeaders[i + 1] ?? "";
    const lower = sent.toLowerCase();
    const name = lower.replace(/_/g, "-");
    if (!isMeaningful(name)) {
      // Dropped on the way up; kept (joined, as Node does) only so that a client that signed it still verifies.
      out[lower] = out[lower] === undefined ? value : `${out[lower]}, ${value}`;
      continue;
    }
    if (name !== lower) {
      throw new S3Error(
        "InvalidArgument",
        `The header '${sent}' is read by the upstream as '${name}': send it as '${name}' (header names with '_' are refused).`,
      );
    }
    if (out[name] !== undefined) {
      throw new S3Error("InvalidArgument", `The header '${name}' appears more than once; send it once.`);
    }
    if (name.startsWith("x-amz-") && !isForwardedHeader(name) && !CONSUMED.has(name) && !IGNORED_AMZ.has(name) && !isAclHeader(name)) {
      throw new S3Error("NotImplemented", `The header '${name}' is not supported by this proxy.`);
    }
    out[name] = value;
  }
  return out;
}

/**
 * The headers the upstream request carries: the allow-listed ones present, minus `drop` (SSE policy), with
 * `aws-chunked` taken out of Content-Encoding (the proxy decodes it); with `checksums` "passthrough", the checksum
 * headers too. sign-upstream.ts signs every one of them.
 */
export function upstreamHeaders(headers: RequestHeaders, drop: readonly string[], checksums: UpstreamChecksums = "compute"): Record<string, string> {
  const out: Record<string, string> = {};
  const passChecksums = checksums === "passthrough";
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || drop.includes(name)) continue;
    if (!isForwardedHeader(name) && !(passChecksums && UPSTREAM_CHECKSUM_HEADERS.has(name))) continue;
    if (name === "content-encoding") {
      const codings = value.split(",").map((c) => c.trim()).filter((c) => c !== "" && c.toLowerCase() !== "aws-chunked");
      if (codings.length > 0) out[name] = codings.join(", ");
      continue;
    }
    out[name] = value;
  }
  return out;
}
