import { TerraformResource, type TerraformMetaArguments } from "cdktf";
import type { Construct } from "constructs";
import { CODER_METADATA, compact } from "./provider.ts";

/** One line shown with a resource on the workspace page. */
export interface CoderMetadataItem {
  readonly key: string;
  readonly value: string;
  /** Hide the value unless revealed. @default false */
  readonly sensitive?: boolean;
}

export interface CoderMetadataConfig extends TerraformMetaArguments {
  /** The id of the resource the items describe. */
  readonly resourceId: string;
  readonly items: readonly CoderMetadataItem[];
  /** @default - none */
  readonly icon?: string;
  /** @default false */
  readonly hide?: boolean;
}

/** `resource "coder_metadata"`: facts shown next to a workspace resource. */
export class CoderMetadata extends TerraformResource {
  static readonly tfResourceType = "coder_metadata";
  readonly config: CoderMetadataConfig;

  constructor(scope: Construct, id: string, config: CoderMetadataConfig) {
    super(scope, id, { terraformResourceType: CoderMetadata.tfResourceType, terraformGeneratorMetadata: CODER_METADATA, ...config });
    this.config = config;
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    const c = this.config;
    return compact({
      resource_id: c.resourceId,
      icon: c.icon,
      hide: c.hide,
      item: c.items.map((i) => compact({ key: i.key, value: i.value, sensitive: i.sensitive })),
    });
  }
}
