import { describe, expect, it } from "vitest";
import { standInConfig } from "../../scripts/terraform-harness/stand-in.ts";
import { joinTemplate, splitTemplate } from "../../scripts/terraform-harness/template-scan.ts";

describe("splitTemplate", () => {
  it("finds interpolations and directives with nested strings and braces; escaped sequences stay literal", () => {
    const template = 'a $${b} ${x.y["k"]} %{ if z }{${"${w}"}}%{ endif } ${ {a = "}"}.a } %%{c}';
    const parts = splitTemplate(template);
    expect(parts.filter((p) => p.kind === "expression").map((p) => p.text)).toEqual(['x.y["k"]', " if z ", '"${w}"', " endif ", ' {a = "}"}.a ']);
    expect(joinTemplate(parts)).toBe(template);
  });
});

describe("standInConfig", () => {
  const config = {
    terraform: { required_providers: { kubernetes: { source: "kubernetes" } }, backend: { local: { path: "/x" } } },
    provider: { kubernetes: [{}] },
    data: { coder_workspace: { me: {} } },
    resource: {
      random_id: { s: { byte_length: 32 } },
      kubernetes_secret_v1: { s: { metadata: { name: "s" }, data: { k: "${random_id.s.hex}" }, "//": { metadata: {} } } },
      kubernetes_deployment_v1: {
        d: {
          count: "${data.coder_workspace.me.start_count}",
          depends_on: ["kubernetes_secret_v1.s"],
          provider: "kubernetes",
          metadata: { name: "${kubernetes_secret_v1.s.metadata[0].name}-d" },
          lifecycle: { ignore_changes: ["spec[0].replicas"], postcondition: [{ condition: "${self.metadata[0].name != \"\"}", error_message: "e" }] },
        },
      },
    },
    output: { n: { value: "${kubernetes_deployment_v1.d[0].metadata[0].name}" } },
  };

  it("drops providers and the backend, keeps meta-arguments, rewrites references to the stand-ins' input", () => {
    const { config: out, originals } = standInConfig(config, { data: { "coder_workspace.me": { start_count: 0 } } });
    expect(Object.keys(out).sort()).toEqual(["output", "resource"]);
    const r = (out.resource as { terraform_data: Record<string, Record<string, unknown>> }).terraform_data;
    expect(r.data__coder_workspace__me).toEqual({ input: { start_count: 0 } });
    expect(r.kubernetes_deployment_v1__d).toEqual({
      input: { metadata: [{ name: "${terraform_data.kubernetes_secret_v1__s.input.metadata[0].name}-d" }] },
      count: "${terraform_data.data__coder_workspace__me.input.start_count}",
      depends_on: ["terraform_data.kubernetes_secret_v1__s"],
      lifecycle: { ignore_changes: ["input.spec[0].replicas"], postcondition: [{ condition: '${self.input.metadata[0].name != ""}', error_message: "e" }] },
    });
    // A block cdktf wrote as an object but that is read as a list becomes a list of one; comments go.
    expect(r.kubernetes_secret_v1__s?.input).toEqual({ metadata: [{ name: "s" }], data: { k: "${terraform_data.random_id__s.input.hex}" } });
    // A computed attribute is unknown at plan time: the output of a helper whose input is a test value.
    expect(r.random_id__s?.input).toEqual({ byte_length: 32, hex: "${terraform_data.unknown__random_id__s__hex.output}" });
    expect(r.unknown__random_id__s__hex).toEqual({ input: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(out.output).toEqual({ n: { value: "${terraform_data.kubernetes_deployment_v1__d[0].input.metadata[0].name}" } });
    expect(originals.get("kubernetes_deployment_v1__d")).toBe("kubernetes_deployment_v1.d");
    expect(originals.get("data__coder_workspace__me")).toBe("data.coder_workspace.me");
  });

  it("fails naming the attribute and the table when a computed attribute has no test value", () => {
    const bad = { resource: { random_id: { s: { byte_length: 1 } }, kubernetes_secret_v1: { t: { data: { k: "${random_id.s.unheard_of}" } } } } };
    expect(() => standInConfig(bad)).toThrow(
      "terraform harness: no test value for random_id.unheard_of; add each to COMPUTED_ATTRIBUTES in scripts/terraform-harness/computed-attributes.ts",
    );
  });
});
