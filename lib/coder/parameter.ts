import { TerraformDataSource, type TerraformMetaArguments } from "cdktf";
import type { Construct } from "constructs";
import { CODER_METADATA, compact } from "./provider.ts";

/** One choice of a parameter. */
export interface CoderParameterOption {
  readonly name: string;
  readonly value: string;
  /** Shown under the option. @default - none */
  readonly description?: string;
  /** @default - none */
  readonly icon?: string;
}

export interface CoderParameterConfig extends TerraformMetaArguments {
  /** The parameter's name (the key Coder stores the value under). */
  readonly name: string;
  /** @default - the name */
  readonly displayName?: string;
  /** Markdown shown with the parameter. @default - none */
  readonly description?: string;
  /** @default "string" */
  readonly type?: "string" | "number" | "bool" | "list(string)";
  /** Whether the value may change after the workspace is created. @default false */
  readonly mutable?: boolean;
  /** @default - the parameter is required */
  readonly default?: string;
  /** @default - none */
  readonly icon?: string;
  /** Position in the form. @default - after the ordered parameters */
  readonly order?: number;
  /** @default - form type from the type and options */
  readonly formType?: "radio" | "slider" | "input" | "dropdown" | "checkbox" | "switch" | "multi-select" | "tag-select" | "textarea";
  /** The allowed values. @default - any value of the type */
  readonly options?: readonly CoderParameterOption[];
  /** A rule Coder checks the value against (a string's `regex`, shown `error` when it does not match). @default - none */
  readonly validation?: { readonly regex: string; readonly error: string };
}

/** `data "coder_parameter"`: a value the workspace's owner picks; read it with `.value` (always a string). */
export class CoderParameter extends TerraformDataSource {
  static readonly tfResourceType = "coder_parameter";
  readonly config: CoderParameterConfig;

  constructor(scope: Construct, id: string, config: CoderParameterConfig) {
    super(scope, id, { terraformResourceType: CoderParameter.tfResourceType, terraformGeneratorMetadata: CODER_METADATA, ...config });
    this.config = config;
  }

  /** The value chosen for this workspace, as a string. */
  get value(): string {
    return this.getStringAttribute("value");
  }
  get id(): string {
    return this.getStringAttribute("id");
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    const c = this.config;
    return compact({
      name: c.name,
      display_name: c.displayName,
      description: c.description,
      type: c.type,
      mutable: c.mutable,
      default: c.default,
      icon: c.icon,
      order: c.order,
      form_type: c.formType,
      option: c.options?.map((o) => compact({ name: o.name, value: o.value, description: o.description, icon: o.icon })),
      validation: c.validation && [{ regex: c.validation.regex, error: c.validation.error }],
    });
  }
}
