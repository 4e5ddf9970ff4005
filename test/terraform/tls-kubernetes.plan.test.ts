/**
 * TLS on the S3 paths of workspace-kubernetes, synthesized and planned by the real terraform binary
 * (scripts/terraform-harness): the endpoint scheme follows the setting, the CAs reach the backend and the proxy by
 * reference (Secret and ConfigMap volumes), and the proxy's certificate and key live only in the tls provider's
 * resources: the Secret takes them write-only (`data_wo`), nothing else names them.
 */
import { describe, expect, it } from "vitest";
import { planWithTerraform } from "../../scripts/terraform-harness/terraform.ts";
import { kubernetesObject, synthKubernetes, type TerraformJson } from "../support/synth.ts";

interface Container {
  name: string;
  env?: { name: string; value?: string }[];
  volume_mount?: { name: string; mount_path: string; read_only?: boolean }[];
  readiness_probe?: { http_get: { scheme?: string } };
  command?: string[];
}
interface PodSpec {
  container: Container[];
  init_container?: Container[];
  volume?: { name: string; secret?: { secret_name: string; items: { key: string; path: string }[] }; config_map?: { name: string; items: { key: string; path: string }[] }; empty_dir?: object }[];
}

function podOf(json: TerraformJson, name: string): PodSpec {
  const deployment = kubernetesObject(json, "kubernetes_deployment_v1", name) as { spec: { template: { spec: PodSpec } } };
  return deployment.spec.template.spec;
}
const envOf = (container: Container): Record<string, string | undefined> => Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
/** Every resource of the document whose body mentions a tls provider resource, by type. */
function tlsReaders(json: TerraformJson): string[] {
  const out: string[] = [];
  for (const [type, resources] of Object.entries(json.resource)) {
    if (type.startsWith("tls_")) continue;
    for (const [id, body] of Object.entries(resources)) if (/\$\{tls_/.test(JSON.stringify(body))) out.push(`${type}.${id}`);
  }
  return out;
}

const PROXY = "convex-alice-dev-s3-proxy";
const BACKEND = "convex-alice-dev-backend";
const TLS_SECRET = "convex-alice-dev-s3-proxy-tls";

describe("proxied mode serves the proxy over TLS by default", () => {
  const json = synthKubernetes({ storage: { mode: "proxied" } });

  it("points the backend at https:// and makes it trust the proxy's CA beside its roots, by reference", () => {
    const pod = podOf(json, BACKEND);
    const env = envOf(pod.container[0] as Container);
    expect(env.S3_ENDPOINT_URL).toBe(`https://${PROXY}.convex.svc:8333`);
    expect(env.SSL_CERT_FILE).toBe("/convex/trust/ca-certificates.crt");
    expect(env.NODE_EXTRA_CA_CERTS).toBe("/convex/trust/private-ca.crt");
    expect(pod.volume?.find((v) => v.name === "proxy-ca")?.secret).toEqual({ secret_name: TLS_SECRET, items: [{ key: "ca.crt", path: "ca.crt" }] });
    const init = pod.init_container?.find((c) => c.name === "trust-bundle") as Container;
    expect(init.command?.[2]).toContain("cat '/etc/ssl/certs/ca-certificates.crt' '/convex/trust/private-ca.crt' > '/convex/trust/ca-certificates.crt'");
    expect(init.volume_mount?.map((m) => m.mount_path)).toEqual(["/convex/trust", "/convex/tls/proxy-ca"]);
    expect(pod.container[0]?.volume_mount?.find((m) => m.name === "trust")).toEqual({ name: "trust", mount_path: "/convex/trust", read_only: true });
  });

  it("gives the proxy its certificate and key from the TLS Secret, and probes it over HTTPS", () => {
    const pod = podOf(json, PROXY);
    const container = pod.container[0] as Container;
    expect(envOf(container)).toMatchObject({ S3PROXY_TLS_CERT_FILE: "/convex/tls/proxy/tls.crt", S3PROXY_TLS_KEY_FILE: "/convex/tls/proxy/tls.key" });
    expect(pod.volume?.find((v) => v.name === "proxy-tls")?.secret?.secret_name).toBe(TLS_SECRET);
    expect(container.readiness_probe?.http_get.scheme).toBe("HTTPS");
  });

  it("issues the certificate for the Service's DNS names at apply time, and keeps it out of every state but the tls provider's", () => {
    const request = Object.values(json.resource.tls_cert_request ?? {})[0] as { dns_names: string[] };
    expect(request.dns_names).toEqual([PROXY, `${PROXY}.convex`, `${PROXY}.convex.svc`, `${PROXY}.convex.svc.cluster.local`]);
    const secret = kubernetesObject(json, "kubernetes_secret_v1", TLS_SECRET) as { data?: unknown; data_wo: Record<string, string>; type: string };
    expect(secret.type).toBe("kubernetes.io/tls");
    expect(secret.data).toBeUndefined();
    expect(Object.keys(secret.data_wo).sort()).toEqual(["ca.crt", "tls.crt", "tls.key"]);
    for (const value of Object.values(secret.data_wo)) expect(value).toMatch(/^\$\{tls_(locally_signed_cert|private_key|self_signed_cert)\.[^}]+\}$/);
    // Only the Secret reads the tls resources; the pods name the Secret.
    expect(tlsReaders(json)).toEqual([expect.stringMatching(/^kubernetes_secret_v1\.ProxyTls/)]);
  });

  it("plans with terraform: the Secret depends on the certificate, the proxy and the backend on the Secret", async () => {
    const plan = await planWithTerraform(json, { graph: true });
    const secret = [...plan.dependencies.keys()].find((k) => k.startsWith("kubernetes_secret_v1.ProxyTls")) as string;
    // terraform's graph is transitively reduced: the certificate stands for the keys and the CA it is made of.
    expect([...(plan.dependencies.get(secret) ?? [])].filter((d) => d.startsWith("tls_"))).toEqual([expect.stringMatching(/^tls_locally_signed_cert\./)]);
    const readers = [...plan.dependencies.entries()].filter(([, deps]) => deps.has(secret)).map(([k]) => k).sort();
    // The backend waits for the Secret through the proxy it waits for (the graph keeps only that edge).
    expect(readers).toEqual([expect.stringMatching(/^kubernetes_deployment_v1\.S3Proxy_/)]);
    const backend = [...plan.dependencies.keys()].find((k) => k.startsWith("kubernetes_deployment_v1.Backend_")) as string;
    expect([...(plan.dependencies.get(backend) ?? [])]).toContain(readers[0]);
  });
});

