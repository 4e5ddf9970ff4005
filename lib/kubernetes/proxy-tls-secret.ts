import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1/index.js";
import { Construct } from "constructs";
import { CA_FILE_NAME, PROXY_CERT_FILE, PROXY_KEY_FILE, proxyServiceDnsNames } from "../core/tls.ts";
import { ProxyCertificate } from "../terraform/proxy-certificate.ts";

export interface ProxyTlsSecretProps {
  /** The Secret's name. */
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** The proxy's Service name: the certificate carries every in-cluster DNS name of it. */
  readonly serviceName: string;
  /** Terraform `count` of the Secret, e.g. 1 only when a Coder workspace picked `proxied`. @default - always created */
  readonly count?: number;
}

/**
 * The proxy's TLS: a per-workspace CA and certificate (lib/terraform/proxy-certificate.ts) in a kubernetes.io/tls
 * Secret (`tls.crt`, `tls.key`, and `ca.crt` for the backend's trust). The Secret takes them through the
 * write-only `data_wo`, so its own state holds none of them: only the tls provider's resources do. Bump
 * `data_wo_revision` (here) after the tls provider re-issues the certificate, so the new one is written.
 */
export class ProxyTlsSecret extends Construct {
  readonly name: string;
  readonly resource: SecretV1;
  readonly certificate: ProxyCertificate;

  constructor(scope: Construct, id: string, props: ProxyTlsSecretProps) {
    super(scope, id);
    this.name = props.name;
    this.certificate = new ProxyCertificate(this, "Certificate", {
      dnsNames: proxyServiceDnsNames(props.serviceName, props.namespace),
      caCommonName: `${props.serviceName} CA`,
    });
    this.resource = new SecretV1(this, "Resource", {
      count: props.count,
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
      type: "kubernetes.io/tls",
      dataWo: {
        [PROXY_CERT_FILE]: this.certificate.certPem,
        [PROXY_KEY_FILE]: this.certificate.keyPem,
        [CA_FILE_NAME]: this.certificate.caCertPem,
      },
      dataWoRevision: 1,
    });
  }
}
