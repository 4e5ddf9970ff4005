/** The size line of one aws-chunked chunk: `<hex size>[;chunk-signature=<64 hex>]`. */
import { S3Error } from "../errors.ts";

/** A parsed chunk size line. */
export interface ChunkHeader {
  /** Chunk data length, in bytes. */
  readonly size: number;
  /** The `chunk-signature` extension, when present. */
  readonly signature: string | undefined;
}

const SIGNATURE = /^chunk-signature=([0-9a-f]{64})$/;

/**
 * Parses a chunk size line (without its CRLF). The size is 1 to 16 hex digits; when `signed`, exactly one
 * `chunk-signature=<64 lower-case hex>` extension must follow, otherwise extensions are ignored. Throws S3Error
 * InvalidRequest for anything else.
 */
export function parseChunkHeader(line: string, signed: boolean): ChunkHeader {
  const [sizeText = "", ...extensions] = line.split(";");
  if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText)) {
    throw new S3Error("InvalidRequest", `Malformed aws-chunked body: bad chunk size line '${line.slice(0, 100)}'.`);
  }
  const size = Number.parseInt(sizeText, 16);
  if (!Number.isSafeInteger(size)) throw new S3Error("InvalidRequest", `Malformed aws-chunked body: chunk size '${sizeText}' is too large.`);
  if (!signed) return { size, signature: undefined };
  const match = extensions.length === 1 ? SIGNATURE.exec(extensions[0] ?? "") : null;
  if (match === null) {
    throw new S3Error("InvalidRequest", `Malformed aws-chunked body: chunk size line '${line.slice(0, 100)}' lacks ';chunk-signature=<signature>'.`);
  }
  return { size, signature: match[1] };
}
