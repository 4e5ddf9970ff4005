/**
 * Unpacks a snapshot archive into a staging directory and reads its manifest. Only the entries this runner writes
 * are accepted (`db.sqlite3`, `storage/...`, `manifest.json`), so an archive cannot place anything else.
 */
import { closeSync, createReadStream, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { DATABASE_ENTRY, MANIFEST_ENTRY, MANIFEST_FORMAT, STORAGE_DIR, type SnapshotManifest } from "./archive.ts";
import { backupErrors } from "./errors.ts";
import { tarReader } from "./tar.ts";

export async function extractArchive(archive: string, stagingDir: string, key: string): Promise<SnapshotManifest> {
  // Synchronous writes: the archive is read no faster than the disk takes it, so nothing piles up in memory.
  let current: number | undefined;
  const reader = tarReader(
    {
      file(name) {
        if (name !== DATABASE_ENTRY && name !== MANIFEST_ENTRY && !name.startsWith(`${STORAGE_DIR}/`)) throw backupErrors.badArchive(key, `an entry named ${JSON.stringify(name)}`);
        const path = join(stagingDir, name);
        mkdirSync(dirname(path), { recursive: true });
        current = openSync(path, "wx", 0o644);
      },
      data(chunk) {
        if (current !== undefined) writeSync(current, chunk);
      },
      end() {
        if (current !== undefined) closeSync(current);
        current = undefined;
      },
    },
    key,
  );
  try {
    await pipeline(createReadStream(archive), createGunzip(), reader);
  } finally {
    if (current !== undefined) closeSync(current);
  }
  let manifest: SnapshotManifest;
  try {
    manifest = JSON.parse(readFileSync(join(stagingDir, MANIFEST_ENTRY), "utf8")) as SnapshotManifest;
  } catch {
    throw backupErrors.badArchive(key, `no readable ${MANIFEST_ENTRY}`);
  }
  if (manifest.format !== MANIFEST_FORMAT) throw backupErrors.badArchive(key, `format ${JSON.stringify(manifest.format)}, expected ${MANIFEST_FORMAT}`);
  return manifest;
}
