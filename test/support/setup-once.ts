/** A suite's one-time setup whose failure fails every test of the suite. */
import { beforeAll, beforeEach } from "vitest";

/**
 * Runs `setup` once before the suite's tests, like `beforeAll`; if it throws, every test of the suite then fails with
 * its error. With a plain `beforeAll` vitest fails the file but marks its tests skipped, and a runner that counts
 * failed tests (StrykerJS: a mutant that breaks a template's build) sees no failure at all.
 */
export function setupOnce(setup: () => void, timeoutMs?: number): void {
  let failure: { readonly error: unknown } | undefined;
  beforeAll(() => {
    try {
      setup();
    } catch (error) {
      failure = { error };
    }
  }, timeoutMs);
  beforeEach(() => {
    if (failure !== undefined) throw failure.error;
  });
}
