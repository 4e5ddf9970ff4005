import { defineConfig } from "vitest/config";
import base from "./vitest.config.ts";

// The vitest configuration StrykerJS runs (stryker.config.mjs): the `unit` project only. The `rgw` project needs a
// Ceph cluster and minutes per run, far too slow to repeat for every mutant.
const projects = (base.test?.projects ?? []).filter((p) => typeof p === "object" && "test" in p && p.test?.name === "unit");
if (projects.length !== 1) throw new Error("vitest.config.ts has no project named 'unit' for the mutation run");

export default defineConfig({ test: { projects } });
