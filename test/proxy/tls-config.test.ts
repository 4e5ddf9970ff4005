/** The proxy's TLS variables: S3PROXY_TLS_CERT_FILE / S3PROXY_TLS_KEY_FILE and S3PROXY_UPSTREAM_CA_FILE, read and parsed at start. */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProxyOptions } from "../../proxy/src/config.ts";
import { ProxyConfigError } from "../../proxy/src/errors.ts";
import { createTestCa, type TestCa } from "../support/test-ca.ts";

const VALID = {
  S3PROXY_UPSTREAM_URL: "https://rook-ceph-rgw-store.rook-ceph.svc:443",
  S3PROXY_UPSTREAM_ACCESS_KEY_ID: "UPSTREAMKEY",
  S3PROXY_UPSTREAM_SECRET_ACCESS_KEY: "upstream-secret-value",
  S3PROXY_ACCESS_KEY_ID: "CLIENTKEY",
  S3PROXY_SECRET_ACCESS_KEY: "client-secret-value",
  S3PROXY_BUCKETS: "convex-files",
};

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadProxyOptions(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ProxyConfigError);
    return (error as ProxyConfigError).problems;
  }
  throw new Error("expected a ProxyConfigError");
}

describe("loadProxyOptions: TLS", () => {
  let ca: TestCa;
  let serving: { certFile: string; keyFile: string };
  let other: { certFile: string; keyFile: string };
  let garbage: string;
  beforeAll(() => {
    ca = createTestCa();
    serving = ca.issue("proxy", ["convex-alice-dev-s3-proxy", "127.0.0.1"]);
    other = ca.issue("other", ["other"]);
    garbage = path.join(ca.dir, "garbage.pem");
    writeFileSync(garbage, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
  });
  afterAll(() => ca.remove());

  it("defaults: plain HTTP, Node's roots only", () => {
    const options = loadProxyOptions(VALID);
    expect(options.tls).toBeUndefined();
    expect(options.upstreamCa).toBeUndefined();
  });

  it("reads the listener's certificate and key, and the upstream CA", () => {
    const options = loadProxyOptions({ ...VALID, S3PROXY_TLS_CERT_FILE: serving.certFile, S3PROXY_TLS_KEY_FILE: serving.keyFile, S3PROXY_UPSTREAM_CA_FILE: ca.caFile });
    expect(options.tls?.cert).toContain("-----BEGIN CERTIFICATE-----");
    expect(options.tls?.key).toContain("PRIVATE KEY-----");
    expect(options.upstreamCa).toEqual([ca.caPem]);
  });

  it("fails if only one of the certificate and the key is set", () => {
    expect(problemsOf({ ...VALID, S3PROXY_TLS_CERT_FILE: serving.certFile })).toEqual([
      `S3PROXY_TLS_CERT_FILE is '${serving.certFile}' but S3PROXY_TLS_KEY_FILE is not set: set both to serve TLS, or neither to serve plain HTTP`,
    ]);
    expect(problemsOf({ ...VALID, S3PROXY_TLS_KEY_FILE: serving.keyFile })).toEqual([
      `S3PROXY_TLS_KEY_FILE is '${serving.keyFile}' but S3PROXY_TLS_CERT_FILE is not set: set both to serve TLS, or neither to serve plain HTTP`,
    ]);
  });

  it("fails if the key does not belong to the certificate", () => {
    expect(problemsOf({ ...VALID, S3PROXY_TLS_CERT_FILE: serving.certFile, S3PROXY_TLS_KEY_FILE: other.keyFile })).toEqual([
      `S3PROXY_TLS_KEY_FILE is '${other.keyFile}': the key does not belong to the certificate in S3PROXY_TLS_CERT_FILE ('${serving.certFile}', CN=convex-alice-dev-s3-proxy); give the key the certificate was issued for`,
    ]);
  });

  it("fails if a file is missing, holds no certificate, or a certificate does not parse", () => {
    expect(problemsOf({ ...VALID, S3PROXY_UPSTREAM_CA_FILE: "/nonexistent/ca.crt" })).toEqual([
      "S3PROXY_UPSTREAM_CA_FILE is '/nonexistent/ca.crt': the file cannot be read (ENOENT)",
    ]);
    expect(problemsOf({ ...VALID, S3PROXY_UPSTREAM_CA_FILE: serving.keyFile })).toEqual([
      `S3PROXY_UPSTREAM_CA_FILE is '${serving.keyFile}': the file holds no PEM certificate (-----BEGIN CERTIFICATE-----); give the CA bundle in PEM`,
    ]);
    const [problem] = problemsOf({ ...VALID, S3PROXY_TLS_CERT_FILE: garbage, S3PROXY_TLS_KEY_FILE: serving.keyFile });
    expect(problem).toMatch(new RegExp(`^S3PROXY_TLS_CERT_FILE is '${garbage.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}': certificate 1 of 1 does not parse \\(.+\\); give PEM certificates$`));
  });

  it("fails if an upstream CA is given for a plain-HTTP upstream", () => {
    expect(problemsOf({ ...VALID, S3PROXY_UPSTREAM_URL: "http://rgw:80", S3PROXY_UPSTREAM_CA_FILE: ca.caFile })).toEqual([
      `S3PROXY_UPSTREAM_CA_FILE is '${ca.caFile}' but S3PROXY_UPSTREAM_URL is http://: a CA is only used for an https upstream; unset it or use https`,
    ]);
  });
});
