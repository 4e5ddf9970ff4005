/**
 * PEM files the proxy reads at start: its own certificate and key (the TLS listener) and the CA bundle it trusts for
 * the upstream. Each is parsed with node:crypto before the proxy listens, so a file that does not parse fails the
 * start with the variable named, never the first request.
 */
import { X509Certificate, createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM bundle, each re-encoded as PEM; a problem (naming `variable`) when there is none or one does not parse. */
export function parseCertificates(text: string, variable: string, path: string): { certificates: string[] } | { problem: string } {
  const blocks = text.match(CERTIFICATE_BLOCK) ?? [];
  if (blocks.length === 0) {
    return { problem: `${variable} is '${path}': the file holds no PEM certificate (-----BEGIN CERTIFICATE-----); give the CA bundle in PEM` };
  }
  const certificates: string[] = [];
  for (const [index, block] of blocks.entries()) {
    try {
      certificates.push(new X509Certificate(block).toString());
    } catch (error) {
      return { problem: `${variable} is '${path}': certificate ${index + 1} of ${blocks.length} does not parse (${(error as Error).message}); give PEM certificates` };
    }
  }
  return { certificates };
}

/** Reads a file for `variable`; a problem naming the variable when it cannot be read. */
export function readPemFile(variable: string, path: string): { text: string } | { problem: string } {
  try {
    return { text: readFileSync(path, "utf8") };
  } catch (error) {
    return { problem: `${variable} is '${path}': the file cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
}

/** The TLS listener's certificate chain and key, checked to belong together. */
export interface ServingIdentity {
  /** PEM certificate chain, leaf first. */
  readonly cert: string;
  /** PEM private key of the leaf. */
  readonly key: string;
}

/** Loads and checks the listener's certificate and key files; every problem is pushed to `problems`. */
export function loadServingIdentity(certPath: string, keyPath: string, problems: string[]): ServingIdentity | undefined {
  const certFile = readPemFile("S3PROXY_TLS_CERT_FILE", certPath);
  const keyFile = readPemFile("S3PROXY_TLS_KEY_FILE", keyPath);
  if ("problem" in certFile) problems.push(certFile.problem);
  if ("problem" in keyFile) problems.push(keyFile.problem);
  if ("problem" in certFile || "problem" in keyFile) return undefined;
  const chain = parseCertificates(certFile.text, "S3PROXY_TLS_CERT_FILE", certPath);
  if ("problem" in chain) {
    problems.push(chain.problem);
    return undefined;
  }
  let key;
  try {
    key = createPrivateKey(keyFile.text);
  } catch (error) {
    problems.push(`S3PROXY_TLS_KEY_FILE is '${keyPath}': the private key does not parse (${(error as Error).message}); give a PEM private key`);
    return undefined;
  }
  const leaf = new X509Certificate(chain.certificates[0] as string);
  if (!leaf.checkPrivateKey(key)) {
    problems.push(`S3PROXY_TLS_KEY_FILE is '${keyPath}': the key does not belong to the certificate in S3PROXY_TLS_CERT_FILE ('${certPath}', ${leaf.subject.replace(/\n/g, ", ")}); give the key the certificate was issued for`);
    return undefined;
  }
  return { cert: chain.certificates.join(""), key: keyFile.text };
}

/** Loads the upstream CA bundle (PEM certificates); a problem is pushed to `problems`. */
export function loadUpstreamCa(path: string, problems: string[]): string[] | undefined {
  const file = readPemFile("S3PROXY_UPSTREAM_CA_FILE", path);
  if ("problem" in file) {
    problems.push(file.problem);
    return undefined;
  }
  const parsed = parseCertificates(file.text, "S3PROXY_UPSTREAM_CA_FILE", path);
  if ("problem" in parsed) {
    problems.push(parsed.problem);
    return undefined;
  }
  return parsed.certificates;
}
