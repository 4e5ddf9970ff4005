import { CertRequest } from "@cdktf/provider-tls/lib/cert-request/index.js";
import { LocallySignedCert } from "@cdktf/provider-tls/lib/locally-signed-cert/index.js";
import { PrivateKey } from "@cdktf/provider-tls/lib/private-key/index.js";
import { SelfSignedCert } from "@cdktf/provider-tls/lib/self-signed-cert/index.js";
import { Construct } from "constructs";

export interface ProxyCertificateProps {
  /** The names clients reach the proxy by (Service DNS names, a container name); the first is the subject. */
  readonly dnsNames: readonly string[];
  /** Common name of the workspace's CA, e.g. `convex-alice-dev S3 proxy CA`. */
  readonly caCommonName: string;
  /**
   * Validity of the CA and of the proxy's certificate, in hours. The tls provider replaces a certificate when it
   * is within `earlyRenewalHours` of expiry, at the next apply. @default 87_600 (ten years)
   */
  readonly validityHours?: number;
}

/**
 * A per-workspace private CA and the proxy's certificate signed by it, issued at apply time by the hashicorp/tls
 * provider (ECDSA P-256). The keys and certificates live in the tls provider's state only; consumers take them by
 * reference (`caCertPem`, `certPem`, `keyPem`) into write-only or file arguments. The CA's key never leaves it.
 * Never counted: in a Coder template they exist (in state only, no cluster object) whatever the storage mode, and
 * only what consumes them follows the mode.
 */
export class ProxyCertificate extends Construct {
  /** PEM of the CA certificate, for the clients' trust. */
  readonly caCertPem: string;
  /** PEM of the proxy's certificate. */
  readonly certPem: string;
  /** PEM (PKCS#8) of the proxy's private key. */
  readonly keyPem: string;
  readonly certificate: LocallySignedCert;

  constructor(scope: Construct, id: string, props: ProxyCertificateProps) {
    super(scope, id);
    const hours = props.validityHours ?? 87_600;
    const caKey = new PrivateKey(this, "CaKey", { algorithm: "ECDSA", ecdsaCurve: "P256" });
    const ca = new SelfSignedCert(this, "Ca", {
      privateKeyPem: caKey.privateKeyPem,
      isCaCertificate: true,
      subject: [{ commonName: props.caCommonName }],
      validityPeriodHours: hours,
      earlyRenewalHours: 720,
      allowedUses: ["cert_signing", "crl_signing"],
    });
    const key = new PrivateKey(this, "Key", { algorithm: "ECDSA", ecdsaCurve: "P256" });
    const request = new CertRequest(this, "Request", {
      privateKeyPem: key.privateKeyPem,
      subject: [{ commonName: props.dnsNames[0] }],
      dnsNames: [...props.dnsNames],
    });
    this.certificate = new LocallySignedCert(this, "Resource", {
      certRequestPem: request.certRequestPem,
      caPrivateKeyPem: caKey.privateKeyPem,
      caCertPem: ca.certPem,
      validityPeriodHours: hours,
      earlyRenewalHours: 720,
      allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
    });
    this.caCertPem = ca.certPem;
    this.certPem = this.certificate.certPem;
    this.keyPem = key.privateKeyPemPkcs8;
  }
}
