import { TerraformDataSource, type TerraformMetaArguments } from "cdktf";
import type { Construct } from "constructs";
import { CODER_METADATA } from "./provider.ts";

/** `data "coder_workspace"`: the workspace being built. Coder sets its values for every build. */
export class CoderWorkspace extends TerraformDataSource {
  static readonly tfResourceType = "coder_workspace";

  constructor(scope: Construct, id: string, config: TerraformMetaArguments = {}) {
    super(scope, id, { terraformResourceType: CoderWorkspace.tfResourceType, terraformGeneratorMetadata: CODER_METADATA, ...config });
  }

  /** The workspace's immutable id (a UUID): name persistent objects after it, never after the name. */
  get id(): string {
    return this.getStringAttribute("id");
  }
  /** The workspace name; it can change (rename). */
  get name(): string {
    return this.getStringAttribute("name");
  }
  /** 1 when the build starts the workspace, 0 when it stops or deletes it: the `count` of compute. */
  get startCount(): number {
    return this.getNumberAttribute("start_count");
  }
  /** `start`, `stop` or `delete`. */
  get transition(): string {
    return this.getStringAttribute("transition");
  }
  /** The Coder deployment's access URL, e.g. `https://coder.example.com`. */
  get accessUrl(): string {
    return this.getStringAttribute("access_url");
  }
  protected synthesizeAttributes(): Record<string, unknown> {
    return {};
  }
}

/** `data "coder_workspace_owner"`: the workspace's owner. */
export class CoderWorkspaceOwner extends TerraformDataSource {
  static readonly tfResourceType = "coder_workspace_owner";

  constructor(scope: Construct, id: string, config: TerraformMetaArguments = {}) {
    super(scope, id, { terraformResourceType: CoderWorkspaceOwner.tfResourceType, terraformGeneratorMetadata: CODER_METADATA, ...config });
  }

  get id(): string {
    return this.getStringAttribute("id");
  }
  /** The owner's user name. */
  get name(): string {
    return this.getStringAttribute("name");
  }
  get fullName(): string {
    return this.getStringAttribute("full_name");
  }
  get email(): string {
    return this.getStringAttribute("email");
  }
  protected synthesizeAttributes(): Record<string, unknown> {
    return {};
  }
}
