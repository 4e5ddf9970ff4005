/**
 * The database init step exactly as Kubernetes would run it: the init container's command and environment taken
 * from the workspace-kubernetes stack as the real terraform plans it (scripts/terraform-harness), run with sh and
 * psql against a real PostgreSQL on 127.0.0.1 (DATABASE_URL, from the Secret in a cluster, given here): it creates
 * the database on a fresh server, is a no-op the second time, and fails naming the setting to fix (no CREATEDB,
 * bad password, unreachable server, a URL Convex would refuse, TLS required by a server without it). The URL's
 * password never appears in what it prints.
 */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { databaseName } from "../../lib/core/database.ts";
import { planWithTerraform } from "../../scripts/terraform-harness/terraform.ts";
import { serverUrl, superuserSql } from "../support/pg-init.ts";
import { runPlannedScript } from "../support/planned-script.ts";
import { synthKubernetes } from "../support/synth.ts";

const pg = inject("postgres");
const SOURCE = "database.urlSecretName (Secret alice-db, key url)";
const url = (user: string, password: string, suffix = "") => serverUrl(pg, user, password, suffix);
const sql = (statement: string) => superuserSql(pg, statement);

interface InitContainer {
  command: string[];
  env: { name: string; value?: string; value_from?: { secret_key_ref: { name: string; key: string } } }[];
}

/** The backend Deployment's init container, as terraform evaluates the synthesized stack. */
async function plannedInitContainer(raw: object): Promise<InitContainer> {
  const plan = await planWithTerraform(synthKubernetes({ database: { kind: "postgres", urlSecretName: "alice-db" }, ...raw }));
  const backend = plan.resources.find((r) => r.type === "kubernetes_deployment_v1" && JSON.stringify(r.values).includes('"create-database"'));
  // Single nested blocks stay objects, as cdktf wrote them.
  const spec = (backend?.values as { spec: { template: { spec: { init_container?: InitContainer[] } } } } | undefined)?.spec.template.spec;
  if (spec?.init_container?.[0] === undefined) throw new Error("no init container in the planned backend Deployment");
  return spec.init_container[0];
}

const planned = { verified: await plannedInitContainer({}), insecure: await plannedInitContainer({ database: { kind: "postgres", urlSecretName: "alice-db", requireSsl: false } }) };

function runInit(databaseUrl: string, database: string, requireSsl = false) {
  const container = requireSsl ? planned.verified : planned.insecure;
  const env: Record<string, string> = { DATABASE_URL: databaseUrl };
  for (const e of container.env) if (e.value !== undefined) env[e.name] = e.value;
  // The test's database name, as another instance would have it.
  env.CONVEX_DATABASE = database;
  return runPlannedScript(container.command, env);
}

describe("the Postgres init step against a real PostgreSQL", () => {
  it("reads DATABASE_URL from the Secret the backend's POSTGRES_URL reads, and names the instance's database", () => {
    expect(planned.verified.command.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
    expect(planned.verified.env.find((e) => e.name === "DATABASE_URL")?.value_from?.secret_key_ref).toEqual({ name: "alice-db", key: "url" });
    expect(planned.verified.env.filter((e) => e.value !== undefined)).toEqual([
      { name: "CONVEX_DATABASE", value: "convex_alice_dev" },
      { name: "PGDATABASE", value: "postgres" },
      { name: "PGCONNECT_TIMEOUT", value: "10" },
      { name: "PGSSLMODE", value: "require" },
      { name: "PGAPPNAME", value: "convex-database-init" },
    ].map((e) => expect.objectContaining(e)));
    expect(planned.insecure.env.find((e) => e.name === "PGSSLMODE")?.value).toBe("prefer");
  });

  beforeAll(() => {
    sql("DROP ROLE IF EXISTS convex_nocreatedb");
    sql("CREATE ROLE convex_nocreatedb LOGIN PASSWORD 'nocreate-pw'");
  });

  it("creates the instance's database on a fresh server, then does nothing the second time", () => {
    const database = databaseName("convex-alice-dev");
    expect(database).toBe("convex_alice_dev");
    sql(`DROP DATABASE IF EXISTS ${database}`);
    const first = runInit(url(pg.superuser, pg.password), database);
    expect(first).toEqual({ status: 0, output: "convex-database-init: created database convex_alice_dev\n" });
    expect(sql(`SELECT count(*) FROM pg_database WHERE datname = '${database}'`)).toBe("1");
    const second = runInit(url(pg.superuser, pg.password), database);
    expect(second).toEqual({ status: 0, output: "convex-database-init: database convex_alice_dev exists\n" });
    expect(first.output + second.output).not.toContain(pg.password);
  });

  it("fails naming CREATEDB when the role may not create databases, and creates nothing", () => {
    const result = runInit(url("convex_nocreatedb", "nocreate-pw"), "convex_nocreate_ws");
    expect(result.status).toBe(1);
    expect(result.output).toContain(`convex-database-init: the role in ${SOURCE} may not create databases: ALTER ROLE <role> CREATEDB, or create convex_nocreate_ws yourself`);
    expect(result.output).toContain("psql said:");
    expect(sql("SELECT count(*) FROM pg_database WHERE datname = 'convex_nocreate_ws'")).toBe("0");
    expect(result.output).not.toContain("nocreate-pw");
  });

  it("fails naming the credentials when the password is wrong", () => {
    const result = runInit(url(pg.superuser, "wrong-password-123"), "convex_x");
    expect(result.status).toBe(1);
    expect(result.output).toContain(`convex-database-init: the server refused the role or password in ${SOURCE}: fix the credentials there`);
    expect(result.output).not.toContain("wrong-password-123");
  });

  it("fails naming host and port when nothing listens there", () => {
    const result = runInit(`postgres://u:p@127.0.0.1:1`, "convex_x");
    expect(result.status).toBe(1);
    expect(result.output).toContain(`convex-database-init: cannot reach the server named in ${SOURCE}: check its host and port`);
  });

  it("fails naming requireSsl when TLS is required and the server has none", () => {
    const result = runInit(url(pg.superuser, pg.password), "convex_x", true);
    expect(result.status).toBe(1);
    expect(result.output).toContain("convex-database-init: the server does not offer TLS: enable it there, or set database.requireSsl: false");
  });

  it.each([
    ["a database name", "/convex", `${SOURCE} must end with HOST:PORT: remove the database name (Convex opens convex_x itself)`],
    ["a trailing slash", "/", `${SOURCE} must end with HOST:PORT: remove the database name (Convex opens convex_x itself)`],
    ["query parameters", "?sslmode=disable", `${SOURCE} must have no query parameters (database.requireSsl sets sslmode)`],
  ])("refuses a URL with %s before connecting, as Convex would", (_case, suffix, message) => {
    const result = runInit(url(pg.superuser, pg.password, suffix), "convex_x");
    expect(result).toEqual({ status: 1, output: `convex-database-init: ${message}\n` });
  });

  it.each([
    ["no username", `postgres://127.0.0.1:5432`, `${SOURCE} must name a role: postgres://USER:PASSWORD@HOST:PORT`],
    ["another scheme", `mysql://u:p@127.0.0.1:3306`, `${SOURCE} must start with postgres:// or postgresql://`],
    ["nothing", "", `${SOURCE} is empty or missing: put postgres://USER:PASSWORD@HOST:PORT in it`],
  ])("refuses %s", (_case, databaseUrl, message) => {
    expect(runInit(databaseUrl, "convex_x")).toEqual({ status: 1, output: `convex-database-init: ${message}\n` });
  });
});
