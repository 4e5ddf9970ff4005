import { TerraformBackend, TerraformElement, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import { escapeLiterals } from "./template-escape.ts";

/** Elements whose `toTerraform` already escapes its literals (each element is wrapped once). */
const escaped = new WeakSet<TerraformElement>();

/**
 * The base of every stack and template of this project: at synthesis, every literal string of every resource, data
 * source, provider, local and output value is escaped for Terraform's template syntax (`${` -> `$${`, `%{` -> `%%{`)
 * before cdktf resolves its tokens, so no construct can put raw text into a Terraform template by accident — a
 * minified bundle in a ConfigMap, a shell script, a URL — while references, `Fn.*` calls and {@link tfExpression}
 * stay expressions.
 *
 * Variables and the backend block are left alone: Terraform reads a variable's `default` and `description`, and
 * backend settings, literally.
 */
export class LiteralSafeStack extends TerraformStack {
  override toTerraform(): object {
    for (const element of this.node.findAll()) {
      if (TerraformElement.isTerraformElement(element) && element.cdktfStack === this) escapeElement(element);
    }
    return super.toTerraform() as object;
  }
}

function escapeElement(element: TerraformElement): void {
  if (escaped.has(element) || element instanceof TerraformVariable || element instanceof TerraformBackend) return;
  escaped.add(element);
  const original = element.toTerraform.bind(element);
  element.toTerraform = element instanceof TerraformOutput ? () => escapeOutputValue(original()) : () => escapeLiterals(original());
}

/** An output's `value` is a template; its description is not. */
function escapeOutputValue(fragment: { output?: Record<string, { value?: unknown }> }): object {
  for (const body of Object.values(fragment.output ?? {})) {
    if (body.value !== undefined) body.value = escapeLiterals(body.value);
  }
  return fragment;
}
