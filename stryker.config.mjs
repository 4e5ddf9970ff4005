// StrykerJS (mutation testing): `npm run test:mutation`, scoped per module so one run fits in minutes, e.g.
//   npm run test:mutation -- --mutate 'lib/core/**/*.ts'
// Results and their review: docs/mutation-testing.md. Reports go to reports/ (git-ignored).

/** The --mutate argument, if any, turned into a file-name slug so each scope keeps its own incremental file. */
function scopeSlug(argv) {
  const index = argv.findIndex((a) => a === "--mutate" || a === "-m" || a.startsWith("--mutate="));
  if (index < 0) return "all";
  const value = argv[index].startsWith("--mutate=") ? argv[index].slice("--mutate=".length) : (argv[index + 1] ?? "");
  return value.replace(/\*+/g, "").replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "") || "all";
}

const scope = scopeSlug(process.argv);

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
  ignorePatterns: ["cdktf.out", "build", "dist", "coverage", ".tmp", ".gen", "*.tfstate", ".terraform"],
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
};
