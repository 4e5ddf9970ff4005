import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A built template's Terraform JSON, as far as the evaluator reads it. */
export interface TemplateJson {
  variable?: Record<string, { type?: string; default?: unknown; validation?: unknown }>;
  locals?: Record<string, unknown>;
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  [key: string]: unknown;
}

/** What Coder would hand a workspace build: the parameter value, the transition and the workspace's identity. */
export interface CoderBuildInput {
  readonly storageMode: string;
  /** The restore_from parameter. @default "" (no restore) */
  readonly restoreFrom?: string;
  /** 1 for a start, 0 for a stop or delete. */
  readonly startCount: 0 | 1;
  readonly workspaceId?: string;
  readonly workspaceName?: string;
  readonly ownerName?: string;
  readonly ownerEmail?: string;
  /** @default "https://coder.example.com" */
  readonly accessUrl?: string;
  /** What the provider derives from the access URL (its port, else 443/80 by scheme). @default 443 */
  readonly accessPort?: number;
  /** data.coder_provisioner.me.arch. @default "amd64" */
  readonly arch?: string;
  /** Values for the template's variables (required ones have no default). */
  readonly vars?: Record<string, string>;
  /** Further Terraform expressions (e.g. an attribute copied from the template) to evaluate, by name. */
  readonly expressions?: Record<string, unknown>;
}

/** A Kubernetes env list (`{name, value | value_from}`) or Docker's `NAME=value` strings. */
export type BackendEnv = ({ name: string; value?: string; value_from?: unknown } | string)[];

/** What Terraform makes of the template for one build, evaluated by the terraform binary itself. */
export interface EvaluatedBuild {
  /** Addresses (`type.name`) of every resource with count > 0 or no count. */
  readonly resources: string[];
  /** Environment of each backend Deployment that exists, by address. */
  readonly backendEnv: Record<string, BackendEnv>;
  /** The evaluated locals (app URLs among them). */
  readonly locals: Record<string, unknown>;
  /** The evaluated `expressions`. */
  readonly values: Record<string, unknown>;
  /** terraform apply's output (its warnings, e.g. of failed `check` assertions), without colour. */
  readonly applyOutput: string;
}

/** A build terraform refused (a failed validation or precondition): its diagnostics, without colour. */
export class TerraformRefused extends Error {
  constructor(readonly output: string) {
    super(`terraform refused the build:\n${output}`);
    this.name = "TerraformRefused";
  }
}

/** The coder data-source attributes the template reads, and the variables that stand in for them. */
const CODER_REFS: Record<string, string> = {
  "data.coder_parameter.storage_mode.value": "var.h_storage_mode",
  "data.coder_parameter.restore_from.value": "var.h_restore_from",
  "data.coder_workspace.me.start_count": "var.h_start_count",
  "data.coder_workspace.me.id": "var.h_workspace_id",
  "data.coder_workspace.me.name": "var.h_workspace_name",
  "data.coder_workspace.me.access_url": "var.h_access_url",
  "data.coder_workspace.me.access_port": "var.h_access_port",
  "data.coder_workspace_owner.me.name": "var.h_owner_name",
  "data.coder_workspace_owner.me.id": "var.h_owner_id",
  "data.coder_workspace_owner.me.email": "var.h_owner_email",
  "data.coder_provisioner.me.arch": "var.h_arch",
};
/** The stand-ins' types (the provider's): numbers where it gives numbers. */
const CODER_REF_TYPES: Record<string, string> = { h_start_count: "number", h_access_port: "number" };

const TERRAFORM_TIMEOUT_MS = 60_000;

/**
 * Evaluates a template's per-mode selection with the real terraform binary, without any provider: the template's
 * variables (with their validations), its locals, its `check` blocks, every resource's `count` expression and
 * every resource's preconditions (as preconditions of outputs) are copied verbatim into a provider-free
 * configuration, with the Coder data sources replaced by variables; `terraform apply` then computes the counts and
 * the environment of the backend Deployments that exist, exactly as Terraform would in a Coder build, or refuses
 * the build (TerraformRefused) where Terraform would.
 */
