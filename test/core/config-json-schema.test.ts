/**
 * config/workspace.schema.json is the zod schema's own JSON Schema: it is current, the example file references it,
 * and a real JSON Schema validator (ajv, draft 2020-12) accepts exactly the files the loader accepts, over a set of
 * good and bad files (test/fixtures/workspace-config/).
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { loadWorkspaceConfig } from "../../lib/core/config.ts";
import { workspaceJsonSchemaText } from "../../lib/core/config-json-schema.ts";
import { ConfigError } from "../../lib/core/errors.ts";

const root = join(import.meta.dirname, "..", "..");
const fixtures = join(root, "test", "fixtures", "workspace-config");
const schemaFile = join(root, "config", "workspace.schema.json");
const exampleFile = join(root, "config", "workspace.example.yaml");
const validate = new Ajv2020({ strict: true, allErrors: true }).compile(JSON.parse(readFileSync(schemaFile, "utf8")) as object);

const files = (kind: "good" | "bad") => readdirSync(join(fixtures, kind)).filter((f) => f.endsWith(".yaml")).sort();
const load = (path: string) => loadWorkspaceConfig({ env: { WORKSPACE_CONFIG: path }, cwd: root });
const loaderAccepts = (path: string) => {
  try {
    load(path);
    return true;
  } catch (error) {
    if (error instanceof ConfigError) return false;
    throw error;
  }
};
const schemaAccepts = (path: string) => validate(parseYaml(readFileSync(path, "utf8")) ?? {});

describe("config/workspace.schema.json", () => {
  it("is the schema generated from lib/core/config-schema.ts (run npm run build:schema after changing it)", () => {
    expect(readFileSync(schemaFile, "utf8")).toBe(workspaceJsonSchemaText());
  });

  it("is referenced from the example file for editors", () => {
    expect(readFileSync(exampleFile, "utf8").split("\n")[0]).toBe("# yaml-language-server: $schema=./workspace.schema.json");
  });

  it("accepts the example file, as the loader does", () => {
    expect(loaderAccepts(exampleFile)).toBe(true);
    expect(schemaAccepts(exampleFile)).toBe(true);
  });

  it("has good and bad files to compare on", () => {
    expect(files("good").length).toBeGreaterThanOrEqual(3);
    expect(files("bad").length).toBeGreaterThanOrEqual(10);
  });

  it.each(files("good"))("accepts good/%s, as the loader does", (file) => {
    const path = join(fixtures, "good", file);
    expect(loaderAccepts(path)).toBe(true);
    expect(schemaAccepts(path), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each(files("bad"))("rejects bad/%s, as the loader does", (file) => {
    const path = join(fixtures, "bad", file);
    expect(loaderAccepts(path)).toBe(false);
    expect(schemaAccepts(path)).toBe(false);
  });
});
