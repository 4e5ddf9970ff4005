import { defineConfig } from "vitest/config";
import base from "./vitest.config.ts";

// The vitest configuration StrykerJS runs (stryker.config.mjs): the `unit` project only. The `rgw` project needs a
// Ceph cluster and minutes per run, far too slow to repeat for every mutant. MUTATION_TEST_FILES (set by
// stryker.config.mjs, a JSON array of globs) narrows the unit project to the mutated module's own tests.
const unit = (base.test?.projects ?? []).find((p) => typeof p === "object" && "test" in p && p.test?.name === "unit");
if (typeof unit !== "object" || !("test" in unit)) throw new Error("vitest.config.ts has no project named 'unit' for the mutation run");
const only = process.env.MUTATION_TEST_FILES;
const include = only === undefined || only === "" ? unit.test?.include : (JSON.parse(only) as string[]);

export default defineConfig({ test: { projects: [{ ...unit, test: { ...unit.test, include } }] } });
