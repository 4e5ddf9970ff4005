import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { APP_SLUG_PATTERN } from "../../lib/coder/app.ts";
import { STORAGE_MODES, type StorageModeName } from "../../lib/core/storage.ts";
import { TEMPLATE_ARCHIVE_LIMIT, type BuiltTemplate } from "../../scripts/build-templates.ts";
import { buildTemplateForTest, type BuiltTemplateUnderTest } from "../support/built-template.ts";
import { setupOnce } from "../support/setup-once.ts";
import { destroyRefusals, evaluateBuild, type EvaluatedBuild } from "../support/template-eval.ts";

type Resource = Record<string, unknown>;
const VARS = { wildcard_access_url: "*.apps.example.com" };
const ID = "6f1c1a2e-8a7b-4f0e-9d3c-2b1a0f9e8d7c";

let template: BuiltTemplateUnderTest;
let built: BuiltTemplate;
let json: BuiltTemplateUnderTest["json"];

setupOnce(() => {
  template = buildTemplateForTest("docker");
  ({ built, json } = template);
});
afterAll(() => template?.remove());

const containers = (): Record<string, Resource> => json.resource.docker_container ?? {};
const byPrefix = (prefix: string): Resource => {
  const found = Object.entries(containers()).find(([k]) => k === prefix || k.startsWith(`${prefix}_`));
  if (found === undefined) throw new Error(`no docker_container ${prefix}`);
  return found[1];
};

describe("docker template: the built folder", () => {
  it("packs to less than 1 MiB (measured with tar), proxy bundle included", () => {
    const archive = execFileSync("tar", ["-cf", "-", "-C", built.dir, "."]);
    expect(archive.length).toBe(built.archiveBytes);
    expect(built.archiveBytes).toBeLessThan(TEMPLATE_ARCHIVE_LIMIT);
    expect((byPrefix("S3Proxy").upload as { file: string }[])[0]?.file).toBe("/opt/s3-proxy/s3-proxy.mjs");
  });

  it("has README front matter and the admin instructions", () => {
    const readme = readFileSync(join(built.dir, "README.md"), "utf8");
    const front = parseYaml(/^---\n([\s\S]*?)\n---\n/.exec(readme)?.[1] ?? "") as Record<string, unknown>;
    expect(front).toMatchObject({ display_name: expect.any(String), name: expect.any(String), description: expect.any(String), icon: "/icon/docker.png" });
    expect(front.tags).toEqual(expect.arrayContaining(["docker"]));
    for (const needle of ["coder templates push", "wildcard_access_url", ".env.local", "convex_api_share", "convex_dashboard_share", "## Troubleshooting", "login redirect"]) expect(readme).toContain(needle);
  });

  it("carries no Terraform backend and requires the coder and docker providers (`terraform providers`; test/terraform plans the whole template)", () => {
    expect(json.terraform).not.toHaveProperty("backend");
    const result = execFileSync("terraform", ["providers", "-no-color"], { cwd: built.dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 });
    expect(result).toContain("provider[registry.terraform.io/coder/coder] ~> 2.17");
    expect(result).toContain("provider[registry.terraform.io/kreuzwerker/docker]");
  });
});

