import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1/index.js";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider/index.js";
import { Fn, TerraformOutput, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { proxyBundle } from "../../lib/proxy-bundle.ts";
import { tfExpression } from "../../lib/terraform/expression.ts";
import { hclString } from "../../lib/terraform/hcl-string.ts";
import { LiteralSafeStack } from "../../lib/terraform/literal-safe-stack.ts";
import { escapeLiteralParts, escapeTemplateSequences } from "../../lib/terraform/template-escape.ts";
import { planWithTerraform, TerraformRefusedError } from "../../scripts/terraform-harness/terraform.ts";
import type { TerraformJson } from "../support/synth.ts";

/** Text full of what Terraform would read as template syntax. */
const TRICKY = "a ${b} %{if c}d%{endif} $${e} %%{f} $ % { } ${";

function configMapStack(stack: TerraformStack, data: Record<string, string>): ConfigMapV1 {
  new KubernetesProvider(stack, "kubernetes", {});
  return new ConfigMapV1(stack, "Cm", { metadata: { name: "cm", labels: { l: "v" } }, data });
}

describe("escapeTemplateSequences", () => {
  it.each([
    ["${x}", "$${x}"],
    ["%{x}", "%%{x}"],
    ["$${x}", "$$${x}"],
    ["%%{x}", "%%%{x}"],
    ["$ { % {", "$ { % {"],
    ["`${a}` and `%{b}`", "`$${a}` and `%%{b}`"],
  ])("%s -> %s", (input, expected) => {
    expect(escapeTemplateSequences(input)).toBe(expected);
  });

  it("leaves cdktf's token markers alone and escapes the text around them", () => {
    expect(escapeLiteralParts("${x} ${TfToken[TOKEN.12]} %{y} #{TfToken[TOKEN.3]}")).toBe("$${x} ${TfToken[TOKEN.12]} %%{y} #{TfToken[TOKEN.3]}");
  });
});

describe("LiteralSafeStack", () => {
  it("escapes literals in resource bodies, map keys and output values; keeps references, Fn.* and tfExpression; leaves variables alone", () => {
    const stack = new LiteralSafeStack(Testing.app(), "s");
    const v = new TerraformVariable(stack, "v", { type: "string", default: "d ${x}" });
    const cm = configMapStack(stack, { "k${1}": TRICKY, ref: `id=${v.stringValue} ${"${"}lit}`, fn: Fn.lower(v.stringValue), expr: tfExpression("upper(var.v)") });
    new TerraformOutput(stack, "o", { value: `${cm.metadata.name} %{x}`, description: "desc ${y}" });
    const json = JSON.parse(Testing.synth(stack)) as TerraformJson & { variable: Record<string, { default: string }> };
    const data = (Object.values(json.resource.kubernetes_config_map_v1 ?? {})[0] as { data: Record<string, string> }).data;
    expect(data).toEqual({
      "k$${1}": "a $${b} %%{if c}d%%{endif} $$${e} %%%{f} $ % { } $${",
      ref: "id=${var.v} $${lit}",
      fn: "${lower(var.v)}",
      expr: "${upper(var.v)}",
    });
    expect(json.output?.o).toEqual({ value: "${kubernetes_config_map_v1.Cm.metadata[0].name} %%{x}", description: "desc ${y}" });
    expect(json.variable.v?.default).toBe("d ${x}");
  });

  it("round-trips through the real terraform: the plan holds the literal text, byte for byte (the proxy bundle too)", async () => {
    const stack = new LiteralSafeStack(Testing.app(), "s");
    const bundle = proxyBundle();
    configMapStack(stack, { tricky: TRICKY, bundle, quoted: hclString('q"\\') });
    const plan = await planWithTerraform(JSON.parse(Testing.synth(stack)) as TerraformJson);
    const values = plan.resources.find((r) => r.type === "kubernetes_config_map_v1")?.values as { data: Record<string, string> };
    expect(values.data.tricky).toBe(TRICKY);
    expect(values.data.bundle).toBe(bundle);
    expect(values.data.quoted).toBe('"q\\"\\\\"');
  });

  it("hclString keeps a value literal inside an expression: terraform evaluates it back to the same text", async () => {
    const stack = new LiteralSafeStack(Testing.app(), "s");
    const text = 'q"\\ ${a} %{b}\n\t\u0001 end';
    configMapStack(stack, { v: tfExpression(`upper(${hclString(text)})`) });
    const plan = await planWithTerraform(JSON.parse(Testing.synth(stack)) as TerraformJson);
    const values = plan.resources.find((r) => r.type === "kubernetes_config_map_v1")?.values as { data: Record<string, string> };
    expect(values.data.v).toBe(text.toUpperCase());
  });
});

describe("the terraform harness catches what terraform refuses", () => {
  it("an unescaped ${ in a ConfigMap's data (a plain TerraformStack, as before lib/terraform) fails validate", async () => {
    const stack = new TerraformStack(Testing.app(), "s");
    configMapStack(stack, { "s3-proxy.mjs": "const a=1;console.log(`${a}`)" });
    const failure = await planWithTerraform(JSON.parse(Testing.synth(stack)) as TerraformJson).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TerraformRefusedError);
    expect((failure as TerraformRefusedError).step).toBe("validate");
    expect((failure as TerraformRefusedError).diagnostics).toContain("Invalid reference");
  });

  it("an unescaped %{ fails too (cdktf's Fn.rawString leaves it)", async () => {
    const stack = new TerraformStack(Testing.app(), "s");
    configMapStack(stack, { x: Fn.rawString("100%{done}") });
    const failure = await planWithTerraform(JSON.parse(Testing.synth(stack)) as TerraformJson).catch((e: unknown) => e);
    expect((failure as TerraformRefusedError).diagnostics).toContain("Invalid template control keyword");
  });
});
