/**
 * The Docker target's MySQL init step exactly as Docker would run it: the one-shot container's entrypoint and
 * environment taken from the workspace-docker stack (database.kind: mysql) as the real terraform plans it
 * (scripts/terraform-harness), run with sh and the mysql client against a real MariaDB on 127.0.0.1. With
 * `database.urlEnv` the URL itself is in the plan and is used as planned, and it is the backend's MYSQL_URL, with no
 * database name; for the workspace's own MySQL container (its password is generated at apply time) the URL the
 * container would get is given here, as Docker would. It creates the database on a fresh server, is a no-op the
 * second time, and fails naming where the URL comes from.
 */
import { Testing } from "cdktf";
import { afterAll, describe, expect, inject, it } from "vitest";
import { planWithTerraform } from "../../scripts/terraform-harness/terraform.ts";
import { DOCKER_STACK_ID, WorkspaceDockerStack } from "../../stacks/workspace-docker.ts";
import { dockerPlan, FIXTURE_BUNDLE } from "../support/docker-synth.ts";
import { adminSql, databaseCount, mysqlUrl } from "../support/mysql-init.ts";
import { runPlannedScript } from "../support/planned-script.ts";
import type { TerraformJson } from "../support/synth.ts";

const server = inject("mysql");
const url = (user: string, password: string) => mysqlUrl(server, user, password);
const sql = (statement: string) => adminSql(server, statement);
const ENV_SOURCE = "database.urlEnv (environment variable BOB_DB_URL)";

interface PlannedContainer {
  name: string;
  entrypoint: string[];
  env: (string | null)[];
  user: string;
}

/** The planned containers of the workspace-docker stack by name, as terraform evaluates them. */
async function plannedContainers(raw: object, environment: Record<string, string> = {}): Promise<Map<string, PlannedContainer>> {
  // Another workspace than test/kubernetes/database-init.mysql.test.ts, which runs against the same server meanwhile.
  const stack = new WorkspaceDockerStack(Testing.app(), DOCKER_STACK_ID, { plan: dockerPlan({ workspace: { name: "bob-dev" }, ...raw }), proxyBundle: FIXTURE_BUNDLE, environment });
  const plan = await planWithTerraform(JSON.parse(Testing.synth(stack)) as TerraformJson);
  return new Map(plan.resources.filter((r) => r.type === "docker_container").map((r) => [String(r.values.name), r.values as unknown as PlannedContainer]));
}

function envOf(container: PlannedContainer | undefined): Record<string, string> {
  if (container === undefined) throw new Error("no such container in the planned stack");
  const env: Record<string, string> = {};
  for (const e of container.env) {
    if (typeof e !== "string") continue;
    const at = e.indexOf("=");
    env[e.slice(0, at)] = e.slice(at + 1);
  }
  return env;
}

const INIT = "convex-bob-dev-create-database";
const external = await plannedContainers({ database: { kind: "mysql", urlEnv: "BOB_DB_URL", requireSsl: false } }, { BOB_DB_URL: url(server.admin, server.password) });
const own = await plannedContainers({ database: { kind: "mysql" } });
const planned = { external: external.get(INIT) as PlannedContainer, container: own.get(INIT) as PlannedContainer };

/** Runs the planned entrypoint with the planned environment (DATABASE_URL replaced when `databaseUrl` is given). */
function runInit(container: PlannedContainer, overrides: { databaseUrl?: string; database?: string } = {}) {
  const env = envOf(container);
  if (overrides.databaseUrl !== undefined) env.DATABASE_URL = overrides.databaseUrl;
  if (overrides.database !== undefined) env.CONVEX_DATABASE = overrides.database;
  return runPlannedScript(container.entrypoint, env);
}

