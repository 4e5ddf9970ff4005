/**
 * Stage 1: where a request goes. Splits the path-style URL into bucket and key and parses the query ONCE, into the
 * form the upstream request is rebuilt from (query-classes.ts): every parameter fully percent-decoded (`+` stays
 * `+`), a malformed escape refused, a repeated parameter refused, every parameter known. The operation is named
 * from method, path and that parsed form against an explicit table: a request whose parameters fit no operation,
 * or more than one, is refused (400 InvalidArgument), so the proxy and the upstream cannot disagree about what the
 * request is.
 */
import { S3Error } from "../errors.ts";
import { percentDecode } from "../auth/uri-encode.ts";
import { OPERATION_RULES, checkQueryValue, isClientOnlyQueryParameter, type OperationRule, type S3Operation } from "./query-classes.ts";

export type { S3Operation } from "./query-classes.ts";

export interface Route {
  readonly method: string;
  /** The path exactly as the client sent it (its signature covers this form). */
  readonly rawPath: string;
  /** The query string as sent, without the `?`. */
  readonly rawQuery: string;
  /**
   * The decoded query parameters the upstream request carries, in order: every parameter of the request except the
   * client's own presigned-auth parameters and checksum hints (which concern only the client-to-proxy hop).
   */
  readonly query: readonly (readonly [string, string])[];
  /** The bucket, or undefined for `/` (ListBuckets). */
  readonly bucket: string | undefined;
  /** The decoded object key, or undefined for bucket-level requests. */
  readonly key: string | undefined;
  readonly operation: S3Operation;
  /** The sub-resource parameter that selected a BucketSubresource or ObjectSubresource operation. */
  readonly subresource: string | undefined;
}

/** The operation table grouped by `<method> <level>`, built once. */
const RULES_BY_TARGET = new Map<string, OperationRule[]>();
for (const rule of OPERATION_RULES) {
  const key = `${rule.method} ${rule.level}`;
  RULES_BY_TARGET.set(key, [...(RULES_BY_TARGET.get(key) ?? []), rule]);
}

/** Names the request's target and operation. `copySource` is whether `x-amz-copy-source` is present. */
export function parseRoute(method: string, rawUrl: string, copySource = false): Route {
  if (!rawUrl.startsWith("/")) throw new S3Error("InvalidURI", "The request target must be an absolute path.");
  const queryAt = rawUrl.indexOf("?");
  const rawPath = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  const rawQuery = queryAt === -1 ? "" : rawUrl.slice(queryAt + 1);
  const params = parseQuery(rawQuery);

  const slash = rawPath.indexOf("/", 1);
  const bucketPart = slash === -1 ? rawPath.slice(1) : rawPath.slice(1, slash);
  const keyPart = slash === -1 ? "" : rawPath.slice(slash + 1);
  const bucket = bucketPart === "" ? undefined : decode(bucketPart);
  const key = keyPart === "" ? undefined : decode(keyPart);
  if (bucket === undefined && rawPath !== "/") throw new S3Error("InvalidURI", "The path has an empty bucket name.");

  const query = params.filter(([name]) => !isClientOnlyQueryParameter(name));
  const { operation, subresource } = operationOf(method, bucket, key, query);
  let named = operation;
  if (copySource && operation === "PutObject") named = "CopyObject";
  if (copySource && operation === "UploadPart") named = "UploadPartCopy";
  return { method, rawPath, rawQuery, query, bucket, key, operation: named, subresource };
}

/**
 * Decodes `a=1&b&c=%2B` into pairs, `+` staying `+` (S3 semantics). Refuses what two parsers could read apart: a
 * malformed escape (InvalidURI) and a parameter named twice (InvalidArgument; the upstream keeps one of them, the
 * signature covers both). Empty parts (`a&&b`) are skipped, as the verifier skips them.
 */
export function parseQuery(rawQuery: string): [string, string][] {
  if (rawQuery === "") return [];
  const pairs: [string, string][] = [];
  const seen = new Set<string>();
  for (const part of rawQuery.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = decode(eq === -1 ? part : part.slice(0, eq));
    const value = eq === -1 ? "" : decode(part.slice(eq + 1));
    if (seen.has(name)) {
      throw new S3Error("InvalidArgument", `The query parameter '${name}' appears more than once; send each parameter once.`);
    }
    seen.add(name);
    pairs.push([name, value]);
  }
  return pairs;
}

function decode(text: string): string {
  const decoded = percentDecode(text);
  if (decoded === undefined) throw new S3Error("InvalidURI", `Couldn't parse the specified URI: '${text}' is not valid percent-encoding.`);
  return decoded;
}

function operationOf(
  method: string,
  bucket: string | undefined,
  key: string | undefined,
  query: readonly (readonly [string, string])[],
): { operation: S3Operation; subresource: string | undefined } {
  if (bucket === undefined) {
    if ((method === "GET" || method === "HEAD") && query.length === 0) return { operation: "ListBuckets", subresource: undefined };
    throw new S3Error("MethodNotAllowed");
  }
  const level = key === undefined ? "bucket" : "object";
  const names = query.map(([name]) => name);
  const rules = RULES_BY_TARGET.get(`${method} ${level}`) ?? [];
  if (rules.length === 0) throw new S3Error("MethodNotAllowed");
  const matches = rules.filter(
    (rule) => rule.requires.every((name) => names.includes(name)) && names.every((name) => rule.requires.includes(name) || rule.allows.includes(name)),
  );
  const [match] = matches;
  const target = level === "bucket" ? "a bucket" : "an object";
  if (match === undefined || matches.length > 1) {
    const unknown = names.find((name) => !rules.some((rule) => rule.requires.includes(name) || rule.allows.includes(name)));
    throw new S3Error(
      "InvalidArgument",
      unknown !== undefined
        ? `The query parameter '${unknown}' is not supported on ${method} of ${target} by this proxy.`
        : `The query parameters ${names.map((n) => `'${n}'`).join(", ")} do not name one ${method} operation on ${target}; send the parameters of one operation only.`,
    );
  }
  for (const [name, value] of query) checkQueryValue(name, value);
  return { operation: match.operation, subresource: match.subresource };
}
