/**
 * The Docker proxy container's start command, run for real against Ceph RGW: the stack is synthesized in proxied
 * mode with an external bucket on the test RGW and the real proxy bundle; then the container's command runs here
 * exactly as Docker would run it (`node /opt/s3-proxy/s3-proxy.mjs`, the uploaded file at that path under a temporary
 * root), with the environment the stack renders. Substitutions, and only these: Terraform references are replaced by
 * the values Terraform would give them (the keys), and S3PROXY_LISTEN binds 127.0.0.1:0 instead of 0.0.0.0:8333 (the
 * healthcheck command is pointed at that port in turn).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, expect, it } from "vitest";
import { runConvexS3Sequence } from "../support/convex-s3-sequence.ts";
import { dockerContainer, envMap, synthDocker, type DockerContainer } from "../support/docker-synth.ts";
import { createTestBucket, describeWithRgw } from "../support/rgw.ts";
import { proxyBundle } from "../../lib/proxy-bundle.ts";

const PROXY = "convex-alice-dev-s3-proxy";
const BACKEND = "convex-alice-dev-backend";

/** What `random_password` would generate for the proxy's client keys (20 upper-case alphanumerics, 40 alphanumerics). */
const clientKeys = {
  accessKeyId: randomBytes(10).toString("hex").toUpperCase(),
  secretAccessKey: randomBytes(20).toString("hex"),
};

/** What `random_id` would generate for INSTANCE_SECRET. */
const instanceSecret = randomBytes(32).toString("hex");

/** Replaces each Terraform reference in an env value by the value Terraform would resolve it to. */
function resolveReference(value: string): string {
  const sensitiveLiteral = /^\$\{sensitive\((".*")\)\}$/.exec(value);
  if (sensitiveLiteral) return JSON.parse(sensitiveLiteral[1] as string) as string;
  if (/^\$\{sensitive\(random_id\.InstanceSecret_[0-9A-F]{8}\.hex\)\}$/.test(value)) return instanceSecret;
  if (/^\$\{random_password\.ProxyCredentials_AccessKeyId_[0-9A-F]{8}\.result\}$/.test(value)) return clientKeys.accessKeyId;
  if (/^\$\{random_password\.ProxyCredentials_SecretAccessKey_[0-9A-F]{8}\.result\}$/.test(value)) return clientKeys.secretAccessKey;
  if (/(^|[^$])\$\{/.test(value)) throw new Error(`unresolved Terraform reference in ${value}`);
  return value.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill("SIGTERM");
});

/** Writes the uploaded file under a temporary root and runs the container's command; resolves with the proxy's URL. */
async function runProxyContainer(c: DockerContainer): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), "docker-proxy-"));
  for (const upload of c.upload ?? []) {
    const target = join(root, upload.file);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, resolveReference(upload.content));
  }
  const [program, ...args] = (c.command ?? []).map((a) => (a.startsWith("/opt/") ? join(root, a) : a));
  const env = Object.fromEntries(Object.entries(envMap(c)).map(([k, v]) => [k, resolveReference(v)]));
  const child = spawn(program as string, args, { env: { PATH: process.env.PATH, ...env, S3PROXY_LISTEN: "127.0.0.1:0" }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`proxy did not listen within 15 s\nstdout: ${out}\nstderr: ${err}`)), 15_000);
    child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const line = out.split("\n").find((l) => l.includes('"msg":"listening"'));
      if (line === undefined) return;
      clearTimeout(timer);
      resolve(`http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`);
    });
    child.on("exit", (code) => reject(new Error(`proxy exited with ${code}\nstdout: ${out}\nstderr: ${err}`)));
  });
}

describeWithRgw("workspace-docker proxied mode: the proxy container's command against Ceph RGW", (rgw) => {
  it("serves PUT and GET for the backend's keys, and Convex's default S3 sequence (SSE and CRC32 requested)", async () => {
    const bucket = await createTestBucket("docker-proxy");
    const json = synthDocker(
      // The proxy's TLS (on by default) is proven in test/proxy/tls.rgw.test.ts; here the plain-HTTP container command.
      { storage: { proxy: { tls: false }, bucket: { kind: "external", endpoint: rgw.endpoint, bucketName: bucket.name, accessKeyIdEnv: "RGW_KEY_ID", secretAccessKeyEnv: "RGW_SECRET" } } },
      { STORAGE_MODE: "proxied" },
      { environment: { RGW_KEY_ID: rgw.accessKeyId, RGW_SECRET: rgw.secretAccessKey }, proxyBundle: proxyBundle() },
    );
    const proxyContainer = dockerContainer(json, PROXY);
    // The real bundle has template literals: the upload only works because the stack escapes them for Terraform.
    expect(proxyBundle()).toContain("${");
    expect(proxyContainer.command).toEqual(["node", "/opt/s3-proxy/s3-proxy.mjs"]);
    const url = await runProxyContainer(proxyContainer);

    // The container's healthcheck command, pointed at this run's port: ready once RGW answers.
    const [, program, ...args] = proxyContainer.healthcheck?.test ?? [];
    const port = new URL(url).port;
    const health = spawnSync(program as string, args.map((a) => a.replace("127.0.0.1:8333", `127.0.0.1:${port}`)), { encoding: "utf8", timeout: 20_000 });
    expect(health.status, health.stderr).toBe(0);

    // The backend signs with the keys its rendered environment names, and reaches the proxy on its port.
    const backend = Object.fromEntries(Object.entries(envMap(dockerContainer(json, BACKEND))).map(([k, v]) => [k, resolveReference(v)]));
    expect(backend.S3_ENDPOINT_URL).toBe(`http://${PROXY}:8333`);
    const client = new S3Client({
      endpoint: url,
      region: backend.AWS_REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: backend.AWS_ACCESS_KEY_ID as string, secretAccessKey: backend.AWS_SECRET_ACCESS_KEY as string },
    });
    const body = `hello from the docker proxy ${randomBytes(8).toString("hex")}`;
    await client.send(new PutObjectCommand({ Bucket: bucket.name, Key: "docker/hello.txt", Body: body }));
    const got = await client.send(new GetObjectCommand({ Bucket: bucket.name, Key: "docker/hello.txt" }));
    expect(await got.Body?.transformToString()).toBe(body);
    const direct = await bucket.client.send(new GetObjectCommand({ Bucket: bucket.name, Key: "docker/hello.txt" }));
    expect(await direct.Body?.transformToString()).toBe(body);
    client.destroy();

    // Convex's own request sequence with its AWS defaults, as the proxied backend sends it: two multipart parts
    // with SSE and CRC32 requested (RGW Pacific rejects both when asked directly).
    const upload = randomBytes(6 * 1024 * 1024);
    const result = await runConvexS3Sequence({
      target: { endpoint: url, region: backend.AWS_REGION, accessKeyId: backend.AWS_ACCESS_KEY_ID as string, secretAccessKey: backend.AWS_SECRET_ACCESS_KEY as string },
      bucket: bucket.name,
      key: "docker/convex-sequence",
      body: upload,
    });
    expect(result.parts).toHaveLength(2);
    expect(result.parts.every((p) => p.checksumCrc32 === p.expectedCrc32)).toBe(true);
    expect(result.downloaded.equals(upload)).toBe(true);
  });
});
