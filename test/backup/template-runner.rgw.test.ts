/**
 * The Docker Coder template's backup and restore containers, exactly as terraform plans them (command, user,
 * environment, the uploaded bundle, the keys file's bind mount), run here on the pinned image's Node version against
 * the real Ceph RGW as the team backup bucket. Each container path is mapped to the host path Docker would mount
 * there (the data volume, the upload, the keys file); nothing else is changed. Not run: Docker itself and Coder.
 */
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { spawn } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TerraformConfig } from "../../scripts/terraform-harness/stand-in.ts";
import { planWithTerraform } from "../../scripts/terraform-harness/terraform.ts";
import { NODE_USER, runFixture, type Finished } from "../support/backup-runner.ts";
import { buildTemplateForTest } from "../support/built-template.ts";
import { pinnedNode } from "../support/pinned-node.ts";
import { describeWithRgw, useTestBucket } from "../support/rgw.ts";

type Body = Record<string, unknown>;
const first = (value: unknown): Body => (Array.isArray(value) ? value[0] : value) as Body;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const OWNER_ID = "0b6c3c1e-1111-4222-8333-944455556666";

/** A container as planned: what `docker run` would be given. */
interface PlannedContainer {
  readonly command: string[];
  readonly user: string;
  readonly env: string[];
  readonly uploads: { file: string; content: string }[];
  readonly dataPath: string;
  readonly bind?: { source: string; target: string };
}

function container(values: Body): PlannedContainer {
  const bind = (values.mounts as Body[] | undefined)?.find((m) => m.type === "bind");
  return {
    command: values.command as string[],
    user: values.user as string,
    env: values.env as string[],
    uploads: values.upload as { file: string; content: string }[],
    dataPath: first(values.volumes).container_path as string,
    ...(bind ? { bind: { source: bind.source as string, target: bind.target as string } } : {}),
  };
}

/**
 * Runs a planned container's command with Node in place of the image's `node`: each upload written under `root`,
 * the data volume at `dataDir`, a bind mount's target read from its source; as the planned user.
 */
