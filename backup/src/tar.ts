/**
 * A minimal ustar writer and reader for the snapshot archive: regular files only, names up to 255 bytes (prefix and
 * name fields), sizes up to 8 GiB. Enough for the database and Convex's local storage, whose keys are short.
 */
import { Writable } from "node:stream";
import { backupErrors } from "./errors.ts";

const BLOCK = 512;

/** The 512-byte ustar header of one regular file. */
export function tarHeader(name: string, size: number, mtimeSeconds: number): Buffer {
  const header = Buffer.alloc(BLOCK);
  const bytes = Buffer.from(name, "utf8");
  let prefix = Buffer.alloc(0);
  let base = bytes;
  if (bytes.length > 100) {
    const cut = name.lastIndexOf("/", 155);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw backupErrors.badArchive(name, "a path longer than the 255 bytes ustar holds");
    prefix = Buffer.from(name.slice(0, cut), "utf8");
    base = Buffer.from(name.slice(cut + 1), "utf8");
  }
  base.copy(header, 0);
  octal(header, 100, 8, 0o644);
  octal(header, 108, 8, 0);
  octal(header, 116, 8, 0);
  octal(header, 124, 12, size);
  octal(header, 136, 12, mtimeSeconds);
  header.fill(0x20, 148, 156);
  header.write("0", 156, "ascii");
  header.write("ustar\u000000", 257, "binary");
  prefix.copy(header, 345);
  let sum = 0;
  for (const byte of header) sum += byte;
  octal(header, 148, 7, sum);
  return header;
}

/** Zero bytes that pad a file of `size` bytes to a whole block. */
export function tarPadding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

/** The two zero blocks that end an archive. */
export const TAR_END = Buffer.alloc(2 * BLOCK);

function octal(header: Buffer, offset: number, length: number, value: number): void {
  header.write(value.toString(8).padStart(length - 1, "0") + "\0", offset, length, "ascii");
}

/** One file as the reader meets it: its header, then its bytes in order, then `end`. */
export interface TarVisitor {
  file(name: string, size: number): void;
  data(chunk: Buffer): void;
  end(): void;
}

/**
 * A sink that parses a tar archive and hands each regular file to the visitor; refuses anything but regular files
 * and names with `..` or a leading `/`, so an archive cannot write outside the directory it is unpacked into.
 */
export function tarReader(visitor: TarVisitor, source: string): Writable {
  let pending: Buffer = Buffer.alloc(0);
  let remaining = 0;
  let padding = 0;
  let ended = false;
  return new Writable({
    write(chunk: Buffer, _encoding, callback: (error?: Error | null) => void) {
      try {
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        for (;;) {
          if (remaining > 0) {
            if (pending.length === 0) break;
            const take = Math.min(remaining, pending.length);
            visitor.data(pending.subarray(0, take));
            pending = pending.subarray(take);
            remaining -= take;
            if (remaining === 0) visitor.end();
            continue;
          }
          if (padding > 0) {
            const take = Math.min(padding, pending.length);
            pending = pending.subarray(take);
            padding -= take;
            if (padding > 0) break;
            continue;
          }
          if (ended || pending.length < BLOCK) break;
          const header = pending.subarray(0, BLOCK);
          pending = pending.subarray(BLOCK);
          if (header.every((byte) => byte === 0)) {
            ended = true;
            continue;
          }
          const name = readName(header, source);
          const size = parseInt(header.toString("ascii", 124, 136).replace(/\0.*$/, "").trim() || "0", 8);
          visitor.file(name, size);
          remaining = size;
          padding = (BLOCK - (size % BLOCK)) % BLOCK;
          if (size === 0) visitor.end();
        }
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    final(callback: (error?: Error | null) => void) {
      callback(remaining > 0 ? backupErrors.badArchive(source, "it ends inside a file") : null);
    },
  });
}

function readName(header: Buffer, source: string): string {
  const type = String.fromCharCode(header[156] ?? 0);
  if (type !== "0" && type !== "\0") throw backupErrors.badArchive(source, `an entry of type ${JSON.stringify(type)} (only regular files are written)`);
  const field = (offset: number, length: number) => header.toString("utf8", offset, offset + length).replace(/\0.*$/s, "");
  const prefix = field(345, 155);
  const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
  if (name === "" || name.startsWith("/") || name.split("/").includes("..")) throw backupErrors.badArchive(source, `an entry named ${JSON.stringify(name)}`);
  return name;
}
