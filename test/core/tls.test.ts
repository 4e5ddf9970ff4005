// lib/core/tls.ts against hand-written paths and script lines.
import { describe, expect, it } from "vitest";
import { envToRecord } from "../../lib/core/env.ts";
import { backendCaFiles, backendTrustEnvironment, proxyServiceDnsNames, proxyTlsEnvironment, trustBundleScript } from "../../lib/core/tls.ts";

const ca = { kind: "secret", name: "bucket-ca", key: "ca.crt" } as const;

describe("backendCaFiles", () => {
  it("trusts the bucket's CA in s3 mode and the proxy's in proxied mode, nothing else", () => {
    expect(backendCaFiles({ bucketCa: ca, proxyTls: true }, "s3")).toEqual(["/convex/tls/bucket-ca/ca.crt"]);
    expect(backendCaFiles({ bucketCa: ca, proxyTls: true }, "proxied")).toEqual(["/convex/tls/proxy-ca/ca.crt"]);
    expect(backendCaFiles({ proxyTls: false }, "s3")).toEqual([]);
    expect(backendCaFiles({ bucketCa: ca, proxyTls: false }, "proxied")).toEqual([]);
    expect(backendCaFiles({ bucketCa: ca, proxyTls: true }, "local")).toEqual([]);
  });
});

describe("backendTrustEnvironment", () => {
  it("points SSL_CERT_FILE and NODE_EXTRA_CA_CERTS at the written bundle, only with a private CA", () => {
    expect(envToRecord(backendTrustEnvironment(["/x/ca.crt"]))).toEqual({ SSL_CERT_FILE: "/convex/trust/ca-certificates.crt", NODE_EXTRA_CA_CERTS: "/convex/trust/private-ca.crt" });
    expect(backendTrustEnvironment([])).toEqual([]);
  });
});

describe("trustBundleScript", () => {
  it("checks each CA file, writes the private CAs, then the system roots and the private CAs", () => {
    expect(trustBundleScript(["/a/ca.crt", "/b/ca.crt"]).split("\n")).toEqual([
      "set -eu",
      "mkdir -p '/convex/trust'",
      `for f in '/a/ca.crt' '/b/ca.crt'; do grep -q 'BEGIN CERTIFICATE' "$f" || { echo "convex-trust: $f holds no PEM certificate: check storage.bucket.caBundle" >&2; exit 1; }; done`,
      "cat '/a/ca.crt' '/b/ca.crt' > '/convex/trust/private-ca.crt'",
      "cat '/etc/ssl/certs/ca-certificates.crt' '/convex/trust/private-ca.crt' > '/convex/trust/ca-certificates.crt'",
      `echo "convex-trust: $(grep -c 'BEGIN CERTIFICATE' '/convex/trust/ca-certificates.crt') certificates in /convex/trust/ca-certificates.crt"`,
    ]);
  });
});

describe("proxyTlsEnvironment", () => {
  it("gives the proxy its certificate and key when it serves TLS, and the bucket's CA for its upstream", () => {
    expect(envToRecord(proxyTlsEnvironment({ bucketCa: ca, proxyTls: true }))).toEqual({
      S3PROXY_TLS_CERT_FILE: "/convex/tls/proxy/tls.crt",
      S3PROXY_TLS_KEY_FILE: "/convex/tls/proxy/tls.key",
      S3PROXY_UPSTREAM_CA_FILE: "/convex/tls/bucket-ca/ca.crt",
    });
    expect(proxyTlsEnvironment({ proxyTls: false })).toEqual([]);
  });
});

describe("proxyServiceDnsNames", () => {
  it("lists every name a pod in the cluster can use for the Service", () => {
    expect(proxyServiceDnsNames("s3-proxy", "ws")).toEqual(["s3-proxy", "s3-proxy.ws", "s3-proxy.ws.svc", "s3-proxy.ws.svc.cluster.local"]);
  });
});
