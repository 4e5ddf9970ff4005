import { describe, expect, it } from "vitest";
import { snapshotKey, snapshotsNewestFirst, snapshotsToPrune } from "../../backup/src/retention.ts";
import { backupRunnerEnv } from "../../lib/core/backup.ts";
import { parseWorkspaceConfig } from "../../lib/core/config.ts";
import { cronMatches, nextCronRun, parseCron, type CronSchedule } from "../../lib/core/cron.ts";
import { envToRecord } from "../../lib/core/env.ts";
import { ConfigError } from "../../lib/core/errors.ts";
import { planWorkspace, type Target } from "../../lib/core/plan.ts";

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.field}: got ${i.value}; ${i.fix}`);
    throw error;
  }
  throw new Error("expected a ConfigError");
}

const plan = (raw: object, target: Target = "kubernetes") => planWorkspace(parseWorkspaceConfig({ workspace: { name: "alice-dev" }, ...raw }), { target });

function schedule(expression: string): CronSchedule {
  const parsed = parseCron(expression);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.schedule;
}

describe("cron schedules", () => {
  it("reads values, ranges, steps, lists, names, Sunday as 7 and the macros", () => {
    const s = schedule("*/15 2-4 1,15 JAN-MAR mon-fri");
    expect([...s.minutes]).toEqual([0, 15, 30, 45]);
    expect([...s.hours]).toEqual([2, 3, 4]);
    expect([...s.months]).toEqual([1, 2, 3]);
    expect([...s.daysOfWeek]).toEqual([1, 2, 3, 4, 5]);
    expect([...schedule("0 0 * * 7").daysOfWeek]).toEqual([0]);
    expect(schedule("@daily")).toEqual(schedule("0 0 * * *"));
    expect([...schedule("5/20 * * * *").minutes]).toEqual([5, 25, 45]);
  });

  it("says which field is wrong and why", () => {
    expect(parseCron("61 * * * *")).toEqual({ ok: false, problem: 'the minute field "61" has 61, outside 0-59' });
    expect(parseCron("0 3 * *")).toEqual({ ok: false, problem: "it has 4 field(s)" });
    expect(parseCron("0 3 * * FUN")).toEqual({ ok: false, problem: 'the day-of-week field "FUN" has "FUN", not a number or a name (SUN-SAT)' });
    expect(parseCron("*/0 * * * *")).toEqual({ ok: false, problem: 'the minute field "*/0" has step "0"; use a whole number from 1' });
    expect(parseCron("0 5-2 * * *")).toEqual({ ok: false, problem: 'the hour field "5-2" has range "5-2" whose start is after its end' });
  });

  it("finds the next run in UTC; a day matches either day field when both are restricted", () => {
    expect(nextCronRun(schedule("17 3 * * *"), new Date("2026-12-01T10:00:00Z"))?.toISOString()).toBe("2026-12-02T03:17:00.000Z");
    expect(nextCronRun(schedule("17 3 * * *"), new Date("2026-12-01T03:16:59Z"))?.toISOString()).toBe("2026-12-01T03:17:00.000Z");
    expect(nextCronRun(schedule("0 0 1 * *"), new Date("2026-12-15T00:00:00Z"))?.toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(nextCronRun(schedule("0 0 30 2 *"), new Date("2026-12-15T00:00:00Z"))).toBeUndefined();
    const either = schedule("0 12 1 * MON");
    expect(cronMatches(either, new Date("2026-12-07T12:00:00Z"))).toBe(true); // a Monday
    expect(cronMatches(either, new Date("2026-12-01T12:00:00Z"))).toBe(true); // the 1st, a Tuesday
    expect(cronMatches(either, new Date("2026-12-02T12:00:00Z"))).toBe(false);
  });
});

describe("backup settings", () => {
  it("defaults: keep 7, prefix convex-backups/<instance>/, the workspace bucket; off when absent", () => {
    expect(plan({}).backup).toBeUndefined();
    const on = plan({ backup: { schedule: "17 3 * * *" } }).backup;
    expect(on).toMatchObject({ schedule: "17 3 * * *", keep: 7, prefix: "convex-backups/convex-alice-dev/", target: { kind: "workspace" } });
    expect(on?.restoreFrom).toBeUndefined();
  });

  it("fails if the schedule, keep, prefix or restoreFrom are malformed, naming each field", () => {
    expect(problems(() => plan({ backup: { schedule: "61 3 * * *", keep: 0, prefix: "/backups", restoreFrom: "yesterday" } }))).toEqual([
      'backup.schedule: got "61 3 * * *"; the minute field "61" has 61, outside 0-59; use five fields "minute hour day-of-month month day-of-week" in UTC, e.g. "17 3 * * *" (03:17 every day), or @daily',
      "backup.keep: got 0; keep at least 1 snapshot",
      "backup.prefix: got \"/backups\"; use letters, digits and !_.*'()/- ending in '/', e.g. convex-backups/",
      'backup.restoreFrom: got "yesterday"; use latest, or the key of a snapshot, e.g. convex-backups/convex-alice-dev/20261201T031700Z.tar.gz',
    ]);
    expect(problems(() => plan({ backup: { keep: 3 } }))).toEqual([
      'backup.schedule: got (not set); set the schedule: five fields "minute hour day-of-month month day-of-week" in UTC, e.g. "17 3 * * *" (03:17 every day), or @daily',
    ]);
  });

  it("fails if backups are asked of a Postgres or MySQL database, or of a separate bucket on Docker, with what to do instead", () => {
    expect(problems(() => plan({ database: { kind: "postgres", urlSecretName: "db" }, backup: { schedule: "@daily" } }))).toEqual([
      'backup: got "(set)"; backups copy the SQLite database on the data volume; with database.kind: postgres back up the Postgres server with its own tools (pg_dump), or use npx convex export',
    ]);
    expect(problems(() => plan({ database: { kind: "mysql", urlSecretName: "db" }, backup: { schedule: "@daily" } }))).toEqual([
      'backup: got "(set)"; backups copy the SQLite database on the data volume; with database.kind: mysql back up the MySQL server with its own tools (mysqldump), or use npx convex export',
    ]);
    expect(problems(() => plan({ storage: { mode: "s3" }, backup: { schedule: "@daily", bucket: { endpoint: "https://b.example.com", bucketName: "team-backups", credentialsSecretName: "k" } } }, "docker"))).toEqual([
      'backup.bucket: got "team-backups"; a separate backup bucket reads its keys from a Kubernetes Secret; on Docker snapshots go to the workspace bucket (MinIO, or storage.bucket): remove backup.bucket',
    ]);
  });

  it("fails if a local-mode Kubernetes workspace names a MinIO bucket for its snapshots (MinIO runs only in s3 and proxied)", () => {
    expect(problems(() => plan({ storage: { mode: "local", bucket: { kind: "minio" } }, backup: { schedule: "@daily" } }))).toEqual([
      'backup: got "(set)"; in local mode on Kubernetes snapshots go to a claimed bucket or backup.bucket; the workspace\'s MinIO runs only in s3 and proxied mode: remove storage.bucket, or set backup.bucket',
    ]);
  });

  it("gives the runner the claim's coordinates and keys by reference, never the instance secret", () => {
    const p = plan({ backup: { schedule: "@daily", keep: 3, restoreFrom: "latest" } });
    const env = envToRecord(backupRunnerEnv({ backup: p.backup!, instanceName: p.instanceName, storageMode: p.storage.mode, region: p.region }, "restore"));
    expect(env).toEqual({
      CONVEX_DATA_DIR: "/convex/data",
      BACKUP_WORK_DIR: "/tmp",
      INSTANCE_NAME: "convex-alice-dev",
      STORAGE_MODE: "local",
      BACKUP_PREFIX: "convex-backups/convex-alice-dev/",
      BACKUP_KEEP: "3",
      BUCKET_HOST: "<ref:bucketHost>",
      BUCKET_PORT: "<ref:bucketPort>",
      BACKUP_S3_ENDPOINT: "http://$(BUCKET_HOST):$(BUCKET_PORT)",
      BACKUP_S3_BUCKET: "<ref:bucketName>",
      BACKUP_S3_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "<ref:bucketAccessKeyId>",
      AWS_SECRET_ACCESS_KEY: "<ref:bucketSecretAccessKey>",
      BACKUP_RESTORE_KEY: "latest",
    });
  });
});

describe("backupRunnerEnv: where each target's snapshots go", () => {
  const common = { CONVEX_DATA_DIR: "/convex/data", BACKUP_WORK_DIR: "/tmp", INSTANCE_NAME: "convex-alice-dev", BACKUP_PREFIX: "convex-backups/convex-alice-dev/", BACKUP_KEEP: "7" };
  const runnerEnv = (raw: object, target: Target, command: "backup" | "restore", minioEndpoint?: string) => {
    const p = planWorkspace(parseWorkspaceConfig({ workspace: { name: "alice-dev" }, ...raw }), { target, minioEndpoint: "http://convex-alice-dev-minio:9000" });
    return envToRecord(backupRunnerEnv({ backup: p.backup!, instanceName: p.instanceName, storageMode: p.storage.mode, region: p.region, minioEndpoint }, command));
  };

  it("a separate backup bucket: its endpoint without the trailing slash, its region, its keys from the backup Secret", () => {
    const bucket = { endpoint: "https://b.example.com/", bucketName: "team-backups", region: "eu-west-1", credentialsSecretName: "backup-keys" };
    expect(runnerEnv({ backup: { schedule: "@daily", bucket } }, "kubernetes", "backup")).toEqual({
      ...common,
      STORAGE_MODE: "local",
      BACKUP_S3_ENDPOINT: "https://b.example.com",
      BACKUP_S3_BUCKET: "team-backups",
      BACKUP_S3_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "<ref:backupAccessKeyId>",
      AWS_SECRET_ACCESS_KEY: "<ref:backupSecretAccessKey>",
    });
  });

  it("an external workspace bucket: its endpoint without the trailing slash and the snapshot to restore", () => {
    const bucket = { kind: "external", endpoint: "https://s3.example.com/", bucketName: "alice-convex", credentialsSecretName: "alice-s3" };
    const key = "convex-backups/convex-alice-dev/20261201T031700Z.tar.gz";
    expect(runnerEnv({ storage: { mode: "s3", region: "eu-central-1", bucket }, backup: { schedule: "@daily", restoreFrom: key } }, "kubernetes", "restore")).toEqual({
      ...common,
      STORAGE_MODE: "s3",
      BACKUP_S3_ENDPOINT: "https://s3.example.com",
      BACKUP_S3_BUCKET: "alice-convex",
      BACKUP_S3_REGION: "eu-central-1",
      AWS_ACCESS_KEY_ID: "<ref:bucketAccessKeyId>",
      AWS_SECRET_ACCESS_KEY: "<ref:bucketSecretAccessKey>",
      BACKUP_RESTORE_KEY: key,
    });
  });

  it("the workspace's MinIO: the endpoint the target gives, and the latest snapshot when restoreFrom is not set", () => {
    expect(runnerEnv({ backup: { schedule: "@daily" } }, "docker", "restore", "http://convex-alice-dev-minio:9000")).toEqual({
      ...common,
      STORAGE_MODE: "local",
      BACKUP_S3_ENDPOINT: "http://convex-alice-dev-minio:9000",
      BACKUP_S3_BUCKET: "convex",
      BACKUP_S3_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "<ref:bucketAccessKeyId>",
      AWS_SECRET_ACCESS_KEY: "<ref:bucketSecretAccessKey>",
      BACKUP_RESTORE_KEY: "latest",
    });
    // Without one the variable is empty, which the runner refuses by name (backup/src/settings.ts).
    expect(runnerEnv({ backup: { schedule: "@daily" } }, "docker", "backup").BACKUP_S3_ENDPOINT).toBe("");
  });
});

describe("snapshot names and retention", () => {
  const prefix = "convex-backups/convex-alice-dev/";
  it("names a snapshot by its UTC second, so names sort by time", () => {
    expect(snapshotKey(prefix, new Date("2026-12-01T03:17:05.123Z"))).toBe(`${prefix}20261201T031705Z.tar.gz`);
  });

  it("keeps the newest N and never touches other objects under the prefix", () => {
    const keys = [`${prefix}20261201T031700Z.tar.gz`, `${prefix}20261203T031700Z.tar.gz`, `${prefix}notes.txt`, `${prefix}20261202T031700Z.tar.gz`, "convex-backups/other/20261204T031700Z.tar.gz"];
    expect(snapshotsNewestFirst(prefix, keys)[0]).toBe(`${prefix}20261203T031700Z.tar.gz`);
    expect(snapshotsToPrune(prefix, keys, 2)).toEqual([`${prefix}20261201T031700Z.tar.gz`]);
    expect(snapshotsToPrune(prefix, keys, 5)).toEqual([]);
  });
});
