/** Shared by the plan tests of test/terraform: what a plan creates, by resource type. */
import type { PlanResult } from "../../scripts/terraform-harness/terraform.ts";

/** Resource types and how many instances of each the plan creates. */
export function inventory(plan: PlanResult): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of plan.resources) out[r.type] = (out[r.type] ?? 0) + 1;
  return out;
}

/** Construct names (logical ids without their hash and index) of the planned resources of one type, sorted. */
export function names(plan: PlanResult, type: string): string[] {
  return plan.resources
    .filter((r) => r.type === type)
    .map((r) => r.resource.slice(type.length + 1).replace(/_[0-9A-F]{8}$/, ""))
    .sort();
}

/** A 32-character workspace name, Coder's maximum. */
export const NAME_32 = "a234567890-b234567890-c234567890";
