import { Volume } from "@cdktf/provider-docker/lib/volume/index.js";
import type { Construct } from "constructs";
import { dockerLabels } from "./labels.ts";

export interface DockerDataVolumeProps {
  readonly name: string;
  readonly labels: Record<string, string>;
  /** Terraform `prevent_destroy`: a destroy (or a replacement) of the volume fails the plan. */
  readonly protect: boolean;
}

/**
 * A named Docker volume that holds data: no configuration change replaces it (every attribute change is ignored:
 * replacing the volume would delete what is on it), and with `protect` Terraform refuses to destroy it.
 */
export function dockerDataVolume(scope: Construct, id: string, props: DockerDataVolumeProps): Volume {
  return new Volume(scope, id, {
    name: props.name,
    labels: dockerLabels(props.labels),
    lifecycle: { preventDestroy: props.protect, ignoreChanges: "all" },
  });
}
