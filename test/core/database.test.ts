/** The database name, the URL checks of each server kind, and the backend's database variables. */
import { describe, expect, it } from "vitest";
import { backendEnvironment } from "../../lib/core/backend-env.ts";
import { databaseName, databaseUrlIssues, SERVER_DATABASES } from "../../lib/core/database.ts";
import { databaseInitStep, initSslMode } from "../../lib/core/database-init.ts";
import { envToRecord } from "../../lib/core/env.ts";
import { Storage } from "../../lib/core/storage.ts";

const FIELD = "database.urlEnv (environment variable DB_URL)";

describe("databaseName", () => {
  it("is the instance name with every '-' turned into '_' (Convex's deployment_name.replace('-', \"_\"))", () => {
    expect(databaseName("convex-self-hosted")).toBe("convex_self_hosted");
    expect(databaseName("convex-5f0c2d9e-7b1a")).toBe("convex_5f0c2d9e_7b1a");
  });
});

describe("databaseUrlIssues for MySQL", () => {
  it.each([
    ["user, password, host and port", "mysql://convex:secret@db.example.com:3306"],
    ["no password and no port (Convex's own example)", "mysql://convex@host.docker.internal"],
    ["an IPv6 host", "mysql://convex:pw@[fd00::1]:3306"],
    ["a percent-encoded password", "mysql://convex:p%40ss%3Aword@db:3306"],
  ])("accepts %s", (_case, url) => {
    expect(databaseUrlIssues("mysql", url, FIELD)).toEqual([]);
  });

  it("fails on a postgres:// URL, naming the field and hiding the password", () => {
    expect(databaseUrlIssues("mysql", "postgres://convex:secret@db:5432", FIELD)).toEqual([{ field: FIELD, value: '"postgres://convex:***@db:5432"', fix: "use a mysql:// URL" }]);
  });

  it("fails on a database name, a trailing slash, a query and a missing user, each with its fix", () => {
    const shown = (url: string) => JSON.stringify(url);
    expect(databaseUrlIssues("mysql", "mysql://db:3306/convex_self_hosted?require_ssl=false", FIELD)).toEqual([
      { field: FIELD, value: shown("mysql://db:3306/convex_self_hosted?require_ssl=false"), fix: "put the user in the URL (mysql://USER:PASSWORD@HOST:PORT): Convex refuses a URL without a username" },
      { field: FIELD, value: shown("mysql://db:3306/convex_self_hosted?require_ssl=false"), fix: "remove the database name from the URL: Convex opens the database named after the instance itself" },
      { field: FIELD, value: shown("mysql://db:3306/convex_self_hosted?require_ssl=false"), fix: "remove the query parameters: Convex adds require_ssl and verify_ca itself (database.requireSsl)" },
    ]);
    expect(databaseUrlIssues("mysql", "mysql://u:pw@db:3306/", FIELD)).toEqual([{ field: FIELD, value: shown("mysql://u:***@db:3306/"), fix: "remove the trailing '/': the URL must end with HOST:PORT" }]);
    expect(databaseUrlIssues("mysql", "not a url", FIELD)).toEqual([{ field: FIELD, value: "(not a URL)", fix: "use mysql://USER:PASSWORD@HOST:PORT, e.g. mysql://convex:secret@db.example.com:3306" }]);
  });

  it("keeps Postgres's rules: both schemes, a role", () => {
    expect(databaseUrlIssues("postgres", "postgresql://convex:pw@db:5432", FIELD)).toEqual([]);
    expect(databaseUrlIssues("postgres", "mysql://convex:pw@db:3306", FIELD)).toEqual([{ field: FIELD, value: '"mysql://convex:***@db:3306"', fix: "use a postgres:// or postgresql:// URL" }]);
  });
});

describe("the MySQL init step's inputs", () => {
  it("maps requireSsl and a CA to the client's --ssl-mode: PREFERRED, REQUIRED, VERIFY_CA with CONVEX_SSL_CA", () => {
    expect(initSslMode("mysql", false)).toBe("PREFERRED");
    expect(initSslMode("mysql", true)).toBe("REQUIRED");
    expect(databaseInitStep("mysql", { database: "convex_a", urlSource: "s", requireSsl: true, caFile: "/ca/ca.crt" }).env).toEqual({ CONVEX_DATABASE: "convex_a", CONVEX_SSL_MODE: "VERIFY_CA", CONVEX_SSL_CA: "/ca/ca.crt" });
    expect(initSslMode("postgres", true, "/ca/ca.crt")).toBe("verify-full");
  });

  it("passes the password to the client in MYSQL_PWD, never on its command line", () => {
    const { script } = databaseInitStep("mysql", { database: "convex_a", urlSource: "s", requireSsl: true });
    expect(script).toContain("export MYSQL_PWD");
    expect(script).not.toMatch(/--password|-p"?\$/);
  });
});

describe("backendEnvironment with a MySQL database", () => {
  const env = (database: Parameters<typeof backendEnvironment>[0]["database"]) =>
    backendEnvironment({ instanceName: "convex-alice", cloudOrigin: "http://127.0.0.1:3210", siteOrigin: "http://127.0.0.1:3211", storage: Storage.local(), region: "us-east-1", database });

  it("sets MYSQL_URL by reference (never a literal) and no POSTGRES_URL; TLS required leaves DO_NOT_REQUIRE_SSL out", () => {
    const record = envToRecord(env({ kind: "mysql", requireSsl: true }));
    expect(record.MYSQL_URL).toBe("<ref:databaseUrl>");
    expect(Object.keys(record)).not.toContain("POSTGRES_URL");
    expect(Object.keys(record)).not.toContain("DO_NOT_REQUIRE_SSL");
  });

  it("sets MYSQL_CA_FILE for a CA, and the presence flag DO_NOT_REQUIRE_SSL=true when TLS is not required", () => {
    expect(envToRecord(env({ kind: "mysql", requireSsl: true, caFile: "/convex/database-ca/ca.crt" })).MYSQL_CA_FILE).toBe("/convex/database-ca/ca.crt");
    expect(envToRecord(env({ kind: "mysql", requireSsl: false })).DO_NOT_REQUIRE_SSL).toBe("true");
  });
});

describe("SERVER_DATABASES", () => {
  it("holds Convex's variable names, URL schemes and SSL parameters for each server kind (convex-backend run_backend.sh, crates/clusters)", () => {
    expect(SERVER_DATABASES).toEqual({
      postgres: {
        label: "Postgres",
        urlVariable: "POSTGRES_URL",
        caVariable: "PG_CA_FILE",
        schemes: ["postgres:", "postgresql:"],
        shape: "postgres://USER:PASSWORD@HOST:PORT",
        example: "postgres://convex:secret@db.example.com:5432",
        sslParameters: "sslmode",
        principal: "role",
      },
      mysql: {
        label: "MySQL",
        urlVariable: "MYSQL_URL",
        caVariable: "MYSQL_CA_FILE",
        schemes: ["mysql:"],
        shape: "mysql://USER:PASSWORD@HOST:PORT",
        example: "mysql://convex:secret@db.example.com:3306",
        sslParameters: "require_ssl and verify_ca",
        principal: "user",
      },
    });
  });
});
