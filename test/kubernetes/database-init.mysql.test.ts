/**
 * The MySQL init step exactly as Kubernetes would run it: the init container's command and environment taken from
 * the workspace-kubernetes stack (database.kind: mysql) as the real terraform plans it (scripts/terraform-harness),
 * run with sh and the mysql client against a real MariaDB on 127.0.0.1 (DATABASE_URL, from the Secret in a cluster,
 * given here): it creates the database on a fresh server, is a no-op the second time, and fails naming the setting
 * to fix (no CREATE right, bad password, unreachable server, a URL Convex would refuse, TLS required by a server
 * without it). The URL's password never appears in what it prints.
 */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { databaseName } from "../../lib/core/database.ts";
import { planWithTerraform } from "../../scripts/terraform-harness/terraform.ts";
import { adminSql, databaseCount, mysqlUrl } from "../support/mysql-init.ts";
import { runPlannedScript } from "../support/planned-script.ts";
import { synthKubernetes } from "../support/synth.ts";

const server = inject("mysql");
const SOURCE = "database.urlSecretName (Secret alice-db, key url)";
const url = (user: string, password: string, suffix = "") => mysqlUrl(server, user, password, suffix);
const sql = (statement: string) => adminSql(server, statement);

interface EnvVar {
  name: string;
  value?: string;
  value_from?: { secret_key_ref: { name: string; key: string } };
}
interface PlannedPod {
  init_container: { command: string[]; env: EnvVar[] }[];
  container: { name: string; env: EnvVar[] }[];
}

/** The backend Deployment's pod, as terraform evaluates the synthesized stack. */
async function plannedPod(database: object): Promise<PlannedPod> {
  const plan = await planWithTerraform(synthKubernetes({ database: { kind: "mysql", urlSecretName: "alice-db", ...database } }));
  const backend = plan.resources.find((r) => r.type === "kubernetes_deployment_v1" && JSON.stringify(r.values).includes('"create-database"'));
  const spec = (backend?.values as { spec: { template: { spec: PlannedPod } } } | undefined)?.spec.template.spec;
  if (spec?.init_container?.[0] === undefined) throw new Error("no init container in the planned backend Deployment");
  return spec;
}

const planned = { verified: await plannedPod({}), insecure: await plannedPod({ requireSsl: false }) };

function runInit(databaseUrl: string, database: string, requireSsl = false) {
  const container = (requireSsl ? planned.verified : planned.insecure).init_container[0] as PlannedPod["init_container"][number];
  const env: Record<string, string> = { DATABASE_URL: databaseUrl };
  for (const e of container.env) if (e.value !== undefined) env[e.name] = e.value;
  // The test's database name, as another instance would have it.
  env.CONVEX_DATABASE = database;
  return runPlannedScript(container.command, env);
}

