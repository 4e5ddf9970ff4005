/**
 * The template's database choice (stacks/template-database.ts), on a stack of its own: the require-SSL variable, the
 * database locals, the init step's TLS mode and DO_NOT_REQUIRE_SSL, as synthesized and as the real terraform
 * evaluates them (test/support/template-eval.ts), for SQLite, a Postgres and a MySQL server. Expected values are
 * written out by hand. The templates' own wiring: docker.test.ts, kubernetes.test.ts; against real servers:
 * database-init.pg.test.ts, database-init.mysql.test.ts.
 */
import { App, DataResource, Testing, TerraformStack, TerraformVariable } from "cdktf";
import { describe, expect, it } from "vitest";
import { entry } from "../../lib/core/env.ts";
import { isSet, REQUIRE_SSL_VARIABLE, TEMPLATE_DATABASES, templateDatabase, withTemplateSsl } from "../../stacks/template-database.ts";
import { coderInputs } from "../../stacks/template-shared.ts";
import { setupOnce } from "../support/setup-once.ts";
import { evaluateBuild, type CoderBuildInput, type TemplateJson } from "../support/template-eval.ts";

type Body = Record<string, unknown>;
const WORKSPACE_ID = "6f1c1a2e-8a7b-4f0e-9d3c-2b1a0f9e8d7c"; // the workspace id template-eval.ts hands every build
const VARS = { wildcard_access_url: "*.apps.example.com" };

let json: TemplateJson;

/** A stack with the shared inputs, a server variable and its kind, and a probe carrying what templateDatabase returns. */
function databaseStack(): TerraformStack {
  const stack = new TerraformStack(new App(), "database");
  const inputs = coderInputs(stack);
  const server = new TerraformVariable(stack, "server_url", { type: "string", default: "" });
  const kind = new TerraformVariable(stack, "server_kind", { type: "string", default: "postgres" });
  const database = templateDatabase(stack, inputs, isSet(server.stringValue), kind.stringValue);
  const env = withTemplateSsl([entry("INSTANCE_NAME", "convex"), entry("DO_NOT_REQUIRE_SSL", "true"), entry("POSTGRES_URL", "postgres://db")], database);
  new DataResource(stack, "Probe", {
    input: {
      kind: database.kind,
      instanceName: database.instanceName,
      databaseName: database.databaseName,
      isSqlite: database.is("sqlite"),
      isPostgres: database.is("postgres"),
      isMysql: database.is("mysql"),
      postgresSsl: database.sslMode("postgres"),
      mysqlSsl: database.sslMode("mysql"),
      doNotRequireSsl: database.doNotRequireSsl,
      env,
      set: isSet(server.stringValue),
    },
  });
  return stack;
}

setupOnce(() => {
  json = JSON.parse(Testing.synth(databaseStack())) as TemplateJson;
}, 120_000);

const probe = (): Body => (json.resource.terraform_data?.Probe?.input ?? {}) as Body;

describe("template database: as written", () => {
  it("declares database_require_ssl: a bool, on by default, saying what Convex appends and when to turn it off", () => {
    expect(REQUIRE_SSL_VARIABLE).toBe("database_require_ssl");
    expect(TEMPLATE_DATABASES).toEqual(["sqlite", "postgres", "mysql"]);
    expect(json.variable?.database_require_ssl).toEqual({
      type: "bool",
      default: true,
      description:
        "Require TLS to the shared Postgres or MySQL server (Convex appends sslmode=require, or require_ssl=true&verify_ca=true for MySQL). " +
        "Set false for a server without TLS on a network you trust.",
    });
  });

  it("the locals: the database kind, the instance name (convex with SQLite) and the database name", () => {
    expect(json.locals).toMatchObject({
      database: '${(length(var.server_url) >= 1) ? var.server_kind : "sqlite"}',
      instance_name: '${(local.database == "sqlite") ? "convex" : "convex-${data.coder_workspace.me.id}"}',
      database_name: '${replace(local.instance_name, "-", "_")}',
    });
    expect(probe()).toMatchObject({
      kind: "${local.database}",
      instanceName: "${local.instance_name}",
      databaseName: "${local.database_name}",
      isSqlite: '${(local.database == "sqlite")}',
      isMysql: '${(local.database == "mysql")}',
      postgresSsl: '${var.database_require_ssl ? "require" : "prefer"}',
      mysqlSsl: '${var.database_require_ssl ? "REQUIRED" : "PREFERRED"}',
      set: "${(length(var.server_url) >= 1)}",
    });
  });

  it("withTemplateSsl: DO_NOT_REQUIRE_SSL follows the variable, every other entry is kept as it was", () => {
    expect(probe().env).toEqual([
      { name: "INSTANCE_NAME", value: { kind: "literal", value: "convex" } },
      { name: "DO_NOT_REQUIRE_SSL", value: { kind: "literal", value: '${var.database_require_ssl ? "" : "true"}' } },
      { name: "POSTGRES_URL", value: { kind: "literal", value: "postgres://db" } },
    ]);
  });
});

describe("template database per build, evaluated by terraform", () => {
  const input = (vars: Record<string, string>): CoderBuildInput => ({
    storageMode: "local",
    startCount: 1,
    vars: { ...VARS, ...vars },
    expressions: Object.fromEntries(Object.entries(probe()).filter(([k]) => k !== "env")),
  });
  let values: Record<string, Record<string, unknown>>;
  setupOnce(() => {
    values = {
      sqlite: evaluateBuild(json, input({})).values,
      postgres: evaluateBuild(json, input({ server_url: "postgres://convex:secret@db.example:5432", database_require_ssl: "false" })).values,
      mysql: evaluateBuild(json, input({ server_url: "mysql://convex:secret@db.example:3306", server_kind: "mysql" })).values,
    };
  }, 120_000);

  it("SQLite without a server: instance convex (as before the database variables), TLS required", () => {
    expect(values.sqlite).toEqual({
      kind: "sqlite",
      instanceName: "convex",
      databaseName: "convex",
      isSqlite: true,
      isPostgres: false,
      isMysql: false,
      postgresSsl: "require",
      mysqlSsl: "REQUIRED",
      doNotRequireSsl: "",
      set: false,
    });
  });

  it("a Postgres server with TLS off: the workspace's own instance and database, libpq's prefer, DO_NOT_REQUIRE_SSL true", () => {
    expect(values.postgres).toEqual({
      kind: "postgres",
      instanceName: `convex-${WORKSPACE_ID}`,
      databaseName: `convex_${WORKSPACE_ID.replace(/-/g, "_")}`,
      isSqlite: false,
      isPostgres: true,
      isMysql: false,
      postgresSsl: "prefer",
      mysqlSsl: "PREFERRED",
      doNotRequireSsl: "true",
      set: true,
    });
  });

  it("a MySQL server with TLS required: the kind the template names, the client's REQUIRED", () => {
    expect(values.mysql).toMatchObject({ kind: "mysql", isMysql: true, isPostgres: false, instanceName: `convex-${WORKSPACE_ID}`, mysqlSsl: "REQUIRED", doNotRequireSsl: "" });
  });
});
