/**
 * The proxy's error catalogue: every error a client can receive, with its S3 code, HTTP status and a default
 * message. Code paths throw `S3Error` built from this table (never ad-hoc strings); the server turns it into
 * the S3 XML error body.
 */
export const S3_ERRORS = {
  AccessDenied: { status: 403, message: "Access Denied" },
  InvalidAccessKeyId: { status: 403, message: "The AWS Access Key Id you provided does not exist in our records." },
  SignatureDoesNotMatch: {
    status: 403,
    message: "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
  },
  RequestTimeTooSkewed: {
    status: 403,
    message: "The difference between the request time and the current time is too large (more than 15 minutes).",
  },
  AuthorizationQueryParametersError: { status: 400, message: "Error parsing the X-Amz-Credential parameter." },
  AuthorizationHeaderMalformed: { status: 400, message: "The authorization header is malformed." },
  MissingSecurityHeader: { status: 400, message: "Your request is missing a required header." },
  InvalidArgument: { status: 400, message: "Invalid Argument" },
  InvalidRequest: { status: 400, message: "Invalid Request" },
  IncompleteBody: { status: 400, message: "You did not provide the number of bytes specified by the Content-Length HTTP header." },
  MalformedXML: { status: 400, message: "The XML you provided was not well-formed or did not validate against our published schema." },
  BadDigest: { status: 400, message: "The checksum you specified did not match the checksum of the body we received." },
  XAmzContentSHA256Mismatch: { status: 400, message: "The provided 'x-amz-content-sha256' header does not match what was computed." },
  InvalidDigest: { status: 400, message: "The checksum you specified is not valid." },
  MissingContentLength: { status: 411, message: "You must provide the Content-Length HTTP header." },
  NotImplemented: { status: 501, message: "A header or operation you provided implies functionality that is not implemented." },
  InternalError: { status: 500, message: "We encountered an internal error. Please try again." },
  ServiceUnavailable: { status: 503, message: "The upstream object store is unreachable. Please retry." },
  SlowDown: { status: 503, message: "Please reduce your request rate." },
  RequestTimeout: {
    status: 408,
    message: "Your socket connection to the server was not read from or written to within the timeout period.",
  },
  InvalidURI: { status: 400, message: "Couldn't parse the specified URI." },
  MaxMessageLengthExceeded: { status: 400, message: "Your request was too big." },
  MethodNotAllowed: { status: 405, message: "The specified method is not allowed against this resource." },
  InvalidPart: {
    status: 400,
    message: "One or more of the specified parts could not be found or its checksum did not match.",
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type S3ErrorCode = keyof typeof S3_ERRORS;

/** An S3-style error: a catalogue code, its HTTP status, and a message that may be more specific than the default. */
export class S3Error extends Error {
  readonly code: S3ErrorCode;
  readonly status: number;
  /** Extra response headers, e.g. Retry-After on 503. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: S3ErrorCode, message?: string, headers: Record<string, string> = {}) {
    super(message ?? S3_ERRORS[code].message);
    this.name = "S3Error";
    this.code = code;
    this.status = S3_ERRORS[code].status;
    this.headers = headers;
  }
}

const XML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

/** Escapes text for an XML element body or attribute. */
export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

/** The S3 XML error document for `error`, as AWS S3 sends it. */
export function s3ErrorXml(error: S3Error, resource: string, requestId: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${error.code}</Code><Message>${xmlEscape(error.message)}</Message>` +
    `<Resource>${xmlEscape(resource)}</Resource><RequestId>${xmlEscape(requestId)}</RequestId></Error>`
  );
}

/**
 * The proxy's configuration is invalid. `problems` lists every problem found (not just the first); each names the
 * environment variable, shows the offending value (never a secret's) and says the fix.
 */
export class ProxyConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(
      `Invalid S3 proxy configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "ProxyConfigError";
    this.problems = problems;
  }
}
