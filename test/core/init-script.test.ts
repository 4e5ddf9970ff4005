// The init scripts' shared prologue, run by the real POSIX shell: what it accepts and how each failure reads.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { shellQuote, urlCheckPrologue } from "../../lib/core/init-script.ts";

/** Runs the prologue for `kind` with DATABASE_URL set (or unset), then prints the authority it leaves set. */
function run(kind: "postgres" | "mysql", url: string | undefined): { readonly status: number | null; readonly stdout: string; readonly stderr: string } {
  const script = [...urlCheckPrologue(kind, "the secret's DATABASE_URL", "psql"), 'echo "authority=$authority"'].join("\n");
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", CONVEX_DATABASE: "convex_alice" };
  if (url !== undefined) env.DATABASE_URL = url;
  const result = spawnSync("sh", ["-c", script], { env, encoding: "utf8", timeout: 10_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const fail = (message: string) => ({ status: 1, stdout: "", stderr: `convex-database-init: ${message}\n` });

describe("urlCheckPrologue", () => {
  it("accepts a URL of each scheme with a user and leaves its authority set", () => {
    expect(run("postgres", "postgres://convex:pw@db:5432")).toEqual({ status: 0, stdout: "authority=convex:pw@db:5432\n", stderr: "" });
    expect(run("postgres", "postgresql://convex@db:5432")).toEqual({ status: 0, stdout: "authority=convex@db:5432\n", stderr: "" });
    expect(run("mysql", "mysql://convex:pw@db:3306")).toEqual({ status: 0, stdout: "authority=convex:pw@db:3306\n", stderr: "" });
  });

  it("names the setting and the fix for each URL Convex would refuse", () => {
    const src = "the secret's DATABASE_URL";
    expect(run("postgres", undefined)).toEqual(fail(`${src} is empty or missing: put postgres://USER:PASSWORD@HOST:PORT in it`));
    expect(run("postgres", "mysql://convex:pw@db:3306")).toEqual(fail(`${src} must start with postgres:// or postgresql://`));
    expect(run("postgres", "postgres://convex:pw@db:5432/convex")).toEqual(
      fail(`${src} must end with HOST:PORT: remove the database name (Convex opens convex_alice itself)`),
    );
    expect(run("postgres", "postgres://convex:pw@db:5432?sslmode=disable")).toEqual(
      fail(`${src} must have no query parameters (database.requireSsl sets sslmode)`),
    );
    expect(run("postgres", "postgres://db:5432")).toEqual(fail(`${src} must name a role: postgres://USER:PASSWORD@HOST:PORT`));
    expect(run("mysql", "mysql://:pw@db:3306")).toEqual(fail(`${src} must name a user: mysql://USER:PASSWORD@HOST:PORT`));
  });

  it("prints the client's own message on a second line when one is given", () => {
    const script = [...urlCheckPrologue("postgres", "s", "psql"), 'fail "could not connect" "FATAL: no such role"'].join("\n");
    const result = spawnSync("sh", ["-c", script], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", DATABASE_URL: "postgres://u@h:1" }, encoding: "utf8", timeout: 10_000 });
    expect(result.stderr).toBe("convex-database-init: could not connect\npsql said: FATAL: no such role\n");
  });
});

describe("shellQuote", () => {
  it("quotes a word so the shell reads it back unchanged, single quotes included", () => {
    const text = `it's "a" $HOME \\ word`;
    expect(shellQuote(text)).toBe(`'it'\\''s "a" $HOME \\ word'`);
    expect(spawnSync("sh", ["-c", `printf %s ${shellQuote(text)}`], { encoding: "utf8" }).stdout).toBe(text);
  });
});
