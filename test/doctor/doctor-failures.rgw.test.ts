/**
 * The doctor when S3 cannot work at all: an endpoint that is down, one that accepts connections but never answers
 * (every wait is bounded), wrong keys, a wrong bucket. Each gives one clear message naming the cause and the fix,
 * exit status 1, and never a key.
 */
import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ListMultipartUploadsCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runDoctor } from "../../doctor/src/run.ts";
import { renderText } from "../../doctor/src/render-text.ts";
import type { DoctorReport } from "../../doctor/src/types.ts";
import { runDoctorInProcess } from "../support/doctor-cli.ts";
import { describeWithRgw, useTestBucket } from "../support/rgw.ts";

function blocking(report: DoctorReport) {
  return report.checks.find((check) => check.status === "fail");
}

describeWithRgw("the doctor when S3 cannot work", (rgw) => {
  const bucket = useTestBucket("doctor-fail");
  const keys = { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey };

  it("an endpoint that is down: connection refused, exit 1, nothing replayed", async () => {
    // Port 1 (tcpmux) on loopback: nothing listens there.
    const report = await runDoctor({ endpoint: "http://127.0.0.1:1", bucket: "convex-files", region: "us-east-1", keys, requestTimeoutMs: 2_000 });
    expect(report.verdict.exitCode).toBe(1);
    expect(blocking(report)).toMatchObject({ id: "tcp", detail: "127.0.0.1:1: connection refused (nothing listens there)" });
    expect(report.verdict.summary).toMatch(/^TCP connection: 127\.0\.0\.1:1: connection refused \(nothing listens there\)\. Fix: check that the S3 endpoint is up/);
    expect(report.runs).toEqual([]);
  });

  let silent: net.Server;
  let silentPort: number;
  const held: net.Socket[] = [];
  beforeAll(async () => {
    silent = net.createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    silentPort = (silent.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    for (const socket of held) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it("an endpoint that accepts connections but never answers: stops after the request time limit", async () => {
    const started = Date.now();
    const report = await runDoctor({ endpoint: `http://127.0.0.1:${silentPort}`, bucket: "convex-files", region: "us-east-1", keys, requestTimeoutMs: 500 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(report.verdict.exitCode).toBe(1);
    expect(blocking(report)).toMatchObject({ id: "http", detail: "GET / failed (TimeoutError)" });
  });

  it("an unknown access key: InvalidAccessKeyId, told to use the bucket's own keys", async () => {
    const report = await runDoctor({ endpoint: rgw.endpoint, bucket: bucket.current.name, region: "us-east-1", keys: { accessKeyId: "NOSUCHKEY0000000000A", secretAccessKey: "x".repeat(40) }, requestTimeoutMs: 5_000 });
    expect(report.verdict.exitCode).toBe(1);
    expect(blocking(report)).toMatchObject({
      id: "access",
      detail: "the endpoint does not know this access key (HTTP 403 InvalidAccessKeyId)",
      fix: "use the bucket's own keys (Rook: AWS_ACCESS_KEY_ID in the ObjectBucketClaim's Secret)",
    });
  });

  it("a wrong secret key: SignatureDoesNotMatch, and the text output shows neither key", async () => {
    const wrongSecret = "wrong-secret-0123456789abcdefghijklmnopq";
    const outcome = await runDoctorInProcess(["--endpoint", rgw.endpoint, "--bucket", bucket.current.name], {
      AWS_ACCESS_KEY_ID: rgw.accessKeyId,
      AWS_SECRET_ACCESS_KEY: wrongSecret,
    });
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toContain("FAIL  Keys and bucket");
    expect(outcome.stdout).toContain("the access key is known but the signature does not match: the secret key is wrong");
    expect(outcome.stdout).toContain("(HTTP 403 SignatureDoesNotMatch)");
    expect(outcome.stdout).not.toContain(wrongSecret);
    expect(outcome.stdout).not.toContain(rgw.accessKeyId);
  });

  it("a spent time budget: the replays not started are skipped, named, and count as not working", async () => {
    const report = await runDoctor({ endpoint: rgw.endpoint, bucket: bucket.current.name, region: "us-east-1", keys, requestTimeoutMs: 5_000, budgetMs: 0 });
    expect(report.runs).toEqual([]);
    const budget = report.checks.find((check) => check.id === "budget");
    expect(budget?.status).toBe("warn");
    expect(budget?.detail).toMatch(/^the endpoint answered so slowly that 8 replay\(s\) did not run within 0 ms: s3: Convex's defaults \(no flag\); /);
    expect(report.verdict.modes.map((mode) => mode.summary)).toEqual([
      "s3 does not work with any combination of Convex's settings",
      "proxied was not tested: the time budget was spent before it",
    ]);
    expect(report.verdict.exitCode).toBe(1);
    expect(report.checks.find((check) => check.id === "cleanup")?.status).toBe("ok");
  });

  it("Ctrl-C: the replays not started are skipped, the scratch prefix is still emptied, the report is printed", async () => {
    const main = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../doctor/src/main.ts");
    const child = spawn(process.execPath, ["--import", "tsx", main, "--endpoint", rgw.endpoint, "--bucket", bucket.current.name], {
      env: { PATH: process.env.PATH ?? "", AWS_ACCESS_KEY_ID: rgw.accessKeyId, AWS_SECRET_ACCESS_KEY: rgw.secretAccessKey },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`no exit within 60 s: ${stderr}`));
      }, 60_000);
      child.stderr.on("data", (chunk: Buffer) => {
        const first = stderr === "";
        stderr += chunk.toString();
        // The doctor announces itself once its SIGINT handler is in place: interrupt it right then.
        if (first && stderr.startsWith("doctor: checking")) child.kill("SIGINT");
      });
      child.once("exit", (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    expect(stderr).toContain("doctor: interrupted; cleaning up the scratch prefix");
    expect(stdout).toMatch(/WARN {2}Interrupted +\d+ replay\(s\) did not run: /);
    expect(stdout).toMatch(/ok {4}Scratch prefix cleaned up .*nothing left/);
    expect(code).toBe(1);
    const listed = await bucket.current.client.send(new ListObjectsV2Command({ Bucket: bucket.current.name, Prefix: "convex-doctor/" }));
    expect(listed.KeyCount).toBe(0);
    const uploads = await bucket.current.client.send(new ListMultipartUploadsCommand({ Bucket: bucket.current.name, Prefix: "convex-doctor/" }));
    expect(uploads.Uploads ?? []).toEqual([]);
  });

  it("a bucket that does not exist: NoSuchBucket, named, with the fix", async () => {
    const report = await runDoctor({ endpoint: rgw.endpoint, bucket: "no-such-bucket-doctor", region: "us-east-1", keys, requestTimeoutMs: 5_000 });
    expect(report.verdict.exitCode).toBe(1);
    expect(blocking(report)).toMatchObject({ id: "access", detail: `bucket "no-such-bucket-doctor" does not exist at ${rgw.endpoint} (HTTP 404 NoSuchBucket)` });
    expect(renderText(report)).toContain("fix: create it first (Convex never creates buckets) or fix the name");
    expect(report.verdict.modes.map((mode) => mode.works)).toEqual([false, false]);
  });
});
