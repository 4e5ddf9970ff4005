/**
 * Resolves the configuration's TLS settings (storage.bucket.endpointScheme / endpoint, storage.bucket.caBundle,
 * storage.proxy.tls) into a TlsPlan, with every problem as a ConfigIssue naming the field. A Docker CA file is
 * read and parsed here, before anything is synthesized.
 */
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { AnyBucket } from "./bucket.ts";
import type { WorkspaceConfig } from "./config-schema.ts";
import { showValue, type ConfigIssue } from "./errors.ts";
import type { CaBundleSource, TlsPlan } from "./tls.ts";

type CaBundleSpec = NonNullable<Extract<NonNullable<WorkspaceConfig["storage"]["bucket"]>, { kind: "external" }>["caBundle"]>;

const FIELD = "storage.bucket.caBundle";
/** Characters that would break out of the Terraform string a path is written into. */
const UNSAFE_PATH = /["\\\n]|\$\{|%\{/;
const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Whether the bucket's endpoint is https: a Rook claim by endpointScheme, an external bucket by its URL. */
export function bucketUsesHttps(bucket: AnyBucket): boolean {
  if (bucket.kind === "objectBucketClaim") return bucket.endpointScheme === "https";
  if (bucket.kind === "external") return bucket.endpoint.startsWith("https:");
  return false;
}

export interface ResolveTlsInput {
  readonly config: WorkspaceConfig;
  readonly target: "kubernetes" | "docker";
  /** The bucket in use; undefined in `local` mode. */
  readonly bucket: AnyBucket | undefined;
}

export function resolveTls(input: ResolveTlsInput, issues: ConfigIssue[]): TlsPlan {
  const { config, target, bucket } = input;
  const proxyTls = config.storage.mode === "proxied" && config.storage.proxy.tls;
  const spec = config.storage.bucket;
  const caSpec = spec !== undefined && spec.kind !== "minio" ? spec.caBundle : undefined;
  if (bucket === undefined) return { proxyTls };
  const https = bucketUsesHttps(bucket);
  if (caSpec !== undefined && !https) {
    const scheme = bucket.kind === "objectBucketClaim" ? "set storage.bucket.endpointScheme: https" : "use an https:// endpoint";
    issues.push({ field: FIELD, value: showValue(caSpec), fix: `a CA is only used for an https endpoint: ${scheme}, or remove caBundle` });
    return { proxyTls };
  }
  if (!https) return { proxyTls };
  if (caSpec === undefined) {
    // An external endpoint is trusted through the system roots unless a CA is given (AWS, Wasabi, any public
    // certificate). Rook's TLS gateways carry a certificate of the cluster's own: say which CA, or system.
    if (bucket.kind !== "objectBucketClaim") return { proxyTls };
    issues.push({
      field: FIELD,
      value: showValue(undefined),
      fix: "storage.bucket.endpointScheme is https: name the CA that certifies the Rook gateway (its sslCertificateRef), or the backend and the proxy refuse it: caBundle: { secretName: <Secret with ca.crt> } or { configMapName: <ConfigMap> } in the workspace namespace, or caBundle: system when the certificate chains to a public root",
    });
    return { proxyTls };
  }
  if (caSpec === "system") return { proxyTls };
  // A relative CA file is read from the directory the command runs in (cdktf synth, the template build).
  const bucketCa = caSource(caSpec, target, process.cwd(), issues);
  return bucketCa === undefined ? { proxyTls } : { proxyTls, bucketCa };
}

function caSource(spec: Exclude<CaBundleSpec, "system">, target: "kubernetes" | "docker", cwd: string, issues: ConfigIssue[]): CaBundleSource | undefined {
  const given = (["secretName", "configMapName", "file"] as const).filter((name) => spec[name] !== undefined);
  if (given.length !== 1) {
    issues.push({ field: FIELD, value: showValue(spec), fix: "give exactly one of secretName, configMapName (Kubernetes) or file (Docker)" });
    return undefined;
  }
  if (target === "kubernetes") {
    if (spec.file !== undefined) {
      issues.push({ field: `${FIELD}.file`, value: showValue(spec.file), fix: "a file is the Docker setting; on Kubernetes name a Secret (secretName) or ConfigMap (configMapName) holding the PEM bundle" });
      return undefined;
    }
    return spec.secretName !== undefined ? { kind: "secret", name: spec.secretName, key: spec.key } : { kind: "configMap", name: spec.configMapName as string, key: spec.key };
  }
  if (spec.file === undefined) {
    const name = spec.secretName !== undefined ? "secretName" : "configMapName";
    issues.push({ field: `${FIELD}.${name}`, value: showValue(spec[name]), fix: "Secrets and ConfigMaps are Kubernetes settings; on Docker give file: <path of the PEM bundle>" });
    return undefined;
  }
  const path = resolve(cwd, spec.file);
  if (UNSAFE_PATH.test(path)) {
    issues.push({ field: `${FIELD}.file`, value: showValue(spec.file), fix: "use a path without '\"', '\\', '${', '%{' or line breaks" });
    return undefined;
  }
  const problem = pemProblem(path);
  if (problem !== undefined) {
    issues.push({ field: `${FIELD}.file`, value: showValue(spec.file), fix: problem });
    return undefined;
  }
  return { kind: "file", path };
}

/** Why the PEM file at `path` cannot serve as a CA bundle, or undefined when every certificate in it parses. */
export function pemProblem(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return `the file cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give the path of the CA's PEM file`;
  }
  const blocks = text.match(CERTIFICATE_BLOCK) ?? [];
  if (blocks.length === 0) return "the file holds no PEM certificate (-----BEGIN CERTIFICATE-----); give the CA certificate in PEM";
  for (const [index, block] of blocks.entries()) {
    try {
      const certificate = new X509Certificate(block);
      if (!certificate.ca) return `certificate ${index + 1} of ${blocks.length} (${certificate.subject.replace(/\n/g, ", ")}) is not a CA certificate; give the CA that issued the endpoint's certificate`;
    } catch (error) {
      return `certificate ${index + 1} of ${blocks.length} does not parse (${(error as Error).message}); give PEM certificates`;
    }
  }
  return undefined;
}
