import { ConfigError } from "../../lib/core/errors.ts";

/** The problems a ConfigError lists, each as `field: got value; fix`; fails the test when nothing is thrown. */
export function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.field}: got ${i.value}; ${i.fix}`);
    throw error;
  }
  throw new Error("expected a ConfigError");
}
