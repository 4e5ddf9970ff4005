/**
 * Stage 9: upstream failures as S3 errors. Network failures become 503 ServiceUnavailable with Retry-After;
 * upstream error documents are re-issued by the proxy, keeping the Code, filling RGW's empty <Message> with a
 * helpful one, and dropping every other element (so nothing the upstream echoes about its own credentials or
 * signature can reach the client).
 */
import { S3Error, S3_ERRORS, xmlEscape } from "../errors.ts";

/** Seconds a client should wait before retrying after the upstream was unreachable. */
export const RETRY_AFTER_SECONDS = 1;

/**
 * What a client gets when the upstream failed without answering: refused, reset, timed out, or closed.
 * - Before the upstream received the whole request (or for a read): 503 ServiceUnavailable with Retry-After;
 *   nothing was changed upstream, because an upstream request short of its Content-Length is never committed.
 * - After the upstream received the whole request of a write (`outcomeUnknown`): 500 InternalError, S3's answer
 *   when the outcome is not known. The upstream may have acted on it; the client should retry (PUT and DELETE are
 *   idempotent) or look.
 */
export function upstreamFailure(cause: Error, outcomeUnknown: boolean): S3Error {
  const code = (cause as NodeJS.ErrnoException).code ?? cause.name;
  if (outcomeUnknown) {
    return new S3Error(
      "InternalError",
      `The upstream object store received the whole request but its answer was lost (${code}): the outcome is unknown ` +
        "(the change may or may not have been made). Retry the request, or check the object.",
    );
  }
  return new S3Error(
    "ServiceUnavailable",
    `The upstream object store did not answer (${code}). Nothing was changed; please retry.`,
    { "retry-after": String(RETRY_AFTER_SECONDS) },
  );
}

/** Messages for codes that RGW sends with an empty <Message>. */
const HELPFUL_MESSAGES: Readonly<Record<string, string>> = {
  NoSuchKey: "The specified key does not exist.",
  NoSuchBucket: "The specified bucket does not exist upstream.",
  NoSuchUpload: "The specified multipart upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
  InvalidRange: "The requested range is not satisfiable.",
  InvalidPart: "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified ETag may not match the part's ETag.",
  InvalidPartOrder: "The list of parts was not in ascending order. Parts must be ordered by part number.",
  EntityTooSmall: "Your proposed upload is smaller than the minimum allowed object size (5 MiB for every part but the last).",
  EntityTooLarge: "Your proposed upload exceeds the maximum allowed object size.",
  BucketNotEmpty: "The bucket you tried to delete is not empty.",
  BucketAlreadyExists: "The requested bucket name is not available.",
  BucketAlreadyOwnedByYou: "The bucket you tried to create already exists, and you own it.",
  PreconditionFailed: "At least one of the preconditions you specified did not hold.",
  AccessDenied: "Access Denied by the upstream object store: check the upstream user's permissions on this bucket.",
  MissingContentLength: "You must provide the Content-Length HTTP header.",
  // The upstream verifies signed payload hashes (payload-hash.ts) and, with S3PROXY_UPSTREAM_CHECKSUMS=passthrough,
  // checksums: its answer reads as the proxy's own.
  XAmzContentSHA256Mismatch: S3_ERRORS.XAmzContentSHA256Mismatch.message,
  BadDigest: S3_ERRORS.BadDigest.message,
  QuotaExceeded: "The upstream user's or bucket's quota is exceeded.",
  InvalidRequest:
    "The upstream object store refused the request as invalid. If it asked for server-side encryption: Ceph RGW " +
    "refuses SSE over plain HTTP while rgw_crypt_require_ssl is true (its default); run the proxy with " +
    "S3PROXY_SSE=strip, or serve RGW over TLS with an SSE-S3 backend.",
  InvalidArgument:
    "The upstream object store refused an argument. If it asked for server-side encryption: Ceph RGW needs an " +
    "SSE-S3 backend (rgw_crypt_sse_s3_backend=vault and a Vault token); run the proxy with S3PROXY_SSE=strip.",
};

/** Upstream codes that mean the proxy's own upstream credentials or clock are wrong, not the client's. */
const PROXY_AUTH_FAILURES = ["SignatureDoesNotMatch", "InvalidAccessKeyId", "RequestTimeTooSkewed", "AuthorizationHeaderMalformed"];

export interface ClientError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/** Turns an upstream error response (status and possibly empty body) into what the client gets. */
export function translateUpstreamError(status: number, body: string): ClientError {
  const code = elementText(body, "Code") ?? statusCode(status);
  const upstreamMessage = elementText(body, "Message") ?? "";
  if (PROXY_AUTH_FAILURES.includes(code)) {
    return {
      status: 500,
      code: "InternalError",
      message:
        `The upstream object store rejected the proxy's own request (${code}): check S3PROXY_UPSTREAM_ACCESS_KEY_ID, ` +
        "S3PROXY_UPSTREAM_SECRET_ACCESS_KEY, S3PROXY_UPSTREAM_REGION and the proxy host's clock.",
    };
  }
  const message = upstreamMessage.trim() !== "" ? upstreamMessage : (HELPFUL_MESSAGES[code] ?? `The upstream object store answered ${status} ${code}.`);
  return { status, code, message };
}

/** The S3 XML error document for a translated upstream error. */
export function clientErrorXml(error: ClientError, resource: string, requestId: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${xmlEscape(error.code)}</Code><Message>${xmlEscape(error.message)}</Message>` +
    `<Resource>${xmlEscape(resource)}</Resource><RequestId>${xmlEscape(requestId)}</RequestId></Error>`
  );
}

function statusCode(status: number): string {
  if (status === 404) return "NoSuchKey";
  if (status === 403) return "AccessDenied";
  if (status === 412) return "PreconditionFailed";
  if (status === 416) return "InvalidRange";
  if (status >= 500) return "InternalError";
  return "InvalidRequest";
}

const ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Text of the first `<name>` element of a small XML document, entity-decoded; undefined when absent. */
export function elementText(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([^<]*)</${name}>|<${name}\\s*/>`).exec(xml);
  if (match === null) return undefined;
  return decodeXmlText(match[1] ?? "");
}

/** Decodes the five predefined XML entities and numeric character references. */
export function decodeXmlText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith("#x")) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith("#")) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return ENTITIES[ref] ?? whole;
  });
}
