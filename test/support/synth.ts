import { Testing } from "cdktf";
import { parseWorkspaceConfig } from "../../lib/core/config.ts";
import { planWorkspace, type WorkspacePlan } from "../../lib/core/plan.ts";
import { KUBERNETES_STACK_ID, WorkspaceKubernetesStack } from "../../stacks/workspace-kubernetes.ts";

/** A synthesized Terraform JSON document (as `Testing.synth` gives it, parsed). */
export interface TerraformJson {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown; sensitive?: boolean }>;
  terraform: Record<string, unknown>;
  provider?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Plans a workspace for Kubernetes from a raw configuration and environment overrides. */
export function kubernetesPlan(raw: object = {}, env: Record<string, string> = {}): WorkspacePlan {
  return planWorkspace(parseWorkspaceConfig({ workspace: { name: "alice-dev" }, ...raw }, env), { target: "kubernetes" });
}

/** Synthesizes the workspace-kubernetes stack and returns its Terraform JSON. */
export function synthKubernetes(raw: object = {}, env: Record<string, string> = {}): TerraformJson {
  const app = Testing.app();
  const stack = new WorkspaceKubernetesStack(app, KUBERNETES_STACK_ID, { plan: kubernetesPlan(raw, env) });
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

/** The resources of one type, by logical id; empty when there are none. */
export function resourcesOf(json: TerraformJson, type: string): Record<string, Record<string, unknown>> {
  return json.resource[type] ?? {};
}

/** The one resource of `type` whose metadata name is `name` (Kubernetes resources). */
export function kubernetesObject(json: TerraformJson, type: string, name: string): Record<string, unknown> {
  const found = Object.values(resourcesOf(json, type)).filter((r) => (r.metadata as { name?: string } | undefined)?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
  return found[0] as Record<string, unknown>;
}

/** Resource types and counts: what exists in a synthesized stack. */
export function inventory(json: TerraformJson): Record<string, number> {
  return Object.fromEntries(Object.entries(json.resource).map(([type, byId]) => [type, Object.keys(byId).length]));
}
