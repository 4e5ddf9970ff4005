import { describe, expect, it } from "vitest";
import { applySsePolicy } from "../../../proxy/src/pipeline/sse-policy.ts";

const SSE = "x-amz-server-side-encryption";
const KMS = { [SSE]: "aws:kms", [`${SSE}-aws-kms-key-id`]: "arn:aws:kms:us-east-1:1:key/k", [`${SSE}-context`]: "e30=", [`${SSE}-bucket-key-enabled`]: "true" };

describe("applySsePolicy (S3PROXY_SSE)", () => {
  it("leaves a request without SSE headers alone under every policy", () => {
    for (const policy of ["strip", "reject", "passthrough"] as const) {
      expect(applySsePolicy({ host: "proxy.test", "x-amz-meta-sse": "no" }, policy), policy).toEqual({ dropHeaders: [], echo: undefined });
    }
  });

  it("passthrough forwards every SSE header and echoes nothing", () => {
    expect(applySsePolicy(KMS, "passthrough")).toEqual({ dropHeaders: [], echo: undefined });
  });

  it("strip drops AES256 and the KMS, context and bucket-key headers beside it, and echoes AES256", () => {
    expect(applySsePolicy({ [SSE]: "AES256" }, "strip")).toEqual({ dropHeaders: [SSE], echo: "AES256" });
    const beside = { [SSE]: "AES256", [`${SSE}-aws-kms-key-id`]: "k", [`${SSE}-context`]: "e30=", [`${SSE}-bucket-key-enabled`]: "true", "x-amz-meta-x": "1" };
    expect(applySsePolicy(beside, "strip")).toEqual({ dropHeaders: [SSE, `${SSE}-aws-kms-key-id`, `${SSE}-context`, `${SSE}-bucket-key-enabled`], echo: "AES256" });
  });

  it("strip refuses KMS encryption it cannot give, even when only a KMS header is sent, naming the kind", () => {
    expect(() => applySsePolicy(KMS, "strip")).toThrow(
      expect.objectContaining({ code: "InvalidArgument", message: "Server-side encryption 'aws:kms' is not supported through this proxy; only AES256 (SSE-S3) is accepted." }),
    );
    expect(() => applySsePolicy({ [`${SSE}-aws-kms-key-id`]: "k" }, "strip")).toThrow(
      expect.objectContaining({ message: "Server-side encryption 'aws:kms' is not supported through this proxy; only AES256 (SSE-S3) is accepted." }),
    );
    expect(() => applySsePolicy({ [SSE]: "aws:kms:dsse" }, "strip")).toThrow(expect.objectContaining({ message: expect.stringContaining("'aws:kms:dsse'") }));
  });

  it("reject refuses any SSE header with the fix in the message", () => {
    const fix = "Send requests without it (Convex: AWS_S3_DISABLE_SSE=true), or run the proxy with S3PROXY_SSE=strip or passthrough.";
    expect(() => applySsePolicy({ [SSE]: "AES256" }, "reject")).toThrow(
      expect.objectContaining({ code: "InvalidArgument", message: `Server-side encryption (${SSE}: AES256) is refused by this proxy (S3PROXY_SSE=reject). ${fix}` }),
    );
    expect(() => applySsePolicy({ [`${SSE}-context`]: "e30=" }, "reject")).toThrow(
      expect.objectContaining({ message: `Server-side encryption (${SSE}: aws:kms) is refused by this proxy (S3PROXY_SSE=reject). ${fix}` }),
    );
  });
});
