// MySQL's init step (lib/core/mysql-init.ts) in the unit project: its TLS mode and environment by hand, and its
// script run by the real POSIX shell, with a stand-in `mysql` that records its arguments (the real servers are in
// test/docker, test/kubernetes and test/templates) and once with the machine's real client.
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mysqlInitEnvironment, mysqlInitScript, mysqlSslMode } from "../../lib/core/mysql-init.ts";
import { runWithRealClient, StandInClient, type ClientAnswers } from "../support/init-client.ts";

const SRC = "database.urlSecretName (Secret alice-db, key url)";
const MARIADB = "mysql  Ver 15.1 Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64) using  EditLine wrapper";
const MYSQL = "mysql  Ver 8.4.3 for Linux on x86_64 (MySQL Community Server - GPL)";
const SELECT = "SELECT CONCAT('found:', COUNT(*)) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'convex_alice'";
const CREATE = "CREATE DATABASE IF NOT EXISTS `convex_alice`";
const NOT_FOUND: ClientAnswers = { version: MARIADB, found: { output: "found:0" } };

let client: StandInClient;
beforeAll(() => {
  client = new StandInClient();
});
afterAll(() => client.dispose());

function run(url: string, answers: ClientAnswers = NOT_FOUND, env: Record<string, string> = {}) {
  return client.run(mysqlInitScript(SRC), { DATABASE_URL: url, CONVEX_DATABASE: "convex_alice", CONVEX_SSL_MODE: "PREFERRED", ...env }, answers);
}

/** The arguments of one client call: the connection, `tls`, the query, then the output format. */
const call = (host: string, port: string, user: string, tls: string[], query: string, password: string) => [
  `env:MYSQL_PWD=${password}`,
  ...["--no-defaults", "--protocol=TCP", "--connect-timeout=10", "-h", host, "-P", port, "-u", user, ...tls, "-e", query, "--batch", "--skip-column-names"].map((a) => `arg:${a}`),
];

describe("mysqlSslMode and mysqlInitEnvironment", () => {
  it("picks the client's TLS mode from requireSsl and the CA file", () => {
    expect(mysqlSslMode(false, "/ca/ca.pem")).toBe("PREFERRED");
    expect(mysqlSslMode(true, undefined)).toBe("REQUIRED");
    expect(mysqlSslMode(true, "")).toBe("REQUIRED");
    expect(mysqlSslMode(true, "/ca/ca.pem")).toBe("VERIFY_CA");
  });

  it("gives the database, the TLS mode and the CA file only when there is one; a given mode wins", () => {
    expect(mysqlInitEnvironment({ database: "convex_alice", urlSource: SRC, requireSsl: false })).toStrictEqual({ CONVEX_DATABASE: "convex_alice", CONVEX_SSL_MODE: "PREFERRED" });
    expect(mysqlInitEnvironment({ database: "convex_alice", urlSource: SRC, requireSsl: true, caFile: "/convex/database-ca/ca.crt" })).toEqual({
      CONVEX_DATABASE: "convex_alice",
      CONVEX_SSL_MODE: "VERIFY_CA",
      CONVEX_SSL_CA: "/convex/database-ca/ca.crt",
    });
    expect(mysqlInitEnvironment({ database: "d", urlSource: SRC, requireSsl: true, sslMode: "${var.mode}" })).toStrictEqual({ CONVEX_DATABASE: "d", CONVEX_SSL_MODE: "${var.mode}" });
  });
});

