import type { EnvEntry, ValueRef } from "../core/env.ts";
import { InvariantError } from "../core/errors.ts";

/**
 * The Terraform expression (a CDKTF token string, e.g. `random_id.x.hex` wrapped in `sensitive(...)`) that holds each
 * referenced value, for one workspace. Secrets must be wrapped in `Fn.sensitive` by whoever fills this in, so plans
 * print `(sensitive value)` instead of the environment.
 */
export type DockerRefSources = Partial<Record<ValueRef, string>>;

/**
 * Renders a core environment as Docker's `env = ["NAME=value", ...]`: literals as they are (the stack escapes
 * Terraform's template markers in them, see lib/terraform/literal-safe-stack.ts), references as Terraform
 * references resolved at apply time. Docker has no `$(VAR)` expansion: a literal that relies on it is a bug and is refused.
 */
export function dockerEnv(env: readonly EnvEntry[], sources: DockerRefSources): string[] {
  return env.map((e) => {
    if (e.value.kind === "literal") {
      if (e.value.value.includes("$(")) {
        throw new InvariantError(`environment variable ${e.name} uses Kubernetes' $(VAR) expansion, which Docker does not do: ${e.value.value}`);
      }
      return `${e.name}=${e.value.value}`;
    }
    const source = sources[e.value.ref];
    if (source === undefined) throw new InvariantError(`environment variable ${e.name} refers to '${e.value.ref}', which no resource of this stack provides`);
    return `${e.name}=${source}`;
  });
}
