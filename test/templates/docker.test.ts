import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { APP_SLUG_PATTERN } from "../../lib/coder/app.ts";
import { InvariantError } from "../../lib/core/errors.ts";
import { DATABASE_CLIENTS, MINIO_IMAGE, NODE_IMAGE } from "../../lib/core/images.ts";
import { entry, ref } from "../../lib/core/env.ts";
import { STORAGE_MODES, type StorageModeName } from "../../lib/core/storage.ts";
import { templateDockerEnv } from "../../stacks/template-docker.ts";
import { TEMPLATE_ARCHIVE_LIMIT, type BuiltTemplate } from "../../scripts/build-templates.ts";
import { buildTemplateForTest, type BuiltTemplateUnderTest } from "../support/built-template.ts";
import { setupOnce } from "../support/setup-once.ts";
import { destroyRefusals, evaluateBuild, TerraformRefused, type EvaluatedBuild } from "../support/template-eval.ts";

type Resource = Record<string, unknown>;
const VARS = { wildcard_access_url: "*.apps.example.com" };
const ID = "6f1c1a2e-8a7b-4f0e-9d3c-2b1a0f9e8d7c";

let template: BuiltTemplateUnderTest;
let built: BuiltTemplate;
let json: BuiltTemplateUnderTest["json"];

setupOnce(() => {
  template = buildTemplateForTest("docker");
  ({ built, json } = template);
}, 120_000);
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

