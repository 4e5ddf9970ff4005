/**
 * One doctor run, in order: reachability (DNS, TCP, TLS, HTTP, clock), keys and bucket, addressing, ranged GETs,
 * Convex's sequence with each combination of its settings, the simplest working one again with a multipart and an
 * empty object, the configured settings, integrity probes, `proxied` through the project's proxy, and the cleanup
 * of the scratch prefix. A check that makes S3 impossible (no DNS, no connection, untrusted TLS, bad keys, no
 * bucket) stops the replays; the cleanup runs whenever anything was written.
 */
import { performance } from "node:perf_hooks";
import type { S3Client } from "@aws-sdk/client-s3";
import { checkAddressing, agentWithLookup } from "./addressing.ts";
import { CONVEX_PART_SIZE, convexS3Client, describeS3Error, type SdkLogger } from "./convex-s3-sequence.ts";
import type { Keys } from "./credentials.ts";
import { CONVEX_DEFAULT_FLAGS, describeFlags, type ConvexFlags } from "./flags.ts";
import { checkIntegrity } from "./integrity.ts";
import { checkBucketAccess } from "./preflight.ts";
import { startProxyInFront } from "./proxied.ts";
import { checkRanges } from "./range.ts";
import { checkReachability, externalPackagesCheck, systemLookup, type Lookup } from "./reachability.ts";
import { flagCombinations, replay, s3Label, type ReplayTarget } from "./replay.ts";
import { cleanScratch, scratchPrefix } from "./scratch.ts";
import type { Check, DoctorReport, SequenceRun } from "./types.ts";
import { decideVerdict, simplestWorking, type ConfiguredMode } from "./verdict.ts";

/** The replays' default time budget: 45 s (against a healthy endpoint the whole run takes a few seconds). */
export const DEFAULT_BUDGET_MS = 45_000;

/** Object sizes of the small replays (one part). */
export const SMALL_OBJECT = [100] as const;
/** Object sizes of the full replays: two parts (5 MiB + 1 KiB), then an empty file (one empty part). */
export const FULL_OBJECTS = [CONVEX_PART_SIZE + 1024, 0] as const;

export interface DoctorInput {
  /** S3_ENDPOINT_URL, e.g. `http://127.0.0.1:7480`. */
  readonly endpoint: string;
  readonly bucket: string;
  /** AWS_REGION. */
  readonly region: string;
  readonly keys: Keys;
  /** What the user configured; the exit status follows it. @default - any working mode counts */
  readonly configured?: ConfiguredMode;
  /** S3PROXY_SSE of the proxied replay. @default "strip" */
  readonly proxySse?: string;
  /** Problems found in the configuration before any request (e.g. a partial S3 environment). @default - none */
  readonly configChecks?: readonly Check[];
  /** Time limit of every request, in milliseconds. */
  readonly requestTimeoutMs: number;
  /**
   * Time budget of the replays, in milliseconds: once spent, the replays not yet started are skipped (and count as
   * not working), so an endpoint that answers slowly cannot keep the doctor for requests x timeout.
   * @default DEFAULT_BUDGET_MS
   */
  readonly budgetMs?: number;
  /** Aborted: no further replay starts, and the scratch prefix is still cleaned up (Ctrl-C). @default - never */
  readonly signal?: AbortSignal;
  /** DNS lookups of the endpoint (and of `<bucket>.<host>`). @default systemLookup */
  readonly lookup?: Lookup;
  /** Whether the doctor runs with the backend's own environment (changes the DNS advice). @default false */
  readonly insideWorkspace?: boolean;
}

/** The SDK's own console warnings would interleave with the report: the report says what went wrong. */
const QUIET: SdkLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function guardCheck(id: string, title: string, error: unknown): Check {
  const info = describeS3Error(error);
  return { id, title, status: "warn", detail: `the probe itself failed: ${info.httpStatus ? `HTTP ${info.httpStatus} ` : ""}${info.code}${info.message ? `: ${info.message}` : ""}` };
}

