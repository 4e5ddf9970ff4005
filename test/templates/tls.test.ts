/**
 * The Coder templates' TLS, as built by `npm run build:templates`: in `proxied` the proxy serves TLS with a
 * certificate for its Service (Kubernetes) or container (Docker) name, issued at apply time, and the backend trusts
 * its CA beside the image's roots. (Each mode's exact environment and resources: kubernetes.test.ts, docker.test.ts,
 * evaluated by terraform; the Docker template's TLS: docker.test.ts.)
 */
import { afterAll, describe, expect, it } from "vitest";
import { buildTemplateForTest, type BuiltTemplateUnderTest } from "../support/built-template.ts";
import { setupOnce } from "../support/setup-once.ts";

type Body = Record<string, unknown>;
interface Pod {
  container: { name: string; env?: { name: string; value?: string }[]; readiness_probe?: { http_get: { scheme?: string } } }[];
  init_container?: { name: string }[];
  volume?: { name: string; secret?: { secret_name: string } }[];
}
const pod = (r: Body): Pod => (r.spec as { template: { spec: Pod } }).template.spec;

describe("kubernetes template: proxied mode serves the proxy over TLS", () => {
  let template: BuiltTemplateUnderTest;
  setupOnce(() => {
    template = buildTemplateForTest("kubernetes");
  }, 120_000);
  afterAll(() => template?.remove());
  const resources = (type: string): Record<string, Body> => (template.json.resource as Record<string, Record<string, Body>>)[type] ?? {};

  it("declares the pinned hashicorp/tls provider", () => {
    expect((template.json.terraform.required_providers as Record<string, unknown>).tls).toEqual({ source: "hashicorp/tls", version: "4.1.0" });
  });

  it("creates the TLS Secret for proxied workspaces only, write-only, from the tls provider's certificate", () => {
    const [id, secret] = Object.entries(resources("kubernetes_secret_v1")).find(([k]) => k.startsWith("ProxyTls")) as [string, Body];
    expect(id).toMatch(/^ProxyTls_/);
    expect(secret.count).toBe('${(local.storage_mode == "proxied") ? 1 : 0}');
    expect(secret.data).toBeUndefined();
    expect(Object.keys(secret.data_wo as Body).sort()).toEqual(["ca.crt", "tls.crt", "tls.key"]);
  });

  it("mounts the certificate in the proxy and the CA in the proxied backend, whose trust bundle is written first", () => {
    const deployments = Object.entries(resources("kubernetes_deployment_v1"));
    const proxy = pod((deployments.find(([k]) => k.startsWith("S3Proxy")) as [string, Body])[1]);
    expect(proxy.volume?.find((v) => v.name === "proxy-tls")?.secret?.secret_name).toMatch(/-s3-proxy-tls$/);
    expect(proxy.container[0]?.readiness_probe?.http_get.scheme).toBe("HTTPS");
    const proxied = pod((deployments.find(([k]) => /^Backend_Proxied_[0-9A-F]{8}$/.test(k)) as [string, Body])[1]);
    expect(proxied.init_container?.map((c) => c.name)).toEqual(["trust-bundle"]);
    expect(proxied.volume?.find((v) => v.name === "proxy-ca")?.secret?.secret_name).toMatch(/-s3-proxy-tls$/);
    const s3 = pod((deployments.find(([k]) => /^Backend_S3_[0-9A-F]{8}$/.test(k)) as [string, Body])[1]);
    expect(s3.init_container).toBeUndefined();
  });
});
