/** The runner's two commands: `backup` (snapshot, upload, prune) and `restore` (fill a fresh data volume). */
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { DATABASE_ENTRY, STORAGE_DIR, writeArchive, type SnapshotManifest } from "./archive.ts";
import { backupErrors } from "./errors.ts";
import { extractArchive } from "./extract.ts";
import { snapshotKey, snapshotsNewestFirst, snapshotsToPrune } from "./retention.ts";
import { S3Client } from "./s3-client.ts";
import type { RunnerSettings } from "./settings.ts";
import { checkIntegrity, snapshotDatabase } from "./sqlite-snapshot.ts";

export type Log = (line: string) => void;

export interface BackupResult {
  readonly key: string;
  readonly bytes: number;
  readonly manifest: SnapshotManifest;
  readonly pruned: readonly string[];
}

export async function runBackup(settings: RunnerSettings, log: Log, now: Date = new Date()): Promise<BackupResult> {
  const s3 = new S3Client(settings.s3);
  const work = await mkdtemp(join(settings.workDir, "convex-backup-"));
  try {
    const copy = join(work, DATABASE_ENTRY);
    const database = snapshotDatabase(join(settings.dataDir, DATABASE_ENTRY), copy);
    const archive = join(work, "snapshot.tar.gz");
    const manifest = await writeArchive({
      databaseCopy: copy,
      dataDir: settings.dataDir,
      out: archive,
      manifest: {
        format: "convex-workspace-snapshot/1",
        createdAt: now.toISOString(),
        instanceName: settings.instanceName,
        storageMode: settings.storageMode,
        database: { file: DATABASE_ENTRY, ...database },
      },
    });
    const bytes = statSync(archive).size;
    if (bytes > settings.maxBytes) throw backupErrors.tooLarge(bytes, settings.maxBytes);
    const key = snapshotKey(settings.prefix, now);
    await s3.putFile(key, archive, "application/gzip");
    log(
      `convex-backup: wrote s3://${settings.s3.bucket}/${key} (${bytes} bytes): database ${database.bytes} bytes ` +
        `(journal mode ${database.journalMode}, read in ${database.readMs} ms), ${manifest.storage.files} file(s) of storage/ ` +
        `(${manifest.storage.bytes} bytes${manifest.storage.vanished ? `, ${manifest.storage.vanished} deleted while copying` : ""})`,
    );
    const listed = await s3.list(settings.prefix);
    const pruned = snapshotsToPrune(settings.prefix, listed.map((o) => o.key), settings.keep);
    for (const old of pruned) await s3.delete(old);
    log(`convex-backup: keeping the newest ${settings.keep}; deleted ${pruned.length} older snapshot(s)${pruned.length ? `: ${pruned.join(", ")}` : ""}`);
    return { key, bytes, manifest, pruned };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export interface RestoreResult {
  /** The snapshot restored, or undefined when the data volume already held a database. */
  readonly key?: string;
  readonly manifest?: SnapshotManifest;
}

/**
 * Fills a fresh data volume from a snapshot, before the backend's first start. A volume that already holds a
 * database is left alone (the init step runs on every start), so the setting may stay in place.
 */
export async function runRestore(settings: RunnerSettings, log: Log): Promise<RestoreResult> {
  const target = join(settings.dataDir, DATABASE_ENTRY);
  if (existsSync(target)) {
    log(`convex-restore: ${backupErrors.notEmpty(target).message}`);
    return {};
  }
  const s3 = new S3Client(settings.s3);
  let key = settings.restoreKey;
  if (key === "latest") {
    const newest = snapshotsNewestFirst(settings.prefix, (await s3.list(settings.prefix)).map((o) => o.key))[0];
    if (newest === undefined) throw backupErrors.noSnapshot(`s3://${settings.s3.bucket}/${settings.prefix}`, settings.configuredBy);
    key = newest;
  }
  const staging = join(settings.dataDir, ".restore-staging");
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const work = await mkdtemp(join(settings.workDir, "convex-restore-"));
  try {
    const archive = join(work, "snapshot.tar.gz");
    await s3.getFile(key, archive);
    const manifest = await extractArchive(archive, staging, key);
    if (manifest.instanceName !== settings.instanceName) throw backupErrors.instanceMismatch(key, manifest.instanceName, settings.instanceName, settings.configuredBy);
    if (manifest.storageMode !== settings.storageMode) throw backupErrors.modeMismatch(key, manifest.storageMode, settings.storageMode, settings.configuredBy);
    checkIntegrity(join(staging, DATABASE_ENTRY));
    if (existsSync(join(staging, STORAGE_DIR))) {
      rmSync(join(settings.dataDir, STORAGE_DIR), { recursive: true, force: true });
      renameSync(join(staging, STORAGE_DIR), join(settings.dataDir, STORAGE_DIR));
    }
    // The database last: until it is in place the volume counts as fresh, so an interrupted restore is retried.
    renameSync(join(staging, DATABASE_ENTRY), target);
    log(
      `convex-restore: restored s3://${settings.s3.bucket}/${key} (taken ${manifest.createdAt}, instance ${manifest.instanceName}, ${manifest.storageMode} mode): ` +
        `database ${manifest.database.bytes} bytes, ${manifest.storage.files} file(s) of storage/`,
    );
    return { key, manifest };
  } finally {
    rmSync(staging, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  }
}
