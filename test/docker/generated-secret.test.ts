import { TerraformOutput } from "cdktf";
import { describe, expect, it } from "vitest";
import { GeneratedKeyPair, InstanceSecret } from "../../lib/docker/generated-secret.ts";
import { synthConstruct } from "../support/docker-construct.ts";

describe("InstanceSecret", () => {
  it("defaults: 32 random bytes, referenced as sensitive hex", () => {
    const json = synthConstruct((scope) => {
      const secret = new InstanceSecret(scope, "InstanceSecret");
      new TerraformOutput(scope, "hex", { value: secret.hex, sensitive: true });
    });
    expect(Object.values(json.resource.random_id ?? {})).toEqual([{ byte_length: 32 }]);
    expect(json.output?.hex?.value).toMatch(/^\$\{sensitive\(random_id\.InstanceSecret_[0-9A-F]{8}\.hex\)\}$/);
  });
});

describe("GeneratedKeyPair", () => {
  it("defaults: a 20-character upper-case alphanumeric key id and a 40-character alphanumeric secret", () => {
    const json = synthConstruct((scope) => new GeneratedKeyPair(scope, "Keys"));
    const passwords = Object.values(json.resource.random_password ?? {});
    expect(passwords).toEqual([
      { length: 20, special: false, lower: false, upper: true, numeric: true },
      { length: 40, special: false },
    ]);
  });
});
