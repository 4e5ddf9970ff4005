import { describe, expect, it } from "vitest";
import { entry, ref } from "../../lib/core/env.ts";
import { InvariantError } from "../../lib/core/errors.ts";
import { dockerEnv } from "../../lib/docker/env.ts";

describe("dockerEnv", () => {
  it("renders literals as NAME=value and references as the given Terraform expressions, in order", () => {
    const env = [entry("INSTANCE_NAME", "convex-a"), entry("INSTANCE_SECRET", ref("instanceSecret")), entry("AWS_REGION", "us-east-1")];
    expect(dockerEnv(env, { instanceSecret: "${sensitive(random_id.s.hex)}" })).toEqual([
      "INSTANCE_NAME=convex-a",
      "INSTANCE_SECRET=${sensitive(random_id.s.hex)}",
      "AWS_REGION=us-east-1",
    ]);
  });

  it("passes literals through as they are (the stack escapes every literal once, lib/terraform)", () => {
    expect(dockerEnv([entry("X", "a${b}c%{d}$e")], {})).toEqual(["X=a${b}c%{d}$e"]);
  });

  it("fails if a reference has no source in the stack", () => {
    expect(() => dockerEnv([entry("AWS_ACCESS_KEY_ID", ref("bucketAccessKeyId"))], {})).toThrow(
      new InvariantError("environment variable AWS_ACCESS_KEY_ID refers to 'bucketAccessKeyId', which no resource of this stack provides"),
    );
  });

  it("fails if a literal relies on Kubernetes' $(VAR) expansion", () => {
    expect(() => dockerEnv([entry("S3_ENDPOINT_URL", "http://$(BUCKET_HOST):$(BUCKET_PORT)")], {})).toThrow(
      new InvariantError("environment variable S3_ENDPOINT_URL uses Kubernetes' $(VAR) expansion, which Docker does not do: http://$(BUCKET_HOST):$(BUCKET_PORT)"),
    );
  });
});
