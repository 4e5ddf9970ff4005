/**
 * Writes config/workspace.schema.json, the JSON Schema of the workspace YAML file, from the zod schema
 * (lib/core/config-schema.ts), so editors complete and check the file (`# yaml-language-server: $schema=...`).
 * `npm run build:schema`; test/core/config-json-schema.test.ts fails when the committed file is stale.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { workspaceJsonSchemaText } from "../lib/core/config-json-schema.ts";

const target = join(import.meta.dirname, "..", "config", "workspace.schema.json");
writeFileSync(target, workspaceJsonSchemaText());
console.log(`wrote ${target}`);
