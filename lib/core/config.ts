import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { ConfigError, showValue, type ConfigIssue } from "./errors.ts";
import { workspaceConfigSchema, type WorkspaceConfig } from "./config-schema.ts";

/** The committed example configuration: works with no cluster and no bucket. */
export const DEFAULT_CONFIG_FILE = "config/workspace.example.yaml";

/**
 * Environment variables that override one field of the YAML file each. The environment wins over the file, so one
 * flag picks the storage mode of a deploy: `STORAGE_MODE=s3 WORKSPACE_NAME=alice-dev npx cdktf deploy ...`.
 */
export const ENV_OVERRIDES = {
  WORKSPACE_NAME: ["workspace", "name"],
  NAMESPACE: ["workspace", "namespace"],
  STORAGE_MODE: ["storage", "mode"],
  CONVEX_RELEASE: ["convex", "release"],
} as const satisfies Record<string, readonly string[]>;

/** Names the YAML file to read instead of the default. */
export const CONFIG_FILE_VARIABLE = "WORKSPACE_CONFIG";

export interface LoadOptions {
  /** Environment to read overrides from. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths are resolved against. @default process.cwd() */
  readonly cwd?: string;
}

/** Reads the YAML file (WORKSPACE_CONFIG or the default example), applies environment overrides, validates. */
export function loadWorkspaceConfig(options: LoadOptions = {}): WorkspaceConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file = env[CONFIG_FILE_VARIABLE] || DEFAULT_CONFIG_FILE;
  const path = isAbsolute(file) ? file : resolve(cwd, file);
  if (!existsSync(path)) {
    throw new ConfigError([{ field: CONFIG_FILE_VARIABLE, value: showValue(file), fix: `point it at an existing YAML file, e.g. ${DEFAULT_CONFIG_FILE}` }]);
  }
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ConfigError([{ field: file, value: "(unparsable YAML)", fix: `fix the YAML syntax: ${(error as Error).message.split("\n")[0]}` }]);
  }
  return parseWorkspaceConfig(raw ?? {}, env, file);
}

/** Validates an already-parsed configuration object with environment overrides applied; reports every problem. */
export function parseWorkspaceConfig(raw: unknown, env: Readonly<Record<string, string | undefined>> = {}, source?: string): WorkspaceConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ConfigError([{ field: "(file)", value: showValue(raw), fix: "write a YAML mapping with workspace:, storage:, ... at the top level" }], source);
  }
  const input = structuredClone(raw) as Record<string, unknown>;
  const fromEnv = new Map<string, string>();
  for (const [variable, path] of Object.entries(ENV_OVERRIDES)) {
    const value = env[variable];
    if (value === undefined || value === "") continue;
    setPath(input, path, value);
    fromEnv.set(path.join("."), variable);
  }
  const result = workspaceConfigSchema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(toIssues(result.error, input, fromEnv), source);
}

function toIssues(error: z.ZodError, input: unknown, fromEnv: Map<string, string>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const field = [...path, key].join(".");
        issues.push({ field, value: showValue(getPath(input, [...path, key])), fix: "remove it: it is not a known setting (check the spelling against config/workspace.example.yaml)" });
      }
      continue;
    }
    if (issue.code === "invalid_key") {
      // A record key broke a rule (e.g. an extra variable the stack manages): the key's own message is the fix.
      for (const keyIssue of issue.issues) issues.push({ field: path.join("."), value: showValue(getPath(input, path)), fix: keyIssue.message });
      continue;
    }
    const dotted = path.join(".");
    const variable = fromEnv.get(dotted);
    const field = variable === undefined ? dotted : `${variable} (${dotted})`;
    issues.push({ field, value: showValue(getPath(input, path)), fix: issue.message });
  }
  return issues;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== "object" || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

function getPath(target: unknown, path: readonly string[]): unknown {
  let node = target;
  for (const key of path) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
