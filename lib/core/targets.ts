import { configError } from "./errors.ts";
import type { Target } from "./plan.ts";

/** Picks the target(s) the app synthesizes; unset means every target. */
export const TARGET_VARIABLE = "WORKSPACE_TARGET";
export const TARGETS: readonly Target[] = ["kubernetes", "docker"];

/**
 * The targets to synthesize: both by default, or the one WORKSPACE_TARGET names. A configuration that fits only one
 * target (an objectBucketClaim bucket, or an external bucket's keys given the other target's way) needs it, since
 * every synthesized stack validates the configuration for its own target.
 */
export function selectedTargets(env: Readonly<Record<string, string | undefined>> = process.env): readonly Target[] {
  const value = env[TARGET_VARIABLE];
  if (value === undefined || value === "") return TARGETS;
  const target = TARGETS.find((t) => t === value);
  if (target === undefined) throw configError(TARGET_VARIABLE, value, `use one of ${TARGETS.join(", ")}, or leave it unset for both`);
  return [target];
}
