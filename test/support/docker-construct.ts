import { Testing } from "cdktf";
import type { Construct } from "constructs";
import { LiteralSafeStack } from "../../lib/terraform/literal-safe-stack.ts";
import type { DockerContainer } from "../support/docker-synth.ts";
import type { TerraformJson } from "../support/synth.ts";

/** Synthesizes one construct in a stack of the project's base class (which escapes literals for Terraform). */
export function synthConstruct(build: (scope: Construct) => void): TerraformJson {
  const stack = new LiteralSafeStack(Testing.app(), "test");
  build(stack);
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

/** The one docker_container in `json`. */
export function onlyContainer(json: TerraformJson): DockerContainer {
  const all = Object.values(json.resource.docker_container ?? {});
  if (all.length !== 1) throw new Error(`expected one docker_container, found ${all.length}`);
  return all[0] as unknown as DockerContainer;
}
