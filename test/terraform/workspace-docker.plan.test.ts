/**
 * Every workspace-docker configuration a user can synthesize, handed to the real terraform binary (scripts/terraform-harness): each cell must pass `terraform validate` and
 * `terraform plan`, and the plan must create exactly the resources that cell needs. The expected inventories are
 * written by hand from the README's tables, not computed by the code under test.
 */
import { Testing } from "cdktf";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { proxyBundle } from "../../lib/proxy-bundle.ts";
import { planWithTerraform } from "../../scripts/terraform-harness/terraform.ts";
import { DOCKER_STACK_ID, WorkspaceDockerStack } from "../../stacks/workspace-docker.ts";
import { dockerPlan } from "../support/docker-synth.ts";
import { inventory, NAME_32 } from "../support/plan-inventory.ts";
import type { TerraformJson } from "../support/synth.ts";

/** The proxy's TLS in proxied mode (the default): a CA and a certificate from the tls provider. */
const PROXY_TLS = { tls_private_key: 2, tls_self_signed_cert: 1, tls_cert_request: 1, tls_locally_signed_cert: 1 };

describe("workspace-docker passes the real terraform (validate + plan)", () => {
  const dir = mkdtempSync(join(tmpdir(), "docker-matrix-"));
  const keysFile = join(dir, "keys.env");
  writeFileSync(keysFile, "AWS_ACCESS_KEY_ID=AKIAEXAMPLE\nAWS_SECRET_ACCESS_KEY=secret${not-a-template}%{x}\n");
  writeFileSync(join(dir, "db.env"), "POSTGRES_URL=postgres://convex:pw-with-${x}-and-%{y}@db.example.com:5432\n");
  writeFileSync(join(dir, "mysql.env"), "MYSQL_URL=mysql://convex:pw-with-${x}-and-%{y}@db.example.com:3306\n");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const external = { kind: "external", endpoint: "https://s3.example.com", bucketName: "alice-convex", profile: "minio" };
  const dockerLocal = { docker_container: 3, docker_image: 2, docker_network: 1, docker_volume: 1, random_id: 1, terraform_data: 1 };
  const withMinio = { ...dockerLocal, docker_container: 4, docker_image: 3, docker_volume: 2, random_password: 2 };
  const cells: [string, object, Record<string, number>][] = [
    ["local", { storage: { mode: "local" } }, dockerLocal],
    ["s3 (MinIO)", { storage: { mode: "s3" } }, withMinio],
    ["proxied (MinIO)", { storage: { mode: "proxied" } }, { ...withMinio, docker_container: 5, docker_image: 4, random_password: 4, ...PROXY_TLS }],
    ["s3 with an external bucket (environment credentials)", { storage: { mode: "s3", bucket: { ...external, accessKeyIdEnv: "K_ID", secretAccessKeyEnv: "K_SECRET" } } }, dockerLocal],
    ["proxied with an external bucket (credentials file)", { storage: { mode: "proxied", bucket: { ...external, credentialsFile: keysFile } } }, { ...dockerLocal, docker_container: 4, docker_image: 3, random_password: 2, ...PROXY_TLS }],
    // database.kind: postgres: the workspace's own Postgres (container, volume, password) and the init container.
    ["local, postgres (the workspace's own container)", { database: { kind: "postgres" } }, { ...dockerLocal, docker_container: 5, docker_image: 3, docker_volume: 2, random_password: 1 }],
    ["proxied (MinIO), postgres (the workspace's own container)", { storage: { mode: "proxied" }, database: { kind: "postgres" } }, { ...withMinio, docker_container: 7, docker_image: 5, docker_volume: 3, random_password: 5, ...PROXY_TLS }],
    ["s3 (MinIO), postgres named by urlEnv", { storage: { mode: "s3" }, database: { kind: "postgres", urlEnv: "PG_URL" } }, { ...withMinio, docker_container: 5, docker_image: 4 }],
    ["local, postgres named by urlFile", { database: { kind: "postgres", urlFile: "db.env" } }, { ...dockerLocal, docker_container: 4, docker_image: 3 }],
    // database.kind: mysql: the same parts with the workspace's own MySQL.
    ["local, mysql (the workspace's own container)", { database: { kind: "mysql" } }, { ...dockerLocal, docker_container: 5, docker_image: 3, docker_volume: 2, random_password: 1 }],
    ["s3 (MinIO), mysql (the workspace's own container)", { storage: { mode: "s3" }, database: { kind: "mysql" } }, { ...withMinio, docker_container: 6, docker_image: 4, docker_volume: 3, random_password: 3 }],
    ["proxied (MinIO), mysql named by urlEnv", { storage: { mode: "proxied" }, database: { kind: "mysql", urlEnv: "MYSQL_URL_VAR" } }, { ...withMinio, docker_container: 6, docker_image: 5, random_password: 4, ...PROXY_TLS }],
    ["local, mysql named by urlFile", { database: { kind: "mysql", urlFile: "mysql.env" } }, { ...dockerLocal, docker_container: 4, docker_image: 3 }],
    ["proxied, 32-character workspace name", { workspace: { name: NAME_32 }, storage: { mode: "proxied" } }, { ...withMinio, docker_container: 5, docker_image: 4, random_password: 4, ...PROXY_TLS }],
  ];
  it.each(cells)("%s", async (_cell, raw, expected) => {
    const stack = new WorkspaceDockerStack(Testing.app(), DOCKER_STACK_ID, {
      plan: dockerPlan(raw),
      proxyBundle: proxyBundle(),
      environment: { K_ID: "AKIAEXAMPLE", K_SECRET: "secret${x}%{y}", PG_URL: "postgres://convex:pw${x}%{y}@db.example.com:5432", MYSQL_URL_VAR: "mysql://convex:pw${x}%{y}@db.example.com:3306" },
      cwd: dir,
    });
    const plan = await planWithTerraform(JSON.parse(Testing.synth(stack)) as TerraformJson);
    expect(inventory(plan)).toEqual(expected);
  });
});

