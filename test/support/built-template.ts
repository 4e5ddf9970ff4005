/** Builds the Coder templates into a temporary directory and hands a test one of them, parsed. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildTemplates, type BuiltTemplate } from "../../scripts/build-templates.ts";
import type { TemplateJson } from "./template-eval.ts";

export interface BuiltTemplateUnderTest {
  readonly built: BuiltTemplate;
  /** main.tf.json as written. */
  readonly text: string;
  readonly json: TemplateJson & { terraform: Record<string, unknown>; output?: Record<string, unknown> };
  /** Removes the temporary build directory. */
  remove(): void;
}

/** Runs `npm run build:templates`' build into a temporary directory and returns template `id`. */
export function buildTemplateForTest(id: string): BuiltTemplateUnderTest {
  const out = mkdtempSync(join(tmpdir(), "templates-"));
  const built = buildTemplates(out).find((t) => t.id === id);
  if (built === undefined) {
    rmSync(out, { recursive: true, force: true });
    throw new Error(`the build wrote no ${id} template`);
  }
  const text = readFileSync(join(built.dir, "main.tf.json"), "utf8");
  return { built, text, json: JSON.parse(text) as BuiltTemplateUnderTest["json"], remove: () => rmSync(out, { recursive: true, force: true }) };
}
