/**
 * Runs the real `convex` npm CLI's env-file logic (the pinned devDependency) on a project directory, in a child
 * process whose working directory is the project and whose HOME is a temporary directory, the way
 * `npx convex dev`, `npx convex dev --once` and `npx convex deploy` run it there:
 *
 * - `dev` (and `dev --once`, which takes the same path: the dev command calls deploymentCredentialsOrConfigure
 *   before it looks at `--once`): getDeploymentSelection reads `.env.local` (dotenv) and the environment,
 *   _deploymentCredentialsOrConfigure picks the self-hosted URL and admin key, then handleManuallySetUrlAndAdminKey
 *   erases CONVEX_DEPLOYMENT and calls writeUrlsToEnvFile with the CLI's URL and the site URL the backend reports.
 * - `deploy`: getDeploymentSelection (implicitProd) and loadSelectedDeploymentCredentials; deploy writes no file.
 *
 * The code is the package's `dist/cli.bundle.cjs`, what `npx convex` runs (`bin/main.js` imports it; the
 * `dist/cjs` modules cannot load on their own: they require `ora`, `dotenv` and others that only the bundle
 * carries). The child compiles the bundle with its last statement, `void main();`, replaced by an export of those
 * functions, so nothing else of it changes. The one step left out is the request for the backend's canonical
 * URLs (GET /api/v1/get_canonical_urls), which needs a running backend: `siteUrl` stands in for its answer, the
 * backend's CONVEX_SITE_ORIGIN.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
/** The installed package's CLI bundle. */
const CONVEX_CLI_BUNDLE = join(dirname(require.resolve("convex/package.json")), "dist", "cli.bundle.cjs");
const CLI_TIMEOUT_MS = 60_000;

const CHILD = String.raw`
const fs = require("node:fs");
const path = require("node:path");
const Module = require("node:module");
const file = process.env.H_CONVEX_CLI_BUNDLE;
const source = fs.readFileSync(file, "utf8");
const entry = "\nvoid main();\n";
if (source.split(entry).length !== 2) throw new Error("the CLI bundle no longer ends its program with 'void main();'");
const exported = "\nmodule.exports = { oneoffContext, getDeploymentSelection, _deploymentCredentialsOrConfigure, handleManuallySetUrlAndAdminKey, loadSelectedDeploymentCredentials };\n";
const m = new Module(file, module);
m.filename = file;
m.paths = Module._nodeModulePaths(path.dirname(file));
m._compile(source.replace(entry, exported), file);
const cli = m.exports;
(async () => {
  const ctx = await cli.oneoffContext({});
  if (process.argv[1] === "deploy") {
    const selection = await cli.getDeploymentSelection(ctx, { implicitProd: true });
    const credentials = await cli.loadSelectedDeploymentCredentials(ctx, selection);
    process.stdout.write(JSON.stringify({ url: credentials.url }));
    return;
  }
  const selection = await cli.getDeploymentSelection(ctx, {});
  const credentials = await cli._deploymentCredentialsOrConfigure(ctx, selection, null, { localOptions: { ports: {} } });
  await cli.handleManuallySetUrlAndAdminKey(ctx, { url: credentials.url, siteUrl: process.env.H_SITE_URL, adminKey: credentials.adminKey });
  process.stdout.write(JSON.stringify({ url: credentials.url }));
})().then(() => process.exit(0), (e) => { process.stderr.write(String((e && e.stack) || e)); process.exit(3); });
`;

export interface ConvexCliRun {
  /** The deployment URL the CLI chose (what it would push to). */
  readonly url: string;
  /** What the CLI printed on stderr (its notices and warnings). */
  readonly stderr: string;
}

/**
 * Runs the CLI's env-file logic of `command` in `projectDir`. `env` is the environment the developer's shell has
 * (the agent's env); nothing of the test process' CONVEX_* variables leaks in.
 */
export function runConvexCli(projectDir: string, command: "dev" | "deploy", siteUrl: string, env: Record<string, string> = {}): ConvexCliRun {
  const home = mkdtempSync(join(tmpdir(), "convex-cli-home-"));
  try {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("CONVEX_")));
    const r = spawnSync(process.execPath, ["-e", CHILD, command], {
      cwd: projectDir,
      encoding: "utf8",
      timeout: CLI_TIMEOUT_MS,
      env: { ...base, ...env, HOME: home, H_CONVEX_CLI_BUNDLE: CONVEX_CLI_BUNDLE, H_SITE_URL: siteUrl },
    });
    if (r.error !== undefined) throw r.error;
    if (r.status !== 0) throw new Error(`the convex CLI's ${command} logic exited with ${String(r.status)}:\n${r.stderr}`);
    return { url: (JSON.parse(r.stdout) as { url: string }).url, stderr: r.stderr };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
