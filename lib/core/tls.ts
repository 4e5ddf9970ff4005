/**
 * TLS on the S3 paths, as pure data: which CA bundles the backend and the proxy trust, where they are mounted, and
 * whether the proxy serves TLS. The targets deliver the files (a Secret or ConfigMap volume on Kubernetes, an
 * upload on Docker); this module only says what goes where and which variables point at it.
 *
 * Trust keeps the system roots: Convex's Rust SDK reads its roots through rustls-native-certs, for which
 * `SSL_CERT_FILE` *replaces* the system store, so the backend gets a bundle of the image's own roots
 * (`/etc/ssl/certs/ca-certificates.crt`, ubuntu's ca-certificates) followed by the private CAs, built before it
 * starts. Its Node executor (a child of the backend, same environment) adds `NODE_EXTRA_CA_CERTS` to Node's bundled
 * roots; the proxy adds `S3PROXY_UPSTREAM_CA_FILE` to them.
 */
import { entry, type EnvEntry } from "./env.ts";

/** Where a private CA bundle comes from. */
export type CaBundleSource =
  /** A key of a Secret or ConfigMap in the workspace namespace (Kubernetes). */
  | { readonly kind: "secret" | "configMap"; readonly name: string; readonly key: string }
  /** A PEM file on the machine that runs Terraform, uploaded into the containers (Docker). */
  | { readonly kind: "file"; readonly path: string };

/** The TLS settings of one workspace's S3 paths, resolved. */
export interface TlsPlan {
  /** The private CA the bucket's endpoint is certified by. @default - the system roots only */
  readonly bucketCa?: CaBundleSource;
  /** The proxy serves TLS with a per-workspace certificate issued at apply time (`proxied` mode). */
  readonly proxyTls: boolean;
}

/** The backend image's own roots (ubuntu:noble's ca-certificates). */
export const SYSTEM_ROOTS_FILE = "/etc/ssl/certs/ca-certificates.crt";
/** Where each private CA is mounted, read-only, in every container that trusts it. */
export const BUCKET_CA_DIR = "/convex/tls/bucket-ca";
export const PROXY_CA_DIR = "/convex/tls/proxy-ca";
/** The file name of a mounted CA and of the proxy's certificate and key (the keys of a kubernetes.io/tls Secret). */
export const CA_FILE_NAME = "ca.crt";
export const PROXY_CERT_DIR = "/convex/tls/proxy";
export const PROXY_CERT_FILE = "tls.crt";
export const PROXY_KEY_FILE = "tls.key";
/** The backend's trust files, written before it starts into a volume of its own. */
export const TRUST_DIR = "/convex/trust";
export const TRUST_BUNDLE_FILE = `${TRUST_DIR}/ca-certificates.crt`;
export const TRUST_PRIVATE_FILE = `${TRUST_DIR}/private-ca.crt`;

/** The private CA files the backend trusts, in order: the bucket's (`s3` mode) or the proxy's (`proxied`). */
export function backendCaFiles(tls: TlsPlan, mode: "local" | "s3" | "proxied"): string[] {
  if (mode === "s3" && tls.bucketCa !== undefined) return [`${BUCKET_CA_DIR}/${CA_FILE_NAME}`];
  if (mode === "proxied" && tls.proxyTls) return [`${PROXY_CA_DIR}/${CA_FILE_NAME}`];
  return [];
}

/** SSL_CERT_FILE and NODE_EXTRA_CA_CERTS, when the backend trusts a private CA; nothing otherwise. */
export function backendTrustEnvironment(caFiles: readonly string[]): EnvEntry[] {
  if (caFiles.length === 0) return [];
  return [entry("SSL_CERT_FILE", TRUST_BUNDLE_FILE), entry("NODE_EXTRA_CA_CERTS", TRUST_PRIVATE_FILE)];
}

/**
 * The POSIX shell command that writes the backend's trust files: the system roots then the private CAs, and the
 * private CAs alone. It fails (and the backend does not start) when a CA file is missing or holds no certificate.
 */
export function trustBundleScript(caFiles: readonly string[]): string {
  const files = caFiles.map((f) => `'${f}'`).join(" ");
  return [
    "set -eu",
    `mkdir -p '${TRUST_DIR}'`,
    `for f in ${files}; do grep -q 'BEGIN CERTIFICATE' "$f" || { echo "convex-trust: $f holds no PEM certificate: check storage.bucket.caBundle" >&2; exit 1; }; done`,
    `cat ${files} > '${TRUST_PRIVATE_FILE}'`,
    `cat '${SYSTEM_ROOTS_FILE}' '${TRUST_PRIVATE_FILE}' > '${TRUST_BUNDLE_FILE}'`,
    `echo "convex-trust: $(grep -c 'BEGIN CERTIFICATE' '${TRUST_BUNDLE_FILE}') certificates in ${TRUST_BUNDLE_FILE}"`,
  ].join("\n");
}

/** The proxy's TLS variables: its certificate and key, and the bucket's CA for an https upstream. */
export function proxyTlsEnvironment(tls: TlsPlan): EnvEntry[] {
  const env: EnvEntry[] = [];
  if (tls.proxyTls) {
    env.push(entry("S3PROXY_TLS_CERT_FILE", `${PROXY_CERT_DIR}/${PROXY_CERT_FILE}`), entry("S3PROXY_TLS_KEY_FILE", `${PROXY_CERT_DIR}/${PROXY_KEY_FILE}`));
  }
  if (tls.bucketCa !== undefined) env.push(entry("S3PROXY_UPSTREAM_CA_FILE", `${BUCKET_CA_DIR}/${CA_FILE_NAME}`));
  return env;
}

/** The DNS names the proxy's certificate carries on Kubernetes: every way a pod in the cluster names the Service. */
export function proxyServiceDnsNames(service: string, namespace: string): string[] {
  return [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`];
}