describe("docker template: Coder wiring", () => {
  it("names the agent main and runs its init script with the token, as Coder's Docker example does", () => {
    expect(Object.keys(json.resource.coder_agent ?? {})).toEqual(["main"]);
    const ws = byPrefix("Workspace");
    expect(ws.count).toBe("${local.start_count}");
    expect(ws.entrypoint).toEqual(["sh", "-c", '${replace(coder_agent.main.init_script, "/localhost|127\\\\.0\\\\.0\\\\.1/", "host.docker.internal")}']);
    expect(ws.env).toBe('${concat(["CODER_AGENT_TOKEN=${coder_agent.main.token}"], local.workspace_s3_env[local.storage_mode])}');
    expect(ws.host).toEqual([{ host: "host.docker.internal", ip: "host-gateway" }]);
  });

  it("rewrites localhost and 127.0.0.1 (and only those) in the init script, as terraform evaluates it", () => {
    const expression = (byPrefix("Workspace").entrypoint as string[])[2] as string;
    const dir = mkdtempSync(join(tmpdir(), "replace-"));
    try {
      const probe = expression.replace("coder_agent.main.init_script", '"curl http://127.0.0.1:3000 http://localhost:3000 127x0x0x1"');
      writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ locals: { probe } }));
      const result = execFileSync("terraform", ["console", "-no-color"], { cwd: dir, input: "local.probe\n", encoding: "utf8", stdio: ["pipe", "pipe", "pipe"], timeout: 30_000 });
      expect(result.trim()).toBe('"curl http://host.docker.internal:3000 http://host.docker.internal:3000 127x0x0x1"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("declares the same storage_mode parameter, and subdomain apps shared by the admin's variables, with valid slugs", () => {
    const p = json.data?.coder_parameter?.storage_mode as { mutable: boolean; option: { value: string }[] };
    expect(p.mutable).toBe(false);
    expect(p.option.map((o) => o.value)).toEqual(["local", "s3", "proxied"]);
    for (const a of Object.values(json.resource.coder_app ?? {})) {
      expect(a.slug).toMatch(APP_SLUG_PATTERN);
      expect(a).toMatchObject({ share: expect.stringMatching(/^\$\{var\.convex_(api|dashboard)_share\}$/), subdomain: true, healthcheck: [expect.objectContaining({ url: expect.any(String) })] });
    }
  });

  it("follows start_count with every container, none with volumes, and publishes no host port", () => {
    for (const [name, c] of Object.entries(containers())) {
      expect(String(c.count), name).toMatch(/local\.start_count/);
      expect(c, name).not.toHaveProperty("ports");
    }
    for (const [name, v] of Object.entries(json.resource.docker_volume ?? {})) {
      expect(v, name).not.toHaveProperty("count");
      expect((v.name as string).includes("${data.coder_workspace.me.id}"), name).toBe(true);
    }
  });

  it("labels every container and volume with Coder's label set", () => {
    for (const type of ["docker_container", "docker_volume", "docker_network"]) {
      for (const [name, r] of Object.entries(json.resource[type] ?? {})) {
        expect(r.labels, `${type}.${name}`).toEqual(expect.arrayContaining([
          { label: "com.coder.workspace.id", value: "${data.coder_workspace.me.id}" },
          { label: "com.coder.user.username", value: "${data.coder_workspace_owner.me.name}" },
        ]));
      }
    }
  });

  it("keeps the admin key out of Terraform: the key maker writes a volume, attaches nothing, captures no logs", () => {
    expect(json.output ?? {}).toEqual({});
    const maker = byPrefix("AdminKeyMaker");
    expect(maker).not.toHaveProperty("logs");
    expect(maker).not.toHaveProperty("attach");
    expect((maker.command as string[])[0]).toMatch(/\.\/generate_key "\$INSTANCE_NAME" "\$INSTANCE_SECRET" > \/run\/convex-admin\/admin-key/);
    const mounting = Object.entries(containers()).filter(([, c]) => JSON.stringify(c.mounts ?? []).includes("/run/convex-admin")).map(([k]) => k).sort();
    expect(mounting).toEqual(["AdminKeyMaker", "Workspace"]);
  });
});

describe("docker template: what a workspace relies on (hand-written expectations)", () => {
  it("lets Coder delete a workspace: terraform would destroy every resource, MinIO's and the backend's volumes included", () => {
    expect(destroyRefusals(json)).toEqual([]);
  });

  it("carries the labels of Coder's Docker example: containers the workspace name, volumes the name at creation", () => {
    const owner = [
      { label: "coder.owner", value: "${data.coder_workspace_owner.me.name}" },
      { label: "coder.owner_id", value: "${data.coder_workspace_owner.me.id}" },
      { label: "coder.workspace_id", value: "${data.coder_workspace.me.id}" },
    ];
    for (const [name, c] of Object.entries(containers())) {
      expect(c.labels, name).toEqual(expect.arrayContaining([...owner, { label: "coder.workspace_name", value: "${data.coder_workspace.me.name}" }]));
    }
    for (const [name, v] of Object.entries(json.resource.docker_volume ?? {})) {
      expect(v.labels, name).toEqual(expect.arrayContaining([...owner, { label: "coder.workspace_name_at_creation", value: "${data.coder_workspace.me.name}" }]));
    }
    expect(Object.keys(json.resource.docker_volume ?? {}).map((k) => k.replace(/_[0-9A-F]{8}$/, "")).sort()).toEqual(["AdminKeyVolume", "Backend_Data", "Home", "Minio_Data"]);
  });
});

