/**
 * Both Coder templates with the admin's shared Postgres server set: the init step each one plans (the Docker
 * template's one-shot container, the Kubernetes template's init container of the Postgres backend), taken from the
 * built template as the real terraform plans it for a workspace with a Coder workspace id, and run with sh and psql
 * against a real PostgreSQL on 127.0.0.1. Two workspaces get two databases, each named after its instance
 * (`convex-<workspace id>` with `-` turned into `_`); a second start does nothing; a failure names the template
 * variable to fix.
 */
import { afterAll, describe, expect, inject, it } from "vitest";
import type { TerraformConfig } from "../../scripts/terraform-harness/stand-in.ts";
import { planWithTerraform } from "../../scripts/terraform-harness/terraform.ts";
import { buildTemplateForTest } from "../support/built-template.ts";
import { serverUrl, superuserSql } from "../support/pg-init.ts";
import { runPlannedScript } from "../support/planned-script.ts";

const pg = inject("postgres");
const sql = (statement: string) => superuserSql(pg, statement);
const WORKSPACES = ["5f0c2d9e-7b1a-4c3e-9a8d-2e6f1b0c4d7a", "0b7e4c1a-93d2-4f68-b5a0-c1d2e3f4a5b6"] as const;
const databaseOf = (id: string) => `convex_${id.replace(/-/g, "_")}`;

interface KubernetesEnv {
  name: string;
  value?: string;
}
type PlannedInit = { command: string[]; env: Record<string, string> };

const built = { kubernetes: buildTemplateForTest("kubernetes"), docker: buildTemplateForTest("docker") };

/** The planned init step of one workspace: its command and literal environment (DATABASE_URL too on Docker). */
async function plannedInit(template: "kubernetes" | "docker", workspaceId: string): Promise<PlannedInit> {
  const vars: Record<string, string> =
    template === "docker"
      ? { wildcard_access_url: "*.apps.example.com", database_url: serverUrl(pg, pg.superuser, pg.password), database_require_ssl: "false" }
      : { namespace: "coder-workspaces", wildcard_access_url: "*.apps.example.com", database_url_secret_name: "shared-db", database_require_ssl: "false" };
  const plan = await planWithTerraform(built[template].json as TerraformConfig, {
    vars,
    data: { "coder_parameter.storage_mode": { value: "local" }, "coder_workspace.me": { id: workspaceId, start_count: 1 } },
  });
  if (template === "docker") {
    const init = plan.resources.find((r) => r.resource.startsWith("docker_container.DatabaseInit_"));
    const values = init?.values as { entrypoint: string[]; env: string[] } | undefined;
    if (values === undefined) throw new Error("no DatabaseInit container in the planned Docker template");
    return { command: values.entrypoint, env: Object.fromEntries(values.env.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)])) };
  }
  const backend = plan.resources.find((r) => r.resource.startsWith("kubernetes_deployment_v1.Backend_LocalPostgres_"));
  const init = (backend?.values as { spec: { template: { spec: { init_container: { command: string[]; env: KubernetesEnv[] }[] } } } } | undefined)?.spec.template.spec.init_container[0];
  if (init === undefined) throw new Error("no init container in the planned Kubernetes template's Postgres backend");
  return { command: init.command, env: Object.fromEntries(init.env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value as string])) };
}

const planned = {
  docker: await Promise.all(WORKSPACES.map((id) => plannedInit("docker", id))),
  kubernetes: await Promise.all(WORKSPACES.map((id) => plannedInit("kubernetes", id))),
};

describe("the templates' init step on the admin's shared Postgres server", () => {
  afterAll(() => {
    for (const id of WORKSPACES) sql(`DROP DATABASE IF EXISTS ${databaseOf(id)}`);
    Object.values(built).forEach((b) => b.remove());
  });

  it("plans each workspace's own database, and sslmode prefer with database_require_ssl = false", () => {
    for (const template of ["docker", "kubernetes"] as const) {
      expect(planned[template].map((p) => p.env.CONVEX_DATABASE)).toEqual(WORKSPACES.map(databaseOf));
      expect(planned[template].map((p) => p.env.PGSSLMODE)).toEqual(["prefer", "prefer"]);
    }
    // Docker takes the URL from the sensitive variable; Kubernetes from the Secret by reference.
    expect(planned.docker[0]?.env.DATABASE_URL).toBe(serverUrl(pg, pg.superuser, pg.password));
    expect(planned.kubernetes[0]?.env.DATABASE_URL).toBeUndefined();
  });

  it("Docker: creates each workspace's database on the shared server, and does nothing at the next start", () => {
    for (const id of WORKSPACES) sql(`DROP DATABASE IF EXISTS ${databaseOf(id)}`);
    for (const [i, init] of planned.docker.entries()) {
      const database = databaseOf(WORKSPACES[i] as string);
      expect(runPlannedScript(init.command, init.env)).toEqual({ status: 0, output: `convex-database-init: created database ${database}\n` });
      expect(runPlannedScript(init.command, init.env)).toEqual({ status: 0, output: `convex-database-init: database ${database} exists\n` });
    }
    expect(sql(`SELECT count(*) FROM pg_database WHERE datname IN ('${WORKSPACES.map(databaseOf).join("', '")}')`)).toBe("2");
  });

  it("Kubernetes: the Postgres backend's init container finds the database of its workspace, with the URL from the Secret", () => {
    const init = planned.kubernetes[0] as PlannedInit;
    const result = runPlannedScript(init.command, { ...init.env, DATABASE_URL: serverUrl(pg, pg.superuser, pg.password) });
    expect(result).toEqual({ status: 0, output: `convex-database-init: database ${databaseOf(WORKSPACES[0])} exists\n` });
  });

  it("fails naming the template variable when the server refuses the credentials", () => {
    const docker = planned.docker[0] as PlannedInit;
    const refused = runPlannedScript(docker.command, { ...docker.env, DATABASE_URL: serverUrl(pg, pg.superuser, "wrong-template-pw") });
    expect(refused.status).toBe(1);
    expect(refused.output).toContain("convex-database-init: the server refused the role or password in the template variable database_url: fix the credentials there");
    expect(refused.output).not.toContain("wrong-template-pw");
    const kubernetes = planned.kubernetes[0] as PlannedInit;
    const unreachable = runPlannedScript(kubernetes.command, { ...kubernetes.env, DATABASE_URL: "postgres://u:p@127.0.0.1:1" });
    expect(unreachable.status).toBe(1);
    expect(unreachable.output).toContain(
      "convex-database-init: cannot reach the server named in the template variable database_url_secret_name (Secret shared-db, key url): check its host and port",
    );
  });
});
