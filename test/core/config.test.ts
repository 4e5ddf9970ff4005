import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadWorkspaceConfig, parseWorkspaceConfig } from "../../lib/core/config.ts";
import { DEFAULT_CONVEX_RELEASE } from "../../lib/core/images.ts";
import { problems } from "../support/config-problems.ts";

const root = join(import.meta.dirname, "..", "..");

describe("loadWorkspaceConfig", () => {
  it("loads the committed example with its defaults", () => {
    const config = loadWorkspaceConfig({ env: {}, cwd: root });
    expect(config.workspace).toEqual({ name: "dev", namespace: "convex" });
    expect(config.storage.mode).toBe("local");
    expect(config.storage.region).toBe("us-east-1");
    expect(config.convex.release).toBe(DEFAULT_CONVEX_RELEASE);
    expect(config.convex.dataVolume).toEqual({ size: "10Gi", protect: true });
    expect(config.convex.disableBeacon).toBe(false);
  });

  it("lets WORKSPACE_NAME, NAMESPACE, STORAGE_MODE and CONVEX_RELEASE win over the file", () => {
    const config = loadWorkspaceConfig({ env: { WORKSPACE_NAME: "alice-dev", NAMESPACE: "team-a", STORAGE_MODE: "s3", CONVEX_RELEASE: "b".repeat(40) }, cwd: root });
    expect(config.workspace).toEqual({ name: "alice-dev", namespace: "team-a" });
    expect(config.storage.mode).toBe("s3");
    expect(config.convex.release).toBe("b".repeat(40));
  });

  it("resolves the default file against the working directory when no cwd is given", () => {
    expect(process.cwd()).toBe(root);
    expect(loadWorkspaceConfig({ env: {} }).workspace.name).toBe("dev");
  });

  it("reads the file named by WORKSPACE_CONFIG", () => {
    const dir = mkdtempSync(join(tmpdir(), "cfg-"));
    writeFileSync(join(dir, "w.yaml"), "workspace: { name: bob }\nstorage: { mode: proxied }\n");
    const config = loadWorkspaceConfig({ env: { WORKSPACE_CONFIG: join(dir, "w.yaml") }, cwd: root });
    expect(config.workspace.name).toBe("bob");
    expect(config.storage.mode).toBe("proxied");
  });

  it("fails if WORKSPACE_CONFIG names a missing file", () => {
    expect(problems(() => loadWorkspaceConfig({ env: { WORKSPACE_CONFIG: "nope.yaml" }, cwd: root }))).toEqual([
      'WORKSPACE_CONFIG: got "nope.yaml"; point it at an existing YAML file, e.g. config/workspace.example.yaml',
    ]);
  });

  it("fails if the YAML does not parse", () => {
    const dir = mkdtempSync(join(tmpdir(), "cfg-"));
    writeFileSync(join(dir, "bad.yaml"), "workspace: [unclosed\n");
    const [message] = problems(() => loadWorkspaceConfig({ env: { WORKSPACE_CONFIG: join(dir, "bad.yaml") }, cwd: root }));
    // The first line of the yaml library's own message.
    expect(message).toMatch(/^[^:]*bad\.yaml: got \(unparsable YAML\); fix the YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a \] at line 2, column 1:$/);
  });
});

