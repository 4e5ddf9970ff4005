/**
 * An in-process proxy in front of a fake upstream (test/support/fake-upstream.ts), both on 127.0.0.1 port 0, with
 * the proxy's log lines captured. For the proxy's unit tests.
 */
import { startProxy, type RunningProxy } from "../../proxy/src/index.ts";
import { loadProxyOptions } from "../../proxy/src/config.ts";
import type { LogEntry, ProxyOptions } from "../../proxy/src/types.ts";
import { UPSTREAM_CREDENTIALS, startFakeUpstream, type FakeUpstream } from "./fake-upstream.ts";
import type { Credentials } from "../../proxy/src/types.ts";

export const PROXY_CLIENT_CREDENTIALS: Credentials = {
  accessKeyId: "PROXYCLIENTKEY000001",
  secretAccessKey: "proxy-client-secret/0123456789+abc",
};

export const TEST_BUCKET = "convex-files";

export interface ProxyFixture {
  readonly proxy: RunningProxy;
  readonly upstream: FakeUpstream;
  readonly logs: LogEntry[];
  /** Resolves with the first log line (already written or to come) that matches `predicate`. */
  waitForLog(predicate: (entry: LogEntry) => boolean): Promise<LogEntry>;
  close(): Promise<void>;
}

/** Options for a proxy in front of `upstreamUrl`, built through loadProxyOptions like production. */
export function testProxyOptions(upstreamUrl: string, env: NodeJS.ProcessEnv = {}, logs?: LogEntry[]): ProxyOptions {
  const options = loadProxyOptions({
    S3PROXY_LISTEN: "127.0.0.1:0",
    S3PROXY_UPSTREAM_URL: upstreamUrl,
    S3PROXY_UPSTREAM_ACCESS_KEY_ID: UPSTREAM_CREDENTIALS.accessKeyId,
    S3PROXY_UPSTREAM_SECRET_ACCESS_KEY: UPSTREAM_CREDENTIALS.secretAccessKey,
    S3PROXY_ACCESS_KEY_ID: PROXY_CLIENT_CREDENTIALS.accessKeyId,
    S3PROXY_SECRET_ACCESS_KEY: PROXY_CLIENT_CREDENTIALS.secretAccessKey,
    S3PROXY_BUCKETS: TEST_BUCKET,
    ...env,
  });
  return logs === undefined ? options : { ...options, log: (entry) => logs.push(entry) };
}

export async function startProxyFixture(env: NodeJS.ProcessEnv = {}, overrides: Partial<ProxyOptions> = {}): Promise<ProxyFixture> {
  const upstream = await startFakeUpstream();
  const logs: LogEntry[] = [];
  const waiters: { predicate: (entry: LogEntry) => boolean; resolve: (entry: LogEntry) => void }[] = [];
  const sink = (entry: LogEntry): void => {
    logs.push(entry);
    for (const waiter of waiters.filter((w) => w.predicate(entry))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(entry);
    }
  };
  const proxy = await startProxy({ ...testProxyOptions(upstream.endpoint, env), log: sink, ...overrides });
  return {
    proxy,
    upstream,
    logs,
    waitForLog(predicate) {
      const seen = logs.find(predicate);
      return seen !== undefined ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
    async close() {
      await proxy.close(100);
      await upstream.close();
    },
  };
}
