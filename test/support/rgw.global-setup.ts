/**
 * Global setup of the `rgw` vitest project: starts (or reuses) the loopback Ceph RGW with
 * scripts/ceph-rgw/up.sh and provides `rgw` (see test/support/rgw.ts) to the tests; the teardown runs down.sh.
 *
 * - CI=true: a cluster that cannot start fails the run.
 * - Otherwise the failure is printed as a loud warning and the RGW tests skip themselves.
 * - The run registers its pid as a lease: a cluster started by hand (`scripts/ceph-rgw/up.sh`) is reused and
 *   left running; one started here is stopped by the last run that uses it.
 *
 * Environment: RGW_DIR, RGW_PORT, ... (see up.sh); RGW_UP_TIMEOUT_MS limits up.sh (default 600000, enough
 * for a first-time apt install).
 */
import type { TestProject } from "vitest/node";
import { rgwDir, startRgw, stopRgw } from "../../scripts/ceph-rgw/cluster.ts";
import type { RgwInfo } from "./rgw.ts";

function isCi(): boolean {
  const ci = process.env.CI?.toLowerCase();
  return ci !== undefined && ci !== "" && ci !== "false" && ci !== "0";
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const dir = rgwDir();
  const timeoutMs = Number(process.env.RGW_UP_TIMEOUT_MS ?? 600_000);
  const started = Date.now();
  let info: RgwInfo;
  try {
    const cluster = await startRgw({ dir, timeoutMs, leasePid: process.pid });
    info = { available: true, ...cluster };
    console.log(`[rgw] Ceph ${cluster.cephVersion} RGW at ${cluster.endpoint} (dir ${dir}), ready in ${Date.now() - started} ms`);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (isCi()) {
      throw new Error(`CI=true and the Ceph RGW for the rgw test project could not start:\n${reason}`, { cause: error });
    }
    console.warn(
      [
        "",
        "##########################################################################################################",
        "### Ceph RGW COULD NOT START: every test in test/**/*.rgw.test.ts will be SKIPPED.",
        "### Skipped: the direct-against-RGW proofs (Convex's S3 sequence) and the proxy's real-RGW tests.",
        `### Cluster dir: ${dir} (logs in ${dir}/log/). In CI (CI=true) this fails the run.`,
        "### Reason:",
        ...reason.split("\n").slice(-25).map((line) => `###   ${line}`),
        "##########################################################################################################",
        "",
      ].join("\n"),
    );
    project.provide("rgw", { available: false, reason });
    return undefined;
  }
  project.provide("rgw", info);
  return async () => {
    const output = await stopRgw({ dir, leasePid: process.pid });
    console.log(output.trim());
  };
}
