import { TerraformResource, Token, type TerraformMetaArguments } from "cdktf";
import type { Construct } from "constructs";
import { configError } from "../core/errors.ts";
import { CODER_METADATA, compact } from "./provider.ts";

/**
 * Coder's rule for agent names (`provisioner/regexes.go`). The agent name is the Terraform resource name of the
 * `coder_agent`; underscores, which CDKTF puts into nested logical ids, are rejected.
 */
export const AGENT_NAME_PATTERN = /^[a-z0-9](-?[a-z0-9])*$/i;

/** The architectures the provider accepts for `coder_agent.arch` (provider/agent.go). */
export const AGENT_ARCHES: readonly string[] = ["amd64", "armv7", "arm64"];

/** One metadata item the agent reports (shown on the workspace page). */
export interface CoderAgentMetadata {
  readonly key: string;
  readonly displayName: string;
  readonly script: string;
  /** Seconds between runs. */
  readonly interval: number;
  /** Seconds before the script is killed. @default 1 */
  readonly timeout?: number;
  /** Position on the workspace page: lowest first, equal orders by key. @default - sorted by key */
  readonly order?: number;
}

export interface CoderAgentConfig extends TerraformMetaArguments {
  /** The agent's Terraform name, which Coder uses as the agent name (it appears in app URLs). */
  readonly name: string;
  readonly os: "linux" | "darwin" | "windows";
  /**
   * `amd64`, `armv7` or `arm64`, or a Terraform expression for one, e.g. `data.coder_provisioner.me.arch` as Coder's
   * Docker example does.
   */
  readonly arch: string;
  /** Runs when the agent starts. @default - none */
  readonly startupScript?: string;
  /** @default "non-blocking" */
  readonly startupScriptBehavior?: "blocking" | "non-blocking";
  /** Environment of every session the agent opens. @default - none */
  readonly env?: Record<string, string>;
  /** @default - none */
  readonly metadata?: readonly CoderAgentMetadata[];
  /** @default - Coder's default */
  readonly connectionTimeout?: number;
}

/** `resource "coder_agent"`. Its logical id is forced to `name` (Coder reads the agent name from it). */
export class CoderAgent extends TerraformResource {
  static readonly tfResourceType = "coder_agent";
  readonly config: CoderAgentConfig;

  constructor(scope: Construct, id: string, config: CoderAgentConfig) {
    super(scope, id, { terraformResourceType: CoderAgent.tfResourceType, terraformGeneratorMetadata: CODER_METADATA, ...config });
    if (!AGENT_NAME_PATTERN.test(config.name)) {
      throw configError("coder_agent name", config.name, `match ${AGENT_NAME_PATTERN.source} (letters, digits, single '-'; no '_')`);
    }
    if (!Token.isUnresolved(config.arch) && !AGENT_ARCHES.includes(config.arch)) {
      throw configError("coder_agent arch", config.arch, `use one of ${AGENT_ARCHES.join(", ")}, or data.coder_provisioner's arch`);
    }
    this.config = config;
    this.overrideLogicalId(config.name);
  }

  get id(): string {
    return this.getStringAttribute("id");
  }
  /** Sensitive: set CODER_AGENT_TOKEN to it in the workspace container. */
  get token(): string {
    return this.getStringAttribute("token");
  }
  /** The script that downloads and starts the agent: the workspace container's command. */
  get initScript(): string {
    return this.getStringAttribute("init_script");
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    const c = this.config;
    return compact({
      os: c.os,
      arch: c.arch,
      startup_script: c.startupScript,
      startup_script_behavior: c.startupScriptBehavior,
      env: c.env,
      connection_timeout: c.connectionTimeout,
      metadata: c.metadata?.map((m) => compact({ key: m.key, display_name: m.displayName, script: m.script, interval: m.interval, timeout: m.timeout ?? 1, order: m.order })),
    });
  }
}
