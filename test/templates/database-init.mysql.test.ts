/**
 * Both Coder templates with the admin's shared MySQL server set (Docker: a mysql:// database_url; Kubernetes:
 * database_kind = mysql): the init step each one plans (the Docker template's one-shot container, the Kubernetes
 * template's init container of the MySQL backend), taken from the built template as the real terraform plans it for
 * a workspace with a Coder workspace id, and run with sh and the mysql client against a real MariaDB on 127.0.0.1.
 * Two workspaces get two databases, each named after its instance (`convex-<workspace id>` with `-` turned into
 * `_`); a second start does nothing; a failure names the template variable to fix.
 */
import { afterAll, describe, expect, inject, it } from "vitest";
import type { TerraformConfig } from "../../scripts/terraform-harness/stand-in.ts";
import { planWithTerraform } from "../../scripts/terraform-harness/terraform.ts";
import { buildTemplateForTest } from "../support/built-template.ts";
import { adminSql, databaseCount, mysqlUrl } from "../support/mysql-init.ts";
import { runPlannedScript } from "../support/planned-script.ts";

const server = inject("mysql");
const sql = (statement: string) => adminSql(server, statement);
const WORKSPACES = ["6a1d3e0f-8c2b-4d4f-8b9e-3f7a2c1d5e8b", "1c8f5d2b-a4e3-4079-86b1-d2e3f4a5b6c7"] as const;
const databaseOf = (id: string) => `convex_${id.replace(/-/g, "_")}`;
const SERVER_URL = mysqlUrl(server, server.admin, server.password);

interface KubernetesEnv {
  name: string;
  value?: string;
}
type PlannedInit = { command: string[]; env: Record<string, string>; backendEnv: Record<string, string> };

const built = { kubernetes: buildTemplateForTest("kubernetes"), docker: buildTemplateForTest("docker") };

/** The planned init step of one workspace: its command and literal environment (DATABASE_URL too on Docker), and the backend's. */
async function plannedInit(template: "kubernetes" | "docker", workspaceId: string): Promise<PlannedInit> {
  const vars: Record<string, string> =
    template === "docker"
      ? { wildcard_access_url: "*.apps.example.com", database_url: SERVER_URL, database_require_ssl: "false" }
      : { namespace: "coder-workspaces", wildcard_access_url: "*.apps.example.com", database_url_secret_name: "shared-db", database_kind: "mysql", database_require_ssl: "false" };
  const plan = await planWithTerraform(built[template].json as TerraformConfig, {
    vars,
    data: { "coder_parameter.storage_mode": { value: "local" }, "coder_workspace.me": { id: workspaceId, start_count: 1 } },
  });
  const pairs = (list: string[]) => Object.fromEntries(list.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
  if (template === "docker") {
    const init = plan.resources.find((r) => r.resource.startsWith("docker_container.MysqlDatabaseInit_"));
    const values = init?.values as { entrypoint: string[]; env: string[] } | undefined;
    if (values === undefined) throw new Error("no MysqlDatabaseInit container in the planned Docker template");
    const backend = plan.resources.find((r) => r.resource.startsWith("docker_container.Backend_"));
    const backendEnv = ((backend?.values.env ?? []) as (string | null)[]).filter((e): e is string => e !== null);
    return { command: values.entrypoint, env: pairs(values.env), backendEnv: pairs(backendEnv) };
  }
  const backend = plan.resources.find((r) => r.resource.startsWith("kubernetes_deployment_v1.Backend_LocalMysql_"));
  const spec = (backend?.values as { spec: { template: { spec: { init_container: { command: string[]; env: KubernetesEnv[] }[]; container: { env: KubernetesEnv[] }[] } } } } | undefined)?.spec.template.spec;
  const init = spec?.init_container[0];
  if (init === undefined) throw new Error("no init container in the planned Kubernetes template's MySQL backend");
  const literal = (env: KubernetesEnv[]) => Object.fromEntries(env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value as string]));
  return { command: init.command, env: literal(init.env), backendEnv: literal(spec?.container[0]?.env ?? []) };
}

