import { Network } from "@cdktf/provider-docker/lib/network/index.js";
import { Construct } from "constructs";
import { dockerLabels } from "./labels.ts";

export interface WorkspaceNetworkProps {
  /** Docker network name. */
  readonly name: string;
  readonly labels: Record<string, string>;
}

/**
 * The workspace's own bridge network. Containers on a user-defined network resolve each other by container name,
 * which is how the backend reaches MinIO and the S3 proxy; nothing on it is published unless a container says so.
 */
export class WorkspaceNetwork extends Construct {
  readonly resource: Network;
  /** The network's name, as a reference (so containers depend on it). */
  readonly name: string;

  constructor(scope: Construct, id: string, props: WorkspaceNetworkProps) {
    super(scope, id);
    this.resource = new Network(this, "Resource", { name: props.name, driver: "bridge", labels: dockerLabels(props.labels) });
    this.name = this.resource.name;
  }
}
