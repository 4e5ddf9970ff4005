import { Testing } from "cdktf";
import { parseWorkspaceConfig } from "../../lib/core/config.ts";
import type { WorkspacePlan } from "../../lib/core/plan.ts";
import { planDockerWorkspace } from "../../lib/docker/plan.ts";
import { DOCKER_STACK_ID, WorkspaceDockerStack, type WorkspaceDockerStackProps } from "../../stacks/workspace-docker.ts";
import { resourcesOf, type TerraformJson } from "./synth.ts";

/** A stand-in proxy bundle for synthesis tests: it carries both of Terraform's template markers. */
export const FIXTURE_BUNDLE = "const a = 1; console.log(`${a} %{b}`);\n";

/** The attributes of a synthesized docker_container that the tests read. */
export interface DockerContainer {
  name: string;
  image: string;
  env?: string[];
  command?: string[];
  entrypoint?: string[];
  user?: string;
  ports?: { internal: number; external: number; ip: string }[];
  mounts?: { type: string; source: string; target: string }[];
  networks_advanced?: { name: string }[];
  network_mode?: string;
  healthcheck?: { test: string[]; interval: string; timeout: string; retries: number; start_period: string };
  stop_signal?: string;
  stop_timeout?: number;
  destroy_grace_seconds?: number;
  restart?: string;
  wait?: boolean;
  wait_timeout?: number;
  depends_on?: string[];
  upload?: { file: string; content: string }[];
  attach?: boolean;
  logs?: boolean;
  must_run?: boolean;
  lifecycle?: { postcondition?: { condition: string; error_message: string }[] };
}

/** Plans a workspace for Docker from a raw configuration and environment overrides. */
export function dockerPlan(raw: object = {}, env: Record<string, string> = {}): WorkspacePlan {
  return planDockerWorkspace(parseWorkspaceConfig({ workspace: { name: "alice-dev" }, ...raw }, env));
}

/** Synthesizes the workspace-docker stack (with the fixture bundle unless one is given) and returns its JSON. */
export function synthDocker(raw: object = {}, env: Record<string, string> = {}, props: Partial<WorkspaceDockerStackProps> = {}): TerraformJson {
  const app = Testing.app();
  const stack = new WorkspaceDockerStack(app, DOCKER_STACK_ID, { plan: dockerPlan(raw, env), proxyBundle: FIXTURE_BUNDLE, environment: {}, ...props });
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

/** The one docker_container named `name`. */
export function dockerContainer(json: TerraformJson, name: string): DockerContainer {
  const found = Object.values(resourcesOf(json, "docker_container")).filter((r) => r.name === name);
  if (found.length !== 1) throw new Error(`expected one docker_container named ${name}, found ${found.length}`);
  return found[0] as unknown as DockerContainer;
}

/** Names of the resources of one type (their `name` attribute), sorted. */
export function namesOf(json: TerraformJson, type: string): string[] {
  return Object.values(resourcesOf(json, type))
    .map((r) => String(r.name))
    .sort();
}

/** The `${type.logicalId}` address of the one resource of `type` named `name`, as depends_on lists it. */
export function addressOf(json: TerraformJson, type: string, name: string): string {
  const ids = Object.entries(resourcesOf(json, type)).filter(([, r]) => r.name === name);
  if (ids.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${ids.length}`);
  return `${type}.${(ids[0] as [string, unknown])[0]}`;
}

/** A container's env as a map (names to the raw `K=V` values). */
export function envMap(c: DockerContainer): Record<string, string> {
  return Object.fromEntries((c.env ?? []).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
}
