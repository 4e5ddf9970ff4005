/**
 * The Docker target's database init step exactly as Docker would run it: the one-shot container's entrypoint and
 * environment taken from the workspace-docker stack as the real terraform plans it (scripts/terraform-harness), run
 * with sh and psql against a real PostgreSQL on 127.0.0.1. With `database.urlEnv` the URL itself is in the plan and
 * is used as planned; for the workspace's own Postgres container (its password is generated at apply time) the URL
 * the container would get is given here, as Docker would. It creates the database on a fresh server, is a no-op the
 * second time, and fails naming where the URL comes from (no CREATEDB, bad password, unreachable server). The
 * password never appears in what it prints.
 */
import { Testing } from "cdktf";
import { afterAll, describe, expect, inject, it } from "vitest";
import { planWithTerraform } from "../../scripts/terraform-harness/terraform.ts";
import { DOCKER_STACK_ID, WorkspaceDockerStack } from "../../stacks/workspace-docker.ts";
import { dockerPlan, FIXTURE_BUNDLE } from "../support/docker-synth.ts";
import { serverUrl, superuserSql } from "../support/pg-init.ts";
import { runPlannedScript } from "../support/planned-script.ts";
import type { TerraformJson } from "../support/synth.ts";

const pg = inject("postgres");
const url = (user: string, password: string) => serverUrl(pg, user, password);
const sql = (statement: string) => superuserSql(pg, statement);
const ENV_SOURCE = "database.urlEnv (environment variable ALICE_PG_URL)";

interface PlannedContainer {
  name: string;
  entrypoint: string[];
  env: (string | null)[];
  user: string;
}

/** The init container of the workspace-docker stack, as terraform evaluates it. */
async function plannedInit(raw: object, environment: Record<string, string> = {}): Promise<PlannedContainer> {
  // Another workspace than test/kubernetes/database-init.pg.test.ts, which runs against the same server meanwhile.
  const stack = new WorkspaceDockerStack(Testing.app(), DOCKER_STACK_ID, { plan: dockerPlan({ workspace: { name: "bob-dev" }, ...raw }), proxyBundle: FIXTURE_BUNDLE, environment });
  const plan = await planWithTerraform(JSON.parse(Testing.synth(stack)) as TerraformJson);
  const init = plan.resources.find((r) => r.type === "docker_container" && r.values.name === "convex-bob-dev-create-database");
  if (init === undefined) throw new Error("no create-database container in the planned stack");
  return init.values as unknown as PlannedContainer;
}

const planned = {
  external: await plannedInit({ database: { kind: "postgres", urlEnv: "ALICE_PG_URL", requireSsl: false } }, { ALICE_PG_URL: url(pg.superuser, pg.password) }),
  container: await plannedInit({ database: { kind: "postgres" } }),
};

/** Runs the planned entrypoint with the planned environment (DATABASE_URL replaced when `databaseUrl` is given). */
function runInit(container: PlannedContainer, overrides: { databaseUrl?: string; database?: string } = {}) {
  const env: Record<string, string> = {};
  for (const e of container.env) {
    if (typeof e !== "string") continue;
    const at = e.indexOf("=");
    env[e.slice(0, at)] = e.slice(at + 1);
  }
  if (overrides.databaseUrl !== undefined) env.DATABASE_URL = overrides.databaseUrl;
  if (overrides.database !== undefined) env.CONVEX_DATABASE = overrides.database;
  return runPlannedScript(container.entrypoint, env);
}

describe("the Docker database init container against a real PostgreSQL", () => {
  afterAll(() => {
    sql("DROP DATABASE IF EXISTS convex_bob_dev");
    sql("DROP DATABASE IF EXISTS convex_docker_ws");
    sql("DROP ROLE IF EXISTS convex_docker_nocreatedb");
  });

  it("is planned as a one-shot psql container of the pinned image, non-root, with the instance's database and sslmode", () => {
    for (const c of [planned.external, planned.container]) {
      expect(c.entrypoint.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
      expect(c.user).toBe("70:70");
      expect(c.env.filter((e) => typeof e === "string" && !e.startsWith("DATABASE_URL="))).toEqual([
        "CONVEX_DATABASE=convex_bob_dev",
        "PGDATABASE=postgres",
        "PGCONNECT_TIMEOUT=10",
        "PGSSLMODE=prefer",
        "PGAPPNAME=convex-database-init",
      ]);
    }
    // The environment variable's URL is in the plan as given (sensitive); the container's is unknown until apply.
    expect(planned.external.env).toContain(`DATABASE_URL=${url(pg.superuser, pg.password)}`);
    expect(planned.container.env.some((e) => typeof e === "string" && e.startsWith("DATABASE_URL="))).toBe(false);
  });

  it("creates the instance's database on a fresh server with the planned URL, then does nothing the second time", () => {
    sql("DROP DATABASE IF EXISTS convex_bob_dev");
    const first = runInit(planned.external);
    expect(first).toEqual({ status: 0, output: "convex-database-init: created database convex_bob_dev\n" });
    expect(sql("SELECT count(*) FROM pg_database WHERE datname = 'convex_bob_dev'")).toBe("1");
    const second = runInit(planned.external);
    expect(second).toEqual({ status: 0, output: "convex-database-init: database convex_bob_dev exists\n" });
    expect(first.output + second.output).not.toContain(pg.password);
  });

  it("creates the database of the workspace's own container with the URL that container gets", () => {
    sql("DROP DATABASE IF EXISTS convex_docker_ws");
    const result = runInit(planned.container, { databaseUrl: url(pg.superuser, pg.password), database: "convex_docker_ws" });
    expect(result).toEqual({ status: 0, output: "convex-database-init: created database convex_docker_ws\n" });
    expect(sql("SELECT count(*) FROM pg_database WHERE datname = 'convex_docker_ws'")).toBe("1");
  });

  it("fails naming the environment variable and CREATEDB when the role may not create databases", () => {
    sql("DROP ROLE IF EXISTS convex_docker_nocreatedb");
    sql("CREATE ROLE convex_docker_nocreatedb LOGIN PASSWORD 'docker-nocreate-pw'");
    const result = runInit(planned.external, { databaseUrl: url("convex_docker_nocreatedb", "docker-nocreate-pw"), database: "convex_docker_nocreate" });
    expect(result.status).toBe(1);
    expect(result.output).toContain(`convex-database-init: the role in ${ENV_SOURCE} may not create databases: ALTER ROLE <role> CREATEDB, or create convex_docker_nocreate yourself`);
    expect(sql("SELECT count(*) FROM pg_database WHERE datname = 'convex_docker_nocreate'")).toBe("0");
    expect(result.output).not.toContain("docker-nocreate-pw");
  });

  it("fails naming the workspace's container when its password is refused", () => {
    const result = runInit(planned.container, { databaseUrl: url(pg.superuser, "wrong-password-456") });
    expect(result.status).toBe(1);
    expect(result.output).toContain("convex-database-init: the server refused the role or password in the workspace's Postgres container convex-bob-dev-postgres: fix the credentials there");
    expect(result.output).not.toContain("wrong-password-456");
  });

  it("fails naming host and port when nothing listens there", () => {
    const result = runInit(planned.external, { databaseUrl: "postgres://u:p@127.0.0.1:1" });
    expect(result.status).toBe(1);
    expect(result.output).toContain(`convex-database-init: cannot reach the server named in ${ENV_SOURCE}: check its host and port`);
  });
});
