/** Feeds a body through a chunked decoder and reports what came out and how it ended. */
import type { ChunkedDecoder } from "../../proxy/src/auth/chunked-decoder.ts";
import { S3Error } from "../../proxy/src/errors.ts";

/** The decoder's output and outcome: `error` is set when it failed instead of ending. */
export interface DecodeResult {
  readonly output: Buffer;
  readonly error: S3Error | undefined;
  readonly ended: boolean;
}

/**
 * Writes `body` to `decoder` in pieces of `pieceBytes` (all at once by default), ends it, and waits for 'end' or
 * 'error'. A non-S3Error rejects.
 */
export function runDecoder(decoder: ChunkedDecoder, body: Buffer, pieceBytes = body.length || 1): Promise<DecodeResult> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    let ended = false;
    decoder.on("data", (data: Buffer) => out.push(data));
    decoder.on("end", () => {
      ended = true;
      resolve({ output: Buffer.concat(out), error: undefined, ended });
    });
    decoder.on("error", (error) => {
      if (error instanceof S3Error) resolve({ output: Buffer.concat(out), error, ended });
      else reject(error);
    });
    for (let i = 0; i < body.length; i += pieceBytes) {
      if (decoder.destroyed) break;
      decoder.write(body.subarray(i, i + pieceBytes));
    }
    if (!decoder.destroyed) decoder.end();
  });
}