export function evaluateBuild(template: TemplateJson, input: CoderBuildInput): EvaluatedBuild {
  const counts: Record<string, unknown> = {};
  const backends: Record<string, unknown> = {};
  const preconditions: Record<string, { value: string; precondition: unknown[] }> = {};
  for (const [type, byName] of Object.entries(template.resource)) {
    for (const [name, body] of Object.entries(byName)) {
      const address = `${type}.${name}`;
      counts[address] = body.count ?? 1;
      const conditions = (body.lifecycle as { precondition?: unknown[] } | undefined)?.precondition;
      if (conditions !== undefined) preconditions[`precondition_${type}_${name}`] = { value: "checked", precondition: conditions };
      const containers = (body.spec as { template?: { spec?: { container?: { name: string; env?: unknown }[] } } } | undefined)?.template?.spec?.container;
      if (type === "kubernetes_deployment_v1" && containers?.[0]?.name === "backend") backends[address] = containers[0].env ?? [];
      if (type === "docker_container" && (body as { labels?: unknown }).labels !== undefined && name.startsWith("Backend")) backends[address] = body.env ?? [];
    }
  }
  // Sensitive, because generated secrets are; `terraform output -json` prints them anyway.
  const output: Record<string, unknown> = {
    resources: { value: "${[for k, c in local.h_counts : k if c > 0]}", sensitive: true },
    locals: { value: `\${jsonencode({${Object.keys(template.locals ?? {}).map((k) => `${k} = local.${k}`).join(", ")}})}`, sensitive: true },
    values: { value: "${jsonencode(local.h_expressions)}", sensitive: true },
    ...preconditions,
  };
  Object.keys(backends).forEach((address, i) => {
    output[`backend_${i}`] = { value: `\${local.h_counts["${address}"] > 0 ? jsonencode({address = "${address}", env = local.h_backend_env_${i}}) : null}`, sensitive: true };
  });
  const harness = {
    variable: {
      ...Object.fromEntries(
        Object.entries(template.variable ?? {}).map(([k, v]) => [
          k,
          { type: v.type ?? "string", ...(v.default !== undefined ? { default: v.default } : {}), ...(v.validation !== undefined ? { validation: v.validation } : {}) },
        ]),
      ),
      ...Object.fromEntries(Object.values(CODER_REFS).map((v) => [v.slice(4), { type: CODER_REF_TYPES[v.slice(4)] ?? "string" }])),
    },
    locals: {
      ...template.locals,
      h_counts: counts,
      h_expressions: input.expressions ?? {},
      ...Object.fromEntries(Object.values(backends).map((env, i) => [`h_backend_env_${i}`, env])),
    },
    ...(template.check !== undefined ? { check: template.check } : {}),
    output,
  };
  let text = JSON.stringify(harness);
  for (const [from, to] of Object.entries(CODER_REFS)) text = text.split(from).join(to);
  // Generated secrets are unknown until apply: each stands in as the string "<address>" (quotes escaped for JSON).
  text = text.replace(/\b(random_(?:id|password)\.[A-Za-z0-9_]+\.(?:hex|result))\b/g, '\\"<$1>\\"');
  const leftover = /\$\{[^}]*\b(data\.coder_[a-z_]+\.[a-z_]+\.[a-z_]+)/.exec(text);
  if (leftover) throw new Error(`the harness does not stand in for ${leftover[1]}`);

  const dir = mkdtempSync(join(tmpdir(), "template-eval-"));
  try {
    writeFileSync(join(dir, "main.tf.json"), text);
    const vars: Record<string, string> = {
      h_storage_mode: input.storageMode,
      h_restore_from: input.restoreFrom ?? "",
      h_start_count: String(input.startCount),
      h_workspace_id: input.workspaceId ?? "6f1c1a2e-8a7b-4f0e-9d3c-2b1a0f9e8d7c",
      h_workspace_name: input.workspaceName ?? "Dev",
      h_owner_name: input.ownerName ?? "Alice",
      h_owner_id: "0b6c3c1e-1111-4222-8333-944455556666",
      h_owner_email: input.ownerEmail ?? "alice@example.com",
      h_access_url: input.accessUrl ?? "https://coder.example.com",
      h_access_port: String(input.accessPort ?? 443),
      h_arch: input.arch ?? "amd64",
      ...input.vars,
    };
    const run = (args: string[]): string => {
      const r = spawnSync("terraform", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: TERRAFORM_TIMEOUT_MS, env: { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" } });
      const text = `${r.stdout}${r.stderr}`;
      if (r.error !== undefined) throw r.error;
      if (r.status !== 0) throw new TerraformRefused(text);
      return text;
    };
    // No `terraform init`: the configuration has no provider, module or backend to install. The outputs are read
    // from the local state apply writes (what `terraform output -json` would print, without a second process).
    const applyOutput = run(["apply", "-auto-approve", "-input=false", "-lock=false", "-no-color", ...Object.entries(vars).flatMap(([k, v]) => ["-var", `${k}=${v}`])]);
    const out = (JSON.parse(readFileSync(join(dir, "terraform.tfstate"), "utf8")) as { outputs: Record<string, { value: unknown }> }).outputs;
    const backendEnv: EvaluatedBuild["backendEnv"] = {};
    for (const [key, o] of Object.entries(out)) {
      if (!key.startsWith("backend_") || o.value === null || o.value === undefined) continue;
      const parsed = JSON.parse(o.value as string) as { address: string; env: EvaluatedBuild["backendEnv"][string] };
      backendEnv[parsed.address] = parsed.env;
    }
    return {
      resources: (out.resources?.value as string[]).slice().sort(),
      backendEnv,
      locals: JSON.parse(out.locals?.value as string) as Record<string, unknown>,
      values: JSON.parse(out.values?.value as string) as Record<string, unknown>,
      applyOutput,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What `terraform destroy` of a whole workspace would refuse (Coder deletes a workspace with a destroy): every
 * resource of the template stands in as a provider-free `terraform_data` carrying the resource's own `lifecycle`
 * meta-argument verbatim; the real terraform applies them and plans their destroy. Returns the addresses
 * (`type.name`) whose `prevent_destroy` stops it, sorted.
 */
export function destroyRefusals(template: TemplateJson): string[] {
  const standIns: Record<string, { lifecycle?: unknown }> = {};
  const addresses: Record<string, string> = {};
  for (const [type, byName] of Object.entries(template.resource)) {
    for (const [name, body] of Object.entries(byName)) {
      const standIn = `${type}__${name}`;
      const lifecycle = body.lifecycle as { prevent_destroy?: unknown } | undefined;
      standIns[standIn] = lifecycle?.prevent_destroy !== undefined ? { lifecycle: { prevent_destroy: lifecycle.prevent_destroy } } : {};
      addresses[standIn] = `${type}.${name}`;
    }
  }
  const dir = mkdtempSync(join(tmpdir(), "template-destroy-"));
  try {
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ resource: { terraform_data: standIns } }));
    const run = (args: string[]) =>
      spawnSync("terraform", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: TERRAFORM_TIMEOUT_MS, env: { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" } });
    // terraform_data is built in: nothing for `terraform init` to install.
    const applied = run(["apply", "-auto-approve", "-input=false", "-lock=false", "-no-color"]);
    if (applied.status !== 0) throw new TerraformRefused(`${applied.stdout}${applied.stderr}`);
    const plan = run(["plan", "-destroy", "-input=false", "-lock=false", "-no-color"]);
    const refused = [...`${plan.stdout}${plan.stderr}`.matchAll(/Resource terraform_data\.(\S+) has lifecycle\.prevent_destroy set/g)].map((m) => addresses[m[1] as string] ?? (m[1] as string));
    if (plan.status !== 0 && refused.length === 0) throw new TerraformRefused(`${plan.stdout}${plan.stderr}`);
    return [...new Set(refused)].sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
