/**
 * A consistent copy of a live SQLite database: `VACUUM INTO` runs inside one read transaction of the source, so the
 * copy is the database as of one commit, whatever the backend writes meanwhile. In WAL mode the read blocks no
 * writer; in rollback-journal mode (Convex's default: it sets no journal_mode) the backend's commits wait while it
 * reads, within their busy timeout (rusqlite's 5 s). The copy is checked with `PRAGMA integrity_check` before use.
 */
import { existsSync, statSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { backupErrors } from "./errors.ts";

export interface DatabaseSnapshot {
  /** The source's journal mode, e.g. `wal` or `delete`. */
  readonly journalMode: string;
  readonly bytes: number;
  /** How long the source's read transaction lasted, in milliseconds. */
  readonly readMs: number;
}

/** Copies `source` into `dest` (which must not exist) as of one moment, and checks the copy. */
export function snapshotDatabase(source: string, dest: string): DatabaseSnapshot {
  if (!existsSync(source)) throw backupErrors.noDatabase(source);
  // Read-only: this connection cannot write the source (VACUUM INTO writes only its target); a writer holding its
  // lock is waited for, not failed.
  const db = new DatabaseSync(source, { readOnly: true });
  let journalMode: string;
  let readMs: number;
  try {
    db.exec("PRAGMA busy_timeout = 30000");
    journalMode = String(db.prepare("PRAGMA journal_mode").get()?.journal_mode ?? "unknown");
    const started = performance.now();
    db.prepare("VACUUM INTO ?").run(dest);
    readMs = Math.round(performance.now() - started);
  } finally {
    db.close();
  }
  checkIntegrity(dest);
  return { journalMode, bytes: statSync(dest).size, readMs };
}

/** Throws unless `PRAGMA integrity_check` of the database at `path` answers `ok`. */
export function checkIntegrity(path: string): void {
  const db = new DatabaseSync(path);
  try {
    const rows = db.prepare("PRAGMA integrity_check").all().map((row) => String(row.integrity_check));
    if (rows.length !== 1 || rows[0] !== "ok") throw backupErrors.integrity(path, rows.slice(0, 5).join("; "));
  } finally {
    db.close();
  }
}
