import { TerraformProvider, type TerraformProviderGeneratorMetadata } from "cdktf";
import type { Construct } from "constructs";

/**
 * The coder/coder provider version these classes are written against: their attributes follow the v2.17.0
 * documentation (terraform-provider-coder `docs/` at tag v2.17.0, which "Requires Coder v2.18.0 or later").
 * `~> 2.17` accepts later 2.x releases, which keep these schemas.
 */
export const CODER_PROVIDER_VERSION = "~> 2.17";

/** Generator metadata shared by every coder/coder class: gives `required_providers.coder.version`. */
export const CODER_METADATA: TerraformProviderGeneratorMetadata = { providerName: "coder", providerVersion: CODER_PROVIDER_VERSION };

/** Drops keys whose value is `undefined`: Terraform JSON must not carry them. */
export function compact<T extends Record<string, unknown>>(attributes: T): Partial<T> {
  return Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export interface CoderProviderProps {
  /** Coder's URL. @default - CODER_AGENT_URL, which Coder sets for every workspace build */
  readonly url?: string;
  /** Provider alias. @default - the default provider */
  readonly alias?: string;
}

/** `provider "coder"`: hand-written, no prebuilt CDKTF binding exists for coder/coder. */
export class CoderProvider extends TerraformProvider {
  static readonly tfResourceType = "coder";
  readonly url?: string;
  private readonly providerAlias?: string;

  constructor(scope: Construct, id: string, props: CoderProviderProps = {}) {
    super(scope, id, { terraformResourceType: "coder", terraformProviderSource: "coder/coder", terraformGeneratorMetadata: CODER_METADATA });
    this.url = props.url;
    this.providerAlias = props.alias;
  }

  get alias(): string | undefined {
    return this.providerAlias;
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return compact({ url: this.url, alias: this.providerAlias });
  }
}

