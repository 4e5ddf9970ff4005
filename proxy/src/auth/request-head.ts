/** The parts of an HTTP request that SigV4 signs, independent of node:http so verification is testable. */

/**
 * A request as received, before any decoding.
 *
 * Build it from `http.IncomingMessage`: `method` as is; split `req.url` at the first `?` into `path` and `query`
 * (both still percent-encoded, exactly as sent); `headers` from `req.headers` (Node lower-cases the names and joins
 * repeated headers with ", "; join any array value with "," yourself).
 */
export interface RequestHead {
  /** HTTP method, upper case: `GET`, `PUT`... */
  readonly method: string;
  /** The path as received, still percent-encoded, without the query: `/bucket/a%20b.txt`. */
  readonly path: string;
  /** The raw query string without the leading `?` (empty string when there is none). */
  readonly query: string;
  /** Request headers, lower-case names. */
  readonly headers: { readonly [name: string]: string | undefined };
}
