import type { ContainerUpload } from "@cdktf/provider-docker/lib/container/index.js";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { BUCKET_CA_DIR, CA_FILE_NAME, PROXY_CA_DIR, PROXY_CERT_DIR, PROXY_CERT_FILE, PROXY_KEY_FILE, trustBundleScript } from "../core/tls.ts";
import { ProxyCertificate } from "../terraform/proxy-certificate.ts";

/**
 * The bucket's CA file, uploaded from the machine that runs Terraform by path: the container's state keeps the
 * path and the file's SHA-256 (a new file replaces the container), not its content.
 */
export function bucketCaUpload(path: string): ContainerUpload {
  return { file: `${BUCKET_CA_DIR}/${CA_FILE_NAME}`, source: path, sourceHash: Fn.filesha256(path) };
}

/** The backend's entrypoint when it trusts private CAs: write the trust bundle, then the image's own run_backend.sh. */
export function trustingEntrypoint(caFiles: readonly string[]): string[] {
  return ["/bin/sh", "-c", `${trustBundleScript(caFiles)}\nexec ./run_backend.sh`];
}

export interface DockerProxyTlsProps {
  /** The proxy's container name, as the backend reaches it. */
  readonly containerName: string;
}

/**
 * The proxy's TLS on Docker: a per-workspace CA and certificate for the container's name (and `localhost`, for its
 * own healthcheck), uploaded into the proxy (certificate, key, CA) and the backend (CA). The docker provider has no
 * write-only upload, so these uploads' contents are also kept in the containers' state: keep state private.
 */
export class DockerProxyTls extends Construct {
  readonly certificate: ProxyCertificate;
  /** Into the proxy: its certificate and key, and its own CA (its healthcheck trusts it through NODE_EXTRA_CA_CERTS). */
  readonly proxyUploads: ContainerUpload[];
  /** Into the backend: the CA only. */
  readonly caUpload: ContainerUpload;

  constructor(scope: Construct, id: string, props: DockerProxyTlsProps) {
    super(scope, id);
    this.certificate = new ProxyCertificate(this, "Certificate", { dnsNames: [props.containerName, "localhost"], caCommonName: `${props.containerName} CA` });
    this.caUpload = { file: `${PROXY_CA_DIR}/${CA_FILE_NAME}`, content: this.certificate.caCertPem };
    this.proxyUploads = [
      { file: `${PROXY_CERT_DIR}/${PROXY_CERT_FILE}`, content: this.certificate.certPem },
      { file: `${PROXY_CERT_DIR}/${PROXY_KEY_FILE}`, content: this.certificate.keyPem, permissions: "0400" },
      this.caUpload,
    ];
  }
}