/** Runs the doctor against the endpoint; resolves with the full report (never rejects for what the endpoint answers). */
export async function runDoctor(input: DoctorInput): Promise<DoctorReport> {
  const started = performance.now();
  const startedAt = new Date();
  const prefix = scratchPrefix(startedAt);
  const endpoint = new URL(input.endpoint);
  const lookup = input.lookup ?? systemLookup;
  const systemResolver = input.lookup === undefined;
  const secure = endpoint.protocol === "https:";
  const agent = systemResolver ? undefined : agentWithLookup(lookup, secure);
  const checks: Check[] = [...(input.configChecks ?? [])];
  const runs: SequenceRun[] = [];
  const report = (verdict: ReturnType<typeof decideVerdict>): DoctorReport => ({
    version: 1,
    endpoint: input.endpoint,
    bucket: input.bucket,
    region: input.region,
    scratchPrefix: prefix,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    checks,
    runs,
    verdict,
  });
  const configuredFailure = checks.find((check) => check.status === "fail");

  const reach = await checkReachability({ endpoint, timeoutMs: input.requestTimeoutMs, lookup, insideWorkspace: input.insideWorkspace ?? false });
  checks.push(...reach.checks);
  if (!reach.reachable) {
    agent?.destroy();
    return report(decideVerdict({ blocking: reach.checks.find((check) => check.status === "fail"), matrix: [], ...(input.configured ? { configured: input.configured } : {}) }));
  }

  const client: S3Client = convexS3Client({
    endpoint: endpoint.origin,
    region: input.region,
    accessKeyId: input.keys.accessKeyId,
    secretAccessKey: input.keys.secretAccessKey,
    ...(input.keys.sessionToken ? { sessionToken: input.keys.sessionToken } : {}),
    forcePathStyle: true,
    requestTimeoutMs: input.requestTimeoutMs,
    sdkLogger: QUIET,
    ...(agent ? { agent } : {}),
  });
  try {
    const access = await checkBucketAccess({ client, endpoint: endpoint.origin, bucket: input.bucket, region: input.region, prefix });
    checks.push(access);
    if (access.status === "fail") {
      return report(decideVerdict({ blocking: access, matrix: [], ...(input.configured ? { configured: input.configured } : {}) }));
    }
    let verdict: ReturnType<typeof decideVerdict>;
    try {
      verdict = await replayEverything({
        input,
        endpoint,
        prefix,
        client,
        lookup,
        systemResolver,
        agent,
        checks,
        runs,
        configuredFailure,
        deadline: started + (input.budgetMs ?? DEFAULT_BUDGET_MS),
      });
    } finally {
      checks.push(await cleanScratch(client, input.bucket, prefix));
    }
    return report(verdict);
  } finally {
    client.destroy();
    agent?.destroy();
  }
}

interface ReplayContext {
  readonly input: DoctorInput;
  readonly endpoint: URL;
  readonly prefix: string;
  readonly client: S3Client;
  readonly lookup: Lookup;
  readonly systemResolver: boolean;
  readonly agent: ReturnType<typeof agentWithLookup> | undefined;
  readonly checks: Check[];
  readonly runs: SequenceRun[];
  readonly configuredFailure: Check | undefined;
  /** performance.now() after which no replay starts. */
  readonly deadline: number;
}

