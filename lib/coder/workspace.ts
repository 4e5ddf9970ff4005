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
  /** 1 when the transition is `start`, else 0 (a stop or a delete): the `count` of compute. */
  get startCount(): number {
    return this.getNumberAttribute("start_count");
  }
  /**
   * `start` or `stop` (the provider's schema: "Either `start` or `stop`"). A delete runs as a `stop` transition
   * followed by `terraform destroy`.
   */
  get transition(): string {
    return this.getStringAttribute("transition");
  }
  /** The Coder deployment's access URL, e.g. `https://coder.example.com`. */
  get accessUrl(): string {
    return this.getStringAttribute("access_url");
  }
  /** The access URL's port; 443 or 80 by its scheme when it names none (provider/workspace.go). */
  get accessPort(): number {
    return this.getNumberAttribute("access_port");
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

/** `data "coder_provisioner"`: the host the provisioner runs on (Go's runtime.GOOS and GOARCH; `armv7` for 32-bit ARM). */
export class CoderProvisioner extends TerraformDataSource {
  static readonly tfResourceType = "coder_provisioner";

  constructor(scope: Construct, id: string, config: TerraformMetaArguments = {}) {
    super(scope, id, { terraformResourceType: CoderProvisioner.tfResourceType, terraformGeneratorMetadata: CODER_METADATA, ...config });
  }

  /** `amd64`, `arm64`, `armv7`, ...: what Coder's own templates give the agent as `arch`. */
  get arch(): string {
    return this.getStringAttribute("arch");
  }
  get os(): string {
    return this.getStringAttribute("os");
  }
  protected synthesizeAttributes(): Record<string, unknown> {
    return {};
  }
}
