import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { AGENT_NAME_PATTERN } from "../../lib/coder/agent.ts";
import { APP_SLUG_PATTERN } from "../../lib/coder/app.ts";
import { backendEnvironment } from "../../lib/core/backend-env.ts";
import { literal } from "../../lib/core/env.ts";
import { Bucket } from "../../lib/core/bucket.ts";
import { STORAGE_MODES, Storage, type StorageModeName } from "../../lib/core/storage.ts";
import { TEMPLATE_ARCHIVE_LIMIT, type BuiltTemplate } from "../../scripts/build-templates.ts";
import { buildTemplatesForTest, type BuiltTemplateUnderTest } from "../support/built-template.ts";
import { setupOnce } from "../support/setup-once.ts";
import { INSTANCE_NAME } from "../../stacks/template-env-local.ts";
import { destroyRefusals, evaluateBuild, TerraformRefused, type EvaluatedBuild } from "../support/template-eval.ts";

type Resource = Record<string, unknown>;
interface Container {
  name: string;
  command?: string[];
  env?: { name: string; value?: string; value_from?: unknown }[];
  volume_mount?: { name: string; mount_path: string }[];
}
interface PodSpec {
  container: Container[];
  init_container?: Container[];
  volume?: { name: string }[];
}

const VARS = { namespace: "coder-ws", wildcard_access_url: "*.apps.example.com" };
/** Compute: anything that runs (Deployments) or that Coder shows while running. */
const COMPUTE_TYPES = new Set(["kubernetes_deployment_v1", "coder_metadata"]);
/** Data: survives a stop. */
const DATA = ["kubernetes_persistent_volume_claim_v1", "kubernetes_secret_v1", "kubernetes_manifest", "random_id", "random_password"];

let template: BuiltTemplateUnderTest;
let minio: BuiltTemplateUnderTest;
let built: BuiltTemplate;
let json: BuiltTemplateUnderTest["json"];
let text: string;

// Both variants from one build (the build synthesizes every template). The build runs synchronously, so vitest can
// only report a hook timeout after it: on a loaded machine it takes more than the default 10 s, and a timed-out hook
// skips the tests instead of failing them.
setupOnce(() => {
  [template, minio] = buildTemplatesForTest(["kubernetes", "kubernetes-minio"]) as [BuiltTemplateUnderTest, BuiltTemplateUnderTest];
  ({ built, json, text } = template);
}, 120_000);
afterAll(() => template?.remove());

const resources = (type: string): Record<string, Resource> => json.resource[type] ?? {};
const podSpec = (r: Resource): PodSpec => (r.spec as { template: { spec: PodSpec } }).template.spec;
const backendDeployments = (): [string, Resource][] => Object.entries(resources("kubernetes_deployment_v1")).filter(([, r]) => podSpec(r).container[0]?.name === "backend");

describe("kubernetes template: the built folder", () => {
  it("holds main.tf.json and README.md and packs to less than 1 MiB (measured with tar)", () => {
    const listing = execFileSync("tar", ["-cf", "-", "-C", built.dir, "."]);
    expect(listing.length).toBe(built.archiveBytes);
    expect(built.archiveBytes).toBeLessThan(TEMPLATE_ARCHIVE_LIMIT);
    const names = execFileSync("tar", ["-tf", "-"], { input: listing, encoding: "utf8" }).split("\n").filter((n) => n !== "" && n !== "./").sort();
    expect(names).toEqual(["./README.md", "./main.tf.json"]);
  });

  it("has README front matter like Coder's examples and the admin instructions", () => {
    const readme = readFileSync(join(built.dir, "README.md"), "utf8");
    const match = /^---\n([\s\S]*?)\n---\n/.exec(readme);
    expect(match).not.toBeNull();
    const front = parseYaml(match?.[1] ?? "") as Record<string, unknown>;
    expect(front).toMatchObject({ display_name: expect.any(String), name: expect.any(String), description: expect.any(String), icon: "/icon/k8s.png" });
    expect(front.tags).toEqual(expect.arrayContaining(["kubernetes"]));
    for (const needle of ["coder templates push", "extraRules", "objectbucket.io", "objectbucketclaims", "wildcard_access_url", ".env.local", "convex_api_share", "convex_dashboard_share", "use_kubeconfig", "## Troubleshooting", "login redirect"]) expect(readme).toContain(needle);
  });

  it("carries no Terraform backend (Coder keeps terraform.tfstate in its working directory)", () => {
    expect(json.terraform).not.toHaveProperty("backend");
    expect(text).not.toContain(".tfstate");
  });

  it("requires the coder and kubernetes providers Coder's terraform init installs (`terraform providers`; test/terraform plans the whole template)", () => {
    const result = execFileSync("terraform", ["providers", "-no-color"], { cwd: built.dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 });
    expect(result).toContain("provider[registry.terraform.io/coder/coder] ~> 2.17");
    expect(result).toContain("provider[registry.terraform.io/hashicorp/kubernetes]");
  });
});