describe("mysqlInitScript, run by sh", () => {
  it("creates a missing database, splitting the URL as mysql_async does and passing the password in MYSQL_PWD only", async () => {
    const r = await run("mysql://convex:s3cret@db.example.com:3307");
    expect([r.status, r.stdout, r.stderr]).toEqual([0, "convex-database-init: created database convex_alice\n", ""]);
    expect(r.calls).toEqual([call("db.example.com", "3307", "convex", [], SELECT, "s3cret"), call("db.example.com", "3307", "convex", [], CREATE, "s3cret")]);
  });

  it("does nothing to a database that exists", async () => {
    const r = await run("mysql://convex:pw@db:3306", { version: MARIADB, found: { output: "found:1" } });
    expect([r.status, r.stdout, r.stderr]).toEqual([0, "convex-database-init: database convex_alice exists\n", ""]);
    expect(r.calls).toHaveLength(1);
  });

  it("percent-decodes the user and the password, and keeps a % that starts no escape", async () => {
    const r = await run("mysql://us%40er%2f:p%3Aw%25d%zz%4@db:3306");
    expect(r.calls[0]?.slice(0, 1)).toEqual(["env:MYSQL_PWD=p:w%d%zz%4"]);
    expect(r.calls[0]).toContain("arg:us@er/");
  });

  it("reads a host without a port, a user without a password and bracketed IPv6 hosts", async () => {
    const hostPort = async (url: string) => {
      const args = (await run(url)).calls[0] ?? [];
      return [args[0], args[5], args[7], args[9]];
    };
    expect(await hostPort("mysql://convex@db")).toEqual(["env:MYSQL_PWD=", "arg:db", "arg:3306", "arg:convex"]);
    expect(await hostPort("mysql://convex:a:b@db:3306")).toEqual(["env:MYSQL_PWD=a:b", "arg:db", "arg:3306", "arg:convex"]);
    expect(await hostPort("mysql://u:p@x@db:3306")).toEqual(["env:MYSQL_PWD=p@x", "arg:db", "arg:3306", "arg:u"]);
    expect(await hostPort("mysql://convex:pw@[fd00::1]:3307")).toEqual(["env:MYSQL_PWD=pw", "arg:fd00::1", "arg:3307", "arg:convex"]);
    expect(await hostPort("mysql://convex:pw@[fd00::1]")).toEqual(["env:MYSQL_PWD=pw", "arg:fd00::1", "arg:3306", "arg:convex"]);
  });

  it("fails if the URL has no host or a port that is not a number, before connecting", async () => {
    expect(await run("mysql://convex:pw@:3306")).toEqual({
      status: 1,
      stdout: "",
      stderr: `convex-database-init: ${SRC} must name the server's host: mysql://USER:PASSWORD@HOST:PORT\n`,
      calls: [],
    });
    expect(await run("mysql://convex:pw@db:33o6")).toEqual({
      status: 1,
      stdout: "",
      stderr: `convex-database-init: ${SRC} has a port that is not a number: mysql://USER:PASSWORD@HOST:PORT\n`,
      calls: [],
    });
  });

  it("passes MariaDB's client the flags that enforce TLS, and MySQL's its --ssl-mode", async () => {
    const tls = async (version: string, mode: string) => {
      const args = (await run("mysql://u:p@db:3306", { version, found: { output: "found:1" } }, { CONVEX_SSL_MODE: mode, CONVEX_SSL_CA: "/ca/ca.pem" })).calls[0] ?? [];
      return args.slice(10, -4);
    };
    expect(await tls(MARIADB, "PREFERRED")).toEqual([]);
    expect(await tls(MARIADB, "REQUIRED")).toEqual(["arg:--ssl-verify-server-cert"]);
    expect(await tls(MARIADB, "VERIFY_CA")).toEqual(["arg:--ssl-ca=/ca/ca.pem", "arg:--ssl-verify-server-cert"]);
    expect(await tls(MYSQL, "PREFERRED")).toEqual(["arg:--ssl-mode=PREFERRED", "arg:--get-server-public-key"]);
    expect(await tls(MYSQL, "REQUIRED")).toEqual(["arg:--ssl-mode=REQUIRED", "arg:--get-server-public-key"]);
    expect(await tls(MYSQL, "VERIFY_CA")).toEqual(["arg:--ssl-mode=VERIFY_CA", "arg:--ssl-ca=/ca/ca.pem"]);
  });

  it("names the setting to fix for each of the client's errors, then quotes the client", async () => {
    const failure = async (output: string, stage: "found" | "create" = "found") => {
      const answers: ClientAnswers = stage === "found" ? { version: MARIADB, found: { output, status: 1 } } : { version: MARIADB, found: { output: "found:0" }, create: { output, status: 1 } };
      const r = await run("mysql://convex:pw@db:3306", answers);
      expect([r.status, r.stdout]).toEqual([1, ""]);
      return r.stderr;
    };
    const said = (line: string, output: string) => `convex-database-init: ${line}\nmysql said: ${output}\n`;
    const denied = "ERROR 1044 (42000): Access denied for user 'convex'@'%' to database 'convex_alice'";
    expect(await failure(denied, "create")).toBe(
      said(`the user in ${SRC} may not create databases: GRANT CREATE ON *.* TO <user> (or ALL ON convex_alice.*), or create convex_alice yourself`, denied),
    );
    const refused = `the server refused the user or password in ${SRC}: fix the credentials there (and the host the user may connect from)`;
    for (const n of ["1045", "1130", "1698"]) expect(await failure(`ERROR ${n} (28000): no`)).toBe(said(refused, `ERROR ${n} (28000): no`));
    const unreachable = `cannot reach the server named in ${SRC}: check its host and port, and that this workload may connect to it`;
    for (const n of ["2002", "2003", "2005", "2006", "2013"]) expect(await failure(`ERROR ${n} (HY000): gone`)).toBe(said(unreachable, `ERROR ${n} (HY000): gone`));
    const noTls = "the server does not offer TLS: enable it there, or set database.requireSsl: false";
    expect(await failure("ERROR 2026 (HY000): SSL connection error: Server does not support SSL")).toBe(said(noTls, "ERROR 2026 (HY000): SSL connection error: Server does not support SSL"));
    expect(await failure("ERROR 2026 (HY000): TLS/SSL error: Server doesn't support TLS")).toBe(said(noTls, "ERROR 2026 (HY000): TLS/SSL error: Server doesn't support TLS"));
    expect(await failure("ERROR 2026 (HY000): TLS/SSL error: self-signed certificate")).toBe(
      said("TLS to the server failed; if its certificate is not trusted, set database.caSecretName to its CA", "ERROR 2026 (HY000): TLS/SSL error: self-signed certificate"),
    );
    expect(await failure("ERROR 1007 (HY000): something else", "create")).toBe(said("creating convex_alice failed", "ERROR 1007 (HY000): something else"));
  });

  it("fails if the lookup answers neither found:1 nor found:0", async () => {
    const r = await run("mysql://convex:pw@db:3306", { version: MARIADB, found: { output: "nothing useful" } });
    expect([r.status, r.stdout, r.stderr]).toEqual([1, "", "convex-database-init: creating convex_alice failed\nmysql said: nothing useful\n"]);
    expect(r.calls).toHaveLength(1);
  });
});

describe("mysqlInitScript with the machine's real client", () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    // Accepts and drops every connection: the client fails its handshake.
    server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    port = typeof address === "object" && address !== null ? address.port : 0;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("reports a server that drops the connection as unreachable, quoting the client", async () => {
    const r = await runWithRealClient(mysqlInitScript(SRC), { DATABASE_URL: `mysql://convex:pw@127.0.0.1:${port}`, CONVEX_DATABASE: "convex_alice", CONVEX_SSL_MODE: "PREFERRED" });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      new RegExp(`^convex-database-init: cannot reach the server named in ${SRC.replace(/[()]/g, "\\$&")}: check its host and port, and that this workload may connect to it\nmysql said: ERROR 2013 \\(HY000\\): Lost connection to server`),
    );
    expect(r.stderr).not.toContain("pw");
  });
});
