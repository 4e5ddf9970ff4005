/**
 * `npm run check:terraform [-- <cdk.tf.json | main.tf.json | directory>...] [--var name=value ...]`
 *
 * Hands each synthesized configuration to the real terraform binary, offline (providers stood in for, see
 * stand-in.ts): `terraform validate` and `terraform plan` must accept it. A Coder template (a configuration with
 * `coder_parameter` data sources) is planned once per option of each parameter, started and stopped. With no path,
 * every stack under cdktf.out/stacks and every template under build/templates is checked. Exits 1 when terraform
 * refuses any of them, printing terraform's own diagnostics.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { TerraformConfig } from "./stand-in.ts";
import { planWithTerraform, TerraformRefusedError, type PlanOptions } from "./terraform.ts";

/** Test values for the Coder templates' required variables, when `--var` does not give them. */
const TEMPLATE_VARIABLE_DEFAULTS: Readonly<Record<string, string>> = { namespace: "coder-workspaces", wildcard_access_url: "*.apps.example.com" };

interface Check {
  readonly label: string;
  readonly options: PlanOptions;
}

function parseArgs(argv: readonly string[]): { paths: string[]; vars: Record<string, string> } {
  const paths: string[] = [];
  const vars: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === "--var") {
      const pair = argv[(i += 1)] ?? "";
      const eq = pair.indexOf("=");
      if (eq <= 0) throw new Error(`--var needs name=value, got ${JSON.stringify(pair)}`);
      vars[pair.slice(0, eq)] = pair.slice(eq + 1);
    } else paths.push(arg);
  }
  return { paths, vars };
}

/** The configuration files a path names: a file, or the `*.tf.json` files of a directory. */
function configFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((f) => f.endsWith(".tf.json"))
    .map((f) => join(path, f));
}

function defaultPaths(): string[] {
  const out: string[] = [];
  for (const base of ["cdktf.out/stacks", "build/templates"]) {
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base)) out.push(join(base, entry));
  }
  return out;
}

/** One plan for a stack; for a template, each parameter option started and stopped, the other parameters at their defaults. */
function checksFor(config: TerraformConfig, vars: Record<string, string>): Check[] {
  const parameters = Object.entries(config.data?.coder_parameter ?? {});
  if (parameters.length === 0) return [{ label: "", options: { vars } }];
  const templateVars = { ...Object.fromEntries(Object.entries(TEMPLATE_VARIABLE_DEFAULTS).filter(([k]) => config.variable?.[k] !== undefined)), ...vars };
  const defaults = Object.fromEntries(parameters.map(([name, body]) => [`coder_parameter.${name}`, { value: String(body.default ?? "") }]));
  const checks: Check[] = [];
  for (const [name, body] of parameters) {
    const options = (body.option as { value: string }[] | undefined)?.map((o) => o.value) ?? [String(body.default ?? "")];
    for (const value of options) {
      for (const start of [1, 0]) {
        checks.push({
          label: ` (${name}=${value}, start_count ${start})`,
          options: { vars: templateVars, data: { ...defaults, [`coder_parameter.${name}`]: { value }, "coder_workspace.me": { start_count: start, transition: start ? "start" : "stop" } } },
        });
      }
    }
  }
  return checks;
}

async function main(): Promise<number> {
  const { paths, vars } = parseArgs(process.argv.slice(2));
  const files = (paths.length > 0 ? paths : defaultPaths()).flatMap(configFiles);
  if (files.length === 0) {
    console.error("check:terraform: nothing to check; run `npm run synth` (and `npm run build:templates`) first, or name a file");
    return 1;
  }
  let refused = 0;
  for (const file of files) {
    const config = JSON.parse(readFileSync(file, "utf8")) as TerraformConfig;
    for (const check of checksFor(config, vars)) {
      const label = `${relative(process.cwd(), file)}${check.label}`;
      try {
        const plan = await planWithTerraform(config, check.options);
        console.log(`ok       ${label}: ${plan.resources.length} resources planned`);
      } catch (error) {
        refused += 1;
        console.log(`REFUSED  ${label}`);
        console.log(error instanceof TerraformRefusedError ? error.diagnostics : String(error));
      }
    }
  }
  return refused > 0 ? 1 : 0;
}

process.exitCode = await main();
