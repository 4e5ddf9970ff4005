import { describe, expect, it } from "vitest";
import { ConfigError, configError, formatIssue, InvariantError, showValue } from "../../lib/core/errors.ts";

describe("showValue", () => {
  it("quotes strings, names absent values, and renders the rest as JSON", () => {
    expect(showValue("a\"b")).toBe('"a\\"b"');
    expect(showValue(undefined)).toBe("(not set)");
    expect(showValue(null)).toBe("null");
    expect(showValue(2.5)).toBe("2.5");
    expect(showValue(false)).toBe("false");
    expect(showValue({ kind: "minio" })).toBe('{"kind":"minio"}');
    expect(showValue(Symbol("s"))).toBe("Symbol(s)");
  });
});

describe("ConfigError", () => {
  const a = { field: "workspace.name", value: '"Bad!"', fix: "use letters" };
  const b = { field: "storage.mode", value: '"s4"', fix: "use one of local, s3, proxied" };

  it("formats each issue as 'field: got value; fix'", () => {
    expect(formatIssue(a)).toBe('workspace.name: got "Bad!"; use letters');
  });

  it("lists every problem under a head naming the source and the count", () => {
    const error = new ConfigError([a, b], "w.yaml");
    expect(error.message).toBe('Invalid workspace configuration (w.yaml): 2 problems\n  - workspace.name: got "Bad!"; use letters\n  - storage.mode: got "s4"; use one of local, s3, proxied');
    expect(error.name).toBe("ConfigError");
    expect(error.issues).toEqual([a, b]);
  });

  it("says 'problem' for one, and leaves the source out when there is none", () => {
    expect(new ConfigError([a]).message).toBe('Invalid workspace configuration: 1 problem\n  - workspace.name: got "Bad!"; use letters');
  });

  it("configError builds a one-issue error with the value rendered", () => {
    const error = configError("WORKSPACE_TARGET", "swarm", "use one of kubernetes, docker");
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.issues).toEqual([{ field: "WORKSPACE_TARGET", value: '"swarm"', fix: "use one of kubernetes, docker" }]);
  });
});

describe("InvariantError", () => {
  it("keeps its message and names itself", () => {
    const error = new InvariantError("partial S3 environment");
    expect([error.name, error.message, error instanceof Error]).toEqual(["InvariantError", "partial S3 environment", true]);
  });
});