describe("kubernetes template: Coder wiring", () => {
  it("names the agent `main`, which matches Coder's agent-name rule", () => {
    expect(Object.keys(resources("coder_agent"))).toEqual(["main"]);
    expect("main").toMatch(AGENT_NAME_PATTERN);
  });

  it("runs the agent's init script with its token in the workspace container", () => {
    const ws = resources("kubernetes_deployment_v1").Workspace;
    expect(ws?.count).toBe("${local.start_count}");
    const dev = podSpec(ws as Resource).container[0] as Container;
    expect(dev.command).toEqual(["sh", "-c", "${coder_agent.main.init_script}"]);
    expect(dev.env).toContainEqual({ name: "CODER_AGENT_TOKEN", value: "${coder_agent.main.token}" });
  });

  it("declares storage_mode with local, s3 and proxied, immutable, each with a description", () => {
    const p = json.data?.coder_parameter?.storage_mode as { name: string; mutable: boolean; default: string; option: { value: string; description: string }[] };
    expect(p.name).toBe("storage_mode");
    expect(p.mutable).toBe(false);
    expect(p.default).toBe("local");
    expect(p.option.map((o) => o.value)).toEqual(["local", "s3", "proxied"]);
    for (const o of p.option) expect(o.description.length).toBeGreaterThan(20);
  });

  it("has subdomain apps for the API, the site and the dashboard, shared by the admin's variables, with healthchecks and valid slugs", () => {
    const apps = resources("coder_app");
    expect(Object.values(apps).map((a) => a.slug).sort()).toEqual(["convex-api", "convex-dashboard", "convex-site"]);
    expect([apps.ApiApp?.share, apps.SiteApp?.share, apps.DashboardApp?.share]).toEqual(["${var.convex_api_share}", "${var.convex_api_share}", "${var.convex_dashboard_share}"]);
    expect([json.variable?.convex_api_share?.default, json.variable?.convex_dashboard_share?.default]).toEqual(["public", "owner"]);
    for (const a of Object.values(apps)) {
      expect(a.slug).toMatch(APP_SLUG_PATTERN);
      expect(a).toMatchObject({ agent_id: "${coder_agent.main.id}", subdomain: true, healthcheck: [{ url: expect.stringMatching(/^http:\/\//), interval: expect.any(Number), threshold: expect.any(Number) }] });
    }
  });

  it("uses icons that exist in Coder's site/static (checked against coder/coder)", () => {
    const icons = [...Object.values(resources("coder_app")), ...Object.values(resources("coder_script"))].map((r) => r.icon).sort();
    expect(icons).toEqual(["/icon/database.svg", "/icon/database.svg", "/icon/desktop.svg", "/icon/widgets.svg"]);
  });

  it("has Coder's use_kubeconfig switch and the owner's e-mail annotation on the workspace's own objects", () => {
    expect(json.variable?.use_kubeconfig).toMatchObject({ type: "bool", default: false });
    expect((json.provider as Record<string, unknown[]>).kubernetes).toEqual([{ config_path: '${var.use_kubeconfig ? "~/.kube/config" : null}' }]);
    const ws = resources("kubernetes_deployment_v1").Workspace as Resource;
    const email = { "com.coder.user.email": "${data.coder_workspace_owner.me.email}" };
    expect((ws.metadata as { annotations?: unknown }).annotations).toEqual(email);
    expect((ws.spec as { template: { metadata: { annotations?: unknown } } }).template.metadata.annotations).toEqual(email);
    expect((resources("kubernetes_persistent_volume_claim_v1").Home?.metadata as { annotations?: unknown }).annotations).toEqual(email);
  });

  it("puts start_count on every compute resource and no count at all on data", () => {
    for (const [type, byName] of Object.entries(json.resource)) {
      for (const [name, r] of Object.entries(byName)) {
        if (COMPUTE_TYPES.has(type)) expect(String(r.count), `${type}.${name}`).toMatch(/local\.start_count/);
        // The claim and the proxy's TLS Secret exist for the modes that use them (a mode count, never start_count).
        if (DATA.includes(type) && type !== "kubernetes_manifest" && !name.startsWith("ProxyTls")) expect(r, `${type}.${name}`).not.toHaveProperty("count");
      }
    }
    // The bucket claim exists for the modes that use it, and never follows start_count.
    const claim = Object.values(resources("kubernetes_manifest"))[0];
    expect(claim?.count).toBe('${((local.storage_mode == "s3") || (local.storage_mode == "proxied")) ? 1 : 0}');
    expect(Object.values(resources("kubernetes_persistent_volume_claim_v1")).map((r) => (r.metadata as { name: string }).name).sort()).toEqual([
      "coder-${data.coder_workspace.me.id}-home",
      "convex-${data.coder_workspace.me.id}-data",
    ]);
  });

  it("selects the backend per mode and database (and, for local SQLite, restore_from) with count expressions over local.storage_mode, local.database and local.restoring", () => {
    const counts = Object.fromEntries(backendDeployments().map(([, r]) => [r.count, true]));
    const count = (m: string, d: string) =>
      m === "local" && d === "sqlite"
        ? ["!local.restoring", "local.restoring"].map((r) => `\${((local.storage_mode == "local") && ((local.database == "sqlite") && ${r})) ? local.start_count : 0}`)
        : [`\${((local.storage_mode == "${m}") && (local.database == "${d}")) ? local.start_count : 0}`];
    expect(Object.keys(counts).sort()).toEqual(STORAGE_MODES.flatMap((m) => ["sqlite", "postgres", "mysql"].flatMap((d) => count(m, d))).sort());
    expect(json.locals).toMatchObject({ restoring: '${(length(data.coder_parameter.restore_from.value) >= 1)}' });
    expect(json.locals).toMatchObject({ storage_mode: "${data.coder_parameter.storage_mode.value}", start_count: "${data.coder_workspace.me.start_count}" });
  });

  it("puts Coder's label set on every Kubernetes object", () => {
    for (const [type, byName] of Object.entries(json.resource)) {
      if (!type.startsWith("kubernetes_")) continue;
      for (const [name, r] of Object.entries(byName)) {
        const metadata = (type === "kubernetes_manifest" ? (r.manifest as { metadata: unknown }).metadata : r.metadata) as { labels: Record<string, string> };
        expect(metadata.labels, `${type}.${name}`).toMatchObject({
          "com.coder.resource": "true",
          "com.coder.workspace.id": "${data.coder_workspace.me.id}",
          "com.coder.workspace.name": "${data.coder_workspace.me.name}",
          "com.coder.user.id": "${data.coder_workspace_owner.me.id}",
          "com.coder.user.username": "${data.coder_workspace_owner.me.name}",
        });
      }
    }
  });

  it("keeps the admin key out of Terraform: no outputs, no label or env value, only the init container's file", () => {
    expect(json.output ?? {}).toEqual({});
    expect(text).not.toMatch(/ADMIN_KEY"\s*:\s*"/);
    const spec = podSpec(resources("kubernetes_deployment_v1").Workspace as Resource);
    const init = spec.init_container?.[0] as Container;
    expect(init.command?.[2]).toMatch(/\.\/generate_key "\$INSTANCE_NAME" "\$INSTANCE_SECRET" > \/run\/convex-admin\/admin-key/);
    // The Secret and key the backend reads its INSTANCE_SECRET from: a key made from anything else is refused.
    const instanceSecretRef = { secret_key_ref: { name: "convex-${data.coder_workspace.me.id}-instance-secret", key: "INSTANCE_SECRET" } };
    expect(init.env).toEqual([
      { name: "INSTANCE_NAME", value: "${local.instance_name}" },
      { name: "INSTANCE_SECRET", value_from: instanceSecretRef },
    ]);
    // The key's instance name is the backend's: `convex`, or `convex-<id>` with the shared Postgres server.
    for (const [name, r] of backendDeployments()) expect(podSpec(r).container[0]?.env?.find((e) => e.name === "INSTANCE_NAME")?.value, name).toBe("${local.instance_name}");
    for (const [name, r] of backendDeployments()) expect(podSpec(r).container[0]?.env?.find((e) => e.name === "INSTANCE_SECRET")?.value_from, name).toEqual(instanceSecretRef);
    // Only the workspace pod mounts the key's volume.
    for (const [name, r] of Object.entries(resources("kubernetes_deployment_v1"))) {
      const mounts = podSpec(r).container.flatMap((c) => c.volume_mount ?? []).map((m) => m.name);
      expect(mounts.includes("admin-key"), name).toBe(name === "Workspace");
    }
    const script = Object.values(resources("coder_script"))[0]?.script as string;
    expect(script).toContain("CONVEX_SELF_HOSTED_ADMIN_KEY=$key");
    expect(script).toContain("VITE_CONVEX_URL=${local.convex_api_url}");
    expect(script).not.toMatch(/echo "\$key"|set -x/);
  });
});

describe("kubernetes template: what a workspace relies on (hand-written expectations)", () => {
  it("replaces the workspace pod with Recreate: its home volume is ReadWriteOnce, a rolling update would wait for it forever", () => {
    const ws = resources("kubernetes_deployment_v1").Workspace as Resource;
    expect((ws.spec as { strategy?: unknown }).strategy).toEqual({ type: "Recreate" });
    expect((resources("kubernetes_persistent_volume_claim_v1").Home?.spec as { access_modes: string[] }).access_modes).toEqual(["ReadWriteOnce"]);
  });

  it("lets Coder delete a workspace: terraform would destroy every resource, none carries prevent_destroy", () => {
    expect(destroyRefusals(json)).toEqual([]);
  });

  it("gives the workspace container the bucket's settings by reference, keys from the claim's Secret, all optional (local mode has no claim)", () => {
    const dev = podSpec(resources("kubernetes_deployment_v1").Workspace as Resource).container[0] as Container;
    const claim = "convex-${data.coder_workspace.me.id}-bucket";
    const fromConfigMap = (key: string) => ({ name: key, value_from: { config_map_key_ref: { name: claim, key, optional: true } } });
    const fromSecret = (key: string) => ({ name: key, value_from: { secret_key_ref: { name: claim, key, optional: true } } });
    expect(dev.env?.filter((e) => e.value_from !== undefined)).toEqual([
      fromConfigMap("BUCKET_NAME"),
      fromConfigMap("BUCKET_HOST"),
      fromConfigMap("BUCKET_PORT"),
      fromSecret("AWS_ACCESS_KEY_ID"),
      fromSecret("AWS_SECRET_ACCESS_KEY"),
    ]);
    // The claim's host and port, expanded by Kubernetes from the variables above; nothing in local mode.
    expect(dev.env?.find((e) => e.name === "AWS_ENDPOINT_URL_S3")?.value).toBe('${local.storage_mode == "local" ? "" : "http://$(BUCKET_HOST):$(BUCKET_PORT)"}');
  });

  it("starts the s3 backend only once its bucket claim exists (it reads the claim's Secret and ConfigMap by name)", () => {
    const [, s3] = Object.entries(resources("kubernetes_deployment_v1")).find(([name]) => name.startsWith("Backend_S3_")) ?? [];
    expect(s3?.depends_on).toEqual([expect.stringMatching(/^kubernetes_secret_v1\.InstanceSecret_/), expect.stringMatching(/^kubernetes_manifest\.Bucket_/)]);
  });

  it("gives every Kubernetes object its component label", () => {
    for (const [type, byName] of Object.entries(json.resource)) {
      if (!type.startsWith("kubernetes_")) continue;
      for (const [name, r] of Object.entries(byName)) {
        const metadata = (type === "kubernetes_manifest" ? (r.manifest as { metadata: unknown }).metadata : r.metadata) as { labels: Record<string, string> };
        expect(metadata.labels["app.kubernetes.io/component"], `${type}.${name}`).toMatch(/^[a-z0-9][-a-z0-9]*$/);
      }
    }
  });
});

/** What each mode must yield besides the resources every build has. */
const EXPECTED_MODE_RESOURCES: Record<StorageModeName, { running: string[]; data: string[] }> = {
  local: { running: ["kubernetes_deployment_v1.Backend"], data: [] },
  s3: { running: ["kubernetes_deployment_v1.Backend_S3"], data: ["kubernetes_manifest.Bucket"] },
  proxied: {
    running: ["kubernetes_deployment_v1.Backend_Proxied", "kubernetes_deployment_v1.S3Proxy"],
    data: ["kubernetes_manifest.Bucket", "kubernetes_config_map_v1.S3Proxy_Bundle", "kubernetes_service_v1.S3Proxy_Service", "kubernetes_secret_v1.ProxyTls"],
  },
};
const ALWAYS = [
  "coder_agent.main", "coder_app.ApiApp", "coder_app.DashboardApp", "coder_app.SiteApp", "coder_script.EnvLocal",
  "kubernetes_persistent_volume_claim_v1.Backend_Data", "kubernetes_persistent_volume_claim_v1.Home",
  "kubernetes_secret_v1.InstanceSecret", "kubernetes_secret_v1.ProxyCredentials",
  "kubernetes_service_v1.Backend_Service", "kubernetes_service_v1.Dashboard_Service",
  "random_id.InstanceSecret_Value", "random_password.ProxyCredentials_AccessKeyId", "random_password.ProxyCredentials_SecretAccessKey",
  // The proxy's CA and certificate: state only, whatever the mode (only their Secret follows it).
  "tls_cert_request.ProxyTls_Certificate_Request", "tls_locally_signed_cert.ProxyTls_Certificate", "tls_private_key.ProxyTls_Certificate_CaKey",
  "tls_private_key.ProxyTls_Certificate_Key", "tls_self_signed_cert.ProxyTls_Certificate_Ca",
];
const RUNNING = ["coder_metadata.WorkspaceInfo", "kubernetes_deployment_v1.Dashboard", "kubernetes_deployment_v1.Workspace"];

/** Drops CDKTF's hash suffix: `Backend_S3_25BACAE9` -> `Backend_S3`. */
const stripHash = (address: string) => address.replace(/_[0-9A-F]{8}$/, "");

const WORKSPACE_ID = "6f1c1a2e-8a7b-4f0e-9d3c-2b1a0f9e8d7c";

/** What a build's backend reads besides its bucket: the shared server's Secret, when the admin named one. */
interface ExpectedDatabase {
  readonly kind: "postgres" | "mysql";
  readonly secret: string;
  readonly key: string;
}

/**
 * The core's environment for a mode, rendered the way the Kubernetes provider JSON spells it, with the harness's
 * values. The storage is the core's own (`Storage`, `Bucket`), not the template's, so a template that picks the
 * wrong bucket or mode fails.
 */
function expectedEnv(mode: StorageModeName, b: EvaluatedBuild, options: { bucket?: "objectBucketClaim" | "minio"; database?: ExpectedDatabase } = {}): unknown[] {
  const id = WORKSPACE_ID;
  const { database } = options;
  const minio = options.bucket === "minio";
  const claim = `convex-${id}-bucket`;
  const minioCredentials = `convex-${id}-minio-credentials`;
  const secretOf: Record<string, { secret?: string; configMap?: string; key: string }> = {
    instanceSecret: { secret: `convex-${id}-instance-secret`, key: "INSTANCE_SECRET" },
    bucketName: { configMap: claim, key: "BUCKET_NAME" },
    bucketHost: { configMap: claim, key: "BUCKET_HOST" },
    bucketPort: { configMap: claim, key: "BUCKET_PORT" },
    bucketAccessKeyId: minio ? { secret: minioCredentials, key: "MINIO_ROOT_USER" } : { secret: claim, key: "AWS_ACCESS_KEY_ID" },
    bucketSecretAccessKey: minio ? { secret: minioCredentials, key: "MINIO_ROOT_PASSWORD" } : { secret: claim, key: "AWS_SECRET_ACCESS_KEY" },
    proxyAccessKeyId: { secret: `convex-${id}-proxy-credentials`, key: "S3PROXY_ACCESS_KEY_ID" },
    proxySecretAccessKey: { secret: `convex-${id}-proxy-credentials`, key: "S3PROXY_SECRET_ACCESS_KEY" },
    ...(database !== undefined ? { databaseUrl: { secret: database.secret, key: database.key } } : {}),
  };
  const bucket = minio ? Bucket.minio({ bucketName: "convex" }) : Bucket.objectBucketClaim();
  const storage = mode === "local" ? Storage.local() : mode === "s3" ? Storage.s3(bucket) : Storage.proxied(bucket);
  const env = [
    ...backendEnvironment({
      // With a shared server every workspace opens its own database: convex-<workspace id>.
      instanceName: database === undefined ? INSTANCE_NAME : `${INSTANCE_NAME}-${id}`,
      cloudOrigin: b.locals.convex_api_url as string,
      siteOrigin: b.locals.convex_site_url as string,
      storage,
      region: "us-east-1",
      proxyEndpoint: `https://convex-${id}-s3-proxy.${VARS.namespace}.svc:8333`,
      minioEndpoint: minio ? `http://convex-${id}-minio.${VARS.namespace}.svc:9000` : undefined,
      database: database === undefined ? undefined : { kind: database.kind, requireSsl: false },
    }),
    // proxied: the backend trusts the proxy's CA (the trust bundle its init container writes).
    ...(mode === "proxied" ? [{ name: "SSL_CERT_FILE", value: literal("/convex/trust/ca-certificates.crt") }, { name: "NODE_EXTRA_CA_CERTS", value: literal("/convex/trust/private-ca.crt") }] : []),
  ];
  return env.map((e) => {
    // database_require_ssl defaults to true: DO_NOT_REQUIRE_SSL is there, empty (run_backend.sh tests ${VAR:+...}).
    if (e.name === "DO_NOT_REQUIRE_SSL") return { name: e.name, value: "" };
    if (e.value.kind === "literal") return { name: e.name, value: e.value.value };
    const s = secretOf[e.value.ref];
    if (s === undefined) throw new Error(`no source for ${e.value.ref}`);
    return s.secret !== undefined
      ? { name: e.name, value_from: { secret_key_ref: { name: s.secret, key: s.key } } }
      : { name: e.name, value_from: { config_map_key_ref: { name: s.configMap, key: s.key } } };
  });
}

/** The shared-server builds evaluated: one per mode, both kinds between them. */
const SERVER_BUILDS: readonly (readonly [StorageModeName, ExpectedDatabase])[] = [
  ["local", { kind: "postgres", secret: "shared-db-2", key: "DATABASE_URL.v1_x-y" }],
  ["s3", { kind: "mysql", secret: "shared-mysql", key: "url" }],
  ["proxied", { kind: "postgres", secret: "shared-db", key: "url" }],
];
const SERVER_BACKEND_NAMES: Record<StorageModeName, string> = { local: "Local", s3: "S3", proxied: "Proxied" };

describe("kubernetes template: per-mode selection, evaluated by terraform", () => {
  const builds: Record<string, EvaluatedBuild> = {};
  setupOnce(() => {
    for (const mode of STORAGE_MODES) {
      for (const startCount of [1, 0] as const) builds[`${mode}/${startCount}`] = evaluateBuild(json, { storageMode: mode, startCount, vars: VARS });
    }
    for (const [mode, database] of SERVER_BUILDS) {
      const vars = { ...VARS, database_url_secret_name: database.secret, database_url_secret_key: database.key, ...(database.kind === "mysql" ? { database_kind: "mysql" } : {}) };
      builds[`${mode}/${database.kind}`] = evaluateBuild(json, { storageMode: mode, startCount: 1, vars });
    }
    builds["minio/s3"] = evaluateBuild(minio.json, { storageMode: "s3", startCount: 1, vars: VARS });
  }, 120_000);

  for (const [mode, database] of SERVER_BUILDS) {
    it(`${mode} with a shared ${database.kind} server: exactly that backend, the server's URL from the admin's Secret and key, the workspace's own database`, () => {
      const b = builds[`${mode}/${database.kind}`] as EvaluatedBuild;
      const backend = `kubernetes_deployment_v1.Backend_${SERVER_BACKEND_NAMES[mode]}${database.kind === "mysql" ? "Mysql" : "Postgres"}`;
      const expected = [...ALWAYS, ...RUNNING, backend, ...EXPECTED_MODE_RESOURCES[mode].running.slice(1), ...EXPECTED_MODE_RESOURCES[mode].data].sort();
      expect(b.resources.map(stripHash).sort()).toEqual(expected);
      const envs = Object.entries(b.backendEnv);
      expect(envs.map(([address]) => stripHash(address))).toEqual([backend]);
      expect(envs[0]?.[1]).toEqual(expectedEnv(mode, b, { database }));
      expect(b.locals).toMatchObject({ database: database.kind, instance_name: `convex-${WORKSPACE_ID}`, database_name: `convex_${WORKSPACE_ID.replaceAll("-", "_")}` });
    });
  }

  it("kubernetes-minio, s3: the backend reads MinIO's bucket, root keys and in-cluster endpoint", () => {
    const b = builds["minio/s3"] as EvaluatedBuild;
    const envs = Object.entries(b.backendEnv);
    expect(envs.map(([address]) => stripHash(address))).toEqual(["kubernetes_deployment_v1.Backend_S3"]);
    expect(envs[0]?.[1]).toEqual(expectedEnv("s3", b, { bucket: "minio" }));
    expect(b.resources.map(stripHash)).toEqual(expect.arrayContaining(["kubernetes_deployment_v1.Minio", "kubernetes_persistent_volume_claim_v1.Minio_Data", "kubernetes_service_v1.Minio_Service"]));
  });

  for (const mode of STORAGE_MODES) {
    it(`${mode}, started: exactly the mode's backend, with the core's ${mode} environment`, () => {
      const b = builds[`${mode}/1`] as EvaluatedBuild;
      const expected = [...ALWAYS, ...RUNNING, ...EXPECTED_MODE_RESOURCES[mode].running, ...EXPECTED_MODE_RESOURCES[mode].data].sort();
      expect(b.resources.map(stripHash).sort()).toEqual(expected);
      const envs = Object.entries(b.backendEnv);
      expect(envs).toHaveLength(1);
      const [address, env] = envs[0] as [string, unknown[]];
      expect(stripHash(address)).toBe(EXPECTED_MODE_RESOURCES[mode].running[0]);
      expect(env).toEqual(expectedEnv(mode, b));
      expect(b.locals).toMatchObject({
        convex_api_url: "https://convex-api--main--dev--alice.apps.example.com",
        convex_site_url: "https://convex-site--main--dev--alice.apps.example.com",
        convex_dashboard_url: "https://convex-dashboard--main--dev--alice.apps.example.com",
      });
    });

    it(`${mode}, stopped: no compute, the data stays`, () => {
      const b = builds[`${mode}/0`] as EvaluatedBuild;
      expect(b.resources.map(stripHash).sort()).toEqual([...ALWAYS, ...EXPECTED_MODE_RESOURCES[mode].data].sort());
      expect(b.backendEnv).toEqual({});
    });
  }

  it("local sets no AWS_* or S3_* variable; s3 points at the bucket, proxied at the proxy", () => {
    const envOf = (mode: string) => (Object.values((builds[`${mode}/1`] as EvaluatedBuild).backendEnv)[0] ?? []) as { name: string; value?: string }[];
    const names = (mode: string) => envOf(mode).map((e) => e.name);
    expect(names("local").filter((n) => /^(AWS_|S3_)/.test(n))).toEqual([]);
    const endpoint = (mode: string) => envOf(mode).find((e) => e.name === "S3_ENDPOINT_URL")?.value;
    expect(endpoint("s3")).toBe("http://$(BUCKET_HOST):$(BUCKET_PORT)");
    expect(endpoint("proxied")).toMatch(/^https:\/\/convex-[0-9a-f-]+-s3-proxy\.coder-ws\.svc:8333$/);
  });
});

describe("kubernetes template: the admin's variables (hand-written expectations)", () => {
  it("declares the Kubernetes variables with their types and defaults; namespace has none (the admin must name it)", () => {
    const declared = (name: string) => {
      const v = json.variable?.[name];
      return v === undefined ? undefined : { type: v.type, ...(v.default !== undefined ? { default: v.default } : {}) };
    };
    expect(declared("namespace")).toEqual({ type: "string" });
    expect(declared("use_kubeconfig")).toEqual({ type: "bool", default: false });
    expect(declared("workspace_image")).toEqual({ type: "string", default: "codercom/enterprise-node:ubuntu" });
    expect(declared("data_volume_size")).toEqual({ type: "string", default: "10Gi" });
    expect(declared("home_volume_size")).toEqual({ type: "string", default: "10Gi" });
    expect(declared("database_url_secret_name")).toEqual({ type: "string", default: "" });
    expect(declared("database_url_secret_key")).toEqual({ type: "string", default: "url" });
    expect(declared("database_kind")).toEqual({ type: "string", default: "postgres" });
    expect(declared("bucket_storage_class")).toEqual({ type: "string", default: "rook-ceph-bucket" });
  });

  it("describes every variable to the admin (Coder shows the description beside the field)", () => {
    for (const [name, v] of Object.entries(json.variable ?? {})) expect((v as { description?: string }).description?.length ?? 0, name).toBeGreaterThan(25);
  });

  it("tells the admin what each Kubernetes variable does, word for word as Coder shows it", () => {
    const described = (name: string) => (json.variable?.[name] as { description?: string } | undefined)?.description;
    expect(described("use_kubeconfig")).toBe(
      "Use the Coder host's ~/.kube/config (true/false). Leave it false when Coder runs as a pod in the cluster the workspaces go to " +
        "(its service account is used); set it true when Coder runs outside that cluster, with a valid ~/.kube/config on the Coder host.",
    );
    expect(described("namespace")).toBe("Namespace the workspaces are created in (it must exist; Coder's service account needs the RBAC in the README there).");
    expect(described("workspace_image")).toBe("Image of the developer's workspace container (needs sh, curl and Node for `npx convex dev`).");
    expect(described("data_volume_size")).toBe("Size of each backend's data volume.");
    expect(described("home_volume_size")).toBe("Size of each workspace's home volume.");
    expect(described("database_url_secret_name")).toBe(
      "A Secret in `namespace` whose key (database_url_secret_key) holds postgres://USER:PASSWORD@HOST:PORT of a shared Postgres server " +
        "(a role with CREATEDB), or mysql://USER:PASSWORD@HOST:PORT of a shared MySQL server (a user with CREATE; set database_kind = mysql), " +
        "no database name. Each workspace then gets its own database there. Empty: SQLite on each backend's data volume.",
    );
    expect(described("database_url_secret_key")).toBe("The key of database_url_secret_name that holds the URL.");
    expect(described("database_kind")).toBe("The kind of server database_url_secret_name names: postgres or mysql.");
    expect(described("bucket_storage_class")).toBe("StorageClass of the ObjectBucketClaims (provisioner rook-ceph.ceph.rook.io/bucket).");
  });

  it("sizes the volumes and picks the images from the variables", () => {
    const pvcs = resources("kubernetes_persistent_volume_claim_v1");
    const size = (r: Resource | undefined) => (r?.spec as { resources: { requests: { storage: string } } }).resources.requests.storage;
    expect(size(pvcs.Home)).toBe("${var.home_volume_size}");
    expect(size(Object.entries(pvcs).find(([name]) => name.startsWith("Backend_Data"))?.[1])).toBe("${var.data_volume_size}");
    expect((podSpec(resources("kubernetes_deployment_v1").Workspace as Resource).container[0] as { image?: string }).image).toBe("${var.workspace_image}");
    const claim = Object.values(resources("kubernetes_manifest"))[0]?.manifest as { spec: { storageClassName: string; generateBucketName: string } };
    expect(claim.spec).toMatchObject({ storageClassName: "${var.bucket_storage_class}", generateBucketName: "convex" });
  });
});

describe("kubernetes template: the shared Postgres server's Secret variables, validated by terraform", () => {
  /** terraform's refusal of a build with `vars`, its white space folded (terraform wraps long messages), or "accepted". */
  const refusal = (vars: Record<string, string>): string => {
    try {
      evaluateBuild(json, { storageMode: "local", startCount: 1, vars: { ...VARS, ...vars } });
      return "accepted";
    } catch (e) {
      if (!(e instanceof TerraformRefused)) throw e;
      return e.output.replace(/\s+/g, " ");
    }
  };

  // Accepted: no Secret (SQLite) in the per-mode builds above; a Secret name, a key with '.', '_' and '-', and both
  // kinds in the shared-server builds there (a refused build would fail their setup).
  // terraform reports every failed validation of a build: two builds check the three variables' refusals.
  it("fails if the Secret name is not a Kubernetes name, the key not a Secret key, or database_kind neither postgres nor mysql, quoting the value", () => {
    const name = (value: string) => `database_url_secret_name must be empty (SQLite) or a Secret name: lower-case letters, digits and '-'; got "${value}".`;
    const first = refusal({ database_url_secret_name: "Shared_DB", database_url_secret_key: "a/b" });
    expect(first).toContain(name("Shared_DB"));
    expect(first).toContain(`database_url_secret_key must be a Secret key: letters, digits, '-', '_' and '.'; got "a/b".`);
    // (terraform also quotes the configuration's line, the messages' templates among it: the rendered value tells.)
    expect(first).not.toContain(`database_kind must be postgres or mysql (the server database_url_secret_name names); got "postgres".`);
    const second = refusal({ database_url_secret_name: "-db", database_kind: "sqlite" });
    expect(second).toContain(name("-db"));
    expect(second).toContain(`database_kind must be postgres or mysql (the server database_url_secret_name names); got "sqlite".`);
    expect(second).not.toContain(`database_url_secret_key must be a Secret key: letters, digits, '-', '_' and '.'; got "url".`);
  });
});

describe("kubernetes-minio template: the workspace's own MinIO (hand-written expectations)", () => {
  const minioResources = (type: string): Record<string, Resource> => minio.json.resource[type] ?? {};

  it("gives the developer's container MinIO's bucket, root keys (optional: local mode has none) and endpoint, empty in local mode", () => {
    const dev = podSpec(minioResources("kubernetes_deployment_v1").Workspace as Resource).container[0] as Container;
    const credentials = "convex-${data.coder_workspace.me.id}-minio-credentials";
    expect(dev.env).toEqual([
      { name: "CODER_AGENT_TOKEN", value: "${coder_agent.main.token}" },
      { name: "AWS_REGION", value: "us-east-1" },
      { name: "BUCKET_NAME", value: '${(local.storage_mode == "local") ? "" : "convex"}' },
      { name: "AWS_ACCESS_KEY_ID", value_from: { secret_key_ref: { name: credentials, key: "MINIO_ROOT_USER", optional: true } } },
      { name: "AWS_SECRET_ACCESS_KEY", value_from: { secret_key_ref: { name: credentials, key: "MINIO_ROOT_PASSWORD", optional: true } } },
      { name: "AWS_ENDPOINT_URL_S3", value: '${(local.storage_mode == "local") ? "" : "http://convex-${data.coder_workspace.me.id}-minio.${var.namespace}.svc:9000"}' },
    ]);
  });

  it("runs MinIO for s3 and proxied only while started, with MinIO's default resources, and has no Rook claim or its variable", () => {
    const [, server] = Object.entries(minioResources("kubernetes_deployment_v1")).find(([name]) => name.startsWith("Minio")) ?? [];
    expect(server?.count).toBe('${((local.storage_mode == "s3") || (local.storage_mode == "proxied")) ? local.start_count : 0}');
    expect(podSpec(server as Resource).container[0]).toMatchObject({ resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } } });
    expect(minioResources("kubernetes_manifest")).toEqual({});
    expect(minio.json.variable).not.toHaveProperty("bucket_storage_class");
  });

  it("keeps MinIO's data volume and Service for s3 and proxied while stopped, labelled as MinIO, and does not wait for its rollout", () => {
    const present = '${((local.storage_mode == "s3") || (local.storage_mode == "proxied")) ? 1 : 0}';
    const [, volume] = Object.entries(minioResources("kubernetes_persistent_volume_claim_v1")).find(([name]) => name.startsWith("Minio_Data")) ?? [];
    expect(volume?.count).toBe(present);
    expect(volume?.metadata).toMatchObject({ name: "convex-${data.coder_workspace.me.id}-minio-data", labels: { "app.kubernetes.io/component": "minio" } });
    const [, service] = Object.entries(minioResources("kubernetes_service_v1")).find(([name]) => name.startsWith("Minio")) ?? [];
    expect(service?.count).toBe(present);
    expect((service?.spec as { selector: Record<string, string> }).selector).toMatchObject({ "app.kubernetes.io/component": "minio" });
    const [, server] = Object.entries(minioResources("kubernetes_deployment_v1")).find(([name]) => name.startsWith("Minio")) ?? [];
    expect(server?.wait_for_rollout).toBe(false);
  });

  it("starts the s3 backend only once MinIO's keys and server exist", () => {
    const [, s3] = Object.entries(minioResources("kubernetes_deployment_v1")).find(([name]) => name.startsWith("Backend_S3_")) ?? [];
    expect(s3?.depends_on).toEqual([
      expect.stringMatching(/^kubernetes_secret_v1\.InstanceSecret_/),
      expect.stringMatching(/^kubernetes_secret_v1\.Minio_RootCredentials_/),
      expect.stringMatching(/^kubernetes_deployment_v1\.Minio_/),
    ]);
  });

  it("lets Coder delete a workspace: MinIO's data volume carries no prevent_destroy", () => {
    expect(Object.keys(minioResources("kubernetes_persistent_volume_claim_v1")).some((name) => name.startsWith("Minio_Data"))).toBe(true);
    expect(destroyRefusals(minio.json)).toEqual([]);
  });
});

describe("kubernetes template: the developer's workspace pod (hand-written expectations)", () => {
  const workspace = () => resources("kubernetes_deployment_v1").Workspace as Resource;

  it("runs one pod as the image's `coder` user (uid 1000, home group-writable), its home on the Home claim", () => {
    expect(workspace().spec).toMatchObject({ replicas: "1", selector: { match_labels: { "app.kubernetes.io/component": "workspace" } } });
    const spec = podSpec(workspace()) as PodSpec & { security_context?: unknown; volume?: unknown[] };
    expect(spec.security_context).toEqual({ run_as_user: "1000", fs_group: "1000" });
    expect(spec.volume).toEqual([
      { name: "home", persistent_volume_claim: { claim_name: "${kubernetes_persistent_volume_claim_v1.Home.metadata[0].name}" } },
      // The admin key lives in memory only, and is tiny.
      { name: "admin-key", empty_dir: { medium: "Memory", size_limit: "1Mi" } },
    ]);
    expect(spec.container[0]).toMatchObject({
      name: "dev",
      resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "2", memory: "4Gi" } },
      volume_mount: [
        { name: "home", mount_path: "/home/coder" },
        { name: "admin-key", mount_path: "/run/convex-admin", read_only: true },
      ],
    });
  });

  it("derives the admin key as root with the backend's own image, without privilege escalation, writing it atomically", () => {
    const init = podSpec(workspace()).init_container?.[0] as Container & { image?: string; security_context?: unknown };
    const backendImage = (podSpec(backendDeployments()[0]?.[1] as Resource).container[0] as { image?: string }).image;
    expect(init).toMatchObject({ name: "admin-key", image: backendImage, security_context: { run_as_user: "0", allow_privilege_escalation: false } });
    expect(init.command).toEqual([
      "/bin/sh",
      "-c",
      'umask 022 && ./generate_key "$INSTANCE_NAME" "$INSTANCE_SECRET" > /run/convex-admin/admin-key.tmp && mv /run/convex-admin/admin-key.tmp /run/convex-admin/admin-key',
    ]);
    expect(init.volume_mount).toEqual([{ name: "admin-key", mount_path: "/run/convex-admin" }]);
  });

  it("keeps the home claim's storage class and access modes out of the diff (the cluster may set or migrate them)", () => {
    expect(resources("kubernetes_persistent_volume_claim_v1").Home?.lifecycle).toEqual({ ignore_changes: ["spec[0].storage_class_name", "spec[0].access_modes"] });
  });

  it("shows the storage mode, the Convex release, the namespace and the database on the workspace in Coder", () => {
    const info = resources("coder_metadata").WorkspaceInfo as { count: string; resource_id: string; item: { key: string; value: string }[] };
    expect(info.count).toBe("${local.start_count}");
    expect(info.resource_id).toBe("${kubernetes_deployment_v1.Workspace[0].id}");
    expect(info.item.map((i) => i.key)).toEqual(["storage mode", "convex release", "namespace", "database"]);
    expect(info.item.map((i) => i.value)).toEqual(["${local.storage_mode}", expect.stringMatching(/^[0-9a-f]{40}$/), "${var.namespace}", "${local.database}"]);
  });

  it("points the agent's backend check at the backend's Service in the workspace's namespace", () => {
    const agent = resources("coder_agent").main as { metadata: { script: string }[] };
    expect(agent.metadata.map((m) => m.script)).toContain(
      "curl -fsS -m 2 http://convex-${data.coder_workspace.me.id}-backend.${var.namespace}.svc:3210/version >/dev/null && echo up || echo down",
    );
  });
});

describe("kubernetes template: the S3 proxy and what each backend waits for (hand-written expectations)", () => {
  /** The one Deployment `id` (its construct path, without CDKTF's hash) of `variant`, the Rook variant by default. */
  const deployment = (id: string, variant?: BuiltTemplateUnderTest): Resource => {
    const found = Object.entries((variant ?? template).json.resource.kubernetes_deployment_v1 ?? {}).filter(([name]) => stripHash(name) === id);
    expect(found.map(([name]) => name), id).toHaveLength(1);
    return found[0]?.[1] as Resource;
  };
  const claim = "convex-${data.coder_workspace.me.id}-bucket";
  const proxyCredentials = "convex-${data.coder_workspace.me.id}-proxy-credentials";
  const fromSecret = (name: string, secret: string, key: string) => ({ name, value_from: { secret_key_ref: { name: secret, key } } });
  const fromConfigMap = (name: string, configMap: string, key: string) => ({ name, value_from: { config_map_key_ref: { name: configMap, key } } });
  const tlsEnv = [
    { name: "S3PROXY_TLS_CERT_FILE", value: "/convex/tls/proxy/tls.crt" },
    { name: "S3PROXY_TLS_KEY_FILE", value: "/convex/tls/proxy/tls.key" },
  ];

  it("points the proxy at the claim's bucket with the claim's keys, serving TLS with its own certificate, for proxied only", () => {
    const proxy = deployment("S3Proxy");
    expect(proxy.count).toBe('${(local.storage_mode == "proxied") ? local.start_count : 0}');
    expect(podSpec(proxy).container[0]?.env).toEqual([
      { name: "S3PROXY_LISTEN", value: "0.0.0.0:8333" },
      fromConfigMap("BUCKET_HOST", claim, "BUCKET_HOST"),
      fromConfigMap("BUCKET_PORT", claim, "BUCKET_PORT"),
      { name: "S3PROXY_UPSTREAM_URL", value: "http://$(BUCKET_HOST):$(BUCKET_PORT)" },
      { name: "S3PROXY_UPSTREAM_REGION", value: "us-east-1" },
      fromSecret("S3PROXY_UPSTREAM_ACCESS_KEY_ID", claim, "AWS_ACCESS_KEY_ID"),
      fromSecret("S3PROXY_UPSTREAM_SECRET_ACCESS_KEY", claim, "AWS_SECRET_ACCESS_KEY"),
      fromSecret("S3PROXY_ACCESS_KEY_ID", proxyCredentials, "S3PROXY_ACCESS_KEY_ID"),
      fromSecret("S3PROXY_SECRET_ACCESS_KEY", proxyCredentials, "S3PROXY_SECRET_ACCESS_KEY"),
      fromConfigMap("S3PROXY_BUCKETS", claim, "BUCKET_NAME"),
      { name: "S3PROXY_SSE", value: "strip" },
      ...tlsEnv,
    ]);
    expect(podSpec(proxy).container[0]).toMatchObject({ resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "1", memory: "256Mi" } } });
    expect(podSpec(proxy).volume).toContainEqual({
      name: "proxy-tls",
      secret: { secret_name: "convex-${data.coder_workspace.me.id}-s3-proxy-tls", items: [{ key: "tls.crt", path: "tls.crt" }, { key: "tls.key", path: "tls.key" }] },
    });
    expect(proxy.wait_for_rollout).toBe(false);
    expect(proxy.depends_on).toEqual([
      expect.stringMatching(/^kubernetes_manifest\.Bucket_/),
      expect.stringMatching(/^kubernetes_secret_v1\.ProxyCredentials_/),
      expect.stringMatching(/^kubernetes_secret_v1\.ProxyTls_/),
    ]);
    // The certificate names the proxy's Service, as the backend dials it (https://<service>.<namespace>.svc:8333).
    const request = Object.values(resources("tls_cert_request"))[0] as { dns_names: string[] };
    expect(request.dns_names).toContain("convex-${data.coder_workspace.me.id}-s3-proxy.${var.namespace}.svc");
    const tlsSecret = Object.entries(resources("kubernetes_secret_v1")).find(([name]) => stripHash(name) === "ProxyTls")?.[1];
    expect(tlsSecret?.metadata).toMatchObject({ name: "convex-${data.coder_workspace.me.id}-s3-proxy-tls", labels: { "app.kubernetes.io/component": "s3-proxy" } });
  });

  it("points the MinIO variant's proxy at MinIO with its root keys, waiting for them", () => {
    const proxy = deployment("S3Proxy", minio);
    const credentials = "convex-${data.coder_workspace.me.id}-minio-credentials";
    expect(podSpec(proxy).container[0]?.env).toEqual([
      { name: "S3PROXY_LISTEN", value: "0.0.0.0:8333" },
      { name: "S3PROXY_UPSTREAM_URL", value: "http://convex-${data.coder_workspace.me.id}-minio.${var.namespace}.svc:9000" },
      { name: "S3PROXY_UPSTREAM_REGION", value: "us-east-1" },
      fromSecret("S3PROXY_UPSTREAM_ACCESS_KEY_ID", credentials, "MINIO_ROOT_USER"),
      fromSecret("S3PROXY_UPSTREAM_SECRET_ACCESS_KEY", credentials, "MINIO_ROOT_PASSWORD"),
      fromSecret("S3PROXY_ACCESS_KEY_ID", proxyCredentials, "S3PROXY_ACCESS_KEY_ID"),
      fromSecret("S3PROXY_SECRET_ACCESS_KEY", proxyCredentials, "S3PROXY_SECRET_ACCESS_KEY"),
      { name: "S3PROXY_BUCKETS", value: "convex" },
      { name: "S3PROXY_SSE", value: "strip" },
      ...tlsEnv,
    ]);
    expect(proxy.depends_on).toEqual([
      expect.stringMatching(/^kubernetes_secret_v1\.Minio_RootCredentials_/),
      expect.stringMatching(/^kubernetes_deployment_v1\.Minio_/),
      expect.stringMatching(/^kubernetes_secret_v1\.ProxyCredentials_/),
      expect.stringMatching(/^kubernetes_secret_v1\.ProxyTls_/),
    ]);
  });

  it("starts each backend only once the Secrets, claim and proxy it reads by name exist, whatever its database", () => {
    const instanceSecret = expect.stringMatching(/^kubernetes_secret_v1\.InstanceSecret_/);
    const bucket = expect.stringMatching(/^kubernetes_manifest\.Bucket_/);
    const waits: Record<StorageModeName, unknown[]> = {
      local: [instanceSecret],
      s3: [instanceSecret, bucket],
      proxied: [
        instanceSecret,
        bucket,
        expect.stringMatching(/^kubernetes_secret_v1\.ProxyCredentials_/),
        expect.stringMatching(/^kubernetes_secret_v1\.ProxyTls_/),
        expect.stringMatching(/^kubernetes_deployment_v1\.S3Proxy_/),
      ],
    };
    for (const mode of STORAGE_MODES) {
      const prefix = mode === "local" ? "Backend" : `Backend_${SERVER_BACKEND_NAMES[mode]}`;
      for (const suffix of ["", "Postgres", "Mysql"]) {
        const id = suffix === "" ? prefix : `Backend_${SERVER_BACKEND_NAMES[mode]}${suffix}`;
        expect(deployment(id).depends_on, id).toEqual(waits[mode]);
      }
    }
    // A restored workspace's backend also waits for the restore step's bundle.
    expect(deployment("Backend_LocalRestore").depends_on).toEqual([instanceSecret, expect.stringMatching(/^kubernetes_config_map_v1\.Backup_Bundle_/)]);
  });

  it("creates the workspace's database before each server backend starts, with the admin's Secret and the TLS the variable asks for; proxied ones trust the proxy", () => {
    const url = { name: "DATABASE_URL", value_from: { secret_key_ref: { name: "${var.database_url_secret_name}", key: "${var.database_url_secret_key}" } } };
    const source = "src='the template variable database_url_secret_name (Secret ${var.database_url_secret_name}, key ${var.database_url_secret_key})'";
    for (const mode of STORAGE_MODES) {
      for (const [suffix, sslVariable, sslMode] of [
        ["Postgres", "PGSSLMODE", '${var.database_require_ssl ? "require" : "prefer"}'],
        ["Mysql", "CONVEX_SSL_MODE", '${var.database_require_ssl ? "REQUIRED" : "PREFERRED"}'],
      ] as const) {
        const id = `Backend_${SERVER_BACKEND_NAMES[mode]}${suffix}`;
        const spec = podSpec(deployment(id)) as PodSpec & { volume: { name: string }[] };
        expect(spec.init_container?.map((c) => c.name), id).toEqual(mode === "proxied" ? ["trust-bundle", "create-database"] : ["create-database"]);
        const init = spec.init_container?.find((c) => c.name === "create-database") as Container;
        expect(init.env, id).toEqual(expect.arrayContaining([url, { name: "CONVEX_DATABASE", value: "${local.database_name}" }, { name: sslVariable, value: sslMode }]));
        expect(init.command?.[2], id).toContain(source);
        expect(spec.volume.map((v) => v.name), id).toEqual(mode === "proxied" ? ["data", "trust", "proxy-ca"] : ["data"]);
      }
    }
  });
});