describe("docker template: the containers and volumes as written (hand-written expectations)", () => {
  /** A resource's body without CDKTF's metadata and the label list (the label tests check those). */
  const body = (r: Resource): Resource => Object.fromEntries(Object.entries(r).filter(([k]) => k !== "//" && k !== "labels"));
  const volume = (name: string): Resource => json.resource.docker_volume?.[name] ?? {};

  it("declares the workspace image and the sensitive shared-database URL, with their defaults and what to put in them", () => {
    expect(json.variable?.workspace_image).toEqual({
      type: "string",
      default: "codercom/enterprise-node:ubuntu",
      description: "Image of the developer's workspace container (needs sh, curl and Node for `npx convex dev`).",
    });
    expect(json.variable?.database_url).toEqual({
      type: "string",
      default: "",
      sensitive: true,
      description:
        "postgres://USER:PASSWORD@HOST:PORT of a shared Postgres server (a role with CREATEDB), or mysql://USER:PASSWORD@HOST:PORT of a shared MySQL " +
        "server (a user with CREATE); no database name, no query, reachable from the workspace containers (host.docker.internal is the Docker host). " +
        "Each workspace then gets its own database there. Empty: SQLite on each backend's data volume.",
    });
  });

  it("the key maker: the backend image's generate_key as root, no network, run once per start, into the admin-key volume", () => {
    expect(body(byPrefix("AdminKeyMaker"))).toEqual({
      count: "${local.start_count}",
      name: `convex-\${data.coder_workspace.me.id}-admin-key`,
      image: "${docker_image.BackendImage_54B73929.image_id}",
      user: "root",
      entrypoint: ["/bin/sh", "-c"],
      command: ['umask 022 && ./generate_key "$INSTANCE_NAME" "$INSTANCE_SECRET" > /run/convex-admin/admin-key.tmp && mv /run/convex-admin/admin-key.tmp /run/convex-admin/admin-key'],
      env: ["INSTANCE_NAME=${local.instance_name}", "INSTANCE_SECRET=${sensitive(random_id.InstanceSecret_E501B201.hex)}"],
      mounts: [{ type: "volume", source: "${docker_volume.AdminKeyVolume.name}", target: "/run/convex-admin" }],
      network_mode: "none",
      must_run: false,
      restart: "no",
    });
  });

  it("the workspace container: named after the workspace, the home and (read-only) admin-key volumes, on the workspace network, after the key maker", () => {
    expect(byPrefix("Workspace")).toMatchObject({
      name: "coder-${data.coder_workspace.me.id}",
      hostname: "${data.coder_workspace.me.name}",
      image: "${var.workspace_image}",
      networks_advanced: [{ name: "${docker_network.Network_1C6012B5.name}" }],
      mounts: [
        { type: "volume", source: "${docker_volume.Home.name}", target: "/home/coder" },
        { type: "volume", source: "${docker_volume.AdminKeyVolume.name}", target: "/run/convex-admin", read_only: true },
      ],
      depends_on: ["docker_container.AdminKeyMaker"],
    });
    expect(body(volume("Home"))).toEqual({ name: "coder-${data.coder_workspace.me.id}-home", lifecycle: { ignore_changes: "all" } });
    expect(body(volume("AdminKeyVolume"))).toEqual({ name: "convex-${data.coder_workspace.me.id}-admin-key", lifecycle: { ignore_changes: "all" } });
  });

  it("the backend: its name, the Docker host entry, the stop grace period, and what it waits for", () => {
    expect(byPrefix("Backend")).toMatchObject({
      name: "convex-${data.coder_workspace.me.id}-backend",
      host: [{ host: "host.docker.internal", ip: "host-gateway" }],
      stop_timeout: 30,
      mounts: [{ type: "volume", source: "${docker_volume.Backend_Data_AD12DE1A.name}", target: "/convex/data" }],
      depends_on: [
        "docker_container.Minio_CB72C220",
        "docker_container.S3Proxy_707C607E",
        "docker_container.DatabaseInit_C1F5949D",
        "docker_container.MysqlDatabaseInit_5681963F",
        "docker_container.Restore_1151E6A7",
      ],
    });
    expect(volume("Backend_Data_AD12DE1A").name).toBe("convex-${data.coder_workspace.me.id}-data");
    expect(volume("Minio_Data_3CFD8AC8").name).toBe("convex-${data.coder_workspace.me.id}-minio-data");
  });

  it("the dashboard: its name and the browser URL of the API, no port of its own", () => {
    expect(body(byPrefix("Dashboard"))).toMatchObject({
      name: "convex-${data.coder_workspace.me.id}-dashboard",
      env: ["NEXT_PUBLIC_DEPLOYMENT_URL=${local.convex_api_url}"],
      depends_on: ["docker_container.Backend_EC8447F5"],
    });
  });

  it("the shared-database init containers: one per kind, named, on the Docker host, labelled create-database, refusing a malformed URL", () => {
    const inits = { DatabaseInit: "create-database", MysqlDatabaseInit: "create-mysql-database" };
    for (const [prefix, component] of Object.entries(inits)) {
      const init = byPrefix(prefix);
      expect(init.name, prefix).toBe(`convex-\${data.coder_workspace.me.id}-${component}`);
      expect(init.host, prefix).toEqual([{ host: "host.docker.internal", ip: "host-gateway" }]);
      expect(init.labels, prefix).toEqual(expect.arrayContaining([{ label: "app.kubernetes.io/component", value: "create-database" }]));
      expect((init.lifecycle as { precondition: unknown[] }).precondition, prefix).toEqual([
        {
          condition: '${(!(length(var.database_url) >= 1) || can(regex("^(postgres(ql)?|mysql)://[^/?#@:]+(:[^/?#@]*)?@[^/?#@]+$", var.database_url)))}',
          error_message:
            "database_url must be empty (SQLite), postgres://USER:PASSWORD@HOST:PORT or mysql://USER:PASSWORD@HOST:PORT: a user, no database name, no path, " +
            "no query parameters (Convex's rules; percent-encode '@', '/' and ':' in the password).",
        },
      ]);
    }
    expect((byPrefix("DatabaseInit").env as string[])[0]).toBe("DATABASE_URL=${sensitive(var.database_url)}");
    expect((byPrefix("MysqlDatabaseInit").env as string[])[0]).toBe("DATABASE_URL=${sensitive(var.database_url)}");
  });

  it("the apps and the agent's check reach the backend and dashboard by container name inside the workspace network", () => {
    const apps = json.resource.coder_app ?? {};
    const backend = "http://convex-${data.coder_workspace.me.id}-backend";
    expect(Object.fromEntries(Object.entries(apps).map(([k, a]) => [k, [a.url, (a.healthcheck as { url: string }[])[0]?.url]]))).toEqual({
      ApiApp: [`${backend}:3210`, `${backend}:3210/version`],
      SiteApp: [`${backend}:3211`, `${backend}:3210/version`],
      DashboardApp: ["http://convex-${data.coder_workspace.me.id}-dashboard:6791", "http://convex-${data.coder_workspace.me.id}-dashboard:6791/"],
    });
  });

  it("pulls the release's backend and dashboard, the pinned MinIO, Node and database client images, and keeps them on the host", () => {
    const images = Object.fromEntries(Object.entries(json.resource.docker_image ?? {}).map(([k, r]) => [k.replace(/_[0-9A-F]{8}$/, ""), [r.name, r.keep_locally]]));
    const release = (json.resource.coder_metadata?.WorkspaceInfo as { item: { value: string }[] }).item[1]?.value;
    expect(release).toMatch(/^[0-9a-f]{40}$/);
    expect(images).toEqual({
      BackendImage: [`ghcr.io/get-convex/convex-backend:${release}`, true],
      DashboardImage: [`ghcr.io/get-convex/convex-dashboard:${release}`, true],
      MinioImage: [MINIO_IMAGE, true],
      ProxyImage: [NODE_IMAGE, true],
      PostgresImage: [DATABASE_CLIENTS.postgres.image, true],
      MysqlImage: [DATABASE_CLIENTS.mysql.image, true],
    });
    // The pins' own form (lib/core/images.ts pins them; test/core/images.test.ts checks them).
    expect([MINIO_IMAGE, NODE_IMAGE, DATABASE_CLIENTS.postgres.image, DATABASE_CLIENTS.mysql.image].map((i) => i.split(":")[0])).toEqual(["quay.io/minio/minio", "node", "postgres", "mysql"]);
  });

  it("names every container, volume and network after the workspace id, and labels each with its component", () => {
    const id = "${data.coder_workspace.me.id}";
    const components = Object.fromEntries(
      ["docker_container", "docker_volume", "docker_network"].flatMap((type) =>
        Object.entries(json.resource[type] ?? {}).map(([k, r]) => [
          `${type}.${k.replace(/_[0-9A-F]{8}$/, "")}`,
          [r.name, (r.labels as { label: string; value: string }[]).find((l) => l.label === "app.kubernetes.io/component")?.value],
        ]),
      ),
    );
    expect(components).toEqual({
      "docker_container.AdminKeyMaker": [`convex-${id}-admin-key`, "admin-key"],
      "docker_container.Backend": [`convex-${id}-backend`, "backend"],
      "docker_container.Backup": [`convex-${id}-backup`, "backup"],
      "docker_container.Dashboard": [`convex-${id}-dashboard`, "dashboard"],
      "docker_container.DatabaseInit": [`convex-${id}-create-database`, "create-database"],
      "docker_container.Minio": [`convex-${id}-minio`, "minio"],
      "docker_container.MysqlDatabaseInit": [`convex-${id}-create-mysql-database`, "create-database"],
      "docker_container.Restore": [`convex-${id}-restore`, "restore"],
      "docker_container.S3Proxy": [`convex-${id}-s3-proxy`, "s3-proxy"],
      "docker_container.Workspace": [`coder-${id}`, "workspace"],
      "docker_volume.AdminKeyVolume": [`convex-${id}-admin-key`, "admin-key"],
      "docker_volume.Backend_Data": [`convex-${id}-data`, "backend"],
      "docker_volume.Home": [`coder-${id}-home`, "home"],
      "docker_volume.Minio_Data": [`convex-${id}-minio-data`, "minio"],
      "docker_network.Network": [`convex-${id}-network`, "network"],
    });
  });

  it("the S3 proxy: MinIO as its upstream with MinIO's keys, its own keys, the one bucket, SSE stripped, TLS with a certificate for its container name", () => {
    expect(byPrefix("S3Proxy")).toMatchObject({
      image: "${docker_image.ProxyImage_56BB7157.image_id}",
      networks_advanced: [{ name: "${docker_network.Network_1C6012B5.name}" }],
      depends_on: ["docker_container.Minio_CB72C220"],
      env: [
        "S3PROXY_LISTEN=0.0.0.0:8333",
        "S3PROXY_UPSTREAM_URL=http://convex-${data.coder_workspace.me.id}-minio:9000",
        "S3PROXY_UPSTREAM_REGION=us-east-1",
        "S3PROXY_UPSTREAM_ACCESS_KEY_ID=${random_password.Minio_RootCredentials_AccessKeyId_DE0FC867.result}",
        "S3PROXY_UPSTREAM_SECRET_ACCESS_KEY=${random_password.Minio_RootCredentials_SecretAccessKey_D4D8F49E.result}",
        "S3PROXY_ACCESS_KEY_ID=${random_password.ProxyCredentials_AccessKeyId_FC8C6D93.result}",
        "S3PROXY_SECRET_ACCESS_KEY=${random_password.ProxyCredentials_SecretAccessKey_B3C99FC6.result}",
        "S3PROXY_BUCKETS=convex",
        "S3PROXY_SSE=strip",
        "S3PROXY_TLS_CERT_FILE=/convex/tls/proxy/tls.crt",
        "S3PROXY_TLS_KEY_FILE=/convex/tls/proxy/tls.key",
        "NODE_EXTRA_CA_CERTS=/convex/tls/proxy-ca/ca.crt",
      ],
    });
    const request = Object.values(json.resource.tls_cert_request ?? {})[0] as { dns_names: string[] };
    expect(request.dns_names).toEqual(["convex-${data.coder_workspace.me.id}-s3-proxy", "localhost"]);
    expect(Object.keys(json.provider ?? {}).sort()).toEqual(["coder", "docker", "random", "tls"]);
  });

  it("proxied mode's TLS: the certificate into the proxy and the CA into the backend, which writes its trust bundle before run_backend.sh", () => {
    expect((byPrefix("S3Proxy").upload as { file: string }[]).map((u) => u.file)).toEqual(["/opt/s3-proxy/s3-proxy.mjs", "/convex/tls/proxy/tls.crt", "/convex/tls/proxy/tls.key", "/convex/tls/proxy-ca/ca.crt"]);
    const backend = byPrefix("Backend") as { upload: { file: string }[]; entrypoint: string[] };
    expect(backend.upload.map((u) => u.file)).toEqual(["/convex/tls/proxy-ca/ca.crt"]);
    expect(backend.entrypoint[2]).toContain("cat '/convex/tls/proxy-ca/ca.crt' > '/convex/trust/private-ca.crt'");
    expect(backend.entrypoint[2]).toMatch(/exec \.\/run_backend\.sh$/);
  });

  it("the shared-database init containers' environment: the URL, the workspace's database, TLS from database_require_ssl, and which variable to fix", () => {
    expect(byPrefix("DatabaseInit").env).toEqual([
      "DATABASE_URL=${sensitive(var.database_url)}",
      "CONVEX_DATABASE=${local.database_name}",
      "PGDATABASE=postgres",
      "PGCONNECT_TIMEOUT=10",
      'PGSSLMODE=${var.database_require_ssl ? "require" : "prefer"}',
      "PGAPPNAME=convex-database-init",
    ]);
    expect(byPrefix("MysqlDatabaseInit").env).toEqual([
      "DATABASE_URL=${sensitive(var.database_url)}",
      "CONVEX_DATABASE=${local.database_name}",
      'CONVEX_SSL_MODE=${var.database_require_ssl ? "REQUIRED" : "PREFERRED"}',
    ]);
    for (const prefix of ["DatabaseInit", "MysqlDatabaseInit"]) expect((byPrefix(prefix).entrypoint as string[])[2], prefix).toContain("src='the template variable database_url'");
  });

  it("shows the storage mode, the Convex release, MinIO's address and the database on the workspace page", () => {
    const info = json.resource.coder_metadata?.WorkspaceInfo as { count: string; item: { key: string; value: string }[] };
    expect(info.count).toBe("${local.start_count}");
    expect(info.item.map((i) => i.key)).toEqual(["storage mode", "convex release", "minio", "database"]);
    expect(info.item[0]?.value).toBe("${local.storage_mode}");
    expect(info.item[1]?.value).toMatch(/^[0-9a-f]{40}$/);
    expect(info.item.slice(2)).toEqual([
      { key: "minio", value: "http://convex-${data.coder_workspace.me.id}-minio:9000" },
      { key: "database", value: "${local.database}" },
    ]);
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
    // MinIO's environment and the workspace container's are evaluated in the same builds (no terraform run of their own).
    // The agent's token is the one reference the harness has no stand-in for.
    const workspaceEnv = (byPrefix("Workspace").env as string).replace("${coder_agent.main.token}", "<token>");
    const expressions = { env: byPrefix("Minio").env, workspaceEnv };
    for (const mode of STORAGE_MODES) for (const startCount of [1, 0] as const) builds[`${mode}/${startCount}`] = evaluateBuild(json, { storageMode: mode, startCount, vars: VARS, expressions });
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

  /** The bucket settings the developer's own tools get in the workspace container, written out by hand. */
  const bucketEnv = [
    `AWS_ENDPOINT_URL_S3=http://convex-${ID}-minio:9000`,
    "AWS_REGION=us-east-1",
    "BUCKET_NAME=convex",
    `AWS_ACCESS_KEY_ID=${refs.minioUser}`,
    `AWS_SECRET_ACCESS_KEY=${refs.minioPassword}`,
  ];
  const WORKSPACE_ENV: Record<StorageModeName, string[]> = { local: [], s3: bucketEnv, proxied: bucketEnv };

  for (const mode of STORAGE_MODES) {
    it(`${mode}: the workspace container gets the agent token${mode === "local" ? " and no bucket settings" : " and MinIO's bucket settings"}`, () => {
      expect((builds[`${mode}/1`] as EvaluatedBuild).values.workspaceEnv).toEqual(["CODER_AGENT_TOKEN=<token>", ...WORKSPACE_ENV[mode]]);
    });

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

describe("docker template: a shared Postgres or MySQL server in database_url, evaluated by terraform", () => {
  const POSTGRES_URL = "postgres://convex:secret@db.example:5432";
  const MYSQL_URL = "mysql://convex:secret@host.docker.internal:3306";
  /** What Convex takes (a user, a host, no path or query), and what it does not: written out by hand. */
  const ACCEPTED = ["postgres://convex:secret@db.example:5432", "postgresql://convex@db.example", "mysql://convex:se:cret@db.example:3306", "postgres://convex:@db"];
  const REFUSED = [
    "postgres://convex:secret@db.example:5432/convex",
    "postgres://convex:secret@db.example:5432?sslmode=disable",
    "postgres://convex:secret@db.example#x",
    "postgres://db.example:5432",
    "postgres://@db.example",
    "postgres://convex:secret@",
    "postgres://con/vex:secret@db.example",
    "postgres://convex:sec/ret@db.example",
    "postgres://convex:secret@db@example",
    "http://convex:secret@db.example",
    "xpostgres://convex:secret@db.example",
    "mysqlx://convex:secret@db.example",
  ];
  let postgres: EvaluatedBuild;
  let mysql: EvaluatedBuild;
  setupOnce(() => {
    const condition = ((byPrefix("DatabaseInit").lifecycle as { precondition: { condition: string }[] }).precondition[0] as { condition: string }).condition;
    // The precondition's own expression, evaluated by terraform for each URL in place of the variable.
    const urlChecks = Object.fromEntries([...ACCEPTED, ...REFUSED].map((url) => [url, condition.split("var.database_url").join(JSON.stringify(url))]));
    postgres = evaluateBuild(json, { storageMode: "s3", startCount: 1, vars: { ...VARS, database_url: POSTGRES_URL }, expressions: urlChecks });
    mysql = evaluateBuild(json, { storageMode: "local", startCount: 1, vars: { ...VARS, database_url: MYSQL_URL } });
  }, 120_000);

  const running = (b: EvaluatedBuild) => b.resources.filter((r) => r.startsWith("docker_container.")).map((r) => r.slice("docker_container.".length).replace(/_[0-9A-F]{8}$/, "")).sort();
  const head = [
    `INSTANCE_NAME=convex-${ID}`,
    "INSTANCE_SECRET=<random_id.InstanceSecret_E501B201.hex>",
    "CONVEX_CLOUD_ORIGIN=https://convex-api--main--dev--alice.apps.example.com",
    "CONVEX_SITE_ORIGIN=https://convex-site--main--dev--alice.apps.example.com",
    // database_require_ssl defaults to true: Convex requires TLS.
    "DO_NOT_REQUIRE_SSL=",
  ];

  it("postgres:// (s3 mode): the Postgres init container runs before the backend, which gets POSTGRES_URL and its own instance name", () => {
    expect(running(postgres)).toEqual(["AdminKeyMaker", "Backend", "Dashboard", "DatabaseInit", "Minio", "Workspace"]);
    expect(Object.values(postgres.backendEnv)).toEqual([
      [
        ...head,
        `POSTGRES_URL=${POSTGRES_URL}`,
        "AWS_REGION=us-east-1",
        ...["EXPORTS", "SNAPSHOT_IMPORTS", "MODULES", "FILES", "SEARCH"].map((b) => `S3_STORAGE_${b}_BUCKET=convex`),
        `S3_ENDPOINT_URL=http://convex-${ID}-minio:9000`,
        "AWS_ACCESS_KEY_ID=<random_password.Minio_RootCredentials_AccessKeyId_DE0FC867.result>",
        "AWS_SECRET_ACCESS_KEY=<random_password.Minio_RootCredentials_SecretAccessKey_D4D8F49E.result>",
        "AWS_S3_FORCE_PATH_STYLE=true",
        "AWS_S3_DISABLE_SSE=true",
        "AWS_S3_DISABLE_CHECKSUMS=true",
        "AWS_REQUEST_CHECKSUM_CALCULATION=WHEN_REQUIRED",
      ],
    ]);
  });

  it("mysql:// (local mode): the MySQL init container instead, and MYSQL_URL", () => {
    expect(running(mysql)).toEqual(["AdminKeyMaker", "Backend", "Dashboard", "MysqlDatabaseInit", "Workspace"]);
    expect(Object.values(mysql.backendEnv)).toEqual([[...head, `MYSQL_URL=${MYSQL_URL}`]]);
  });

  it("accepts a URL with a user and a host only, refuses a path, a query, a fragment, no user or host, and other schemes", () => {
    expect(Object.fromEntries(ACCEPTED.map((url) => [url, postgres.values[url]]))).toEqual(Object.fromEntries(ACCEPTED.map((url) => [url, true])));
    expect(Object.fromEntries(REFUSED.map((url) => [url, postgres.values[url]]))).toEqual(Object.fromEntries(REFUSED.map((url) => [url, false])));
  });

  it("refuses a malformed database_url at plan time with the rule and the fix", () => {
    let output = "";
    try {
      evaluateBuild(json, { storageMode: "local", startCount: 1, vars: { ...VARS, database_url: "postgres://convex:secret@db.example:5432/convex" } });
    } catch (e) {
      if (!(e instanceof TerraformRefused)) throw e;
      output = e.output.replace(/\s*\n[\s│]*/g, " ");
    }
    expect(output).toContain(
      "database_url must be empty (SQLite), postgres://USER:PASSWORD@HOST:PORT or mysql://USER:PASSWORD@HOST:PORT: a user, no database name, no path, " +
        "no query parameters (Convex's rules; percent-encode '@', '/' and ':' in the password).",
    );
  });
});

describe("templateDockerEnv: the core's environment as Docker's NAME=value list", () => {
  it("keeps literals as they are and puts each reference's Terraform expression in", () => {
    expect(templateDockerEnv([entry("A", "${local.x}"), entry("B", ref("instanceSecret"))], { instanceSecret: "${random_id.s.hex}" })).toEqual(["A=${local.x}", "B=${random_id.s.hex}"]);
  });

  it("refuses Kubernetes' $(VAR) expansion, which Docker does not do, naming the variable", () => {
    expect(() => templateDockerEnv([entry("URL", "http://$(HOST):80")], {})).toThrow(
      new InvariantError("environment variable URL uses Kubernetes' $(VAR) expansion, which Docker does not do"),
    );
  });

  it("refuses a reference no resource of the template provides, naming the variable and the reference", () => {
    expect(() => templateDockerEnv([entry("DB", ref("databaseUrl"))], { instanceSecret: "x" })).toThrow(
      new InvariantError("environment variable DB refers to 'databaseUrl', which no resource of this template provides"),
    );
  });
});
