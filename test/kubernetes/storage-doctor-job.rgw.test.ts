/**
 * The storage-doctor Job's exact container command, run here under `sh` against the real RGW: the gzipped bundle
 * from the synthesized ConfigMap, unpacked with gunzip and run by plain `node` (no tsx, no node_modules) with the
 * Job's environment, its references resolved the way Kubernetes would (the claim's ConfigMap and Secret, then
 * `$(VAR)` expansion). What was not run: a Kubernetes cluster, and the pinned Node 22 image itself.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { doctorContainer, synthDoctorJob, type DoctorContainer } from "../support/doctor-job.ts";
import { describeWithRgw, useTestBucket } from "../support/rgw.ts";

/** The container's env as Kubernetes resolves it: references from `objects`, then `$(NAME)` of earlier variables. */
function resolveEnv(container: DoctorContainer, objects: Record<string, Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of container.env) {
    const ref = entry.value_from?.config_map_key_ref ?? entry.value_from?.secret_key_ref;
    const raw = ref ? objects[ref.name]?.[ref.key] : entry.value;
    if (raw === undefined) throw new Error(`no value for ${entry.name}`);
    env[entry.name] = raw.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env[name] ?? whole);
  }
  return env;
}

function run(command: string[], env: Record<string, string>, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = command;
    const child = spawn(file as string, args, { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the Job's command did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describeWithRgw("the storage-doctor Job's command against Ceph RGW", (rgw) => {
  const bucket = useTestBucket("doctor-job");
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "doctor-job-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("unpacks and runs the bundle with the backend's storage environment: the s3 settings of the stack work, exit 0", async () => {
    const json = synthDoctorJob();
    const container = doctorContainer(json);
    const configMap = Object.values(json.resource.kubernetes_config_map_v1 ?? {})[0] as { binary_data: Record<string, string> };
    const bundleDir = path.join(dir, "bundle");
    const tmp = path.join(dir, "tmp");
    mkdirSync(bundleDir);
    mkdirSync(tmp);
    for (const [file, base64] of Object.entries(configMap.binary_data)) writeFileSync(path.join(bundleDir, file), Buffer.from(base64, "base64"));
    const command = container.command.map((part) => part.replaceAll("/opt/convex-doctor/", `${bundleDir}/`).replaceAll("/tmp/convex-doctor.mjs", `${tmp}/convex-doctor.mjs`));
    const url = new URL(rgw.endpoint);
    const env = resolveEnv(container, {
      "convex-alice-dev-bucket": { BUCKET_NAME: bucket.current.name, BUCKET_HOST: url.hostname, BUCKET_PORT: url.port, AWS_ACCESS_KEY_ID: rgw.accessKeyId, AWS_SECRET_ACCESS_KEY: rgw.secretAccessKey },
    });
    expect(env.S3_ENDPOINT_URL).toBe(rgw.endpoint);
    const outcome = await run(command, env, 60_000);
    expect(outcome.stderr).toBe(`doctor: checking ${rgw.endpoint}, bucket ${bucket.current.name} (a few seconds; Ctrl-C stops it and cleans up)\n`);
    expect(outcome.stdout).toContain(
      "OK: Configured (the backend's environment): s3 with AWS_S3_FORCE_PATH_STYLE=true AWS_S3_DISABLE_SSE=true AWS_S3_DISABLE_CHECKSUMS=true AWS_REQUEST_CHECKSUM_CALCULATION=WHEN_REQUIRED will work",
    );
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).not.toContain(rgw.secretAccessKey);
  });
});
