/**
 * Both Coder templates, for every storage mode, with SQLite and with the admin's shared Postgres or MySQL server, started and stopped, handed to the real terraform binary (scripts/terraform-harness): each cell must pass `terraform validate` and
 * `terraform plan`, and the plan must create exactly the resources that cell needs. The expected inventories are
 * written by hand from the README's tables, not computed by the code under test.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { TerraformConfig } from "../../scripts/terraform-harness/stand-in.ts";
import { planWithTerraform, type PlanResult } from "../../scripts/terraform-harness/terraform.ts";
import { buildTemplateForTest } from "../support/built-template.ts";
import { names } from "../support/plan-inventory.ts";

describe("the Coder templates pass the real terraform for every storage mode and database, started and stopped", () => {
  const built = { kubernetes: buildTemplateForTest("kubernetes"), docker: buildTemplateForTest("docker") };
  afterAll(() => Object.values(built).forEach((b) => b.remove()));
  const SERVERS = { postgres: "postgres://convex:pw@db.example.com:5432", mysql: "mysql://convex:pw@db.example.com:3306" };
  const vars = { kubernetes: { namespace: "coder-workspaces", wildcard_access_url: "*.apps.example.com" }, docker: { wildcard_access_url: "*.apps.example.com" } };
  // The admin's shared server: a Secret name and the server's kind (Kubernetes), a URL whose scheme says it (Docker).
  const serverVars = {
    sqlite: { kubernetes: {}, docker: {} },
    postgres: { kubernetes: { database_url_secret_name: "shared-db" }, docker: { database_url: SERVERS.postgres } },
    mysql: { kubernetes: { database_url_secret_name: "shared-db", database_kind: "mysql" }, docker: { database_url: SERVERS.mysql } },
  };

  const modes = ["local", "s3", "proxied"] as const;
  const cells = (["kubernetes", "docker"] as const).flatMap((t) =>
    (["sqlite", "postgres", "mysql"] as const).flatMap((db) => modes.flatMap((m) => ([1, 0] as const).map((start) => [t, db, m, start] as const))),
  );
  it.each(cells)("%s template, %s, %s storage, start_count %i", async (template, database, mode, start) => {
    const plan = await planWithTerraform(built[template].json as TerraformConfig, {
      vars: { ...vars[template], ...serverVars[database][template] },
      data: { "coder_parameter.storage_mode": { value: mode }, "coder_workspace.me": { start_count: start, transition: start ? "start" : "stop" } },
    });
    const expected = { ...TEMPLATE_PLANS[template], ...(database === "sqlite" ? {} : SERVER_TEMPLATE_PLANS[database][template]) };
    // Compute follows start_count: a stopped workspace plans none of it.
    expect(names(plan, expected.computeType)).toEqual(start ? expected.compute[mode] : []);
    // State stays when stopped: the data volume, the home volume, the instance secret and (s3/proxied) the bucket.
    expect(names(plan, expected.volumeType)).toEqual(expected.volumes);
    for (const [type, list] of Object.entries(expected.state[mode])) expect(names(plan, type)).toEqual(list);
    if (!start) return;
    const env = backendEnv(plan, template);
    const id = String(plan.data["data.coder_workspace.me"]?.id);
    if (database === "sqlite") {
      expect(env.INSTANCE_NAME).toBe("convex");
      // (SSL_CERT_FILE is the S3 path's trust bundle, proxied only: not a database setting.)
      expect(Object.keys(env).filter((n) => /POSTGRES|MYSQL|SSL/.test(n) && n !== "SSL_CERT_FILE")).toEqual([]);
      return;
    }
    // The backend opens its own database on the shared server: INSTANCE_NAME convex-<workspace id>; TLS required.
    expect(env.INSTANCE_NAME).toBe(`convex-${id}`);
    const [urlVariable, other] = database === "postgres" ? ["POSTGRES_URL", "MYSQL_URL"] : ["MYSQL_URL", "POSTGRES_URL"];
    expect(env[urlVariable]).toBe(template === "docker" ? SERVERS[database] : "(from Secret shared-db, key url)");
    expect(env[other]).toBeUndefined();
    expect(env.DO_NOT_REQUIRE_SSL).toBe("");
  });
});

describe("the shared server's variables: database_require_ssl = false, and values refused at plan time", () => {
  const built = { kubernetes: buildTemplateForTest("kubernetes"), docker: buildTemplateForTest("docker") };
  afterAll(() => Object.values(built).forEach((b) => b.remove()));
  const vars = {
    kubernetes: { namespace: "coder-workspaces", wildcard_access_url: "*.apps.example.com", database_url_secret_name: "shared-db", database_require_ssl: "false" },
    docker: { wildcard_access_url: "*.apps.example.com", database_url: "postgres://convex:pw@db.example.com:5432", database_require_ssl: "false" },
  };
  it.each(["kubernetes", "docker"] as const)("%s template: the backend gets the presence flag DO_NOT_REQUIRE_SSL=true", async (template) => {
    const plan = await planWithTerraform(built[template].json as TerraformConfig, { vars: vars[template], data: { "coder_parameter.storage_mode": { value: "local" } } });
    expect(backendEnv(plan, template).DO_NOT_REQUIRE_SSL).toBe("true");
  });

  it("fails the plan on a server variable Convex or Kubernetes would refuse, without printing the URL", async () => {
    const data = { "coder_parameter.storage_mode": { value: "local" } };
    const docker = planWithTerraform(built.docker.json as TerraformConfig, { vars: { ...vars.docker, database_url: "postgres://convex:topsecret@db.example.com:5432/convex" }, data });
    const refusal = await docker.then(() => "planned", (error: Error) => error.message);
    const refusalText = "database_url must be empty (SQLite), postgres://USER:PASSWORD@HOST:PORT or mysql://USER:PASSWORD@HOST:PORT: a user, no database name";
    expect(refusal.replace(/\s+/g, " ")).toContain(refusalText);
    expect(refusal).not.toContain("topsecret");
    const mysqlPath = planWithTerraform(built.docker.json as TerraformConfig, { vars: { ...vars.docker, database_url: "mysql://convex:topsecret@db.example.com:3306/convex?ssl-mode=DISABLED" }, data });
    const mysqlRefusal = await mysqlPath.then(() => "planned", (error: Error) => error.message);
    expect(mysqlRefusal.replace(/\s+/g, " ")).toContain(refusalText);
    expect(mysqlRefusal).not.toContain("topsecret");
    const kind = planWithTerraform(built.kubernetes.json as TerraformConfig, { vars: { ...vars.kubernetes, database_kind: "mariadb" }, data });
    const refusedKind = await kind.then(() => "planned", (error: Error) => error.message);
    expect(refusedKind.replace(/\s+/g, " ")).toContain(`database_kind must be postgres or mysql (the server database_url_secret_name names); got "mariadb"`);
    const kubernetes = planWithTerraform(built.kubernetes.json as TerraformConfig, { vars: { ...vars.kubernetes, database_url_secret_name: "Shared_DB" }, data });
    const refused = await kubernetes.then(() => "planned", (error: Error) => error.message);
    expect(refused.replace(/\s+/g, " ")).toContain(`database_url_secret_name must be empty (SQLite) or a Secret name: lower-case letters, digits and '-'; got "Shared_DB"`);
  });
});

/** The backend's evaluated environment in a plan: Docker's `NAME=value` list, or the Kubernetes Deployment's env. */
function backendEnv(plan: PlanResult, template: "kubernetes" | "docker"): Record<string, string> {
  if (template === "docker") {
    const backend = plan.resources.find((r) => r.resource.startsWith("docker_container.Backend_"));
    // Values known only at apply (generated secrets) are null in the plan.
    const known = ((backend?.values.env ?? []) as (string | null)[]).filter((e): e is string => e !== null);
    return Object.fromEntries(known.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
  }
  const backend = plan.resources.find((r) => r.type === "kubernetes_deployment_v1" && r.resource.startsWith("kubernetes_deployment_v1.Backend"));
  type Env = { name: string; value?: string; value_from?: { secret_key_ref?: { name: string; key: string } } };
  const spec = (backend?.values as { spec: { template: { spec: { container: { env: Env[] }[] } } } }).spec.template.spec;
  return Object.fromEntries((spec.container[0]?.env ?? []).map((e) => [e.name, e.value ?? `(from Secret ${e.value_from?.secret_key_ref?.name}, key ${e.value_from?.secret_key_ref?.key})`]));
}

/**
 * What the shared server changes, hand-written from the template READMEs: each mode's Postgres or MySQL backend, and
 * (Docker) the kind's init container.
 */
const SERVER_TEMPLATE_PLANS = {
  postgres: {
    kubernetes: {
      compute: {
        local: ["Backend_LocalPostgres", "Dashboard", "Workspace"],
        s3: ["Backend_S3Postgres", "Dashboard", "Workspace"],
        proxied: ["Backend_ProxiedPostgres", "Dashboard", "S3Proxy", "Workspace"],
      },
    },
    docker: {
      compute: {
        local: ["AdminKeyMaker", "Backend", "Dashboard", "DatabaseInit", "Workspace"],
        s3: ["AdminKeyMaker", "Backend", "Dashboard", "DatabaseInit", "Minio", "Workspace"],
        proxied: ["AdminKeyMaker", "Backend", "Dashboard", "DatabaseInit", "Minio", "S3Proxy", "Workspace"],
      },
    },
  },
  mysql: {
    kubernetes: {
      compute: {
        local: ["Backend_LocalMysql", "Dashboard", "Workspace"],
        s3: ["Backend_S3Mysql", "Dashboard", "Workspace"],
        proxied: ["Backend_ProxiedMysql", "Dashboard", "S3Proxy", "Workspace"],
      },
    },
    docker: {
      compute: {
        local: ["AdminKeyMaker", "Backend", "Dashboard", "MysqlDatabaseInit", "Workspace"],
        s3: ["AdminKeyMaker", "Backend", "Dashboard", "Minio", "MysqlDatabaseInit", "Workspace"],
        proxied: ["AdminKeyMaker", "Backend", "Dashboard", "Minio", "MysqlDatabaseInit", "S3Proxy", "Workspace"],
      },
    },
  },
} as const;

/** Hand-written from the template READMEs and docs/coder-templates.md. */
const TEMPLATE_PLANS = {
  kubernetes: {
    computeType: "kubernetes_deployment_v1",
    compute: {
      local: ["Backend", "Dashboard", "Workspace"],
      s3: ["Backend_S3", "Dashboard", "Workspace"],
      proxied: ["Backend_Proxied", "Dashboard", "S3Proxy", "Workspace"],
    },
    volumeType: "kubernetes_persistent_volume_claim_v1",
    volumes: ["Backend_Data", "Home"],
    state: {
      local: { kubernetes_manifest: [], kubernetes_config_map_v1: [], random_id: ["InstanceSecret_Value"] },
      s3: { kubernetes_manifest: ["Bucket"], kubernetes_config_map_v1: [], random_id: ["InstanceSecret_Value"] },
      proxied: { kubernetes_manifest: ["Bucket"], kubernetes_config_map_v1: ["S3Proxy_Bundle"], random_id: ["InstanceSecret_Value"] },
    },
  },
  docker: {
    computeType: "docker_container",
    compute: {
      local: ["AdminKeyMaker", "Backend", "Dashboard", "Workspace"],
      s3: ["AdminKeyMaker", "Backend", "Dashboard", "Minio", "Workspace"],
      proxied: ["AdminKeyMaker", "Backend", "Dashboard", "Minio", "S3Proxy", "Workspace"],
    },
    volumeType: "docker_volume",
    volumes: ["AdminKeyVolume", "Backend_Data", "Home", "Minio_Data"],
    state: {
      local: { random_id: ["InstanceSecret"], docker_network: ["Network"] },
      s3: { random_id: ["InstanceSecret"], docker_network: ["Network"] },
      proxied: { random_id: ["InstanceSecret"], docker_network: ["Network"] },
    },
  },
} as const;
