/**
 * Runs the real terraform binary over a provider-free stand-in (stand-in.ts) in a temporary directory:
 * `init`, `validate`, `plan`, `show -json` and `graph`, offline, every call bounded in time.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { standInConfig, UNKNOWN_PREFIX, type StandIn, type StandInOptions, type TerraformConfig } from "./stand-in.ts";

const run = promisify(execFile);

/** Upper bound of one terraform command, in milliseconds. */
const TERRAFORM_TIMEOUT_MS = 60_000;

export interface PlanOptions extends StandInOptions {
  /** Values of the configuration's variables (`-var name=value`). @default - each variable's default */
  readonly vars?: Readonly<Record<string, string>>;
  /** Also return the dependency graph (`terraform graph`). @default false */
  readonly graph?: boolean;
  /** Plan the destruction of everything in the state (`plan -destroy`), as `terraform destroy` would. @default false */
  readonly destroy?: boolean;
}

/** One resource instance the plan creates, under its original address. */
export interface PlannedResource {
  /** The original address, e.g. `kubernetes_deployment_v1.Backend_EC8447F5` or `...S3Proxy_707C607E[0]`. */
  readonly address: string;
  /** `type.name` without an index. */
  readonly resource: string;
  readonly type: string;
  /** The body as Terraform evaluated it (unknown values absent). */
  readonly values: Record<string, unknown>;
}

export interface PlanResult {
  /** Resources (not data sources) the plan creates, with their evaluated bodies. */
  readonly resources: readonly PlannedResource[];
  /** Evaluated data-source stand-ins, by original address. */
  readonly data: Readonly<Record<string, Record<string, unknown>>>;
  /** Output values known at plan time. */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** `type.name` -> the `type.name`s it depends on directly (only with `graph: true`). */
  readonly dependencies: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Thrown when terraform refuses the configuration: carries terraform's own diagnostics. */
export class TerraformRefusedError extends Error {
  constructor(
    readonly step: string,
    readonly diagnostics: string,
  ) {
    super(`terraform ${step} refused the configuration:\n${diagnostics}`);
    this.name = "TerraformRefusedError";
  }
}

/** Validates and plans `config` with the real terraform binary, offline, in a fresh directory (no state). */
export async function planWithTerraform(config: TerraformConfig, options: PlanOptions = {}): Promise<PlanResult> {
  const workdir = await TerraformWorkdir.create();
  try {
    return await workdir.plan(config, options);
  } finally {
    await workdir.remove();
  }
}

/**
 * A temporary terraform working directory whose local state carries over from one call to the next, for what only
 * shows on a second plan (e.g. a value recorded at the first apply). Applying stand-ins touches nothing outside it.
 */
export class TerraformWorkdir {
  private constructor(private readonly dir: string) {}

  static async create(): Promise<TerraformWorkdir> {
    const dir = await mkdtemp(join(tmpdir(), "tf-harness-"));
    await writeFile(join(dir, "cli.tfrc"), "");
    return new TerraformWorkdir(dir);
  }

  /** Writes the stand-in of `config`, then `init`, `validate`, `plan` and `show` (and `graph` when asked). */
  async plan(config: TerraformConfig, options: PlanOptions = {}): Promise<PlanResult> {
    const standIn = await this.prepare(config, options);
    await this.tf("plan", ["plan", "-input=false", "-lock=false", "-refresh=false", "-no-color", "-out=tfplan", ...(options.destroy ? ["-destroy"] : []), ...varArgs(options)]);
    const shown = JSON.parse(await this.tf("show", ["show", "-json", "tfplan"])) as PlanJson;
    const dependencies = options.graph ? parseGraph(await this.tf("graph", ["graph", "-type=plan"]), standIn.originals) : new Map();
    return { ...readPlan(shown, standIn.originals), dependencies };
  }

  /** Writes the stand-in of `config` and applies it to this directory's state. */
  async apply(config: TerraformConfig, options: PlanOptions = {}): Promise<void> {
    await this.prepare(config, options);
    await this.tf("apply", ["apply", "-input=false", "-lock=false", "-auto-approve", "-no-color", ...varArgs(options)]);
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  private async prepare(config: TerraformConfig, options: PlanOptions): Promise<StandIn> {
    const standIn = standInConfig(config, options);
    await writeFile(join(this.dir, "main.tf.json"), JSON.stringify(standIn.config, null, 1));
    await this.tf("init", ["init", "-input=false", "-backend=false", "-no-color"]);
    await this.tf("validate", ["validate", "-no-color"]);
    return standIn;
  }

  private tf(step: string, args: string[]): Promise<string> {
    return terraform(this.dir, step, args);
  }
}

function varArgs(options: PlanOptions): string[] {
  return Object.entries(options.vars ?? {}).flatMap(([k, v]) => ["-var", `${k}=${v}`]);
}

async function terraform(dir: string, step: string, args: string[]): Promise<string> {
  const env = { ...process.env, TF_CLI_CONFIG_FILE: join(dir, "cli.tfrc"), TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1", TF_INPUT: "0" };
  try {
    const { stdout } = await run(process.env.TERRAFORM_BINARY ?? "terraform", args, { cwd: dir, env, timeout: TERRAFORM_TIMEOUT_MS, maxBuffer: 256 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new TerraformRefusedError(step, `${e.stderr ?? ""}${e.stdout ?? ""}`.trim() || e.message);
  }
}

interface PlanJson {
  resource_changes?: { address: string; mode: string; type: string; name: string; index?: number | string; change: { actions: string[]; after?: { input?: Record<string, unknown> } } }[];
  planned_values?: { outputs?: Record<string, { value?: unknown }> };
}

function readPlan(plan: PlanJson, originals: ReadonlyMap<string, string>): Omit<PlanResult, "dependencies"> {
  const resources: PlannedResource[] = [];
  const data: Record<string, Record<string, unknown>> = {};
  for (const change of plan.resource_changes ?? []) {
    if (change.type !== "terraform_data" || !change.change.actions.includes("create")) continue;
    if (change.name.startsWith(UNKNOWN_PREFIX)) continue;
    // A terraform_data of the configuration itself (not a stand-in) keeps its own address.
    const original = originals.get(change.name) ?? `terraform_data.${change.name}`;
    const index = change.index === undefined ? "" : typeof change.index === "number" ? `[${change.index}]` : `["${change.index}"]`;
    const values = (originals.has(change.name) ? change.change.after?.input : change.change.after) ?? {};
    if (original.startsWith("data.")) data[`${original}${index}`] = values;
    else resources.push({ address: `${original}${index}`, resource: original, type: original.slice(0, original.indexOf(".")), values });
  }
  const outputs = Object.fromEntries(Object.entries(plan.planned_values?.outputs ?? {}).map(([k, v]) => [k, v.value]));
  return { resources, data, outputs };
}

/** Edges of `terraform graph` between stand-ins, under their original addresses. */
function parseGraph(dot: string, originals: ReadonlyMap<string, string>): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  const node = (label: string) => /terraform_data\.([A-Za-z0-9_-]+)/.exec(label)?.[1];
  for (const match of dot.matchAll(/"([^"]+)"\s*->\s*"([^"]+)"/g)) {
    const from = node(match[1] as string);
    const to = node(match[2] as string);
    if (!from || !to || from === to) continue;
    const a = originals.get(from);
    const b = originals.get(to);
    if (!a || !b) continue;
    if (!edges.has(a)) edges.set(a, new Set());
    edges.get(a)?.add(b);
  }
  return edges;
}
