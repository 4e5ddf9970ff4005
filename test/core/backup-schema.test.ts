// The `backup:` block of the YAML file (lib/core/backup-schema.ts): its defaults, and each setting's accepted and
// refused values at their edges, with the messages, by hand.
import { describe, expect, it } from "vitest";
import { parseWorkspaceConfig } from "../../lib/core/config.ts";
import { problems } from "../support/config-problems.ts";

const parse = (backup: object) => parseWorkspaceConfig({ workspace: { name: "alice-dev" }, backup });
const fail = (backup: object) => problems(() => parse(backup));
const DAILY = { schedule: "@daily" };
const BUCKET = { endpoint: "https://b.example.com", bucketName: "team-backups", credentialsSecretName: "backup-keys" };
const KEY = "convex-backups/convex-alice-dev/20261201T031700Z.tar.gz";

describe("backup settings: defaults", () => {
  it("keeps 7 snapshots under convex-backups/ in the workspace bucket, with no restore", () => {
    expect(parse(DAILY).backup).toEqual({ schedule: "@daily", keep: 7, prefix: "convex-backups/" });
  });

  it("gives a separate bucket the region us-east-1 and the usual key names of its Secret", () => {
    expect(parse({ ...DAILY, bucket: BUCKET }).backup?.bucket).toEqual({
      ...BUCKET,
      region: "us-east-1",
      accessKeyIdKey: "AWS_ACCESS_KEY_ID",
      secretAccessKeyKey: "AWS_SECRET_ACCESS_KEY",
    });
    const named = { ...BUCKET, region: "eu-west-1", accessKeyIdKey: "id", secretAccessKeyKey: "secret" };
    expect(parse({ ...DAILY, bucket: named }).backup?.bucket).toEqual(named);
  });
});

