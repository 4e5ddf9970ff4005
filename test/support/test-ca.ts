/**
 * A private CA and server certificates made by the real `openssl` binary in a temporary directory, for the TLS
 * tests: the proxy's listener, an RGW serving TLS, and the clients that trust the CA (NODE_EXTRA_CA_CERTS, the
 * proxy's S3PROXY_UPSTREAM_CA_FILE). Nothing here is trusted by the machine itself.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCa {
  readonly dir: string;
  /** PEM file of the CA certificate. */
  readonly caFile: string;
  readonly caPem: string;
  /** Issues a certificate for `names` (IP addresses and DNS names) signed by this CA; returns the file paths. */
  issue(label: string, names: readonly string[]): { certFile: string; keyFile: string };
  /** Deletes the directory. */
  remove(): void;
}

function openssl(args: readonly string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"], timeout: 30_000 });
}

/** A new CA named `commonName` (EC P-256, one day). */
export function createTestCa(commonName = "convex-workspaces test CA"): TestCa {
  const dir = mkdtempSync(join(tmpdir(), "convex-test-ca-"));
  openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key"], dir);
  openssl(["req", "-x509", "-new", "-key", "ca.key", "-sha256", "-days", "1", "-subj", `/CN=${commonName}`, "-out", "ca.crt",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], dir);
  const caFile = join(dir, "ca.crt");
  return {
    dir,
    caFile,
    caPem: readFileSync(caFile, "utf8"),
    issue(label, names) {
      const san = names.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(",");
      writeFileSync(join(dir, `${label}.ext`), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n`);
      openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", `${label}.key`], dir);
      openssl(["req", "-new", "-key", `${label}.key`, "-subj", `/CN=${names[0] ?? label}`, "-out", `${label}.csr`], dir);
      openssl(["x509", "-req", "-in", `${label}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1", "-sha256",
        "-extfile", `${label}.ext`, "-out", `${label}.crt`], dir);
      return { certFile: join(dir, `${label}.crt`), keyFile: join(dir, `${label}.key`) };
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
