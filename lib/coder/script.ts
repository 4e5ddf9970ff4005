import { TerraformResource, type TerraformMetaArguments } from "cdktf";
import type { Construct } from "constructs";
import { configError } from "../core/errors.ts";
import { CODER_METADATA, compact } from "./provider.ts";

export interface CoderScriptConfig extends TerraformMetaArguments {
  readonly agentId: string;
  readonly displayName: string;
  /** The script; the agent runs it with the workspace container's shell. */
  readonly script: string;
  /** Run when the agent starts. @default false */
  readonly runOnStart?: boolean;
  /** Hold logins until the script finished. @default false */
  readonly startBlocksLogin?: boolean;
  /**
   * Seconds before the script is killed, at least 1 (the provider's `validation.IntAtLeast(1)` rejects 0, although
   * its docs call 0 "no timeout"). @default - no timeout (the attribute is left out)
   */
  readonly timeout?: number;
  /** @default - none */
  readonly icon?: string;
  /** Where the agent writes the script's output. @default - the agent's log directory */
  readonly logPath?: string;
}

/** `resource "coder_script"`: a script the agent runs (shown in the workspace's build log). */
export class CoderScript extends TerraformResource {
  static readonly tfResourceType = "coder_script";
  readonly config: CoderScriptConfig;

  constructor(scope: Construct, id: string, config: CoderScriptConfig) {
    super(scope, id, { terraformResourceType: CoderScript.tfResourceType, terraformGeneratorMetadata: CODER_METADATA, ...config });
    if (config.timeout !== undefined && !(Number.isInteger(config.timeout) && config.timeout >= 1)) {
      throw configError("coder_script timeout", config.timeout, "use a whole number of seconds, at least 1 (the provider rejects 0), or leave it out for no timeout");
    }
    this.config = config;
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    const c = this.config;
    return compact({
      agent_id: c.agentId,
      display_name: c.displayName,
      script: c.script,
      run_on_start: c.runOnStart,
      start_blocks_login: c.startBlocksLogin,
      timeout: c.timeout,
      icon: c.icon,
      log_path: c.logPath,
    });
  }
}

export interface CoderEnvConfig extends TerraformMetaArguments {
  readonly agentId: string;
  readonly name: string;
  readonly value: string;
  /** @default "replace" */
  readonly mergeStrategy?: "replace" | "append" | "prepend" | "error";
}

/** `resource "coder_env"`: one variable in every session the agent opens. */
export class CoderEnv extends TerraformResource {
  static readonly tfResourceType = "coder_env";
  readonly config: CoderEnvConfig;

  constructor(scope: Construct, id: string, config: CoderEnvConfig) {
    super(scope, id, { terraformResourceType: CoderEnv.tfResourceType, terraformGeneratorMetadata: CODER_METADATA, ...config });
    this.config = config;
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    const c = this.config;
    return compact({ agent_id: c.agentId, name: c.name, value: c.value, merge_strategy: c.mergeStrategy });
  }
}
