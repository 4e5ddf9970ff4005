/**
 * The snapshot archive (`.tar.gz`): `db.sqlite3` (the database as of one moment), then every file under the data
 * volume's `storage/` (Convex's local storage: files, modules, search indexes, exports), then `manifest.json`.
 * The database is copied first: a file it references was complete before it was committed, and Convex never
 * rewrites a stored file (each has a fresh UUID key), so every file the copy names is in the archive unless it was
 * deleted during the seconds between the two steps (counted as `vanished`).
 */
import { createReadStream, createWriteStream } from "node:fs";
import { lstat, readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { PassThrough } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { TAR_END, tarHeader, tarPadding } from "./tar.ts";

/** What one snapshot holds; written last into the archive, read first on restore. */
export interface SnapshotManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly createdAt: string;
  readonly instanceName: string;
  readonly storageMode: string;
  readonly database: { readonly file: typeof DATABASE_ENTRY; readonly bytes: number; readonly journalMode: string; readonly readMs: number };
  /** Files of `storage/` in the archive, their bytes, and those deleted while the archive was written. */
  readonly storage: { readonly files: number; readonly bytes: number; readonly vanished: number };
}

export const MANIFEST_FORMAT = "convex-workspace-snapshot/1";
export const MANIFEST_ENTRY = "manifest.json";
export const DATABASE_ENTRY = "db.sqlite3";
export const STORAGE_DIR = "storage";

export interface ArchiveInput {
  /** The consistent database copy (sqlite-snapshot.ts). */
  readonly databaseCopy: string;
  /** The live data directory whose `storage/` is archived. */
  readonly dataDir: string;
  readonly out: string;
  readonly manifest: Omit<SnapshotManifest, "storage">;
}

/** Writes the archive; returns the manifest it ends with. */
export async function writeArchive(input: ArchiveInput): Promise<SnapshotManifest> {
  const tar = new PassThrough();
  const done = pipeline(tar, createGzip({ level: 6 }), createWriteStream(input.out));
  const mtime = Math.floor(Date.parse(input.manifest.createdAt) / 1000);
  const storage = { files: 0, bytes: 0, vanished: 0 };
  try {
    await appendFile(tar, DATABASE_ENTRY, input.databaseCopy, input.manifest.database.bytes, mtime);
    for (const path of await listFiles(join(input.dataDir, STORAGE_DIR))) {
      const name = relative(input.dataDir, path).split(sep).join("/");
      const info = await lstat(path).catch(() => undefined);
      if (info === undefined) {
        storage.vanished++;
        continue;
      }
      const copied = await appendFile(tar, name, path, info.size, Math.floor(info.mtimeMs / 1000));
      if (copied) {
        storage.files++;
        storage.bytes += info.size;
      } else storage.vanished++;
    }
    const manifest: SnapshotManifest = { ...input.manifest, storage };
    const body = Buffer.from(JSON.stringify(manifest, null, 2) + "\n");
    await write(tar, Buffer.concat([tarHeader(MANIFEST_ENTRY, body.length, mtime), body, tarPadding(body.length), TAR_END]));
    tar.end();
    await done;
    return manifest;
  } catch (error) {
    tar.destroy(error as Error);
    await done.catch(() => undefined);
    throw error;
  }
}

/** Appends exactly `size` bytes of the file (zero-padded if it shrank); false if it disappeared before opening. */
async function appendFile(tar: PassThrough, name: string, path: string, size: number, mtime: number): Promise<boolean> {
  if (size === 0) {
    await write(tar, tarHeader(name, 0, mtime));
    return true;
  }
  const source = createReadStream(path, { start: 0, end: size - 1 });
  const opened = await new Promise<boolean>((resolve, reject) => {
    source.once("open", () => resolve(true));
    source.once("error", (error: NodeJS.ErrnoException) => (error.code === "ENOENT" ? resolve(false) : reject(error)));
  });
  if (!opened) return false;
  await write(tar, tarHeader(name, size, mtime));
  let sent = 0;
  for await (const chunk of source) {
    const bytes = chunk as Buffer;
    const take = bytes.subarray(0, Math.max(0, size - sent));
    sent += take.length;
    await write(tar, take);
  }
  if (sent < size) await write(tar, Buffer.alloc(size - sent));
  await write(tar, tarPadding(size));
  return true;
}

function write(stream: PassThrough, chunk: Buffer): Promise<void> {
  if (chunk.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const ok = stream.write(chunk, (error) => (error ? reject(error) : undefined));
    if (ok) resolve();
    else stream.once("drain", resolve);
  });
}

/** Regular files under `dir`, sorted, recursively; none when it does not exist. Symbolic links are not followed. */
async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (current: string): Promise<void> => {
    const entries = await readdir(current, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return [];
      throw error;
    });
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) out.push(path);
    }
  };
  await walk(dir);
  return out;
}
