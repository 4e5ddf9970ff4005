// Postgres's init step (lib/core/postgres-init.ts) in the unit project: its sslmode and environment by hand, and its
// script run by the real POSIX shell, with a stand-in `psql` that records its arguments (the real servers are in
// test/docker, test/kubernetes and test/templates) and once with the machine's real psql.
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresInitEnvironment, postgresInitScript, postgresSslMode } from "../../lib/core/postgres-init.ts";
import { runWithRealClient, StandInClient, type ClientAnswers } from "../support/init-client.ts";

const SRC = "database.urlSecretName (Secret alice-db, key url)";
const DB_URL = "postgres://convex:s3cret@db.example.com:5432";
const SELECT = "SELECT 1 FROM pg_database WHERE datname = 'convex_alice'";
const CREATE = 'CREATE DATABASE "convex_alice"';

let client: StandInClient;
beforeAll(() => {
  client = new StandInClient();
});
afterAll(() => client.dispose());

const run = (answers: ClientAnswers) => client.run(postgresInitScript(SRC), { DATABASE_URL: DB_URL, CONVEX_DATABASE: "convex_alice" }, answers);
/** The arguments of one psql call. */
const call = (query: string) => [DB_URL, "-XtAq", "-v", "ON_ERROR_STOP=1", "-c", query].map((a) => `arg:${a}`);

describe("postgresSslMode and postgresInitEnvironment", () => {
  it("picks libpq's sslmode from requireSsl and the CA file", () => {
    expect(postgresSslMode(false, "/ca/ca.crt")).toBe("prefer");
    expect(postgresSslMode(true, undefined)).toBe("require");
    expect(postgresSslMode(true, "")).toBe("require");
    expect(postgresSslMode(true, "/ca/ca.crt")).toBe("verify-full");
  });

  it("gives libpq's variables, the root certificate only when there is a CA file, and a given sslmode as is", () => {
    const libpq = { PGDATABASE: "postgres", PGCONNECT_TIMEOUT: "10", PGAPPNAME: "convex-database-init" };
    expect(postgresInitEnvironment({ database: "convex_alice", urlSource: SRC, requireSsl: true, caFile: "/convex/database-ca/ca.crt" })).toEqual({
      CONVEX_DATABASE: "convex_alice",
      ...libpq,
      PGSSLMODE: "verify-full",
      PGSSLROOTCERT: "/convex/database-ca/ca.crt",
    });
    expect(postgresInitEnvironment({ database: "d", urlSource: SRC, requireSsl: false, sslMode: "${local.mode}" })).toStrictEqual({ CONVEX_DATABASE: "d", ...libpq, PGSSLMODE: "${local.mode}" });
  });
});

describe("postgresInitScript, run by sh", () => {
  it("creates a missing database, passing psql the URL unchanged", async () => {
    const r = await run({ found: { output: "" } });
    expect([r.status, r.stdout, r.stderr]).toEqual([0, "convex-database-init: created database convex_alice\n", ""]);
    expect(r.calls).toEqual([call(SELECT), call(CREATE)]);
  });

  it("does nothing to a database that exists, or that another start created meanwhile", async () => {
    const exists = "convex-database-init: database convex_alice exists\n";
    const found = await run({ found: { output: "1" } });
    expect([found.status, found.stdout, found.stderr, found.calls.length]).toEqual([0, exists, "", 1]);
    const raced = await run({ found: { output: "" }, create: { output: 'ERROR:  database "convex_alice" already exists', status: 1 } });
    expect([raced.status, raced.stdout, raced.stderr, raced.calls.length]).toEqual([0, exists, "", 2]);
  });

  it("names the setting to fix for each of psql's errors, then quotes psql", async () => {
    const failure = async (output: string, stage: "found" | "create" = "found") => {
      const r = await run(stage === "found" ? { found: { output, status: 2 } } : { found: { output: "" }, create: { output, status: 1 } });
      expect([r.status, r.stdout]).toEqual([1, ""]);
      return r.stderr;
    };
    const said = (line: string, output: string) => `convex-database-init: ${line}\npsql said: ${output}\n`;
    const refused = `the server refused the role or password in ${SRC}: fix the credentials there`;
    for (const output of ['FATAL:  password authentication failed for user "convex"', "FATAL:  no pg_hba.conf entry for host", 'FATAL:  role "convex" does not exist']) {
      expect(await failure(output)).toBe(said(refused, output));
    }
    const unreachable = `cannot reach the server named in ${SRC}: check its host and port, and that this workload may connect to it`;
    for (const output of [
      'psql: error: could not translate host name "db" to address',
      "psql: error: connection to server failed: Connection refused",
      "psql: error: could not connect to server",
      "psql: error: timeout expired",
      "psql: error: No route to host",
      "psql: error: Network is unreachable",
    ]) {
      expect(await failure(output)).toBe(said(unreachable, output));
    }
    expect(await failure("psql: error: server does not support SSL, but SSL was required")).toBe(
      said("the server does not offer TLS: enable it there, or set database.requireSsl: false", "psql: error: server does not support SSL, but SSL was required"),
    );
    const untrusted = "the server's TLS certificate is not trusted: set database.caSecretName to its CA";
    expect(await failure("psql: error: SSL error: certificate verify failed")).toBe(said(untrusted, "psql: error: SSL error: certificate verify failed"));
    expect(await failure('psql: error: root certificate file "/ca" does not exist')).toBe(said(untrusted, 'psql: error: root certificate file "/ca" does not exist'));
    expect(await failure("ERROR:  permission denied to create database", "create")).toBe(
      said(`the role in ${SRC} may not create databases: ALTER ROLE <role> CREATEDB, or create convex_alice yourself`, "ERROR:  permission denied to create database"),
    );
    expect(await failure("ERROR:  out of disk", "create")).toBe(said("creating convex_alice failed", "ERROR:  out of disk"));
  });
});

describe("postgresInitScript with the machine's real psql", () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    // Accepts and drops every connection: psql fails at its startup message.
    server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    port = typeof address === "object" && address !== null ? address.port : 0;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("fails with psql's own message and never prints the URL", async () => {
    const url = `postgres://convex:s3cret@127.0.0.1:${port}`;
    const r = await runWithRealClient(postgresInitScript(SRC), { DATABASE_URL: url, CONVEX_DATABASE: "convex_alice", ...postgresInitEnvironment({ database: "convex_alice", urlSource: SRC, requireSsl: false }) });
    expect([r.status, r.stdout]).toEqual([1, ""]);
    expect(r.stderr).toMatch(/^convex-database-init: creating convex_alice failed\npsql said: psql: error: connection to server at "127\.0\.0\.1", port \d+ failed: server closed the connection unexpectedly/);
    expect(r.stderr).not.toContain("s3cret");
  });
});
