import { describe, expect, it } from "vitest";
import { parseWorkspaceConfig } from "../../lib/core/config.ts";
import { ConfigError } from "../../lib/core/errors.ts";
import { planWorkspace } from "../../lib/core/plan.ts";
import { kubernetesObject, synthKubernetes, type TerraformJson } from "../support/synth.ts";

interface EnvVar {
  name: string;
  value?: string;
  value_from?: { secret_key_ref?: { name: string; key: string } };
}
interface PodSpec {
  container: { name: string; env?: EnvVar[]; volume_mount?: { name: string; mount_path: string; read_only?: boolean }[] }[];
  init_container?: { name: string; image: string; command: string[]; env: EnvVar[]; volume_mount?: { name: string; mount_path: string }[]; security_context: Record<string, unknown> }[];
  volume?: { name: string; secret?: { secret_name: string; items: { key: string; path: string }[] } }[];
}
const pod = (json: TerraformJson) => (kubernetesObject(json, "kubernetes_deployment_v1", "convex-alice-dev-backend") as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
const env = (json: TerraformJson) => pod(json).container[0]?.env ?? [];

describe("workspace-kubernetes with a Postgres database", () => {
  const json = synthKubernetes({ database: { kind: "postgres", urlSecretName: "alice-db" } });

  it("gives the backend POSTGRES_URL from the Secret (never a literal), and no DO_NOT_REQUIRE_SSL by default", () => {
    expect(env(json).find((e) => e.name === "POSTGRES_URL")).toEqual({ name: "POSTGRES_URL", value_from: { secret_key_ref: { name: "alice-db", key: "url" } } });
    expect(env(json).map((e) => e.name)).not.toContain("DO_NOT_REQUIRE_SSL");
    expect(env(json).map((e) => e.name)).not.toContain("PG_CA_FILE");
  });

  it("creates the database first: an init container with the pinned postgres image, non-root, reading the same Secret key", () => {
    const [init] = pod(json).init_container ?? [];
    expect(init?.name).toBe("create-database");
    expect(init?.image).toBe("postgres:17.11-alpine3.24");
    expect(init?.env.find((e) => e.name === "DATABASE_URL")).toEqual({ name: "DATABASE_URL", value_from: { secret_key_ref: { name: "alice-db", key: "url" } } });
    expect(init?.env.find((e) => e.name === "CONVEX_DATABASE")?.value).toBe("convex_alice_dev");
    expect(init?.security_context).toMatchObject({ run_as_non_root: true, run_as_user: "70", read_only_root_filesystem: true, allow_privilege_escalation: false });
  });

  it("requireSsl: false sets the presence flag DO_NOT_REQUIRE_SSL=true (and libpq's sslmode prefer for the init step)", () => {
    const insecure = synthKubernetes({ database: { kind: "postgres", urlSecretName: "alice-db", requireSsl: false } });
    expect(env(insecure).filter((e) => e.name === "DO_NOT_REQUIRE_SSL")).toEqual([{ name: "DO_NOT_REQUIRE_SSL", value: "true" }]);
    expect(pod(insecure).init_container?.[0]?.env.find((e) => e.name === "PGSSLMODE")?.value).toBe("prefer");
  });

  it("a CA Secret is mounted read-only in both containers; PG_CA_FILE points at it and the init step verifies the server's name", () => {
    const withCa = synthKubernetes({ database: { kind: "postgres", urlSecretName: "alice-db", caSecretName: "db-ca" } });
    expect(env(withCa).find((e) => e.name === "PG_CA_FILE")?.value).toBe("/convex/database-ca/ca.crt");
    expect(pod(withCa).volume?.find((v) => v.name === "database-ca")).toEqual({ name: "database-ca", secret: { secret_name: "db-ca", items: [{ key: "ca.crt", path: "ca.crt" }] } });
    expect(pod(withCa).container[0]?.volume_mount).toContainEqual({ name: "database-ca", mount_path: "/convex/database-ca", read_only: true });
    const initEnv = pod(withCa).init_container?.[0]?.env ?? [];
    expect(initEnv.filter((e) => e.name === "PGSSLMODE" || e.name === "PGSSLROOTCERT")).toEqual([
      { name: "PGSSLMODE", value: "verify-full" },
      { name: "PGSSLROOTCERT", value: "/convex/database-ca/ca.crt" },
    ]);
  });

  it("SQLite (the default) adds nothing: no POSTGRES_URL, no init container", () => {
    const sqlite = synthKubernetes();
    expect(env(sqlite).map((e) => e.name)).not.toContain("POSTGRES_URL");
    expect(pod(sqlite).init_container).toBeUndefined();
  });
});

describe("workspace-kubernetes with a MySQL database", () => {
  const json = synthKubernetes({ database: { kind: "mysql", urlSecretName: "alice-db" } });

  it("gives the backend MYSQL_URL from the Secret (never a literal) and no POSTGRES_URL; TLS required by default", () => {
    expect(env(json).find((e) => e.name === "MYSQL_URL")).toEqual({ name: "MYSQL_URL", value_from: { secret_key_ref: { name: "alice-db", key: "url" } } });
    expect(env(json).map((e) => e.name)).not.toContain("POSTGRES_URL");
    expect(env(json).map((e) => e.name)).not.toContain("DO_NOT_REQUIRE_SSL");
    expect(env(json).map((e) => e.name)).not.toContain("MYSQL_CA_FILE");
  });

  it("creates the database first: an init container with the pinned mysql image, non-root (uid 999), reading the same Secret key", () => {
    const [init] = pod(json).init_container ?? [];
    expect(init?.name).toBe("create-database");
    expect(init?.image).toBe("mysql:8.4.11-oraclelinux9");
    expect(init?.command.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
    expect(init?.command[2]).toContain("CREATE DATABASE IF NOT EXISTS");
    expect(init?.env.find((e) => e.name === "DATABASE_URL")).toEqual({ name: "DATABASE_URL", value_from: { secret_key_ref: { name: "alice-db", key: "url" } } });
    expect(init?.env.filter((e) => e.value !== undefined)).toEqual([
      { name: "CONVEX_DATABASE", value: "convex_alice_dev" },
      { name: "CONVEX_SSL_MODE", value: "REQUIRED" },
    ]);
    expect(init?.security_context).toMatchObject({ run_as_non_root: true, run_as_user: "999", run_as_group: "999", read_only_root_filesystem: true, allow_privilege_escalation: false });
  });

  it("requireSsl: false sets the presence flag DO_NOT_REQUIRE_SSL=true (and the client's PREFERRED for the init step)", () => {
    const insecure = synthKubernetes({ database: { kind: "mysql", urlSecretName: "alice-db", requireSsl: false } });
    expect(env(insecure).filter((e) => e.name === "DO_NOT_REQUIRE_SSL")).toEqual([{ name: "DO_NOT_REQUIRE_SSL", value: "true" }]);
    expect(pod(insecure).init_container?.[0]?.env.find((e) => e.name === "CONVEX_SSL_MODE")?.value).toBe("PREFERRED");
  });

  it("a CA Secret is mounted read-only in both containers; MYSQL_CA_FILE points at it and the init step verifies the CA", () => {
    const withCa = synthKubernetes({ database: { kind: "mysql", urlSecretName: "alice-db", caSecretName: "db-ca" } });
    expect(env(withCa).find((e) => e.name === "MYSQL_CA_FILE")?.value).toBe("/convex/database-ca/ca.crt");
    expect(env(withCa).map((e) => e.name)).not.toContain("PG_CA_FILE");
    expect(pod(withCa).volume?.find((v) => v.name === "database-ca")).toEqual({ name: "database-ca", secret: { secret_name: "db-ca", items: [{ key: "ca.crt", path: "ca.crt" }] } });
    expect(pod(withCa).init_container?.[0]?.volume_mount).toContainEqual({ name: "database-ca", mount_path: "/convex/database-ca", read_only: true });
    const initEnv = pod(withCa).init_container?.[0]?.env ?? [];
    expect(initEnv.filter((e) => e.name.startsWith("CONVEX_SSL"))).toEqual([
      { name: "CONVEX_SSL_MODE", value: "VERIFY_CA" },
      { name: "CONVEX_SSL_CA", value: "/convex/database-ca/ca.crt" },
    ]);
  });
});

describe("plan errors of the database and storage-doctor settings", () => {
  const plan = (raw: object, target: "kubernetes" | "docker" = "kubernetes") => () => planWorkspace(parseWorkspaceConfig({ workspace: { name: "alice-dev" }, ...raw }), { target });

  it("fails if postgres has no urlSecretName, naming the namespace and the key", () => {
    expect(plan({ database: { kind: "postgres" } })).toThrow(
      new ConfigError([{ field: "database.urlSecretName", value: "(not set)", fix: "name the Secret in namespace convex whose key url holds postgres://USER:PASSWORD@HOST:PORT (no database name)" }]),
    );
  });

  it("fails if mysql has no urlSecretName, naming the namespace, the key and the mysql:// shape", () => {
    expect(plan({ database: { kind: "mysql" } })).toThrow(
      new ConfigError([{ field: "database.urlSecretName", value: "(not set)", fix: "name the Secret in namespace convex whose key url holds mysql://USER:PASSWORD@HOST:PORT (no database name)" }]),
    );
  });

  it("fails if a Docker way of giving the URL is used on Kubernetes", () => {
    expect(plan({ database: { kind: "postgres", urlSecretName: "alice-db", urlEnv: "ALICE_PG_URL" } })).toThrow(
      new ConfigError([{ field: "database.urlEnv", value: '"ALICE_PG_URL"', fix: "this is a Docker setting; on Kubernetes name the Secret with the URL in database.urlSecretName" }]),
    );
  });

  it("fails if a Postgres or MySQL setting is given for SQLite", () => {
    expect(plan({ database: { urlSecretName: "alice-db" } })).toThrow(
      new ConfigError([{ field: "database.urlSecretName", value: '"alice-db"', fix: "this is a Postgres or MySQL setting: set database.kind: postgres or mysql, or remove it" }]),
    );
  });

  it("fails if the storage doctor Job is asked of the Docker target, saying what to run instead", () => {
    expect(plan({ storage: { mode: "s3", doctor: true } }, "docker")).toThrow(
      new ConfigError([{ field: "storage.doctor", value: "true", fix: "the doctor Job is a Kubernetes setting; on Docker run npm run doctor -- --config <this file> before deploying" }]),
    );
  });

  it("fails on an unknown kind with the choices", () => {
    expect(() => parseWorkspaceConfig({ workspace: { name: "alice-dev" }, database: { kind: "mongodb" } })).toThrow('database.kind: got "mongodb"; use sqlite (the data volume), postgres or mysql');
  });
});