describe("the MySQL init step against a real MariaDB", () => {
  it("reads DATABASE_URL from the Secret the backend's MYSQL_URL reads, and names the instance's database", () => {
    const [init] = planned.verified.init_container;
    expect(init?.command.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
    const backendEnv = planned.verified.container.find((c) => c.name === "backend")?.env ?? [];
    expect(backendEnv.find((e) => e.name === "MYSQL_URL")?.value_from?.secret_key_ref).toEqual({ name: "alice-db", key: "url" });
    expect(init?.env.find((e) => e.name === "DATABASE_URL")?.value_from?.secret_key_ref).toEqual({ name: "alice-db", key: "url" });
    expect(init?.env.filter((e) => e.value !== undefined)).toEqual([
      { name: "CONVEX_DATABASE", value: "convex_alice_dev" },
      { name: "CONVEX_SSL_MODE", value: "REQUIRED" },
    ].map((e) => expect.objectContaining(e)));
    expect(planned.insecure.init_container[0]?.env.find((e) => e.name === "CONVEX_SSL_MODE")?.value).toBe("PREFERRED");
  });

  beforeAll(() => {
    sql("DROP USER IF EXISTS 'convex_nocreate'@'%'");
    sql("CREATE USER 'convex_nocreate'@'%' IDENTIFIED BY 'nocreate-pw'");
    sql("DROP USER IF EXISTS 'convex:special'@'%'");
    sql("CREATE USER 'convex:special'@'%' IDENTIFIED BY 'p@ss:w/rd%?#1'");
    sql("GRANT CREATE ON *.* TO 'convex:special'@'%'");
  });

  it("creates the instance's database on a fresh server, then does nothing the second time", () => {
    const database = databaseName("convex-alice-dev");
    expect(database).toBe("convex_alice_dev");
    sql(`DROP DATABASE IF EXISTS ${database}`);
    const first = runInit(url(server.admin, server.password), database);
    expect(first).toEqual({ status: 0, output: "convex-database-init: created database convex_alice_dev\n" });
    expect(databaseCount(server, database)).toBe("1");
    const second = runInit(url(server.admin, server.password), database);
    expect(second).toEqual({ status: 0, output: "convex-database-init: database convex_alice_dev exists\n" });
    expect(databaseCount(server, database)).toBe("1");
    expect(first.output + second.output).not.toContain(server.password);
  });

  it("percent-decodes the user and password as Convex's driver does", () => {
    sql("DROP DATABASE IF EXISTS convex_special_ws");
    const result = runInit(url("convex:special", "p@ss:w/rd%?#1"), "convex_special_ws");
    expect(result).toEqual({ status: 0, output: "convex-database-init: created database convex_special_ws\n" });
    expect(databaseCount(server, "convex_special_ws")).toBe("1");
  });

  it("fails naming the CREATE right when the user may not create databases, and creates nothing", () => {
    const result = runInit(url("convex_nocreate", "nocreate-pw"), "convex_nocreate_ws");
    expect(result.status).toBe(1);
    expect(result.output).toContain(
      `convex-database-init: the user in ${SOURCE} may not create databases: GRANT CREATE ON *.* TO <user> (or ALL ON convex_nocreate_ws.*), or create convex_nocreate_ws yourself`,
    );
    expect(result.output).toContain("mysql said:");
    expect(result.output).toContain("ERROR 1044");
    expect(databaseCount(server, "convex_nocreate_ws")).toBe("0");
    expect(result.output).not.toContain("nocreate-pw");
  });

  it("finds a database created for the user beforehand, with rights on that database only", () => {
    sql("CREATE DATABASE IF NOT EXISTS convex_granted_ws");
    sql("GRANT ALL ON convex_granted_ws.* TO 'convex_nocreate'@'%'");
    expect(runInit(url("convex_nocreate", "nocreate-pw"), "convex_granted_ws")).toEqual({ status: 0, output: "convex-database-init: database convex_granted_ws exists\n" });
  });

  it("fails naming the credentials when the password is wrong", () => {
    const result = runInit(url(server.admin, "wrong-password-123"), "convex_x");
    expect(result.status).toBe(1);
    expect(result.output).toContain(`convex-database-init: the server refused the user or password in ${SOURCE}: fix the credentials there (and the host the user may connect from)`);
    expect(result.output).not.toContain("wrong-password-123");
  });

  it("fails naming host and port when nothing listens there", () => {
    const result = runInit("mysql://u:p@127.0.0.1:1", "convex_x");
    expect(result.status).toBe(1);
    expect(result.output).toContain(`convex-database-init: cannot reach the server named in ${SOURCE}: check its host and port, and that this workload may connect to it`);
  });

  it("fails naming requireSsl when TLS is required and the server has none", () => {
    const result = runInit(url(server.admin, server.password), "convex_x", true);
    expect(result.status).toBe(1);
    expect(result.output).toContain("convex-database-init: the server does not offer TLS: enable it there, or set database.requireSsl: false");
  });

  it.each([
    ["a database name", "/convex", `${SOURCE} must end with HOST:PORT: remove the database name (Convex opens convex_x itself)`],
    ["a trailing slash", "/", `${SOURCE} must end with HOST:PORT: remove the database name (Convex opens convex_x itself)`],
    ["query parameters", "?require_ssl=false", `${SOURCE} must have no query parameters (database.requireSsl sets require_ssl and verify_ca)`],
  ])("refuses a URL with %s before connecting, as Convex would", (_case, suffix, message) => {
    const result = runInit(url(server.admin, server.password, suffix), "convex_x");
    expect(result).toEqual({ status: 1, output: `convex-database-init: ${message}\n` });
  });

  it.each([
    ["no username", "mysql://127.0.0.1:3306", `${SOURCE} must name a user: mysql://USER:PASSWORD@HOST:PORT`],
    ["another scheme", "postgres://u:p@127.0.0.1:5432", `${SOURCE} must start with mysql://`],
    ["nothing", "", `${SOURCE} is empty or missing: put mysql://USER:PASSWORD@HOST:PORT in it`],
    ["a port that is not a number", "mysql://u:p@127.0.0.1:port", `${SOURCE} has a port that is not a number: mysql://USER:PASSWORD@HOST:PORT`],
  ])("refuses %s", (_case, databaseUrl, message) => {
    expect(runInit(databaseUrl, "convex_x")).toEqual({ status: 1, output: `convex-database-init: ${message}\n` });
  });
});
