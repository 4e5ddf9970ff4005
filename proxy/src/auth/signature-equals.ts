/** Constant-time comparison of signatures. */
import { timingSafeEqual } from "node:crypto";

/**
 * Whether `provided` equals `expected` (both hex signatures), in time independent of where they differ. Only the
 * length, which is public, can end the comparison early.
 */
export function signatureEquals(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(provided, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}
