/**
 * TLS on the S3 paths of workspace-docker, synthesized and planned by the real terraform binary: in proxied mode
 * the proxy serves https with a certificate issued at apply time and the backend trusts its CA beside the image's
 * roots; an external https bucket's CA file is uploaded by path and hash (terraform hashes the real file at plan).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planWithTerraform } from "../../scripts/terraform-harness/terraform.ts";
import { dockerContainer, envMap, synthDocker } from "../support/docker-synth.ts";
import { createTestCa, type TestCa } from "../support/test-ca.ts";

const BACKEND = "convex-alice-dev-backend";
const PROXY = "convex-alice-dev-s3-proxy";

describe("workspace-docker: the proxy serves TLS by default in proxied mode", () => {
  const json = synthDocker({}, { STORAGE_MODE: "proxied" });

  it("points the backend at https://<proxy>:8333 and writes its trust bundle before run_backend.sh", () => {
    const backend = dockerContainer(json, BACKEND);
    const env = envMap(backend);
    expect(env.S3_ENDPOINT_URL).toBe(`https://${PROXY}:8333`);
    expect(env.SSL_CERT_FILE).toBe("/convex/trust/ca-certificates.crt");
    expect(env.NODE_EXTRA_CA_CERTS).toBe("/convex/trust/private-ca.crt");
    const entrypoint = (backend as { entrypoint?: string[] }).entrypoint ?? [];
    expect(entrypoint.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
    expect(entrypoint[2]).toMatch(/cat '\/etc\/ssl\/certs\/ca-certificates\.crt' '\/convex\/trust\/private-ca\.crt' > '\/convex\/trust\/ca-certificates\.crt'\n.*\nexec \.\/run_backend\.sh$/s);
    expect(backend.upload).toEqual([{ file: "/convex/tls/proxy-ca/ca.crt", content: expect.stringMatching(/^\$\{tls_self_signed_cert\.[^}]+\.cert_pem\}$/) }]);
  });

  it("gives the proxy its certificate for the container name, and checks its health over https", () => {
    const proxy = dockerContainer(json, PROXY);
    expect(envMap(proxy)).toMatchObject({ S3PROXY_TLS_CERT_FILE: "/convex/tls/proxy/tls.crt", S3PROXY_TLS_KEY_FILE: "/convex/tls/proxy/tls.key" });
    expect(JSON.stringify((proxy as { healthcheck?: unknown }).healthcheck)).toContain("https://localhost:8333/readyz");
    const request = Object.values(json.resource.tls_cert_request ?? {})[0] as { dns_names: string[] };
    expect(request.dns_names).toEqual([PROXY, "localhost"]);
  });

  it("plans with terraform", async () => {
    await planWithTerraform(json);
  });
});

describe("workspace-docker: an external https bucket with a private CA file", () => {
  let ca: TestCa;
  beforeAll(() => {
    ca = createTestCa("external store CA");
  });
  afterAll(() => ca.remove());
  const external = { kind: "external", endpoint: "https://s3.internal.example:9443", bucketName: "alice-convex", profile: "minio", accessKeyIdEnv: "ALICE_KEY", secretAccessKeyEnv: "ALICE_SECRET" };
  const env = { ALICE_KEY: "AKIAEXAMPLE", ALICE_SECRET: "secret" };

  it("s3: uploads the file into the backend by path and SHA-256 (never its content), and terraform hashes the real file", async () => {
    const json = synthDocker({ storage: { mode: "s3", bucket: { ...external, caBundle: { file: ca.caFile } } } }, {}, { environment: env });
    const backend = dockerContainer(json, BACKEND);
    expect(envMap(backend).S3_ENDPOINT_URL).toBe("https://s3.internal.example:9443");
    expect(backend.upload).toEqual([{ file: "/convex/tls/bucket-ca/ca.crt", source: ca.caFile, source_hash: `\${filesha256("${ca.caFile}")}` }]);
    // The certificate's own bytes are nowhere in the configuration.
    expect(JSON.stringify(json)).not.toContain(ca.caPem.split("\n")[1] as string);
    const plan = await planWithTerraform(json);
    const planned = plan.resources.find((r) => r.type === "docker_container" && (r.values as { name?: string }).name === BACKEND);
    const upload = (planned?.values as { upload: { source_hash: string }[] }).upload[0];
    expect(upload?.source_hash).toBe(createHash("sha256").update(readFileSync(ca.caFile)).digest("hex"));
  });

  it("proxied: the proxy gets the file for S3PROXY_UPSTREAM_CA_FILE, the backend only the proxy's CA", async () => {
    const json = synthDocker({ storage: { mode: "proxied", bucket: { ...external, caBundle: { file: ca.caFile } } } }, {}, { environment: env });
    const proxy = dockerContainer(json, PROXY);
    expect(envMap(proxy)).toMatchObject({ S3PROXY_UPSTREAM_URL: "https://s3.internal.example:9443", S3PROXY_UPSTREAM_CA_FILE: "/convex/tls/bucket-ca/ca.crt" });
    expect(proxy.upload?.map((u) => u.file)).toContain("/convex/tls/bucket-ca/ca.crt");
    expect(dockerContainer(json, BACKEND).upload?.map((u) => u.file)).toEqual(["/convex/tls/proxy-ca/ca.crt"]);
    await planWithTerraform(json);
  });
});