const planned = {
  docker: await Promise.all(WORKSPACES.map((id) => plannedInit("docker", id))),
  kubernetes: await Promise.all(WORKSPACES.map((id) => plannedInit("kubernetes", id))),
};

describe("the templates' init step on the admin's shared MySQL server", () => {
  afterAll(() => {
    for (const id of WORKSPACES) sql(`DROP DATABASE IF EXISTS ${databaseOf(id)}`);
    Object.values(built).forEach((b) => b.remove());
  });

  it("plans each workspace's own database and instance, and the client's PREFERRED with database_require_ssl = false", () => {
    for (const template of ["docker", "kubernetes"] as const) {
      expect(planned[template].map((p) => p.env.CONVEX_DATABASE)).toEqual(WORKSPACES.map(databaseOf));
      expect(planned[template].map((p) => p.backendEnv.INSTANCE_NAME)).toEqual(WORKSPACES.map((id) => `convex-${id}`));
      expect(planned[template].map((p) => p.env.CONVEX_SSL_MODE)).toEqual(["PREFERRED", "PREFERRED"]);
      expect(planned[template].map((p) => p.backendEnv.DO_NOT_REQUIRE_SSL)).toEqual(["true", "true"]);
    }
    // Docker takes the URL from the sensitive variable, the backend's MYSQL_URL the same one; Kubernetes from the Secret by reference.
    expect(planned.docker[0]?.env.DATABASE_URL).toBe(SERVER_URL);
    expect(planned.docker[0]?.backendEnv.MYSQL_URL).toBe(SERVER_URL);
    expect(planned.kubernetes[0]?.env.DATABASE_URL).toBeUndefined();
  });

  it("Docker: creates each workspace's database on the shared server, and does nothing at the next start", () => {
    for (const id of WORKSPACES) sql(`DROP DATABASE IF EXISTS ${databaseOf(id)}`);
    for (const [i, init] of planned.docker.entries()) {
      const database = databaseOf(WORKSPACES[i] as string);
      expect(runPlannedScript(init.command, init.env)).toEqual({ status: 0, output: `convex-database-init: created database ${database}\n` });
      expect(runPlannedScript(init.command, init.env)).toEqual({ status: 0, output: `convex-database-init: database ${database} exists\n` });
      expect(databaseCount(server, database)).toBe("1");
    }
  });

  it("Kubernetes: the MySQL backend's init container finds the database of its workspace, with the URL from the Secret", () => {
    const init = planned.kubernetes[0] as PlannedInit;
    const result = runPlannedScript(init.command, { ...init.env, DATABASE_URL: SERVER_URL });
    expect(result).toEqual({ status: 0, output: `convex-database-init: database ${databaseOf(WORKSPACES[0])} exists\n` });
  });

  it("fails naming the template variable when the server refuses the credentials or cannot be reached", () => {
    const docker = planned.docker[0] as PlannedInit;
    const refused = runPlannedScript(docker.command, { ...docker.env, DATABASE_URL: mysqlUrl(server, server.admin, "wrong-template-pw") });
    expect(refused.status).toBe(1);
    expect(refused.output).toContain("convex-database-init: the server refused the user or password in the template variable database_url: fix the credentials there");
    expect(refused.output).not.toContain("wrong-template-pw");
    const kubernetes = planned.kubernetes[0] as PlannedInit;
    const unreachable = runPlannedScript(kubernetes.command, { ...kubernetes.env, DATABASE_URL: "mysql://u:p@127.0.0.1:1" });
    expect(unreachable.status).toBe(1);
    expect(unreachable.output).toContain(
      "convex-database-init: cannot reach the server named in the template variable database_url_secret_name (Secret shared-db, key url): check its host and port",
    );
  });
});
