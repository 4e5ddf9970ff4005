import { describe, expect, it } from "vitest";
import { parseWorkspaceConfig } from "../../lib/core/config.ts";
import { ConfigError } from "../../lib/core/errors.ts";
import { planWorkspace } from "../../lib/core/plan.ts";
import { minioEndpoint, planDockerWorkspace } from "../../lib/docker/plan.ts";

const external = { kind: "external", endpoint: "https://s3.example.com", bucketName: "alice-convex" };
const plan = (bucket: object, target: "docker" | "kubernetes" = "docker") => {
  const config = parseWorkspaceConfig({ workspace: { name: "alice-dev" }, storage: { mode: "s3", bucket } });
  return target === "docker" ? planDockerWorkspace(config) : planWorkspace(config, { target });
};
const issue = (field: string, value: string, fix: string) => new ConfigError([{ field, value, fix }]);

describe("planDockerWorkspace", () => {
  it("addresses MinIO by its container name", () => {
    expect(minioEndpoint("Alice-Dev")).toBe("http://convex-alice-dev-minio:9000");
    const env = plan({ kind: "minio" }).backendEnv.find((e) => e.name === "S3_ENDPOINT_URL");
    expect(env?.value).toEqual({ kind: "literal", value: "http://convex-alice-dev-minio:9000" });
  });

  it("takes an external bucket's keys from two environment variables, or from a keys file", () => {
    const byEnv = plan({ ...external, accessKeyIdEnv: "A_ID", secretAccessKeyEnv: "A_SECRET" });
    expect(byEnv.storage.mode === "s3" && byEnv.storage.bucket.kind === "external" && byEnv.storage.bucket.dockerCredentials).toEqual({ kind: "environment", accessKeyIdEnv: "A_ID", secretAccessKeyEnv: "A_SECRET" });
    const byFile = plan({ ...external, credentialsFile: "~/s3.env" });
    expect(byFile.storage.mode === "s3" && byFile.storage.bucket.kind === "external" && byFile.storage.bucket.dockerCredentials).toEqual({ kind: "file", path: "~/s3.env" });
  });

  it("fails if an external bucket has no keys on Docker", () => {
    expect(() => plan(external)).toThrow(
      issue("storage.bucket.accessKeyIdEnv", "(not set)", "an external bucket needs its keys: on Docker give the keys with accessKeyIdEnv and secretAccessKeyEnv (environment variable names) or credentialsFile"),
    );
  });

  it("fails if only one key variable is named", () => {
    expect(() => plan({ ...external, accessKeyIdEnv: "A_ID" })).toThrow(issue("storage.bucket.secretAccessKeyEnv", "(not set)", "set both accessKeyIdEnv and secretAccessKeyEnv, or use credentialsFile"));
  });

  it("fails if both a keys file and key variables are given", () => {
    expect(() => plan({ ...external, credentialsFile: "/k", accessKeyIdEnv: "A_ID", secretAccessKeyEnv: "A_SECRET" })).toThrow(
      issue("storage.bucket.credentialsFile", '"/k"', "give either credentialsFile or accessKeyIdEnv/secretAccessKeyEnv, not both"),
    );
  });

  it("fails if the keys file's path could break out of the Terraform string", () => {
    expect(() => plan({ ...external, credentialsFile: '/tmp/a"b' })).toThrow(issue("storage.bucket.credentialsFile", '"/tmp/a\\"b"', "use a path without '\"', '\\', '${', '%{' or line breaks"));
  });

  it("fails if a key variable name is not an environment variable name", () => {
    expect(() => plan({ ...external, accessKeyIdEnv: "1BAD", secretAccessKeyEnv: "OK" })).toThrow(
      "storage.bucket.accessKeyIdEnv: got \"1BAD\"; name an environment variable: letters, digits and '_', not starting with a digit, e.g. ALICE_S3_ACCESS_KEY_ID",
    );
  });

  it("fails if the Kubernetes Secret is named on Docker", () => {
    expect(() => plan({ ...external, credentialsSecretName: "alice-s3", credentialsFile: "/k" })).toThrow(
      issue("storage.bucket.credentialsSecretName", '"alice-s3"', "this is a Kubernetes setting; on Docker give the keys with accessKeyIdEnv and secretAccessKeyEnv (environment variable names) or credentialsFile"),
    );
  });
});

describe("external bucket keys on Kubernetes (unchanged behaviour, clearer errors)", () => {
  it("still reads the keys from the named Secret", () => {
    const p = plan({ ...external, credentialsSecretName: "alice-s3" }, "kubernetes");
    expect(p.storage.mode === "s3" && p.storage.bucket.kind === "external" && p.storage.bucket.credentialsSecretName).toBe("alice-s3");
  });

  it("fails if the Secret is not named", () => {
    expect(() => plan(external, "kubernetes")).toThrow(issue("storage.bucket.credentialsSecretName", "(not set)", "name the Kubernetes Secret in the workspace namespace that holds the bucket's keys"));
  });

  it("fails if a Docker key source is given", () => {
    expect(() => plan({ ...external, credentialsSecretName: "alice-s3", credentialsFile: "/k" }, "kubernetes")).toThrow(
      issue("storage.bucket.credentialsFile", '"/k"', "this is a Docker setting; on Kubernetes name the Secret with the keys in credentialsSecretName"),
    );
  });
});
