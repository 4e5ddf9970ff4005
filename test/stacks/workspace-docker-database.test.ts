import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../lib/core/errors.ts";
import { MYSQL_CLIENT_IMAGE, POSTGRES_CLIENT_IMAGE } from "../../lib/core/images.ts";
import { addressOf, dockerContainer, dockerPlan, envMap, namesOf, synthDocker } from "../support/docker-synth.ts";
import { inventory, resourcesOf, type TerraformJson } from "../support/synth.ts";

const BACKEND = "convex-alice-dev-backend";
const POSTGRES = "convex-alice-dev-postgres";
const INIT = "convex-alice-dev-create-database";
const PASSWORD_REF = /\$\{random_password\.Postgres_Password_[0-9A-F]{8}\.result\}/;

const volume = (json: TerraformJson, name: string) => Object.values(resourcesOf(json, "docker_volume")).find((v) => v.name === name) as { lifecycle: { prevent_destroy: boolean; ignore_changes: string } } | undefined;

describe("workspace-docker with database.kind: postgres (the workspace's own Postgres container)", () => {
  const json = synthDocker({ database: { kind: "postgres" } });

  it("adds the Postgres container with its volume and generated password, and the one-shot init container", () => {
    expect(inventory(json)).toEqual({ docker_container: 5, docker_image: 3, docker_network: 1, docker_volume: 2, random_id: 1, random_password: 1, terraform_data: 1 });
    expect(namesOf(json, "docker_volume")).toEqual(["convex-alice-dev-data", "convex-alice-dev-postgres-data"]);
    expect(Object.values(resourcesOf(json, "docker_image")).map((i) => i.name)).toContain(POSTGRES_CLIENT_IMAGE);
    expect(Object.values(resourcesOf(json, "random_password"))).toEqual([expect.objectContaining({ length: 32, special: false })]);
  });

  it("runs Postgres on the workspace network only, health-checked over TCP, its volume protected like the data volume", () => {
    const c = dockerContainer(json, POSTGRES);
    expect(c.ports).toBeUndefined();
    expect(c.networks_advanced).toEqual([{ name: expect.stringMatching(/^\$\{docker_network\.Network_/) }]);
    expect(c.healthcheck).toEqual({ test: ["CMD", "pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432", "-U", "convex", "-d", "postgres"], interval: "5s", timeout: "5s", retries: 5, start_period: "30s" });
    expect(c.wait).toBe(true);
    expect(c.mounts).toEqual([{ type: "volume", source: expect.stringMatching(/Postgres_Data/), target: "/var/lib/postgresql/data" }]);
    expect(envMap(c)).toEqual({ POSTGRES_USER: "convex", POSTGRES_PASSWORD: expect.stringMatching(PASSWORD_REF), PGDATA: "/var/lib/postgresql/data" });
    expect(c.stop_signal).toBe("SIGINT");
    expect(c.destroy_grace_seconds).toBe(30);
    expect(volume(json, "convex-alice-dev-postgres-data")?.lifecycle).toEqual({ prevent_destroy: true, ignore_changes: "all" });
    const unprotected = synthDocker({ database: { kind: "postgres" }, convex: { dataVolume: { protect: false } } });
    expect(volume(unprotected, "convex-alice-dev-postgres-data")?.lifecycle.prevent_destroy).toBe(false);
  });

  it("gives the backend POSTGRES_URL (sensitive, no database name) and DO_NOT_REQUIRE_SSL, and starts it after the init step", () => {
    const env = envMap(dockerContainer(json, BACKEND));
    expect(env.POSTGRES_URL).toMatch(/^\$\{sensitive\("postgres:\/\/convex:\$\{random_password\.Postgres_Password_[0-9A-F]{8}\.result\}@convex-alice-dev-postgres:5432"\)\}$/);
    expect(env.DO_NOT_REQUIRE_SSL).toBe("true");
    expect(dockerContainer(json, BACKEND).depends_on).toContain(addressOf(json, "docker_container", INIT));
    expect(dockerContainer(json, INIT).depends_on).toEqual([addressOf(json, "docker_container", POSTGRES)]);
  });

  it("makes apply wait for the init step and fail when it fails, naming where to read why", () => {
    const c = dockerContainer(json, INIT);
    expect(c).toMatchObject({ attach: true, logs: true, must_run: false, restart: "no", user: "70:70" });
    expect(c.entrypoint?.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
    expect(envMap(c).DATABASE_URL).toBe(envMap(dockerContainer(json, BACKEND)).POSTGRES_URL);
    expect(c.lifecycle?.postcondition).toEqual([
      { condition: "${self.exit_code == 0}", error_message: `creating database convex_alice_dev failed; the reason is the line starting with convex-database-init in: docker logs ${INIT}` },
    ]);
  });
});

describe("workspace-docker with a Postgres server you name", () => {
  const dir = mkdtempSync(join(tmpdir(), "docker-db-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const PASSWORD = "s3cret-pw";

  it("urlEnv: reads the URL when synthesizing into sensitive(...), requires TLS by default, and runs no Postgres container", () => {
    const json = synthDocker({ database: { kind: "postgres", urlEnv: "ALICE_PG_URL" } }, {}, { environment: { ALICE_PG_URL: `postgres://convex:${PASSWORD}@db.example.com:5432` } });
    expect(namesOf(json, "docker_container")).not.toContain(POSTGRES);
    expect(resourcesOf(json, "random_password")).toEqual({});
    const env = envMap(dockerContainer(json, BACKEND));
    expect(env.POSTGRES_URL).toBe(`\${sensitive("postgres://convex:${PASSWORD}@db.example.com:5432")}`);
    expect(env.DO_NOT_REQUIRE_SSL).toBeUndefined();
    expect(envMap(dockerContainer(json, INIT)).PGSSLMODE).toBe("require");
    expect(dockerContainer(json, INIT).depends_on).toEqual([]);
  });

  it("urlFile: Terraform reads the URL at plan time, so it is not in the synthesized configuration", () => {
    const file = join(dir, "db.env");
    writeFileSync(file, `# the workspace database\nPOSTGRES_URL=postgres://convex:${PASSWORD}@db.example.com:5432\n`);
    const json = synthDocker({ database: { kind: "postgres", urlFile: "db.env" } }, {}, { cwd: dir });
    expect(JSON.stringify(json)).not.toContain(PASSWORD);
    expect(envMap(dockerContainer(json, BACKEND)).POSTGRES_URL).toBe(`\${sensitive(regex("(?m)^POSTGRES_URL=([^[:space:]]+)", file("${file}"))[0])}`);
  });

  const fails = (raw: object, environment: Record<string, string> = {}) => () => synthDocker({ database: { kind: "postgres", ...raw } }, {}, { environment, cwd: dir });

  it("fails if the urlEnv variable is not exported, naming it", () => {
    expect(fails({ urlEnv: "ALICE_PG_URL" })).toThrow(
      new ConfigError([{ field: "database.urlEnv", value: '"ALICE_PG_URL"', fix: "export ALICE_PG_URL=postgres://USER:PASSWORD@HOST:PORT before synthesizing (it is never written to the YAML file)" }]),
    );
  });

  it("fails if the URL names a database or has a query, naming the variable and hiding the password", () => {
    const bad = `postgres://convex:${PASSWORD}@db.example.com:5432/convex?sslmode=disable`;
    const field = "database.urlEnv (environment variable ALICE_PG_URL)";
    const shown = '"postgres://convex:***@db.example.com:5432/convex?sslmode=disable"';
    expect(fails({ urlEnv: "ALICE_PG_URL" }, { ALICE_PG_URL: bad })).toThrow(
      new ConfigError([
        { field, value: shown, fix: "remove the database name from the URL: Convex opens the database named after the instance itself" },
        { field, value: shown, fix: "remove the query parameters: Convex adds sslmode itself (database.requireSsl)" },
      ]),
    );
  });

  it("fails if the urlFile does not exist or has no POSTGRES_URL line, or its URL has no role", () => {
    expect(fails({ urlFile: "missing.env" })).toThrow(
      new ConfigError([{ field: "database.urlFile", value: '"missing.env"', fix: "create the file with a line POSTGRES_URL=postgres://USER:PASSWORD@HOST:PORT (chmod 600)" }]),
    );
    writeFileSync(join(dir, "other.env"), "DATABASE_URL=postgres://convex:x@db:5432\n");
    expect(fails({ urlFile: "other.env" })).toThrow(
      new ConfigError([{ field: "database.urlFile", value: '"other.env"', fix: "the file has no line POSTGRES_URL=postgres://USER:PASSWORD@HOST:PORT: add one" }]),
    );
    writeFileSync(join(dir, "norole.env"), "POSTGRES_URL=postgres://db.example.com:5432\n");
    expect(fails({ urlFile: "norole.env" })).toThrow(
      new ConfigError([
        { field: `database.urlFile (${join(dir, "norole.env")})`, value: '"postgres://db.example.com:5432"', fix: "put the role in the URL (postgres://USER:PASSWORD@HOST:PORT): Convex refuses a URL without a username" },
      ]),
    );
  });
});

describe("workspace-docker with database.kind: mysql (the workspace's own MySQL container)", () => {
  const json = synthDocker({ database: { kind: "mysql" } });
  const MYSQL = "convex-alice-dev-mysql";
  const MYSQL_PASSWORD_REF = /\$\{random_password\.Mysql_Password_[0-9A-F]{8}\.result\}/;

  it("adds the MySQL container with its volume and generated password, and the one-shot init container, and no Postgres", () => {
    expect(inventory(json)).toEqual({ docker_container: 5, docker_image: 3, docker_network: 1, docker_volume: 2, random_id: 1, random_password: 1, terraform_data: 1 });
    expect(namesOf(json, "docker_volume")).toEqual(["convex-alice-dev-data", "convex-alice-dev-mysql-data"]);
    expect(namesOf(json, "docker_container")).not.toContain(POSTGRES);
    expect(Object.values(resourcesOf(json, "docker_image")).map((i) => i.name)).toContain(MYSQL_CLIENT_IMAGE);
  });

  it("runs MySQL on the workspace network only, health-checked over TCP, its volume protected like the data volume", () => {
    const c = dockerContainer(json, MYSQL);
    expect(c.ports).toBeUndefined();
    expect(c.healthcheck).toEqual({ test: ["CMD", "mysqladmin", "--no-defaults", "ping", "--protocol=TCP", "-h", "127.0.0.1", "-P", "3306", "--silent"], interval: "5s", timeout: "5s", retries: 5, start_period: "30s" });
    expect(c.wait).toBe(true);
    expect(c.mounts).toEqual([{ type: "volume", source: expect.stringMatching(/Mysql_Data/), target: "/var/lib/mysql" }]);
    expect(envMap(c)).toEqual({ MYSQL_ROOT_PASSWORD: expect.stringMatching(MYSQL_PASSWORD_REF) });
    expect(c.stop_signal).toBe("SIGTERM");
    expect(volume(json, "convex-alice-dev-mysql-data")?.lifecycle).toEqual({ prevent_destroy: true, ignore_changes: "all" });
  });

  it("gives the backend MYSQL_URL (sensitive, no database name) and DO_NOT_REQUIRE_SSL, and starts it after the init step", () => {
    const env = envMap(dockerContainer(json, BACKEND));
    expect(env.MYSQL_URL).toMatch(/^\$\{sensitive\("mysql:\/\/root:\$\{random_password\.Mysql_Password_[0-9A-F]{8}\.result\}@convex-alice-dev-mysql:3306"\)\}$/);
    expect(env.POSTGRES_URL).toBeUndefined();
    expect(env.DO_NOT_REQUIRE_SSL).toBe("true");
    expect(dockerContainer(json, BACKEND).depends_on).toContain(addressOf(json, "docker_container", INIT));
    expect(dockerContainer(json, INIT).depends_on).toEqual([addressOf(json, "docker_container", MYSQL)]);
  });

  it("runs the init step as the mysql image's user with the client's PREFERRED (the container has no TLS)", () => {
    const c = dockerContainer(json, INIT);
    expect(c).toMatchObject({ attach: true, logs: true, must_run: false, restart: "no", user: "999:999" });
    expect(c.entrypoint?.[2]).toContain("CREATE DATABASE IF NOT EXISTS");
    expect(envMap(c)).toEqual({ DATABASE_URL: envMap(dockerContainer(json, BACKEND)).MYSQL_URL, CONVEX_DATABASE: "convex_alice_dev", CONVEX_SSL_MODE: "PREFERRED" });
  });

  it("urlEnv: a MySQL server you name, TLS required by default, no MySQL container", () => {
    const named = synthDocker({ database: { kind: "mysql", urlEnv: "ALICE_DB_URL" } }, {}, { environment: { ALICE_DB_URL: "mysql://convex:pw@db.example.com:3306" } });
    expect(namesOf(named, "docker_container")).not.toContain(MYSQL);
    expect(envMap(dockerContainer(named, BACKEND)).MYSQL_URL).toBe('${sensitive("mysql://convex:pw@db.example.com:3306")}');
    expect(envMap(dockerContainer(named, BACKEND)).DO_NOT_REQUIRE_SSL).toBeUndefined();
    expect(envMap(dockerContainer(named, INIT)).CONVEX_SSL_MODE).toBe("REQUIRED");
  });

  it("fails if the named URL is not a mysql:// URL or names a database, naming the variable and hiding the password", () => {
    const field = "database.urlEnv (environment variable ALICE_DB_URL)";
    const synth = (url: string) => () => synthDocker({ database: { kind: "mysql", urlEnv: "ALICE_DB_URL" } }, {}, { environment: { ALICE_DB_URL: url } });
    expect(synth("postgres://convex:pw@db.example.com:5432")).toThrow(new ConfigError([{ field, value: '"postgres://convex:***@db.example.com:5432"', fix: "use a mysql:// URL" }]));
    expect(synth("mysql://convex:pw@db.example.com:3306/convex_self_hosted?ssl-mode=DISABLED")).toThrow(
      new ConfigError([
        { field, value: '"mysql://convex:***@db.example.com:3306/convex_self_hosted?ssl-mode=DISABLED"', fix: "remove the database name from the URL: Convex opens the database named after the instance itself" },
        { field, value: '"mysql://convex:***@db.example.com:3306/convex_self_hosted?ssl-mode=DISABLED"', fix: "remove the query parameters: Convex adds require_ssl and verify_ca itself (database.requireSsl)" },
      ]),
    );
    expect(synth("mysql://db.example.com:3306")).toThrow(
      new ConfigError([{ field, value: '"mysql://db.example.com:3306"', fix: "put the user in the URL (mysql://USER:PASSWORD@HOST:PORT): Convex refuses a URL without a username" }]),
    );
  });

  it("fails if the urlFile has no MYSQL_URL line", () => {
    const dir = mkdtempSync(join(tmpdir(), "docker-mysql-"));
    try {
      writeFileSync(join(dir, "db.env"), "POSTGRES_URL=postgres://convex:x@db:5432\n");
      expect(() => synthDocker({ database: { kind: "mysql", urlFile: "db.env" } }, {}, { cwd: dir })).toThrow(
        new ConfigError([{ field: "database.urlFile", value: '"db.env"', fix: "the file has no line MYSQL_URL=mysql://USER:PASSWORD@HOST:PORT: add one" }]),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("plan errors of the database settings on Docker", () => {
  const plan = (raw: object) => () => dockerPlan({ database: raw });

  it("fails if Kubernetes settings are given on Docker", () => {
    const fix = "this is a Kubernetes setting; on Docker leave it out for the workspace's own Postgres container, or name a server in database.urlEnv or database.urlFile";
    expect(plan({ kind: "postgres", urlSecretName: "alice-db", caSecretName: "db-ca" })).toThrow(
      new ConfigError([
        { field: "database.urlSecretName", value: '"alice-db"', fix },
        { field: "database.caSecretName", value: '"db-ca"', fix },
      ]),
    );
  });

  it("fails if both urlEnv and urlFile are given", () => {
    expect(plan({ kind: "postgres", urlEnv: "ALICE_PG_URL", urlFile: "db.env" })).toThrow(
      new ConfigError([{ field: "database.urlFile", value: '"db.env"', fix: "give either database.urlEnv or database.urlFile, not both" }]),
    );
  });

  it("fails if requireSsl: true is asked of the workspace's own container, which has no TLS", () => {
    expect(plan({ kind: "postgres", requireSsl: true })).toThrow(
      new ConfigError([
        {
          field: "database.requireSsl",
          value: "true",
          fix: "the workspace's own Postgres container has no TLS (only the workspace network reaches it): remove requireSsl, or name a server with TLS in database.urlEnv or database.urlFile",
        },
      ]),
    );
  });

  it("fails if a Postgres or MySQL setting is given for SQLite", () => {
    expect(plan({ urlEnv: "ALICE_PG_URL" })).toThrow(
      new ConfigError([{ field: "database.urlEnv", value: '"ALICE_PG_URL"', fix: "this is a Postgres or MySQL setting: set database.kind: postgres or mysql, or remove it" }]),
    );
  });

  it("fails if the keys-file path could leave its Terraform string", () => {
    expect(plan({ kind: "postgres", urlFile: "db${x}.env" })).toThrow(
      new ConfigError([{ field: "database.urlFile", value: '"db${x}.env"', fix: "use a path without '\"', '\\', '${', '%{' or line breaks" }]),
    );
  });
});