describe("parseWorkspaceConfig", () => {
  it("fails if the file is not a YAML mapping", () => {
    for (const [raw, shown] of [[[], "[]"], [null, "null"], ["workspace", '"workspace"'], [3, "3"]] as const) {
      expect(problems(() => parseWorkspaceConfig(raw))).toEqual([`(file): got ${shown}; write a YAML mapping with workspace:, storage:, ... at the top level`]);
    }
  });

  it("ignores an empty override, and sets an override even where the file has a scalar", () => {
    expect(parseWorkspaceConfig({ workspace: { name: "w" }, storage: { mode: "s3" } }, { STORAGE_MODE: "" }).storage.mode).toBe("s3");
    expect(parseWorkspaceConfig({ workspace: "w" }, { WORKSPACE_NAME: "alice" }).workspace).toEqual({ name: "alice", namespace: "convex" });
    expect(parseWorkspaceConfig({ workspace: null }, { WORKSPACE_NAME: "alice" }).workspace).toEqual({ name: "alice", namespace: "convex" });
    expect(parseWorkspaceConfig({ workspace: ["w"] }, { WORKSPACE_NAME: "alice" }).workspace).toEqual({ name: "alice", namespace: "convex" });
  });

  it("fails if WORKSPACE_NAME breaks Coder's name rule, naming the variable and the field", () => {
    expect(problems(() => parseWorkspaceConfig({}, { WORKSPACE_NAME: "Bad_Name!" }))).toEqual([
      `WORKSPACE_NAME (workspace.name): got "Bad_Name!"; use letters, digits and single hyphens, starting and ending with a letter or digit (Coder's rule), e.g. alice-dev`,
    ]);
  });

  it("fails if the workspace name is missing", () => {
    expect(problems(() => parseWorkspaceConfig({}))).toEqual(["workspace: got (not set); set the workspace name: workspace.name in the YAML file or WORKSPACE_NAME"]);
  });

  it("fails if the workspace name is longer than 32 characters", () => {
    expect(problems(() => parseWorkspaceConfig({ workspace: { name: "a".repeat(33) } }))).toEqual([
      `workspace.name: got "${"a".repeat(33)}"; use at most 32 characters`,
    ]);
  });

  it("fails if STORAGE_MODE is not a known mode", () => {
    expect(problems(() => parseWorkspaceConfig({ workspace: { name: "w" } }, { STORAGE_MODE: "minio" }))).toEqual([
      'STORAGE_MODE (storage.mode): got "minio"; use one of local, s3, proxied',
    ]);
  });

  it("fails if the namespace is not a DNS label", () => {
    expect(problems(() => parseWorkspaceConfig({ workspace: { name: "w" } }, { NAMESPACE: "Team_A" }))).toEqual([
      `NAMESPACE (workspace.namespace): got "Team_A"; use a Kubernetes namespace name: lower-case letters, digits and '-', e.g. convex`,
    ]);
  });

  it("fails if the release is not a 40-character commit SHA", () => {
    expect(problems(() => parseWorkspaceConfig({ workspace: { name: "w" }, convex: { release: "latest" } }))).toEqual([
      `convex.release: got "latest"; use a full 40-character commit SHA from the convex-backend release tags (never 'latest')`,
    ]);
  });

  it("fails if a presence flag is a string, such as \"false\"", () => {
    expect(problems(() => parseWorkspaceConfig({ workspace: { name: "w" }, convex: { disableBeacon: "false" } }))).toEqual([
      'convex.disableBeacon: got "false"; use true or false (unquoted)',
    ]);
  });

  it("accepts a stop grace period from 5 to 3600 seconds", () => {
    expect(parseWorkspaceConfig({ workspace: { name: "w" } }).convex.stopGracePeriodSeconds).toBe(30);
    expect(parseWorkspaceConfig({ workspace: { name: "w" }, convex: { stopGracePeriodSeconds: 5 } }).convex.stopGracePeriodSeconds).toBe(5);
    expect(parseWorkspaceConfig({ workspace: { name: "w" }, convex: { stopGracePeriodSeconds: 3600 } }).convex.stopGracePeriodSeconds).toBe(3600);
  });

  it("fails if the stop grace period is out of bounds, fractional or quoted", () => {
    const rule = "use a whole number of seconds from 5 to 3600 (unquoted), e.g. 30";
    for (const [value, shown] of [[4, "4"], [3601, "3601"], [0, "0"], [-30, "-30"], [2.5, "2.5"], ["30", '"30"']] as const) {
      expect(problems(() => parseWorkspaceConfig({ workspace: { name: "w" }, convex: { stopGracePeriodSeconds: value } }))).toEqual([
        `convex.stopGracePeriodSeconds: got ${shown}; ${rule}`,
      ]);
    }
  });

  it("fails if a key is unknown (a typo would otherwise be ignored)", () => {
    expect(problems(() => parseWorkspaceConfig({ workspace: { name: "w" }, storage: { mdoe: "s3" } }))).toEqual([
      'storage.mdoe: got "s3"; remove it: it is not a known setting (check the spelling against config/workspace.example.yaml)',
    ]);
  });

  it("fails if the bucket's quotas are not strings Rook accepts", () => {
    expect(
      problems(() => parseWorkspaceConfig({ workspace: { name: "w" }, storage: { bucket: { kind: "objectBucketClaim", maxSize: "two gigs", maxObjects: "0" } } })),
    ).toEqual([
      'storage.bucket.maxSize: got "two gigs"; use a quantity string such as "2G" or "500Mi"',
      'storage.bucket.maxObjects: got "0"; use a positive whole number as a string, e.g. "1000"',
    ]);
  });

  it("fails if the proxy's resources are not Kubernetes quantities", () => {
    expect(problems(() => parseWorkspaceConfig({ workspace: { name: "w" }, storage: { proxy: { resources: { limits: { cpu: "two cores" } } } } }))).toEqual([
      'storage.proxy.resources.limits.cpu: got "two cores"; use a Kubernetes quantity such as "1"',
    ]);
  });

  it("fails if an external bucket's endpoint has a path", () => {
    expect(
      problems(() =>
        parseWorkspaceConfig({ workspace: { name: "w" }, storage: { bucket: { kind: "external", endpoint: "https://s3.example.com/bucket", bucketName: "b-1", credentialsSecretName: "s" } } }),
      ),
    ).toEqual(['storage.bucket.endpoint: got "https://s3.example.com/bucket"; use an http:// or https:// URL with a host and no path, e.g. https://s3.example.com']);
  });

  it("reports every problem at once", () => {
    const found = problems(() => parseWorkspaceConfig({ convex: { release: "x" } }, { WORKSPACE_NAME: "Bad_Name!", STORAGE_MODE: "nfs", NAMESPACE: "A" }));
    expect(found).toHaveLength(4);
    expect(found.map((p) => p.split(":")[0])).toEqual(["WORKSPACE_NAME (workspace.name)", "NAMESPACE (workspace.namespace)", "convex.release", "STORAGE_MODE (storage.mode)"]);
  });

  it("prints the whole report in the error message", () => {
    expect(() => parseWorkspaceConfig({}, { WORKSPACE_NAME: "Bad_Name!" }, "w.yaml")).toThrow(
      /^Invalid workspace configuration \(w\.yaml\): 1 problem\n {2}- WORKSPACE_NAME \(workspace\.name\): got "Bad_Name!"/,
    );
  });
});
