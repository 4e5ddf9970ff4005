import { TerraformResource, Token, type TerraformMetaArguments } from "cdktf";
import type { Construct } from "constructs";
import { configError } from "../core/errors.ts";
import { CODER_METADATA, compact } from "./provider.ts";

/** Coder's rule for app slugs (`provisioner/regexes.go`, `provider/app.go`). */
export const APP_SLUG_PATTERN = /^[a-z0-9](-?[a-z0-9])*$/;

/** Who may open an app (`coder_app.share`): its owner, any signed-in Coder user, or anyone at all. */
export const APP_SHARE_LEVELS: readonly string[] = ["owner", "authenticated", "public"];

/** How Coder checks that an app is up. */
export interface CoderAppHealthcheck {
  readonly url: string;
  /** Seconds between checks. */
  readonly interval: number;
  /** Failed checks before the app is unhealthy. */
  readonly threshold: number;
}

export interface CoderAppConfig extends TerraformMetaArguments {
  readonly agentId: string;
  /** Part of the app's subdomain: `<slug>--<agent>--<workspace>--<owner>`. Validated against APP_SLUG_PATTERN. */
  readonly slug: string;
  /** @default - the slug */
  readonly displayName?: string;
  /** The upstream the agent proxies to, e.g. `http://localhost:3210`. */
  readonly url: string;
  /** @default - none */
  readonly icon?: string;
  /** Who may open the app: one of APP_SHARE_LEVELS, or a Terraform expression for one. @default "owner" */
  readonly share?: string;
  /** Serve the app on its own subdomain of the wildcard access URL. @default false */
  readonly subdomain?: boolean;
  /** @default - none */
  readonly healthcheck?: CoderAppHealthcheck;
  /** @default - none */
  readonly order?: number;
  /** Hide the app from the dashboard (it still serves). @default false */
  readonly hidden?: boolean;
}

/** `resource "coder_app"`: an app the agent proxies. */
export class CoderApp extends TerraformResource {
  static readonly tfResourceType = "coder_app";
  readonly config: CoderAppConfig;

  constructor(scope: Construct, id: string, config: CoderAppConfig) {
    super(scope, id, { terraformResourceType: CoderApp.tfResourceType, terraformGeneratorMetadata: CODER_METADATA, ...config });
    if (!APP_SLUG_PATTERN.test(config.slug)) {
      throw configError("coder_app slug", config.slug, `match ${APP_SLUG_PATTERN.source} (lower-case letters, digits, single '-')`);
    }
    if (config.share !== undefined && !Token.isUnresolved(config.share) && !APP_SHARE_LEVELS.includes(config.share)) {
      throw configError("coder_app share", config.share, `use one of ${APP_SHARE_LEVELS.join(", ")}`);
    }
    this.config = config;
  }

  get id(): string {
    return this.getStringAttribute("id");
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    const c = this.config;
    return compact({
      agent_id: c.agentId,
      slug: c.slug,
      display_name: c.displayName,
      url: c.url,
      icon: c.icon,
      share: c.share,
      subdomain: c.subdomain,
      order: c.order,
      hidden: c.hidden,
      healthcheck: c.healthcheck === undefined ? undefined : [{ url: c.healthcheck.url, interval: c.healthcheck.interval, threshold: c.healthcheck.threshold }],
    });
  }
}
