import { homedir } from "node:os";
import { join } from "node:path";
import { TerraformOutput, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../lib/core/errors.ts";
import { absolutePath, externalBucketKeys, keysFileExpression } from "../../lib/docker/external-credentials.ts";
import { LiteralSafeStack } from "../../lib/terraform/literal-safe-stack.ts";

const fromEnv = { kind: "environment", accessKeyIdEnv: "K_ID", secretAccessKeyEnv: "K_SECRET" } as const;

describe("externalBucketKeys", () => {
  it("reads both variables and wraps them in sensitive(), quoting and Terraform's ${ and %{ escaped", () => {
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        const keys = externalBucketKeys(fromEnv, { K_ID: "AKIA", K_SECRET: 'abc${x}%{y}"z\\' }, "/");
        new TerraformOutput(scope, "id", { value: keys.accessKeyId });
        new TerraformOutput(scope, "secret", { value: keys.secretAccessKey });
      }),
    ) as { output: Record<string, { value: string }> };
    expect(json.output.id?.value).toBe('${sensitive("AKIA")}');
    expect(json.output.secret?.value).toBe('${sensitive("abc$${x}%%{y}\\"z\\\\")}');
  });

  it("fails if either variable is unset or empty, naming each", () => {
    expect(() => externalBucketKeys(fromEnv, { K_ID: "" }, "/")).toThrow(
      new ConfigError([
        { field: "storage.bucket.accessKeyIdEnv", value: '"K_ID"', fix: "export K_ID with the bucket's key before synthesizing (it is never written to the YAML file)" },
        { field: "storage.bucket.secretAccessKeyEnv", value: '"K_SECRET"', fix: "export K_SECRET with the bucket's key before synthesizing (it is never written to the YAML file)" },
      ]),
    );
  });

  it("reads a keys file at plan time through Terraform, from an absolute path", () => {
    const stack = new LiteralSafeStack(Testing.app(), "s");
    const keys = externalBucketKeys({ kind: "file", path: "s3.env" }, {}, "/work/p");
    new TerraformOutput(stack, "id", { value: keys.accessKeyId });
    new TerraformOutput(stack, "secret", { value: keys.secretAccessKey });
    new TerraformOutput(stack, "v", { value: keysFileExpression("/k", "V") });
    const json = JSON.parse(Testing.synth(stack)) as { output: Record<string, { value: string }> };
    expect(json.output.id?.value).toBe('${sensitive(regex("(?m)^AWS_ACCESS_KEY_ID=([^[:space:]]+)", file("/work/p/s3.env"))[0])}');
    expect(json.output.secret?.value).toBe('${sensitive(regex("(?m)^AWS_SECRET_ACCESS_KEY=([^[:space:]]+)", file("/work/p/s3.env"))[0])}');
    expect(json.output.v?.value).toBe('${sensitive(regex("(?m)^V=([^[:space:]]+)", file("/k"))[0])}');
  });

  it("resolves ~/ against the home directory and keeps absolute paths", () => {
    expect(absolutePath("~/.config/s3.env", "/x")).toBe(join(homedir(), ".config/s3.env"));
    expect(absolutePath("/etc/s3.env", "/x")).toBe("/etc/s3.env");
  });
});
