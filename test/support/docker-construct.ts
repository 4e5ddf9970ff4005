import { Testing } from "cdktf";
import type { Construct } from "constructs";
import type { DockerContainer } from "../support/docker-synth.ts";
import type { TerraformJson } from "../support/synth.ts";

/** Synthesizes one construct in a bare stack. */
export function synthConstruct(build: (scope: Construct) => void): TerraformJson {
  return JSON.parse(Testing.synthScope(build)) as TerraformJson;
}

/** The one docker_container in `json`. */
export function onlyContainer(json: TerraformJson): DockerContainer {
  const all = Object.values(json.resource.docker_container ?? {});
  if (all.length !== 1) throw new Error(`expected one docker_container, found ${all.length}`);
  return all[0] as unknown as DockerContainer;
}
