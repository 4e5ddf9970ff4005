import { Image } from "@cdktf/provider-docker/lib/image/index.js";
import { Construct } from "constructs";

export interface PulledImageProps {
  /** Full, pinned image reference. */
  readonly name: string;
}

/**
 * An image pulled onto the Docker host. `keep_locally`: destroying one workspace never deletes an image that other
 * workspaces on the same host still run.
 */
export class PulledImage extends Construct {
  readonly resource: Image;
  /** The pinned reference, as configured. */
  readonly name: string;
  /** The pulled image's id, for containers (makes them depend on the pull). */
  readonly imageId: string;

  constructor(scope: Construct, id: string, props: PulledImageProps) {
    super(scope, id);
    this.name = props.name;
    this.resource = new Image(this, "Resource", { name: props.name, keepLocally: true });
    this.imageId = this.resource.imageId;
  }
}
