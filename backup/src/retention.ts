/** Snapshot object names and which ones retention deletes. Pure: no I/O. */

/** `<prefix><UTC time>.tar.gz`, e.g. `convex-backups/convex-alice-dev/20261201T031700Z.tar.gz`; sorts by time. */
export const SNAPSHOT_NAME = /^[0-9]{8}T[0-9]{6}Z\.tar\.gz$/;

/** The object key of a snapshot taken at `now`. */
export function snapshotKey(prefix: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.[0-9]{3}Z$/, "Z");
  return `${prefix}${stamp}.tar.gz`;
}

/** The snapshot keys under `prefix`, newest first; other objects there are ignored (never deleted). */
export function snapshotsNewestFirst(prefix: string, keys: readonly string[]): string[] {
  return keys.filter((key) => key.startsWith(prefix) && SNAPSHOT_NAME.test(key.slice(prefix.length))).sort().reverse();
}

/** The snapshots to delete so that the newest `keep` remain. */
export function snapshotsToPrune(prefix: string, keys: readonly string[], keep: number): string[] {
  return snapshotsNewestFirst(prefix, keys).slice(keep);
}