describe("the Docker MySQL init container against a real MariaDB", () => {
  afterAll(() => {
    sql("DROP DATABASE IF EXISTS convex_bob_dev");
    sql("DROP DATABASE IF EXISTS convex_docker_ws");
    sql("DROP USER IF EXISTS 'convex_docker_nocreate'@'%'");
  });

  it("is planned as a one-shot mysql container of the pinned image, as the image's user, with the instance's database", () => {
    for (const c of [planned.external, planned.container]) {
      expect(c.entrypoint.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
      expect(c.user).toBe("999:999");
      expect(c.env.filter((e) => typeof e === "string" && !e.startsWith("DATABASE_URL="))).toEqual(["CONVEX_DATABASE=convex_bob_dev", "CONVEX_SSL_MODE=PREFERRED"]);
    }
    // The environment variable's URL is in the plan as given (sensitive); the container's is unknown until apply.
    expect(envOf(planned.external).DATABASE_URL).toBe(url(server.admin, server.password));
    expect(planned.container.env.some((e) => typeof e === "string" && e.startsWith("DATABASE_URL="))).toBe(false);
  });

  it("gives the backend the very URL the init step used: MYSQL_URL with no database name and no query", () => {
    const backend = envOf(external.get("convex-bob-dev-backend"));
    expect(backend.MYSQL_URL).toBe(envOf(planned.external).DATABASE_URL);
    const parsed = new URL(backend.MYSQL_URL as string);
    expect({ path: parsed.pathname, query: parsed.search }).toEqual({ path: "", query: "" });
    expect(backend.DO_NOT_REQUIRE_SSL).toBe("true");
  });

  it("creates the instance's database on a fresh server with the planned URL, then does nothing the second time", () => {
    sql("DROP DATABASE IF EXISTS convex_bob_dev");
    const first = runInit(planned.external);
    expect(first).toEqual({ status: 0, output: "convex-database-init: created database convex_bob_dev\n" });
    expect(databaseCount(server, "convex_bob_dev")).toBe("1");
    const second = runInit(planned.external);
    expect(second).toEqual({ status: 0, output: "convex-database-init: database convex_bob_dev exists\n" });
    expect(first.output + second.output).not.toContain(server.password);
  });

  it("creates the database of the workspace's own container with the URL that container gets", () => {
    sql("DROP DATABASE IF EXISTS convex_docker_ws");
    const result = runInit(planned.container, { databaseUrl: url(server.admin, server.password), database: "convex_docker_ws" });
    expect(result).toEqual({ status: 0, output: "convex-database-init: created database convex_docker_ws\n" });
    expect(databaseCount(server, "convex_docker_ws")).toBe("1");
  });

  it("fails naming the environment variable and the CREATE right when the user may not create databases", () => {
    sql("DROP USER IF EXISTS 'convex_docker_nocreate'@'%'");
    sql("CREATE USER 'convex_docker_nocreate'@'%' IDENTIFIED BY 'docker-nocreate-pw'");
    const result = runInit(planned.external, { databaseUrl: url("convex_docker_nocreate", "docker-nocreate-pw"), database: "convex_docker_nocreate" });
    expect(result.status).toBe(1);
    expect(result.output).toContain(
      `convex-database-init: the user in ${ENV_SOURCE} may not create databases: GRANT CREATE ON *.* TO <user> (or ALL ON convex_docker_nocreate.*), or create convex_docker_nocreate yourself`,
    );
    expect(databaseCount(server, "convex_docker_nocreate")).toBe("0");
    expect(result.output).not.toContain("docker-nocreate-pw");
  });

  it("fails naming the workspace's container when its password is refused", () => {
    const result = runInit(planned.container, { databaseUrl: url(server.admin, "wrong-password-456") });
    expect(result.status).toBe(1);
    expect(result.output).toContain("convex-database-init: the server refused the user or password in the workspace's MySQL container convex-bob-dev-mysql: fix the credentials there");
    expect(result.output).not.toContain("wrong-password-456");
  });

  it("fails naming host and port when nothing listens there", () => {
    const result = runInit(planned.external, { databaseUrl: "mysql://u:p@127.0.0.1:1" });
    expect(result.status).toBe(1);
    expect(result.output).toContain(`convex-database-init: cannot reach the server named in ${ENV_SOURCE}: check its host and port`);
  });
});
