/**
 * The backup runner's own command (the bundle the CronJob and the Docker container run, on the pinned image's
 * Node version) against the real Ceph RGW: a snapshot of a SQLite database taken while another process writes it,
 * uploaded, pruned to `keep`, and restored into a fresh data directory. What is not run here: the Convex backend
 * itself (no image can run on this machine), a Kubernetes cluster or a Docker engine.
 */
import { ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { NODE_USER, runFixture, runRunner, startFixture, startRunner, writeBundle, type Finished } from "../support/backup-runner.ts";
import { describeWithRgw, useTestBucket } from "../support/rgw.ts";

interface Check {
  readonly integrity: string[];
  readonly rows: { count: number; min: number; max: number; sum: number };
  readonly totals: { count: number; sum: number };
  readonly journalMode: string;
}

async function check(db: string): Promise<Check> {
  const result = await runFixture("sqlite-check.mjs", [db]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Check;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the writer on `db`, waits until it committed `warmup` rows, runs `during` while it keeps writing, then stops
 * it. Returns the last id committed before `during` started, and the writer's exit code and errors.
 */
async function whileWriting<T>(db: string, mode: string, busyMs: number, warmup: number, during: () => Promise<T>) {
  const writer = startFixture("sqlite-writer.mjs", [db, mode, String(busyMs), "2000"]);
  let last = 0;
  let stderr = "";
  writer.stdout.on("data", (chunk: Buffer) => {
    const lines = chunk.toString().trim().split("\n");
    last = Number(lines[lines.length - 1]);
  });
  writer.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => writer.once("exit", resolve));
  const deadline = Date.now() + 60_000;
  while (last < warmup && Date.now() < deadline) await sleep(20);
  expect(last, `the writer committed ${last} rows within 60 s: ${stderr}`).toBeGreaterThanOrEqual(warmup);
  const before = last;
  const result = await during();
  await sleep(200);
  const afterRun = last;
  writer.stdin.end();
  const code = await Promise.race([exited, sleep(30_000).then(() => "timeout" as const)]);
  if (code === "timeout") writer.kill("SIGKILL");
  return { before, afterRun, result, writerCode: code, writerErrors: stderr };
}

describeWithRgw("the backup runner against Ceph RGW", (rgw) => {
  const bucket = useTestBucket("convex-backup");
  let dir: string;
  let bundleDir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "convex-backup-test-"));
    // Readable and searchable by the node user, like the CronJob's mounts; its scratch directory is its own.
    chmodSync(dir, 0o755);
    bundleDir = path.join(dir, "bundle");
    mkdirSync(bundleDir, { mode: 0o755 });
    writeBundle(bundleDir);
    mkdirSync(path.join(dir, "scratch"), { mode: 0o777 });
    chmodSync(path.join(dir, "scratch"), 0o777);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const env = (over: Record<string, string>): Record<string, string> => ({
    BACKUP_S3_ENDPOINT: rgw.endpoint,
    BACKUP_S3_BUCKET: bucket.current.name,
    BACKUP_S3_REGION: rgw.region,
    AWS_ACCESS_KEY_ID: rgw.accessKeyId,
    AWS_SECRET_ACCESS_KEY: rgw.secretAccessKey,
    INSTANCE_NAME: "convex-alice-dev",
    STORAGE_MODE: "local",
    BACKUP_WORK_DIR: path.join(dir, "scratch"),
    ...over,
  });

  const listKeys = async (prefix: string) =>
    ((await bucket.current.client.send(new ListObjectsV2Command({ Bucket: bucket.current.name, Prefix: prefix }))).Contents ?? []).map((o) => o.Key ?? "");

  const noSecrets = (run: Finished) => {
    expect(run.stdout + run.stderr).not.toContain(rgw.secretAccessKey);
  };

  /** A data directory as the backend leaves it: the database and local storage files. */
  function dataDir(name: string): { data: string; files: Record<string, Buffer> } {
    const data = path.join(dir, name);
    const files: Record<string, Buffer> = {
      "storage/files/6f1c2a9e-3b7d-4c1e-9a55-0d2b7e4f8a11.blob": randomBytes(300_000),
      "storage/modules/0e6b1f7c-92d4-4a8e-b3c5-7d1e2f3a4b5c.blob": randomBytes(4096),
      "storage/search/empty.blob": Buffer.alloc(0),
    };
    for (const [rel, bytes] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(data, rel)), { recursive: true });
      writeFileSync(path.join(data, rel), bytes);
    }
    return { data, files };
  }

  it("WAL mode, read by the node user (as through the CronJob's read-only mount): a snapshot taken while the database is written restores to a consistent database with every row committed before it", async () => {
    const { data, files } = dataDir("wal");
    const prefix = "convex-backups/convex-alice-dev/";
    const run = await whileWriting(path.join(data, "db.sqlite3"), "wal", 5000, 2000, () =>
      runRunner(bundleDir, "backup", env({ CONVEX_DATA_DIR: data, BACKUP_PREFIX: prefix, BACKUP_KEEP: "3" }), { uid: NODE_USER }),
    );
    expect(run.result.code, run.result.stderr).toBe(0);
    noSecrets(run.result);
    expect(run.writerCode, run.writerErrors).toBe(0);
    expect(run.afterRun, "the writer kept committing during the snapshot").toBeGreaterThan(run.before);
    expect(run.result.stdout).toMatch(/journal mode wal/);
    const keys = await listKeys(prefix);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^convex-backups\/convex-alice-dev\/[0-9]{8}T[0-9]{6}Z\.tar\.gz$/);

    const fresh = path.join(dir, "wal-restored");
    mkdirSync(fresh);
    const restore = await runRunner(bundleDir, "restore", env({ CONVEX_DATA_DIR: fresh, BACKUP_PREFIX: prefix }));
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toContain(`restored s3://${bucket.current.name}/${keys[0]}`);
    noSecrets(restore);
    const restored = await check(path.join(fresh, "db.sqlite3"));
    expect(restored.integrity).toEqual(["ok"]);
    // Every row committed before the snapshot started is there, whole transactions only, totals matching.
    expect(restored.rows.max).toBeGreaterThanOrEqual(run.before);
    expect(restored.rows).toMatchObject({ min: 1, count: restored.rows.max });
    expect(restored.rows.max % 10).toBe(0);
    expect(restored.totals).toEqual({ count: restored.rows.count, sum: restored.rows.sum });
    for (const [rel, bytes] of Object.entries(files)) expect(readFileSync(path.join(fresh, rel)).equals(bytes), rel).toBe(true);
    expect(existsSync(path.join(fresh, ".restore-staging"))).toBe(false);
    console.log(`WAL: backup ${run.result.ms} ms (${run.result.stdout.trim().split("\n")[0]}); restore ${restore.ms} ms`);
  });

  it("rollback-journal mode (Convex's own, no journal_mode set), read by the node user: the writer's commits wait and never fail within rusqlite's 5 s busy timeout; the copy is consistent", async () => {
    const { data } = dataDir("rollback");
    const prefix = "convex-backups/rollback/";
    const run = await whileWriting(path.join(data, "db.sqlite3"), "delete", 5000, 3000, () =>
      runRunner(bundleDir, "backup", env({ CONVEX_DATA_DIR: data, BACKUP_PREFIX: prefix }), { uid: NODE_USER }),
    );
    expect(run.result.code, run.result.stderr).toBe(0);
    expect(run.writerCode, run.writerErrors).toBe(0);
    expect(run.result.stdout).toMatch(/journal mode delete/);
    const fresh = path.join(dir, "rollback-restored");
    mkdirSync(fresh);
    const restore = await runRunner(bundleDir, "restore", env({ CONVEX_DATA_DIR: fresh, BACKUP_PREFIX: prefix }));
    expect(restore.code, restore.stderr).toBe(0);
    const restored = await check(path.join(fresh, "db.sqlite3"));
    expect(restored.integrity).toEqual(["ok"]);
    expect(restored.rows.max).toBeGreaterThanOrEqual(run.before);
    expect(restored.rows).toMatchObject({ min: 1, count: restored.rows.max });
    expect(restored.totals).toEqual({ count: restored.rows.count, sum: restored.rows.sum });
    expect(restored.journalMode).toBe("delete");
    console.log(`rollback journal: backup ${run.result.ms} ms (${run.result.stdout.trim().split("\n")[0]}); restore ${restore.ms} ms`);
  });

  it("prunes to keep: only the newest N snapshots stay, other objects under the prefix are never deleted", async () => {
    const { data } = dataDir("prune");
    const prefix = "convex-backups/prune/";
    await whileWriting(path.join(data, "db.sqlite3"), "delete", 5000, 10, async () => undefined);
    await bucket.current.client.send(new PutObjectCommand({ Bucket: bucket.current.name, Key: `${prefix}README.txt`, Body: "not a snapshot" }));
    const made: string[] = [];
    for (let i = 0; i < 4; i++) {
      const run = await runRunner(bundleDir, "backup", env({ CONVEX_DATA_DIR: data, BACKUP_PREFIX: prefix, BACKUP_KEEP: "2" }));
      expect(run.code, run.stderr).toBe(0);
      made.push(/wrote s3:\/\/[^/]+\/(\S+)/.exec(run.stdout)?.[1] ?? "");
      if (i >= 2) expect(run.stdout).toContain("deleted 1 older snapshot(s)");
      await sleep(1100);
    }
    expect((await listKeys(prefix)).sort()).toEqual([`${prefix}README.txt`, made[2], made[3]].sort());
  });

  it("restore leaves a volume that already holds a database alone, and refuses a snapshot of another instance with the setting to change", async () => {
    const { data } = dataDir("guard");
    const prefix = "convex-backups/guard/";
    await whileWriting(path.join(data, "db.sqlite3"), "delete", 5000, 100, async () => undefined);
    const backup = await runRunner(bundleDir, "backup", env({ CONVEX_DATA_DIR: data, BACKUP_PREFIX: prefix }));
    expect(backup.code, backup.stderr).toBe(0);

    const again = await runRunner(bundleDir, "restore", env({ CONVEX_DATA_DIR: data, BACKUP_PREFIX: prefix }));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("already holds a database: restore only fills a fresh data volume; nothing was changed");

    const fresh = path.join(dir, "guard-other");
    mkdirSync(fresh);
    const other = await runRunner(bundleDir, "restore", env({ CONVEX_DATA_DIR: fresh, BACKUP_PREFIX: prefix, INSTANCE_NAME: "convex-bob-dev" }));
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('is of instance "convex-alice-dev", this workspace\'s INSTANCE_NAME is "convex-bob-dev": set convex.instanceName: convex-alice-dev');
    expect(existsSync(path.join(fresh, "db.sqlite3"))).toBe(false);

    const mode = await runRunner(bundleDir, "restore", env({ CONVEX_DATA_DIR: fresh, BACKUP_PREFIX: prefix, STORAGE_MODE: "s3" }));
    expect(mode.code).toBe(1);
    expect(mode.stderr).toContain("was taken in local mode and its database is locked to it: create the workspace with storage.mode: local");

    const none = await runRunner(bundleDir, "restore", env({ CONVEX_DATA_DIR: fresh, BACKUP_PREFIX: "convex-backups/nothing-here/" }));
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`no snapshot under s3://${bucket.current.name}/convex-backups/nothing-here/`);
  });

  it("schedule (the Docker container's command): snapshots at the next minute the cron names, stops on SIGTERM", async () => {
    const { data } = dataDir("schedule");
    const prefix = "convex-backups/schedule/";
    await whileWriting(path.join(data, "db.sqlite3"), "delete", 5000, 10, async () => undefined);
    const runner = startRunner(bundleDir, env({ CONVEX_DATA_DIR: data, BACKUP_PREFIX: prefix, BACKUP_SCHEDULE: "* * * * *" }), NODE_USER);
    let out = "";
    runner.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    runner.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => runner.once("exit", resolve));
    const deadline = Date.now() + 75_000;
    while (!out.includes("deleted 0 older snapshot(s)") && Date.now() < deadline) await sleep(200);
    runner.kill("SIGTERM");
    const code = await Promise.race([exited, sleep(20_000).then(() => "timeout" as const)]);
    if (code === "timeout") runner.kill("SIGKILL");
    expect(out).toMatch(/next snapshot at [0-9-]+T[0-9:]+:00\.000Z/);
    expect(out).toContain(`wrote s3://${bucket.current.name}/${prefix}`);
    expect(out.trim().split("\n").at(-1)).toBe("convex-backup: stopped");
    expect(code).toBe(0);
    expect(await listKeys(prefix)).toHaveLength(1);
  });

  it("fails with the setting to fix: no database at the data directory, wrong keys", async () => {
    const empty = path.join(dir, "empty");
    mkdirSync(empty);
    const missing = await runRunner(bundleDir, "backup", env({ CONVEX_DATA_DIR: empty, BACKUP_PREFIX: "convex-backups/x/" }));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`no SQLite database at ${empty}/db.sqlite3: mount the backend's data volume there (CONVEX_DATA_DIR)`);
    expect(existsSync(path.join(empty, "db.sqlite3"))).toBe(false);

    const { data } = dataDir("badkeys");
    await whileWriting(path.join(data, "db.sqlite3"), "delete", 5000, 10, async () => undefined);
    const denied = await runRunner(bundleDir, "backup", env({ CONVEX_DATA_DIR: data, BACKUP_PREFIX: "convex-backups/x/", AWS_SECRET_ACCESS_KEY: "wrong-secret-key-0123456789" }));
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/PutObject s3:\/\/[^ ]+ answered HTTP 403 SignatureDoesNotMatch: check BACKUP_S3_ENDPOINT, BACKUP_S3_BUCKET and the keys' rights/);
    expect(denied.stderr).not.toContain("wrong-secret-key-0123456789");
  });
});
