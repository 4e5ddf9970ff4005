/** The SignedHeaders list: its syntax, the headers that must be in it, and unsigned x-amz-* headers. */
import { S3Error } from "../errors.ts";

/**
 * Splits a SignedHeaders value (`host;x-amz-date`) into names. Returns undefined when it is empty or a name is
 * empty or not lower case. The caller turns that into its auth kind's error.
 */
export function parseSignedHeaders(value: string): string[] | undefined {
  const names = value.split(";");
  return names.every((name) => name !== "" && name === name.toLowerCase() && !/[\s:]/.test(name)) ? names : undefined;
}

/**
 * Throws S3Error AccessDenied unless `host` is signed and every `x-amz-*` header present is signed, except those in
 * `boundElsewhere` (headers the signature covers another way, such as x-amz-content-sha256 via the payload hash
 * line). The proxy forwards x-amz-* headers upstream under its own signature, so an unsigned one (for example
 * x-amz-copy-source added to a presigned PUT) would otherwise run with the proxy's rights.
 */
export function assertHeadersSigned(
  headers: { readonly [name: string]: string | undefined },
  signedHeaders: readonly string[],
  boundElsewhere: ReadonlySet<string>,
): void {
  if (!signedHeaders.includes("host")) {
    throw new S3Error("AccessDenied", "The host header must be signed (include host in SignedHeaders).");
  }
  const signed = new Set(signedHeaders);
  const unsigned = Object.keys(headers).filter(
    (name) => name.startsWith("x-amz-") && headers[name] !== undefined && !signed.has(name) && !boundElsewhere.has(name),
  );
  if (unsigned.length > 0) {
    throw new S3Error(
      "AccessDenied",
      `There were headers present in the request which were not signed: ${unsigned.sort().join(", ")}`,
    );
  }
}