describe("docker template: per-mode selection, evaluated by terraform", () => {
  const builds: Record<string, EvaluatedBuild> = {};
  let minioEnv: string[] = [];
  setupOnce(() => {
    // MinIO's environment is evaluated in the s3 build (one terraform run less per run of the suite).
    const expressions = { env: byPrefix("Minio").env };
    for (const mode of STORAGE_MODES) for (const startCount of [1, 0] as const) builds[`${mode}/${startCount}`] = evaluateBuild(json, { storageMode: mode, startCount, vars: VARS, ...(mode === "s3" && startCount === 1 ? { expressions } : {}) });
    minioEnv = (builds["s3/1"] as EvaluatedBuild).values.env as string[];
  }, 120_000);

  it("MinIO creates the very bucket the backend is given (CONVEX_BUCKET, made before the server starts)", () => {
    expect(minioEnv).toContain("CONVEX_BUCKET=convex");
    const backendBuckets = (Object.values((builds["s3/1"] as EvaluatedBuild).backendEnv)[0] as string[]).filter((e) => /^S3_STORAGE_\w+_BUCKET=/.test(e)).map((e) => e.split("=")[1]);
    expect(new Set(backendBuckets)).toEqual(new Set(["convex"]));
  });

  const RUNNING: Record<StorageModeName, string[]> = {
    local: ["AdminKeyMaker", "Backend", "Dashboard", "Workspace"],
    s3: ["AdminKeyMaker", "Backend", "Dashboard", "Minio", "Workspace"],
    proxied: ["AdminKeyMaker", "Backend", "Dashboard", "Minio", "S3Proxy", "Workspace"],
  };

  const refs = {
    instanceSecret: "<random_id.InstanceSecret_E501B201.hex>",
    minioUser: "<random_password.Minio_RootCredentials_AccessKeyId_DE0FC867.result>",
    minioPassword: "<random_password.Minio_RootCredentials_SecretAccessKey_D4D8F49E.result>",
    proxyKeyId: "<random_password.ProxyCredentials_AccessKeyId_FC8C6D93.result>",
    proxySecret: "<random_password.ProxyCredentials_SecretAccessKey_B3C99FC6.result>",
  };
  const common = [
    "INSTANCE_NAME=convex",
    `INSTANCE_SECRET=${refs.instanceSecret}`,
    "CONVEX_CLOUD_ORIGIN=https://convex-api--main--dev--alice.apps.example.com",
    "CONVEX_SITE_ORIGIN=https://convex-site--main--dev--alice.apps.example.com",
  ];
  // All five buckets are the one bucket MinIO creates (CONVEX_BUCKET=convex); the flags are the literal "true",
  // the only spelling Convex's `bool::from_str` takes.
  const buckets = ["AWS_REGION=us-east-1", ...["EXPORTS", "SNAPSHOT_IMPORTS", "MODULES", "FILES", "SEARCH"].map((b) => `S3_STORAGE_${b}_BUCKET=convex`)];
  /** The backend environment of each mode, written out by hand. */
  const EXPECTED_ENV: Record<StorageModeName, string[]> = {
    local: common,
    s3: [
      ...common,
      ...buckets,
      `S3_ENDPOINT_URL=http://convex-${ID}-minio:9000`,
      `AWS_ACCESS_KEY_ID=${refs.minioUser}`,
      `AWS_SECRET_ACCESS_KEY=${refs.minioPassword}`,
      "AWS_S3_FORCE_PATH_STYLE=true",
      "AWS_S3_DISABLE_SSE=true",
      "AWS_S3_DISABLE_CHECKSUMS=true",
      "AWS_REQUEST_CHECKSUM_CALCULATION=WHEN_REQUIRED",
    ],
    proxied: [
      ...common,
      ...buckets,
      `S3_ENDPOINT_URL=https://convex-${ID}-s3-proxy:8333`,
      `AWS_ACCESS_KEY_ID=${refs.proxyKeyId}`,
      `AWS_SECRET_ACCESS_KEY=${refs.proxySecret}`,
      "AWS_S3_FORCE_PATH_STYLE=true",
      // The proxy serves TLS: the backend trusts its CA beside the image's roots.
      "SSL_CERT_FILE=/convex/trust/ca-certificates.crt",
      "NODE_EXTRA_CA_CERTS=/convex/trust/private-ca.crt",
    ],
  };

  for (const mode of STORAGE_MODES) {
    it(`${mode}: the containers the mode needs, and the backend gets exactly the ${mode} environment`, () => {
      const b = builds[`${mode}/1`] as EvaluatedBuild;
      const running = b.resources.filter((r) => r.startsWith("docker_container.")).map((r) => r.slice("docker_container.".length).replace(/_[0-9A-F]{8}$/, ""));
      expect(running.sort()).toEqual(RUNNING[mode]);
      expect(Object.values(b.backendEnv)).toEqual([EXPECTED_ENV[mode]]);
    });

    it(`${mode}, stopped: no container runs; volumes, network and secrets stay`, () => {
      const b = builds[`${mode}/0`] as EvaluatedBuild;
      expect(b.resources.filter((r) => r.startsWith("docker_container."))).toEqual([]);
      expect(b.resources.filter((r) => r.startsWith("docker_volume.")).length).toBe(Object.keys(json.resource.docker_volume ?? {}).length);
      expect(b.resources).toEqual(expect.arrayContaining([expect.stringMatching(/^docker_network\./), expect.stringMatching(/^random_id\./)]));
    });
  }
});
