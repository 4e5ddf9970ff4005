/**
 * TLS settings resolved by the plan: the endpoint scheme, the bucket's CA (storage.bucket.caBundle) and the proxy's
 * TLS, with every refusal naming its field; and the trust bundle script the backend runs first, run by /bin/sh.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseWorkspaceConfig } from "../../lib/core/config.ts";
import { envToRecord } from "../../lib/core/env.ts";
import { ConfigError } from "../../lib/core/errors.ts";
import { planWorkspace } from "../../lib/core/plan.ts";
import { Bucket } from "../../lib/core/bucket.ts";
import { bucketUsesHttps } from "../../lib/core/tls-plan.ts";
import { SYSTEM_ROOTS_FILE, trustBundleScript } from "../../lib/core/tls.ts";
import { createTestCa, type TestCa } from "../support/test-ca.ts";

const plan = (raw: object, target: "kubernetes" | "docker" = "kubernetes") =>
  planWorkspace(parseWorkspaceConfig({ workspace: { name: "alice-dev" }, ...raw }, {}), { target, minioEndpoint: "http://convex-alice-dev-minio:9000" });

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map((i) => `${i.field}: got ${i.value}; ${i.fix}`);
  }
  throw new Error("expected a ConfigError");
}

const rookHttps = (caBundle?: unknown) => ({ kind: "objectBucketClaim", endpointScheme: "https", ...(caBundle === undefined ? {} : { caBundle }) });
const external = { kind: "external", endpoint: "https://s3.example.com", bucketName: "alice-convex", accessKeyIdEnv: "K", secretAccessKeyEnv: "S" };

describe("TLS in the plan", () => {
  let ca: TestCa;
  let leaf: string;
  let garbage: string;
  beforeAll(() => {
    ca = createTestCa();
    leaf = ca.issue("leaf", ["s3.example.com"]).certFile;
    garbage = path.join(ca.dir, "garbage.pem");
    writeFileSync(garbage, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n");
  });
  afterAll(() => ca.remove());

  it("defaults: Rook's http gateway, the proxy on TLS in proxied mode, no private CA", () => {
    const s3 = plan({ storage: { mode: "s3" } });
    expect(envToRecord(s3.backendEnv).S3_ENDPOINT_URL).toBe("http://$(BUCKET_HOST):$(BUCKET_PORT)");
    expect(s3.tls).toEqual({ proxyTls: false });
    expect(s3.backendCaFiles).toEqual([]);
    const proxied = plan({ storage: { mode: "proxied" } });
    expect(proxied.tls).toEqual({ proxyTls: true });
    expect(proxied.backendCaFiles).toEqual(["/convex/tls/proxy-ca/ca.crt"]);
  });

  it("endpointScheme https with its CA: https to Rook's secure port, the CA trusted by the backend (s3) or the proxy (proxied)", () => {
    const s3 = plan({ storage: { mode: "s3", bucket: rookHttps({ secretName: "rgw-ca" }) } });
    expect(envToRecord(s3.backendEnv)).toMatchObject({ S3_ENDPOINT_URL: "https://$(BUCKET_HOST):$(BUCKET_PORT)", SSL_CERT_FILE: "/convex/trust/ca-certificates.crt", NODE_EXTRA_CA_CERTS: "/convex/trust/private-ca.crt" });
    expect(s3.tls.bucketCa).toEqual({ kind: "secret", name: "rgw-ca", key: "ca.crt" });
    const proxied = plan({ storage: { mode: "proxied", bucket: rookHttps({ configMapName: "rgw-ca", key: "bundle.pem" }) } });
    expect(envToRecord(proxied.proxyEnv ?? [])).toMatchObject({ S3PROXY_UPSTREAM_URL: "https://$(BUCKET_HOST):$(BUCKET_PORT)", S3PROXY_UPSTREAM_CA_FILE: "/convex/tls/bucket-ca/ca.crt" });
    expect(proxied.backendCaFiles).toEqual(["/convex/tls/proxy-ca/ca.crt"]);
    expect(plan({ storage: { mode: "s3", bucket: rookHttps("system") } }).backendCaFiles).toEqual([]);
  });

  it("fails if a Rook https gateway has no caBundle", () => {
    expect(problems(() => plan({ storage: { mode: "s3", bucket: rookHttps() } }))).toEqual([
      "storage.bucket.caBundle: got (not set); storage.bucket.endpointScheme is https: name the CA that certifies the Rook gateway (its sslCertificateRef), or the backend and the proxy refuse it: caBundle: { secretName: <Secret with ca.crt> } or { configMapName: <ConfigMap> } in the workspace namespace, or caBundle: system when the certificate chains to a public root",
    ]);
  });

  it("fails if a caBundle is given for an http endpoint", () => {
    expect(problems(() => plan({ storage: { mode: "s3", bucket: { kind: "objectBucketClaim", caBundle: { secretName: "rgw-ca" } } } }))).toEqual([
      'storage.bucket.caBundle: got {"secretName":"rgw-ca","key":"ca.crt"}; a CA is only used for an https endpoint: set storage.bucket.endpointScheme: https, or remove caBundle',
    ]);
  });

  it("fails if a caBundle names more than one source, or the other target's", () => {
    expect(problems(() => plan({ storage: { mode: "s3", bucket: rookHttps({ secretName: "a", configMapName: "b" }) } }))).toEqual([
      'storage.bucket.caBundle: got {"secretName":"a","configMapName":"b","key":"ca.crt"}; give exactly one of secretName, configMapName (Kubernetes) or file (Docker)',
    ]);
    expect(problems(() => plan({ storage: { mode: "s3", bucket: rookHttps({ file: "./ca.crt" }) } }))).toEqual([
      'storage.bucket.caBundle.file: got "./ca.crt"; a file is the Docker setting; on Kubernetes name a Secret (secretName) or ConfigMap (configMapName) holding the PEM bundle',
    ]);
    expect(problems(() => plan({ storage: { mode: "s3", bucket: { ...external, caBundle: { secretName: "ca" } } } }, "docker"))).toEqual([
      'storage.bucket.caBundle.secretName: got "ca"; Secrets and ConfigMaps are Kubernetes settings; on Docker give file: <path of the PEM bundle>',
    ]);
  });

  it("Docker: reads and parses the CA file before anything is synthesized", () => {
    const ok = plan({ storage: { mode: "s3", bucket: { ...external, caBundle: { file: ca.caFile } } } }, "docker");
    expect(ok.tls.bucketCa).toEqual({ kind: "file", path: ca.caFile });
    expect(envToRecord(ok.backendEnv).SSL_CERT_FILE).toBe("/convex/trust/ca-certificates.crt");
  });

  it("fails if the Docker CA file is missing, holds no certificate, does not parse, or is not a CA", () => {
    const fileProblem = (file: string) => problems(() => plan({ storage: { mode: "s3", bucket: { ...external, caBundle: { file } } } }, "docker"));
    expect(fileProblem("/nonexistent/ca.crt")).toEqual(['storage.bucket.caBundle.file: got "/nonexistent/ca.crt"; the file cannot be read (ENOENT); give the path of the CA\'s PEM file']);
    const keyFile = path.join(ca.dir, "ca.key");
    expect(fileProblem(keyFile)).toEqual([`storage.bucket.caBundle.file: got ${JSON.stringify(keyFile)}; the file holds no PEM certificate (-----BEGIN CERTIFICATE-----); give the CA certificate in PEM`]);
    expect(fileProblem(garbage)[0]).toMatch(/^storage\.bucket\.caBundle\.file: got ".*garbage\.pem"; certificate 1 of 1 does not parse \(.+\); give PEM certificates$/);
    expect(fileProblem(leaf)).toEqual([`storage.bucket.caBundle.file: got ${JSON.stringify(leaf)}; certificate 1 of 1 (CN=s3.example.com) is not a CA certificate; give the CA that issued the endpoint's certificate`]);
  });

  it("Docker: reads a relative CA file from the directory the command runs in", () => {
    const relative = path.relative(process.cwd(), ca.caFile);
    expect(path.isAbsolute(relative)).toBe(false);
    expect(plan({ storage: { mode: "s3", bucket: { ...external, caBundle: { file: relative } } } }, "docker").tls.bucketCa).toEqual({ kind: "file", path: ca.caFile });
  });

  it("names a certificate that is not a CA by its whole subject, one part after the other", () => {
    const twoParts = path.join(ca.dir, "two-part-subject.crt");
    execFileSync("openssl", ["req", "-x509", "-new", "-key", path.join(ca.dir, "leaf.key"), "-sha256", "-days", "1", "-subj", "/O=Example Org/CN=s3.example.com",
      "-addext", "basicConstraints=critical,CA:FALSE", "-out", twoParts], { stdio: ["ignore", "ignore", "pipe"], timeout: 30_000 });
    expect(problems(() => plan({ storage: { mode: "s3", bucket: { ...external, caBundle: { file: twoParts } } } }, "docker"))).toEqual([
      `storage.bucket.caBundle.file: got ${JSON.stringify(twoParts)}; certificate 1 of 1 (O=Example Org, CN=s3.example.com) is not a CA certificate; give the CA that issued the endpoint's certificate`,
    ]);
  });
});

describe("TLS in the plan: edges found by the mutation review", () => {
  it("knows an https endpoint only by its scheme; MinIO is never https", () => {
    expect(bucketUsesHttps(Bucket.external({ endpoint: "https://s3.example.com", bucketName: "alice-convex", credentialsSecretName: "keys" }))).toBe(true);
    expect(bucketUsesHttps(Bucket.external({ endpoint: "http://s3.example.com", bucketName: "alice-convex", credentialsSecretName: "keys" }))).toBe(false);
    expect(bucketUsesHttps(Bucket.objectBucketClaim({ endpointScheme: "https" }))).toBe(true);
    expect(bucketUsesHttps(Bucket.objectBucketClaim())).toBe(false);
    expect(bucketUsesHttps(Bucket.minio())).toBe(false);
  });

  it("keeps the proxy's TLS in every plan without a private CA: local, an external https endpoint, caBundle system", () => {
    expect(plan({ storage: { mode: "local" } }).tls).toEqual({ proxyTls: false });
    expect(plan({ storage: { mode: "proxied", bucket: external } }, "docker").tls).toEqual({ proxyTls: true });
    expect(plan({ storage: { mode: "proxied", bucket: rookHttps("system") } }).tls).toEqual({ proxyTls: true });
  });

  it("takes a ConfigMap's CA with its key on Kubernetes", () => {
    const proxied = plan({ storage: { mode: "proxied", bucket: rookHttps({ configMapName: "rgw-ca", key: "bundle.pem" }) } });
    expect(proxied.tls).toEqual({ proxyTls: true, bucketCa: { kind: "configMap", name: "rgw-ca", key: "bundle.pem" } });
  });

  it("says to use an https:// endpoint when an external http endpoint is given a CA", () => {
    expect(problems(() => plan({ storage: { mode: "s3", bucket: { ...external, endpoint: "http://s3.example.com", caBundle: { secretName: "ca" } } } }, "docker"))).toEqual([
      'storage.bucket.caBundle: got {"secretName":"ca","key":"ca.crt"}; a CA is only used for an https endpoint: use an https:// endpoint, or remove caBundle',
    ]);
  });

  it("on Docker, names configMapName when a ConfigMap is given, and refuses a path that would break out of a Terraform string", () => {
    expect(problems(() => plan({ storage: { mode: "s3", bucket: { ...external, caBundle: { configMapName: "ca" } } } }, "docker"))).toEqual([
      'storage.bucket.caBundle.configMapName: got "ca"; Secrets and ConfigMaps are Kubernetes settings; on Docker give file: <path of the PEM bundle>',
    ]);
    expect(problems(() => plan({ storage: { mode: "s3", bucket: { ...external, caBundle: { file: "/ca/${path.root}.crt" } } } }, "docker"))).toEqual([
      `storage.bucket.caBundle.file: got "/ca/\${path.root}.crt"; use a path without '"', '\\', '\${', '%{' or line breaks`,
    ]);
  });
});

describe("the trust bundle script, run by /bin/sh", () => {
  let dir: string;
  let ca: TestCa;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "trust-bundle-"));
    ca = createTestCa();
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    ca.remove();
  });
  // The script's fixed paths, moved under a scratch directory (the image's roots are this machine's own).
  const localized = (files: string[]) => trustBundleScript(files).replaceAll("/convex/trust", path.join(dir, "trust"));

  it("writes the system roots followed by the private CA, and the private CA alone", () => {
    execFileSync("/bin/sh", ["-c", localized([ca.caFile])], { stdio: "pipe" });
    const bundle = readFileSync(path.join(dir, "trust", "ca-certificates.crt"), "utf8");
    expect(bundle.startsWith(readFileSync(SYSTEM_ROOTS_FILE, "utf8"))).toBe(true);
    expect(bundle.endsWith(ca.caPem)).toBe(true);
    expect(readFileSync(path.join(dir, "trust", "private-ca.crt"), "utf8")).toBe(ca.caPem);
  });

  it("fails, naming storage.bucket.caBundle, if the mounted CA holds no certificate", () => {
    const empty = path.join(dir, "empty.crt");
    writeFileSync(empty, "");
    const run = spawnSync("/bin/sh", ["-c", localized([empty])], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`convex-trust: ${empty} holds no PEM certificate: check storage.bucket.caBundle\n`);
  });
});