function run(planned: PlannedContainer, root: string, dataDir: string, options: { stopAfter?: (out: string) => boolean; timeoutMs?: number } = {}): Promise<Finished> {
  const mapped = new Map<string, string>([[planned.dataPath, dataDir]]);
  for (const upload of planned.uploads) {
    const host = path.join(root, "uploads", upload.file);
    mkdirSync(path.dirname(host), { recursive: true, mode: 0o755 });
    writeFileSync(host, upload.content, { mode: 0o644 });
    mapped.set(upload.file, host);
  }
  if (planned.bind) mapped.set(planned.bind.target, planned.bind.source);
  const map = (value: string) => mapped.get(value) ?? value;
  const [node, ...args] = planned.command;
  expect(node).toBe("node");
  const env = Object.fromEntries(planned.env.map((e) => [e.slice(0, e.indexOf("=")), map(e.slice(e.indexOf("=") + 1))]));
  const [uid, gid] = planned.user.split(":").map(Number);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(pinnedNode(), args.map(map), { env: { PATH: process.env.PATH ?? "", ...env }, uid, gid, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let stopped = false;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${planned.command.join(" ")} did not finish within ${options.timeoutMs ?? 120_000} ms: ${stdout}${stderr}`));
    }, options.timeoutMs ?? 120_000);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      // `docker stop` sends SIGTERM, once.
      if (!stopped && options.stopAfter?.(stdout)) {
        stopped = true;
        child.kill("SIGTERM");
      }
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Math.round(performance.now() - started) });
    });
  });
}

describeWithRgw("the Docker template's backup and restore containers, as planned, against Ceph RGW", (rgw) => {
  const bucket = useTestBucket("convex-template-backup");
  const built = buildTemplateForTest("docker");
  let dir: string;
  let keysFile: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "convex-template-backup-"));
    chmodSync(dir, 0o755);
    // As the README tells the admin: install -m 0400 -o 1000 -g 1000 keys.env ...
    keysFile = path.join(dir, "keys.env");
    writeFileSync(keysFile, `# team backup bucket\nAWS_ACCESS_KEY_ID=${rgw.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${rgw.secretAccessKey}\n`, { mode: 0o400 });
    chownSync(keysFile, NODE_USER, NODE_USER);
  });
  afterAll(() => {
    built.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  const plan = async (construct: "Backup" | "Restore", cell: { workspace: string; schedule?: string; restoreFrom?: string; keysFile?: string }): Promise<PlannedContainer> => {
    const result = await planWithTerraform(built.json as TerraformConfig, {
      vars: {
        wildcard_access_url: "*.apps.example.com",
        backup_bucket_endpoint: rgw.endpoint,
        backup_bucket_name: bucket.current.name,
        backup_credentials_file: cell.keysFile ?? keysFile,
        ...(cell.schedule ? { backup_schedule: cell.schedule } : {}),
      },
      data: {
        "coder_parameter.storage_mode": { value: "local" },
        "coder_parameter.restore_from": { value: cell.restoreFrom ?? "" },
        "coder_workspace.me": { start_count: 1, transition: "start", name: cell.workspace },
        "coder_workspace_owner.me": { id: OWNER_ID },
      },
    });
    const found = result.resources.filter((r) => r.type === "docker_container" && r.resource.startsWith(`docker_container.${construct}_`));
    expect(found).toHaveLength(1);
    return container((found[0] as { values: Body }).values);
  };

  /** A backend's data volume with a SQLite database of `rows` committed rows (rollback journal, as Convex) and a file. */
  async function dataVolume(name: string, rows: number): Promise<string> {
    const data = path.join(dir, name);
    mkdirSync(path.join(data, "storage", "files"), { recursive: true });
    writeFileSync(path.join(data, "storage", "files", "a.blob"), "file bytes");
    const writer = spawn(pinnedNode(), [path.resolve("test/fixtures/backup/sqlite-writer.mjs"), path.join(data, "db.sqlite3"), "delete", "5000", "100"], { stdio: ["pipe", "pipe", "pipe"] });
    let last = 0;
    writer.stdout.on("data", (chunk: Buffer) => (last = Number(chunk.toString().trim().split("\n").at(-1))));
    const deadline = Date.now() + 30_000;
    while (last < rows && Date.now() < deadline) await sleep(20);
    writer.stdin.end();
    await new Promise((resolve) => writer.once("exit", resolve));
    // The data volume as the backend leaves it: readable by others, written by root.
    for (const p of [data, path.join(data, "storage"), path.join(data, "storage", "files")]) chmodSync(p, 0o755);
    return data;
  }

  const keysUnder = async (prefix: string) =>
    ((await bucket.current.client.send(new ListObjectsV2Command({ Bucket: bucket.current.name, Prefix: prefix }))).Contents ?? []).map((o) => o.Key ?? "");

  it("the backup container's schedule command, as the node user with the keys file mounted, writes a snapshot below convex-backups/<owner id>/<workspace>/; the restore container fills a fresh volume from latest, and does nothing at the next start", async () => {
    const backup = await plan("Backup", { workspace: "Dev", schedule: "* * * * *" });
    expect(backup.user).toBe("1000:1000");
    const data = await dataVolume("dev-data", 200);
    const ran = await run(backup, dir, data, { stopAfter: (out) => out.includes("older snapshot(s)"), timeoutMs: 90_000 });
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain(`wrote s3://${bucket.current.name}/convex-backups/${OWNER_ID}/dev/`);
    expect(ran.stdout.trim().split("\n").at(-1)).toBe("convex-backup: stopped");
    expect(ran.stdout + ran.stderr).not.toContain(rgw.secretAccessKey);
    expect(await keysUnder(`convex-backups/${OWNER_ID}/dev/`)).toHaveLength(1);

    // A new workspace of the same name (the old one deleted), created with restore_from = latest.
    const restore = await plan("Restore", { workspace: "dev", restoreFrom: "latest" });
    expect(restore.user).toBe("0:0");
    const fresh = path.join(dir, "dev-fresh");
    mkdirSync(fresh);
    const restored = await run(restore, dir, fresh);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain("convex-restore: restored s3://");
    const checked = await runFixture("sqlite-check.mjs", [path.join(fresh, "db.sqlite3")]);
    const result = JSON.parse(checked.stdout) as { integrity: string[]; rows: { count: number } };
    expect(result.integrity).toEqual(["ok"]);
    expect(result.rows.count).toBeGreaterThanOrEqual(200);
    expect(existsSync(path.join(fresh, "storage", "files", "a.blob"))).toBe(true);
    const again = await run(restore, dir, fresh);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("already holds a database");
  });

  it("restore_from <workspace>/<time>.tar.gz restores that snapshot into a workspace of another name; a snapshot of an s3 workspace, and latest with none, are refused with the template's fix", async () => {
    const planned = await plan("Backup", { workspace: "other", schedule: "* * * * *" });
    // The same container with the runner's one-shot command instead of waiting for the minute (schedule runs exactly this).
    const backup = { ...planned, command: [...planned.command.slice(0, -1), "backup"] };
    const data = await dataVolume("other-data", 50);
    const snapshot = async (container: PlannedContainer) => {
      const ran = await run(container, dir, data);
      expect(ran.code, ran.stderr).toBe(0);
      const key = /wrote s3:\/\/[^/]+\/(\S+)/.exec(ran.stdout)?.[1] ?? "";
      expect(key).toMatch(new RegExp(`^convex-backups/${OWNER_ID}/other/[0-9]{8}T[0-9]{6}Z\\.tar\\.gz$`));
      return key.slice(`convex-backups/${OWNER_ID}/`.length);
    };
    const local = await snapshot(backup);
    await sleep(1100);
    // As an s3 workspace's container would be (the only difference in its environment).
    const s3 = await snapshot({ ...backup, env: backup.env.map((e) => (e === "STORAGE_MODE=local" ? "STORAGE_MODE=s3" : e)) });

    const fresh = path.join(dir, "new-one");
    mkdirSync(fresh);
    const restored = await run(await plan("Restore", { workspace: "new-one", restoreFrom: local }), dir, fresh);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain(`restored s3://${bucket.current.name}/convex-backups/${OWNER_ID}/${local}`);

    const empty = path.join(dir, "third");
    mkdirSync(empty);
    const refused = await run(await plan("Restore", { workspace: "third", restoreFrom: s3 }), dir, empty);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`snapshot convex-backups/${OWNER_ID}/${s3} was taken in s3 mode and its database is locked to it: the template restores snapshots of Local disk workspaces only`);
    expect(existsSync(path.join(empty, "db.sqlite3"))).toBe(false);

    const none = await run(await plan("Restore", { workspace: "never-backed-up", restoreFrom: "latest" }), dir, empty);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`no snapshot under s3://${bucket.current.name}/convex-backups/${OWNER_ID}/never-backed-up/: restore_from latest restores the newest snapshot of your earlier workspace of the same name`);
  });

  it("fails with the setting to fix when the keys file is missing or has no secret line, never printing a key", async () => {
    const data = await dataVolume("keys-data", 10);
    const missing = await run(await plan("Backup", { workspace: "keys", schedule: "@daily", keysFile: path.join(dir, "absent.env") }), dir, data);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`BACKUP_CREDENTIALS_FILE: cannot read "${path.join(dir, "absent.env")}" (ENOENT): mount the keys file there, readable by this container's user (the backup runs as uid 1000)`);
    const partial = path.join(dir, "partial.env");
    writeFileSync(partial, `AWS_ACCESS_KEY_ID=${rgw.accessKeyId}\n`, { mode: 0o444 });
    const half = await run(await plan("Backup", { workspace: "keys", schedule: "@daily", keysFile: partial }), dir, data);
    expect(half.code).toBe(1);
    expect(half.stderr).toContain(`BACKUP_CREDENTIALS_FILE "${partial}" has no AWS_SECRET_ACCESS_KEY=... line: add one`);
    expect(half.stderr).not.toContain(rgw.accessKeyId);
  });
});
