// StrykerJS (mutation testing): `npm run test:mutation`, scoped per module so one run fits in minutes, e.g.
//   npm run test:mutation -- --mutate 'lib/core/**/*.ts'
// Results and their review: docs/mutation-testing.md. Reports go to reports/ (git-ignored).
import { createHash } from "node:crypto";

/**
 * The tests a module's mutants run against: the module's own tests (its mirror under test/), so a run fits in
 * minutes and a survivor means the module's own tests miss a behaviour. A scope not listed here runs every related
 * unit test. They reach vitest.mutation.config.ts through MUTATION_TEST_FILES rather than Stryker's `testFiles`:
 * with `testFiles`, Stryker 9.6.1 activates static mutants (values built when a module loads, such as the config
 * schema) after the module has loaded, so they falsely survive (stryker-mutator/stryker-js#6144).
 */
const OWN_TESTS = [
  ["lib/core/", ["test/core/**/*.test.ts"]],
  ["proxy/src/", ["test/proxy/**/*.test.ts"]],
  ["stacks/template-", ["test/templates/**/*.test.ts"]],
];

/** The --mutate argument as given on the command line, or undefined. */
function mutateArgument(argv) {
  const index = argv.findIndex((a) => a === "--mutate" || a === "-m" || a.startsWith("--mutate="));
  if (index < 0) return undefined;
  return argv[index].startsWith("--mutate=") ? argv[index].slice("--mutate=".length) : argv[index + 1];
}

const mutate = mutateArgument(process.argv);
/** A file-name slug of the scope, so each scope keeps its own incremental file and report. */
const slug = (mutate ?? "").replace(/\*+/g, "").replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "") || "all";
/** A long list of files gets a shortened slug with a hash of the whole (file names are limited to 255 bytes). */
const scope = slug.length <= 100 ? slug : `${slug.slice(0, 80)}-${createHash("sha256").update(slug).digest("hex").slice(0, 12)}`;
const ownTests = OWN_TESTS.find(([prefix]) => mutate !== undefined && mutate.split(",").every((p) => p.startsWith(prefix)))?.[1];
if (ownTests !== undefined && process.env.MUTATION_TEST_FILES === undefined) process.env.MUTATION_TEST_FILES = JSON.stringify(ownTests);

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  // The unit project only: the rgw project needs a Ceph cluster.
  vitest: { configFile: "vitest.mutation.config.ts", related: true },
  mutate: ["lib/core/**/*.ts", "proxy/src/pipeline/**/*.ts", "proxy/src/auth/**/*.ts", "stacks/template-*.ts"],
  coverageAnalysis: "perTest",
  // The development machine has two cores shared with others.
  concurrency: 2,
  timeoutMS: 20_000,
  incremental: true,
  incrementalFile: `reports/stryker-incremental-${scope}.json`,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: `reports/mutation/${scope}.html` },
  jsonReporter: { fileName: `reports/mutation/${scope}.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  ignorePatterns: ["cdktf.out", "build", "dist", "coverage", ".tmp", ".gen", "*.tfstate", ".terraform", "reports"],
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
};