describe("kubernetes template: names, selectors and the backup's wiring (hand-written expectations)", () => {
  const id = "${data.coder_workspace.me.id}";
  const byId = (type: string, stripped: string): Resource => {
    const found = Object.entries(resources(type)).filter(([name]) => stripHash(name) === stripped);
    expect(found.map(([name]) => name), `${type}.${stripped}`).toHaveLength(1);
    return found[0]?.[1] as Resource;
  };
  const podLabels = (r: Resource) => (r.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;

  it("names each Service and Deployment from the workspace id, and every Service selects the pods of its own component", () => {
    const services = { Backend_Service: "backend", Dashboard_Service: "dashboard", S3Proxy_Service: "s3-proxy" };
    for (const [service, component] of Object.entries(services)) {
      const s = byId("kubernetes_service_v1", service);
      expect((s.metadata as { name: string }).name, service).toBe(`convex-${id}-${component}`);
      const selector = (s.spec as { selector: Record<string, string> }).selector;
      expect(selector["app.kubernetes.io/component"], service).toBe(component);
      const selected = Object.entries(resources("kubernetes_deployment_v1")).filter(([, d]) => Object.entries(selector).every(([k, v]) => podLabels(d)[k] === v));
      const expected = component === "backend" ? backendDeployments().map(([name]) => name) : [Object.keys(resources("kubernetes_deployment_v1")).find((n) => stripHash(n) === (component === "dashboard" ? "Dashboard" : "S3Proxy"))];
      expect(selected.map(([name]) => name).sort(), service).toEqual(expected.sort());
    }
    expect((byId("kubernetes_deployment_v1", "Dashboard").metadata as { name: string }).name).toBe(`convex-${id}-dashboard`);
    expect((resources("kubernetes_deployment_v1").Workspace?.metadata as { name: string }).name).toBe(`coder-${id}`);
    for (const [name, d] of backendDeployments()) expect((d.metadata as { name: string }).name, name).toBe(`convex-${id}-backend`);
  });

  it("selects every Deployment's own pods, and waits for no rollout (a stop must not hang on a pod)", () => {
    for (const [name, d] of Object.entries(resources("kubernetes_deployment_v1"))) {
      const selector = (d.spec as { selector: { match_labels: Record<string, string> } }).selector.match_labels;
      expect(podLabels(d), name).toMatchObject(selector);
      expect(d.wait_for_rollout, name).toBe(false);
    }
  });

  it("points the dashboard at the API's app URL and the Coder apps at the Services", () => {
    const dashboard = podSpec(byId("kubernetes_deployment_v1", "Dashboard")).container[0] as Container;
    expect(dashboard.env).toEqual([{ name: "NEXT_PUBLIC_DEPLOYMENT_URL", value: "${local.convex_api_url}" }]);
    const apps = resources("coder_app");
    expect([apps.ApiApp?.url, apps.SiteApp?.url, apps.DashboardApp?.url]).toEqual([
      `http://convex-${id}-backend.\${var.namespace}.svc:3210`,
      `http://convex-${id}-backend.\${var.namespace}.svc:3211`,
      `http://convex-${id}-dashboard.\${var.namespace}.svc:6791`,
    ]);
  });

  it("gives the restored workspace's backend the local backend's environment and volume, plus the restore step", () => {
    const restore = byId("kubernetes_deployment_v1", "Backend_LocalRestore");
    const local = byId("kubernetes_deployment_v1", "Backend");
    expect(podSpec(restore).container[0]?.env).toEqual(podSpec(local).container[0]?.env);
    expect(podSpec(restore).init_container?.map((c) => c.name)).toEqual(["restore"]);
    expect((podSpec(restore).volume as { name: string; persistent_volume_claim?: unknown }[])[0]).toEqual((podSpec(local).volume as unknown[])[0]);
  });

  it("mounts the proxy's CA from the proxy's TLS Secret in every proxied backend, and puts it in the bundle the backend trusts", () => {
    for (const suffix of ["", "Postgres", "Mysql"]) {
      const spec = podSpec(byId("kubernetes_deployment_v1", `Backend_Proxied${suffix}`));
      const volumes = spec.volume as { name: string; secret?: { secret_name: string } }[];
      expect(volumes.find((v) => v.name === "proxy-ca")?.secret?.secret_name, suffix).toBe(`convex-${id}-s3-proxy-tls`);
      // NODE_EXTRA_CA_CERTS and SSL_CERT_FILE (the evaluated environment above) name the files this step writes.
      const trust = spec.init_container?.find((c) => c.name === "trust-bundle") as Container;
      expect(trust.command?.[2], suffix).toContain("cat '/convex/tls/proxy-ca/ca.crt' > '/convex/trust/private-ca.crt'");
      expect(trust.command?.[2], suffix).toContain("cat '/etc/ssl/certs/ca-certificates.crt' '/convex/trust/private-ca.crt' > '/convex/trust/ca-certificates.crt'");
      expect(trust.volume_mount, suffix).toContainEqual({ name: "proxy-ca", mount_path: "/convex/tls/proxy-ca", read_only: true });
    }
  });

  it("backs up the backend's data volume (read-only), for SQLite workspaces only, in the template's region", () => {
    const cron = byId("kubernetes_cron_job_v1", "Backup");
    expect(cron.count).toBe('${var.backup_schedule != "" && var.database_url_secret_name == "" ? local.start_count : 0}');
    const spec = (cron.spec as { job_template: { spec: { template: { spec: PodSpec & { volume: unknown[] } } } } }).job_template.spec.template.spec;
    expect(spec.volume).toContainEqual({ name: "data", persistent_volume_claim: { claim_name: `convex-${id}-data`, read_only: true } });
    expect(spec.container[0]?.env).toEqual(
      expect.arrayContaining([
        { name: "INSTANCE_NAME", value: "${local.instance_name}" },
        { name: "BACKUP_S3_REGION", value: "us-east-1" },
      ]),
    );
    expect(byId("kubernetes_config_map_v1", "Backup_Bundle").count).toBe('${(var.backup_schedule != "" || local.restoring) && var.database_url_secret_name == "" ? 1 : 0}');
  });
});