async function replayEverything(ctx: ReplayContext): Promise<ReturnType<typeof decideVerdict>> {
  const { input, endpoint, prefix, client, checks, runs } = ctx;

  let needsPathStyle = false;
  try {
    const addressing = await checkAddressing({
      client,
      endpoint,
      region: input.region,
      bucket: input.bucket,
      keys: input.keys,
      prefix,
      timeoutMs: input.requestTimeoutMs,
      lookup: ctx.lookup,
      systemResolver: ctx.systemResolver,
    });
    checks.push(...addressing.checks);
    needsPathStyle = addressing.needsPathStyle;
  } catch (error) {
    checks.push(guardCheck("virtual-host", "Virtual-host addressing", error));
    needsPathStyle = true;
  }

  let needsPrefetchOff = false;
  try {
    const range = await checkRanges(client, input.bucket, prefix);
    checks.push(range.check);
    needsPrefetchOff = range.needsPrefetchOff;
  } catch (error) {
    checks.push(guardCheck("range", "Ranged GET (size prefetch)", error));
  }

  const target: ReplayTarget = {
    endpoint: endpoint.origin,
    region: input.region,
    bucket: input.bucket,
    keys: input.keys,
    prefix,
    requestTimeoutMs: input.requestTimeoutMs,
    ...(ctx.agent ? { agent: ctx.agent } : {}),
  };
  const base: ConvexFlags = { ...CONVEX_DEFAULT_FLAGS, forcePathStyle: needsPathStyle, disableRangePrefetch: needsPrefetchOff };
  const skipped: string[] = [];
  const stopped = (): boolean => performance.now() > ctx.deadline || input.signal?.aborted === true;
  /** Replays unless the budget is spent or the run was interrupted (then records the label as skipped). */
  const replayInBudget = async (options: Parameters<typeof replay>[1]): Promise<SequenceRun | undefined> => {
    if (stopped()) {
      skipped.push(options.label);
      return undefined;
    }
    const run = await replay(target, options);
    runs.push(run);
    return run;
  };
  const matrix: SequenceRun[] = [];
  for (const flags of flagCombinations(base)) {
    const run = await replayInBudget({ label: s3Label(flags), mode: "s3", flags, objectSizes: SMALL_OBJECT });
    if (run) matrix.push(run);
  }
  const best = simplestWorking(matrix);
  const confirmation = best
    ? await replayInBudget({ label: `${s3Label(best.flags)} (multipart and empty file)`, mode: "s3", flags: best.flags, objectSizes: FULL_OBJECTS })
    : undefined;
  const configured = input.configured;
  const configuredRun =
    configured?.mode === "s3" && configured.flags
      ? await replayInBudget({ label: `configured: s3 with ${describeFlags(configured.flags)}`, mode: "s3", flags: configured.flags, objectSizes: [...SMALL_OBJECT, ...FULL_OBJECTS] })
      : undefined;

  if (!stopped()) {
    try {
      checks.push(...(await checkIntegrity({ client, bucket: input.bucket, prefix })));
    } catch (error) {
      checks.push(guardCheck("crc32-verified", "Wrong CRC32 refused", error));
    }
  }

  const stopReason = input.signal?.aborted ? "the run was interrupted before it" : "the time budget was spent before it";
  const proxiedOutcome = stopped() ? { skipped: stopReason, checks: [] } : await replayProxied(ctx, target);
  checks.push(...proxiedOutcome.checks);
  if (proxiedOutcome.run) runs.push(proxiedOutcome.run);
  if (skipped.length > 0 && input.signal?.aborted) {
    checks.push({ id: "interrupted", title: "Interrupted", status: "warn", detail: `${skipped.length} replay(s) did not run: ${skipped.join("; ")}`, fix: "run the doctor again to the end" });
  } else if (skipped.length > 0) {
    checks.push({
      id: "budget",
      title: "Time budget",
      status: "warn",
      detail: `the endpoint answered so slowly that ${skipped.length} replay(s) did not run within ${input.budgetMs ?? DEFAULT_BUDGET_MS} ms: ${skipped.join("; ")}`,
      fix: "check the endpoint's latency; raise --timeout-ms only if it is expected",
    });
  }

  checks.push(externalPackagesCheck(endpoint));
  return decideVerdict({
    ...(ctx.configuredFailure ? { configFailure: ctx.configuredFailure } : {}),
    matrix,
    ...(confirmation ? { confirmation } : {}),
    ...(proxiedOutcome.run ? { proxied: proxiedOutcome.run } : { proxiedSkipped: proxiedOutcome.skipped }),
    ...(configured ? { configured } : {}),
    ...(configuredRun ? { configuredRun } : {}),
  });
}

/** Convex's defaults through the project's proxy in front of the endpoint, plus the integrity probes through it. */
async function replayProxied(ctx: ReplayContext, direct: ReplayTarget): Promise<{ run?: SequenceRun; skipped?: string; checks: readonly Check[] }> {
  const { input } = ctx;
  if (input.keys.sessionToken) {
    return { skipped: "the proxy signs upstream requests with static keys; temporary keys (AWS_SESSION_TOKEN) are not supported", checks: [] };
  }
  let proxy: Awaited<ReturnType<typeof startProxyInFront>>;
  try {
    proxy = await startProxyInFront({ endpoint: ctx.endpoint.origin, region: input.region, bucket: input.bucket, keys: input.keys, ...(input.proxySse ? { sse: input.proxySse } : {}) });
  } catch (error) {
    return { skipped: `the project's proxy refuses this endpoint or bucket: ${(error as Error).message}`, checks: [] };
  }
  try {
    const flags: ConvexFlags = { ...CONVEX_DEFAULT_FLAGS, forcePathStyle: true };
    const run = await replay(
      { ...direct, endpoint: proxy.url, keys: proxy.clientKeys, agent: undefined },
      { label: "proxied: Convex's defaults through the project's S3 proxy", mode: "proxied", flags, objectSizes: [...SMALL_OBJECT, ...FULL_OBJECTS] },
    );
    const proxyClient = convexS3Client({
      endpoint: proxy.url,
      region: input.region,
      accessKeyId: proxy.clientKeys.accessKeyId,
      secretAccessKey: proxy.clientKeys.secretAccessKey,
      requestTimeoutMs: input.requestTimeoutMs,
      sdkLogger: QUIET,
    });
    try {
      return { run, checks: await checkIntegrity({ client: proxyClient, bucket: input.bucket, prefix: `${ctx.prefix}proxied-`, via: "proxied" }) };
    } catch (error) {
      return { run, checks: [guardCheck("proxied-crc32-verified", "Wrong CRC32 refused (proxied)", error)] };
    } finally {
      proxyClient.destroy();
    }
  } finally {
    await proxy.close();
  }
}
