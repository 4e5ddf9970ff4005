// planWorkspace's `database:` resolution (lib/core/plan.ts) against hand-written plans and messages: where each
// target reads a Postgres or MySQL server's URL from, the TLS requirement, the CA bundle, and the settings of the
// other target refused by name.
import { describe, expect, it } from "vitest";
import { parseWorkspaceConfig } from "../../lib/core/config.ts";
import { envToRecord } from "../../lib/core/env.ts";
import { planWorkspace, type Target } from "../../lib/core/plan.ts";
import { problems } from "../support/config-problems.ts";

const plan = (target: Target, database: object) =>
  planWorkspace(parseWorkspaceConfig({ workspace: { name: "alice-dev" }, database }), { target, minioEndpoint: "http://convex-alice-dev-minio:9000" });
const fail = (target: Target, database: object) => problems(() => plan(target, database));

describe("planWorkspace: database on Kubernetes", () => {
  it("reads the URL from the Secret the file names, requires TLS by default, and gives the backend the URL by reference", () => {
    const p = plan("kubernetes", { kind: "postgres", urlSecretName: "alice-db" });
    expect(p.database).toEqual({ kind: "postgres", name: "convex_alice_dev", server: { kind: "secret", name: "alice-db", key: "url" }, requireSsl: true, ca: undefined });
    const env = envToRecord(p.backendEnv);
    expect(env.POSTGRES_URL).toBe("<ref:databaseUrl>");
    expect([env.PG_CA_FILE, env.DO_NOT_REQUIRE_SSL]).toEqual([undefined, undefined]);
  });

  it("mounts the CA bundle the file names and points the backend at it; requireSsl: false is kept", () => {
    const p = plan("kubernetes", { kind: "mysql", urlSecretName: "alice-db", urlSecretKey: "MYSQL_URL", caSecretName: "db-ca", caSecretKey: "root.pem", requireSsl: false });
    expect(p.database).toEqual({
      kind: "mysql",
      name: "convex_alice_dev",
      server: { kind: "secret", name: "alice-db", key: "MYSQL_URL" },
      requireSsl: false,
      ca: { secretName: "db-ca", key: "root.pem", file: "/convex/database-ca/root.pem" },
    });
    expect(envToRecord(p.backendEnv)).toMatchObject({ MYSQL_URL: "<ref:databaseUrl>", MYSQL_CA_FILE: "/convex/database-ca/root.pem", DO_NOT_REQUIRE_SSL: "true" });
  });

  it("fails if the Secret is not named, or Docker's URL settings are given, saying where the URL goes", () => {
    expect(fail("kubernetes", { kind: "mysql", urlEnv: "ALICE_DB_URL", urlFile: "~/db.env" })).toEqual([
      'database.urlEnv: got "ALICE_DB_URL"; this is a Docker setting; on Kubernetes name the Secret with the URL in database.urlSecretName',
      'database.urlFile: got "~/db.env"; this is a Docker setting; on Kubernetes name the Secret with the URL in database.urlSecretName',
      "database.urlSecretName: got (not set); name the Secret in namespace convex whose key url holds mysql://USER:PASSWORD@HOST:PORT (no database name)",
    ]);
    expect(fail("kubernetes", { kind: "postgres", urlSecretKey: "pg" })).toEqual([
      "database.urlSecretName: got (not set); name the Secret in namespace convex whose key pg holds postgres://USER:PASSWORD@HOST:PORT (no database name)",
    ]);
  });
});

describe("planWorkspace: database on Docker", () => {
  it("runs the workspace's own server container without TLS when no server is named", () => {
    const p = plan("docker", { kind: "postgres" });
    expect(p.database).toEqual({ kind: "postgres", name: "convex_alice_dev", server: { kind: "container" }, requireSsl: false, ca: undefined });
    expect(envToRecord(p.backendEnv)).toMatchObject({ POSTGRES_URL: "<ref:databaseUrl>", DO_NOT_REQUIRE_SSL: "true" });
  });

  it("reads a named server's URL from the variable or the file the file names, with TLS required unless turned off", () => {
    expect(plan("docker", { kind: "mysql", urlEnv: "ALICE_DB_URL" }).database).toMatchObject({ server: { kind: "environment", variable: "ALICE_DB_URL" }, requireSsl: true });
    expect(plan("docker", { kind: "postgres", urlFile: "~/.config/convex/alice-db.env", requireSsl: false }).database).toMatchObject({
      server: { kind: "file", path: "~/.config/convex/alice-db.env" },
      requireSsl: false,
    });
  });

  it("keeps requireSsl: true for a server the file names, on either target", () => {
    expect(plan("docker", { kind: "mysql", urlEnv: "ALICE_DB_URL", requireSsl: true }).database).toMatchObject({ server: { kind: "environment" }, requireSsl: true });
    expect(plan("kubernetes", { kind: "postgres", urlSecretName: "alice-db", requireSsl: true }).database).toMatchObject({ server: { kind: "secret" }, requireSsl: true });
  });

  it("fails if TLS is required of the workspace's own container", () => {
    expect(fail("docker", { kind: "mysql", requireSsl: true })).toEqual([
      "database.requireSsl: got true; the workspace's own MySQL container has no TLS (only the workspace network reaches it): remove requireSsl, or name a server with TLS in database.urlEnv or database.urlFile",
    ]);
  });

  it("fails if Kubernetes's Secret settings, both URL sources or an unsafe file path are given", () => {
    const dockerWays = "on Docker leave it out for the workspace's own Postgres container, or name a server in database.urlEnv or database.urlFile";
    expect(fail("docker", { kind: "postgres", urlSecretName: "alice-db", caSecretName: "db-ca" })).toEqual([
      `database.urlSecretName: got "alice-db"; this is a Kubernetes setting; ${dockerWays}`,
      `database.caSecretName: got "db-ca"; this is a Kubernetes setting; ${dockerWays}`,
    ]);
    expect(fail("docker", { kind: "postgres", urlEnv: "ALICE_DB_URL", urlFile: "~/db.env" })).toEqual(['database.urlFile: got "~/db.env"; give either database.urlEnv or database.urlFile, not both']);
    expect(fail("docker", { kind: "postgres", urlFile: "/db${x}.env" })).toEqual([`database.urlFile: got "/db\${x}.env"; use a path without '"', '\\', '\${', '%{' or line breaks`]);
  });
});

describe("planWorkspace: SQLite", () => {
  it("fails on every server setting given with kind sqlite, on either target", () => {
    const fix = "this is a Postgres or MySQL setting: set database.kind: postgres or mysql, or remove it";
    const all = { urlSecretName: "alice-db", caSecretName: "db-ca", urlEnv: "ALICE_DB_URL", urlFile: "~/db.env", requireSsl: false };
    const expected = [
      `database.urlSecretName: got "alice-db"; ${fix}`,
      `database.caSecretName: got "db-ca"; ${fix}`,
      `database.urlEnv: got "ALICE_DB_URL"; ${fix}`,
      `database.urlFile: got "~/db.env"; ${fix}`,
      `database.requireSsl: got false; ${fix}`,
    ];
    expect(fail("kubernetes", all)).toEqual(expected);
    expect(fail("docker", all)).toEqual(expected);
    expect(plan("docker", {}).database).toEqual({ kind: "sqlite" });
  });
});
