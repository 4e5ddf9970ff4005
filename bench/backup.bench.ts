/**
 * How long a backup and a restore take, as the CronJob and the restore init container run them: the runner bundle
 * on the pinned image's Node version, against the running Ceph RGW (RGW_DIR, scripts/ceph-rgw/up.sh). Builds a data
 * directory with a SQLite database of about DB_MB MiB (rows shaped like Convex documents) and FILES files of 1 MiB
 * under storage/, backs it up into a scratch bucket, restores it into an empty directory, and deletes the bucket.
 *
 *   RGW_DIR=/work/rgw-shared npm run bench:backup            # DB_MB=200 FILES=100
 *   RGW_DIR=/work/rgw-shared DB_MB=1000 FILES=0 npm run bench:backup
 */
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readRgwCluster } from "../scripts/ceph-rgw/cluster.ts";
import { runNodeScript, runRunner, writeBundle } from "../test/support/backup-runner.ts";
import { adminS3Client, emptyAndDeleteBucket, uniqueBucketName } from "../test/support/rgw.ts";

const dbMb = Number(process.env.DB_MB ?? 200);
const files = Number(process.env.FILES ?? 100);
const rgw = await readRgwCluster();
const dir = mkdtempSync(join(tmpdir(), "backup-bench-"));
const client = adminS3Client(rgw);
const bucket = uniqueBucketName("backup-bench");
await client.send(new CreateBucketCommand({ Bucket: bucket }));
try {
  const data = join(dir, "data");
  mkdirSync(join(data, "storage", "files"), { recursive: true });
  const fill = await runNodeScript(
    `const { DatabaseSync } = await import("node:sqlite"); const { randomBytes } = await import("node:crypto");
     const db = new DatabaseSync(${JSON.stringify(join(data, "db.sqlite3"))});
     db.exec("CREATE TABLE documents (id INTEGER PRIMARY KEY, json_value TEXT NOT NULL)");
     const insert = db.prepare("INSERT INTO documents (json_value) VALUES (?)");
     db.exec("BEGIN"); for (let i = 0; i < ${Math.round(dbMb * 4096)}; i++) insert.run(JSON.stringify({ _id: i, text: randomBytes(150).toString("base64") })); db.exec("COMMIT");`,
  );
  if (fill.code !== 0) throw new Error(fill.stderr);
  for (let i = 0; i < files; i++) writeFileSync(join(data, "storage", "files", `${randomUUID()}.blob`), randomBytes(1024 * 1024));
  const bundle = join(dir, "bundle");
  mkdirSync(bundle);
  writeBundle(bundle);
  const env = {
    BACKUP_S3_ENDPOINT: rgw.endpoint,
    BACKUP_S3_BUCKET: bucket,
    AWS_ACCESS_KEY_ID: rgw.accessKeyId,
    AWS_SECRET_ACCESS_KEY: rgw.secretAccessKey,
    BACKUP_PREFIX: "convex-backups/convex-bench/",
    INSTANCE_NAME: "convex-bench",
    BACKUP_WORK_DIR: dir,
  };
  const backup = await runRunner(bundle, "backup", { ...env, CONVEX_DATA_DIR: data }, { timeoutMs: 1_800_000 });
  if (backup.code !== 0) throw new Error(backup.stderr);
  const restored = join(dir, "restored");
  mkdirSync(restored);
  const restore = await runRunner(bundle, "restore", { ...env, CONVEX_DATA_DIR: restored }, { timeoutMs: 1_800_000 });
  if (restore.code !== 0) throw new Error(restore.stderr);
  const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
  console.log(`database ${mib(statSync(join(data, "db.sqlite3")).size)} MiB, ${files} files of 1 MiB under storage/ (Ceph RGW ${rgw.cephVersion} at ${rgw.endpoint})`);
  console.log(`backup  ${(backup.ms / 1000).toFixed(1)} s: ${backup.stdout.trim().split("\n")[0]}`);
  console.log(`restore ${(restore.ms / 1000).toFixed(1)} s: ${restore.stdout.trim()}`);
} finally {
  await emptyAndDeleteBucket(client, bucket);
  rmSync(dir, { recursive: true, force: true });
}
