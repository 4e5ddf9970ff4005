/**
 * Which RGW the benchmark runs against:
 * - S3_ENDPOINT_URL + AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY set: that endpoint, left alone (CEPH_VERSION and
 *   CEPH_CONF are read when set; without CEPH_CONF no garbage collection is forced between cells);
 * - otherwise scripts/ceph-rgw/up.sh with RGW_DIR (default .tmp/ceph-rgw): a running cluster is reused and left
 *   running, a cluster started here is stopped at the end.
 */
import { rgwDir, rgwGcProcess, startRgw, stopRgw } from "../../scripts/ceph-rgw/cluster.ts";
import type { S3Endpoint } from "./workload.ts";

export interface BenchRgw extends S3Endpoint {
  readonly cephVersion: string;
  readonly description: string;
  /** Forces RGW's garbage collection so deleted objects free the memstore OSD's RAM (no-op when unknown). */
  collectGarbage(): Promise<void>;
  /** Stops the cluster if this process started it. */
  release(): Promise<void>;
}

export async function benchRgw(env: NodeJS.ProcessEnv = process.env): Promise<BenchRgw> {
  const { S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY } = env;
  if (S3_ENDPOINT_URL && AWS_ACCESS_KEY_ID && AWS_SECRET_ACCESS_KEY) {
    const cephConf = env.CEPH_CONF;
    return {
      endpoint: S3_ENDPOINT_URL,
      region: env.AWS_REGION ?? "us-east-1",
      accessKeyId: AWS_ACCESS_KEY_ID,
      secretAccessKey: AWS_SECRET_ACCESS_KEY,
      cephVersion: env.CEPH_VERSION ?? "unknown",
      description: `external endpoint ${S3_ENDPOINT_URL} (from S3_ENDPOINT_URL)`,
      collectGarbage: cephConf ? () => rgwGcProcess({ cephConf }) : async () => undefined,
      release: async () => undefined,
    };
  }
  const dir = rgwDir(env);
  const started = Date.now();
  const cluster = await startRgw({ dir, leasePid: process.pid, echo: true });
  return {
    ...cluster,
    description: `scripts/ceph-rgw/up.sh cluster in ${dir} (up.sh took ${Date.now() - started} ms)`,
    collectGarbage: () => rgwGcProcess(cluster),
    release: async () => {
      await stopRgw({ dir, leasePid: process.pid });
    },
  };
}