describe("storage.proxy.tls: false", () => {
  const json = synthKubernetes({ storage: { mode: "proxied", proxy: { tls: false } } });
  it("keeps the proxy on plain HTTP: no tls resource, no trust bundle", async () => {
    expect(Object.keys(json.resource).filter((t) => t.startsWith("tls_"))).toEqual([]);
    const pod = podOf(json, BACKEND);
    expect(envOf(pod.container[0] as Container).S3_ENDPOINT_URL).toBe(`http://${PROXY}.convex.svc:8333`);
    expect(envOf(pod.container[0] as Container).SSL_CERT_FILE).toBeUndefined();
    expect(pod.init_container).toBeUndefined();
    await planWithTerraform(json);
  });
});

describe("a Rook gateway on its secure port (storage.bucket.endpointScheme: https) with a private CA", () => {
  it("s3: the backend speaks https to $(BUCKET_HOST):$(BUCKET_PORT) and trusts the CA from the named Secret", async () => {
    const json = synthKubernetes({ storage: { mode: "s3", bucket: { kind: "objectBucketClaim", endpointScheme: "https", caBundle: { secretName: "rgw-ca" } } } });
    const pod = podOf(json, BACKEND);
    const env = envOf(pod.container[0] as Container);
    expect(env.S3_ENDPOINT_URL).toBe("https://$(BUCKET_HOST):$(BUCKET_PORT)");
    expect(env.SSL_CERT_FILE).toBe("/convex/trust/ca-certificates.crt");
    expect(pod.volume?.find((v) => v.name === "bucket-ca")?.secret).toEqual({ secret_name: "rgw-ca", items: [{ key: "ca.crt", path: "ca.crt" }] });
    expect(Object.keys(json.resource).filter((t) => t.startsWith("tls_"))).toEqual([]);
    await planWithTerraform(json);
  });

  it("the trust bundle's init container runs once, before a Postgres database's (the backend's one Deployment gets both, each once)", () => {
    const bucket = { kind: "objectBucketClaim", endpointScheme: "https", caBundle: { secretName: "rgw-ca" } };
    const names = (raw: object) => {
      const pod = podOf(synthKubernetes(raw), BACKEND);
      return { init: (pod.init_container as { name: string }[] | undefined)?.map((c) => c.name), volumes: pod.volume?.map((v) => v.name) };
    };
    expect(names({ storage: { mode: "s3", bucket } })).toEqual({ init: ["trust-bundle"], volumes: ["data", "trust", "bucket-ca"] });
    expect(names({ storage: { mode: "s3", bucket }, database: { kind: "postgres", urlSecretName: "pg" } }).init).toEqual(["trust-bundle", "create-database"]);
  });

  it("proxied: the proxy's upstream is https and trusts the CA from the named ConfigMap; the backend trusts only the proxy's CA", async () => {
    const json = synthKubernetes({ storage: { mode: "proxied", bucket: { kind: "objectBucketClaim", endpointScheme: "https", caBundle: { configMapName: "rgw-ca", key: "ca-bundle.crt" } } } });
    const proxy = podOf(json, PROXY);
    expect(envOf(proxy.container[0] as Container)).toMatchObject({
      S3PROXY_UPSTREAM_URL: "https://$(BUCKET_HOST):$(BUCKET_PORT)",
      S3PROXY_UPSTREAM_CA_FILE: "/convex/tls/bucket-ca/ca.crt",
    });
    expect(proxy.volume?.find((v) => v.name === "bucket-ca")?.config_map).toEqual({ name: "rgw-ca", items: [{ key: "ca-bundle.crt", path: "ca.crt" }] });
    const backend = podOf(json, BACKEND);
    expect(backend.volume?.map((v) => v.name)).toEqual(expect.arrayContaining(["data", "trust", "proxy-ca"]));
    expect(backend.volume?.map((v) => v.name)).not.toContain("bucket-ca");
    await planWithTerraform(json);
  });

  it("the storage doctor Job trusts what the backend trusts (NODE_EXTRA_CA_CERTS to the proxy's CA)", async () => {
    const json = synthKubernetes({ storage: { mode: "proxied", doctor: true } });
    const job = Object.values(json.resource.kubernetes_job_v1 ?? {})[0] as { spec: { template: { spec: PodSpec } } };
    const spec = job.spec.template.spec;
    expect(envOf(spec.container[0] as Container).NODE_EXTRA_CA_CERTS).toBe("/convex/tls/proxy-ca/ca.crt");
    expect(spec.volume?.find((v) => v.name === "proxy-ca")?.secret?.secret_name).toBe(TLS_SECRET);
    await planWithTerraform(json);
  });
});
