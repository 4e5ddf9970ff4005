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
  return buildTemplatesForTest([id])[0] as BuiltTemplateUnderTest;
}

/**
 * One run of `npm run build:templates`' build (every template synthesized once) into a temporary directory, and the
 * templates `ids` from it, in that order. They share the directory: `remove()` of any of them removes it.
 */
export function buildTemplatesForTest(ids: readonly string[]): BuiltTemplateUnderTest[] {
  const out = mkdtempSync(join(tmpdir(), "templates-"));
  const remove = () => rmSync(out, { recursive: true, force: true });
  try {
    const all = buildTemplates(out);
    return ids.map((id) => {
      const built = all.find((t) => t.id === id);
      if (built === undefined) throw new Error(`the build wrote no ${id} template`);
      const text = readFileSync(join(built.dir, "main.tf.json"), "utf8");
      return { built, text, json: JSON.parse(text) as BuiltTemplateUnderTest["json"], remove };
    });
  } catch (error) {
    remove();
    throw error;
  }
}
