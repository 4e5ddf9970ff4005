import { z } from "zod";
import { workspaceConfigSchema } from "./config-schema.ts";

/**
 * The JSON Schema (draft 2020-12) of the workspace YAML file, generated from the zod schema: what a user writes
 * (`io: "input"`: fields with a default are optional). The environment overrides (WORKSPACE_NAME, ...) are applied
 * by the loader before validation, so a file that leaves workspace.name to WORKSPACE_NAME fails here, as the loader
 * fails without the variable.
 */
export function workspaceJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(workspaceConfigSchema, { io: "input", target: "draft-2020-12" }) as Record<string, unknown>;
  return {
    ...schema,
    title: "Convex workspace configuration",
    description: "One workspace's Convex deployment (config/workspace.example.yaml). Generated from lib/core/config-schema.ts by `npm run build:schema`.",
  };
}

/** The schema file's exact text. */
export function workspaceJsonSchemaText(): string {
  return `${JSON.stringify(workspaceJsonSchema(), null, 2)}\n`;
}