describe("backup settings: each value at its edges", () => {
  it("schedule: a cron expression, with the hint on every refusal", () => {
    const hint = 'five fields "minute hour day-of-month month day-of-week" in UTC, e.g. "17 3 * * *" (03:17 every day), or @daily';
    expect(fail({ schedule: 17 })).toEqual([`backup.schedule: got 17; set the schedule: ${hint}`]);
    expect(fail({ schedule: "0 3 * *" })).toEqual([`backup.schedule: got "0 3 * *"; it has 4 field(s); use ${hint}`]);
    expect(parse({ schedule: "17 3 * * 1-5" }).backup?.schedule).toBe("17 3 * * 1-5");
  });

  it("keep: a whole number from 1 to 1000, unquoted", () => {
    expect([1, 3, 1000].map((keep) => parse({ ...DAILY, keep }).backup?.keep)).toEqual([1, 3, 1000]);
    expect(fail({ ...DAILY, keep: "7" })).toEqual(['backup.keep: got "7"; use a whole number of snapshots (unquoted), e.g. 7']);
    expect(fail({ ...DAILY, keep: 2.5 })).toEqual(["backup.keep: got 2.5; use a whole number of snapshots, e.g. 7"]);
    expect(fail({ ...DAILY, keep: 0 })).toEqual(["backup.keep: got 0; keep at least 1 snapshot"]);
    expect(fail({ ...DAILY, keep: 1001 })).toEqual(["backup.keep: got 1001; keep at most 1000 snapshots"]);
  });

  it("prefix: starts with a letter or digit, ends in '/', only S3-safe characters", () => {
    for (const prefix of ["a/", "Team_Backups.v2/(x)/!*'-/"]) expect(parse({ ...DAILY, prefix }).backup?.prefix).toBe(prefix);
    for (const prefix of ["/backups/", "backups", "backups/x", "-backups/", "back ups/", "back%20ups/"]) {
      expect(fail({ ...DAILY, prefix })).toEqual([`backup.prefix: got ${JSON.stringify(prefix)}; use letters, digits and !_.*'()/- ending in '/', e.g. convex-backups/`]);
    }
  });

  it("bucket.endpoint: http or https, a host and at most a trailing slash", () => {
    for (const endpoint of ["http://b.example.com:9000", "https://b.example.com/"]) expect(parse({ ...DAILY, bucket: { ...BUCKET, endpoint } }).backup?.bucket?.endpoint).toBe(endpoint);
    for (const endpoint of ["https://b.example.com/path", "ftp://b.example.com", "https://", "https://b .example.com", "xhttps://b.example.com", "https://b.example.com//"]) {
      expect(fail({ ...DAILY, bucket: { ...BUCKET, endpoint } })).toEqual([
        `backup.bucket.endpoint: got ${JSON.stringify(endpoint)}; use an http:// or https:// URL with a host and no path, e.g. https://s3.example.com`,
      ]);
    }
  });

  it("bucket.bucketName: an S3 bucket name of 3 to 63 characters", () => {
    const longest = `a${"b".repeat(61)}c`;
    for (const bucketName of ["abc", "a.b-c", longest]) expect(parse({ ...DAILY, bucket: { ...BUCKET, bucketName } }).backup?.bucket?.bucketName).toBe(bucketName);
    for (const bucketName of ["ab", `${longest}d`, "Abc", "-abc", "abc-", "a_c", "xabc\n"]) {
      expect(fail({ ...DAILY, bucket: { ...BUCKET, bucketName } })).toEqual([
        `backup.bucket.bucketName: got ${JSON.stringify(bucketName)}; use an S3 bucket name: 3-63 lower-case letters, digits, '.' or '-'`,
      ]);
    }
  });

  it("bucket: the Secret by DNS name, no empty region or key name, no unknown setting", () => {
    expect(fail({ ...DAILY, bucket: { ...BUCKET, credentialsSecretName: "Backup_Keys" } })).toEqual([
      `backup.bucket.credentialsSecretName: got "Backup_Keys"; name a Kubernetes Secret in the workspace namespace (lower-case, digits, '-')`,
    ]);
    expect(fail({ ...DAILY, bucket: { ...BUCKET, region: "", accessKeyIdKey: "", secretAccessKeyKey: "" } })).toEqual([
      `backup.bucket.region: got ""; name the bucket's region, e.g. us-east-1`,
      `backup.bucket.accessKeyIdKey: got ""; name the Secret's key that holds the access key id, e.g. AWS_ACCESS_KEY_ID`,
      `backup.bucket.secretAccessKeyKey: got ""; name the Secret's key that holds the secret access key, e.g. AWS_SECRET_ACCESS_KEY`,
    ]);
    const unknown = "remove it: it is not a known setting (check the spelling against config/workspace.example.yaml)";
    expect(fail({ ...DAILY, bucket: { ...BUCKET, forcePathStyle: true } })).toEqual([`backup.bucket.forcePathStyle: got true; ${unknown}`]);
    expect(fail({ ...DAILY, retention: 3 })).toEqual([`backup.retention: got 3; ${unknown}`]);
  });

  it("restoreFrom: latest, or a snapshot's key", () => {
    for (const restoreFrom of ["latest", KEY, "k/20261201T031700Z.tar.gz"]) expect(parse({ ...DAILY, restoreFrom }).backup?.restoreFrom).toBe(restoreFrom);
    const refused = [
      "latest/",
      "xlatest",
      "/convex-backups/20261201T031700Z.tar.gz",
      "k/1T031700Z.tar.gz",
      "k/20261201T0Z.tar.gz",
      "k/20261201X031700Z.tar.gz",
      "k/20261201T031700Z.tar.gzip",
      "k/20261201T031700Z-tar-gz",
      "k /20261201T031700Z.tar.gz",
      "k/2026120aT031700Z.tar.gz",
    ];
    for (const restoreFrom of refused) {
      expect(fail({ ...DAILY, restoreFrom })).toEqual([
        `backup.restoreFrom: got ${JSON.stringify(restoreFrom)}; use latest, or the key of a snapshot, e.g. convex-backups/convex-alice-dev/20261201T031700Z.tar.gz`,
      ]);
    }
  });
});
