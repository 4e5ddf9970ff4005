/**
 * `npm run bench:proxy [-- --write] [-- --rounds N] [-- --quick]`: the S3 proxy's overhead, measured in one run
 * against one Ceph RGW: directly, through two controls and through the proxy bundle (built from the working tree into
 * .tmp/bench/s3-proxy.mjs at the start). The controls are a bare TCP relay (lib/tcp-relay.mjs: the floor for any extra hop) and a plain node:http
 * relay (lib/http-relay.mjs: what Node's HTTP layer costs without any S3 logic).
 *
 * - 1 KiB PutObject and GetObject: requests/s, p50 and p99 latency;
 * - 1 MiB and 64 MiB objects: upload and download MB/s (MB = 10^6 bytes);
 * - each at 1 and 16 requests in flight, each cell repeated `--rounds` times (default 5) with the paths taking
 *   turns going first so machine noise hits all; the table shows medians over rounds and the medians of the
 *   per-round comparisons with direct; a second table gives each hop's CPU time.
 *
 * RGW: S3_ENDPOINT_URL/AWS_* from the environment, else scripts/ceph-rgw/up.sh (RGW_DIR); see lib/rgw-target.ts.
 * `--write` (or BENCH_WRITE=1) also records the run in BENCHMARKS.md. BENCH_PROXY_BUNDLE benchmarks another build;
 * BENCH_TIMEOUT_MS (default 1_200_000) bounds the whole run.
 */
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { CreateBucketCommand, DeleteBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import { REPO_ROOT } from "../scripts/ceph-rgw/cluster.ts";
import { buildProxyBundle, startProxyProcess, type ProxyProcess } from "./lib/proxy-process.ts";
import {
  goalsTable,
  HOP_NAMES,
  HOPS,
  loadAverage,
  machineFacts,
  medianDelta,
  medianRatio,
  resultsTable,
  sampleLoadAverage,
  writeBenchmarksFile,
  type GoalCheck,
  type Hop,
  type ResultRow,
  type Via,
} from "./lib/report.ts";
import { processCpuMs } from "./lib/process-cpu.ts";
import { startRelayProcess, type RelayKind, type RelayProcess } from "./lib/relay-process.ts";
import { benchRgw } from "./lib/rgw-target.ts";
import { median, percentile } from "./lib/stats.ts";
import { benchClient, deleteObjects, getObjects, putObjects, type PhaseResult } from "./lib/workload.ts";

const KIB = 1024;
const MIB = 1024 * KIB;
const CONCURRENCIES = [1, 16] as const;
type Concurrency = (typeof CONCURRENCIES)[number];
/** Every path, in the order the first round takes them (see report.ts for what each is). */
const VIAS: readonly Via[] = ["direct", ...HOPS];

interface Cell {
  readonly label: string;
  readonly size: number;
  /** Latency cells report requests/s and percentiles; throughput cells report MB/s. */
  readonly kind: "latency" | "throughput";
  /** Objects per round and direction, by concurrency. */
  readonly count: Readonly<Record<Concurrency, number>>;
}

interface Options {
  readonly rounds: number;
  readonly write: boolean;
  readonly quick: boolean;
  readonly timeoutMs: number;
}

function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): Options {
  const known = new Set(["--write", "--quick", "--rounds"]);
  for (const [index, arg] of argv.entries()) {
    if (arg.startsWith("--") && !known.has(arg)) throw new Error(`unknown option ${arg}: use --write, --quick or --rounds N`);
    if (!arg.startsWith("--") && argv[index - 1] !== "--rounds") throw new Error(`unexpected argument '${arg}'`);
  }
  const quick = argv.includes("--quick");
  const roundsIndex = argv.indexOf("--rounds");
  const roundsText = roundsIndex >= 0 ? argv[roundsIndex + 1] : env.BENCH_ROUNDS;
  const rounds = roundsText === undefined ? (quick ? 2 : 5) : Number(roundsText);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 50) throw new Error(`--rounds is '${roundsText}': expected 1..50`);
  const timeoutMs = Number(env.BENCH_TIMEOUT_MS ?? 1_200_000);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new Error(`BENCH_TIMEOUT_MS is '${env.BENCH_TIMEOUT_MS}': expected milliseconds > 0`);
  return { rounds, write: argv.includes("--write") || env.BENCH_WRITE === "1", quick, timeoutMs };
}

function cells(quick: boolean): Cell[] {
  const scale = quick ? 0.25 : 1;
  const n = (value: number, min: number): number => Math.max(min, Math.round(value * scale));
  return [
    { label: "1 KiB", size: KIB, kind: "latency", count: { 1: n(300, 50), 16: n(1200, 160) } },
    { label: "1 MiB", size: MIB, kind: "throughput", count: { 1: n(40, 10), 16: n(160, 32) } },
    { label: "64 MiB", size: 64 * MIB, kind: "throughput", count: { 1: n(3, 2), 16: 16 } },
  ];
}

type Phase = "put" | "get";

/** Each hop's CPU per request or per GB, in every round (index = round) of one cell. */
interface HopCpu {
  readonly object: string;
  readonly concurrency: Concurrency;
  readonly unit: "ms/request" | "s/GB";
  readonly put: Readonly<Record<Hop, readonly number[]>>;
  readonly get: Readonly<Record<Hop, readonly number[]>>;
}

interface Sample {
  readonly put: PhaseResult;
  readonly get: PhaseResult;
  /** CPU time the hop's process (a relay or the proxy) used during each phase, in ms; undefined for direct. */
  readonly hopCpuMs: { readonly put: number; readonly get: number } | undefined;
}

const log = (message: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};

const mbPerSecond = (phase: PhaseResult): number => phase.bytes / 1e6 / (phase.wallMs / 1000);
const requestsPerSecond = (phase: PhaseResult): number => phase.latenciesMs.length / (phase.wallMs / 1000);

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const startedAt = performance.now();
  const loadAtStart = loadAverage();
  const load = sampleLoadAverage();
  const checkDeadline = (what: string): void => {
    if (performance.now() - startedAt > options.timeoutMs) {
      throw new Error(`benchmark exceeded BENCH_TIMEOUT_MS=${options.timeoutMs} before ${what}; nothing was written`);
    }
  };

  const rgw = await benchRgw();
  log(`RGW: Ceph ${rgw.cephVersion}, ${rgw.description}`);
  let proxy: ProxyProcess | undefined;
  const relays: Partial<Record<RelayKind, RelayProcess>> = {};
  const clients: S3Client[] = [];
  let bucketClient: S3Client | undefined;
  const bucket = `bench-${randomBytes(6).toString("hex")}`;
  try {
    const bundle = process.env.BENCH_PROXY_BUNDLE
      ? resolve(process.env.BENCH_PROXY_BUNDLE)
      : await buildProxyBundle(REPO_ROOT, resolve(REPO_ROOT, ".tmp/bench/s3-proxy.mjs"));
    bucketClient = benchClient(rgw, 4);
    await bucketClient.send(new CreateBucketCommand({ Bucket: bucket }));
    const clientKeys = { accessKeyId: `BENCH${randomBytes(8).toString("hex").toUpperCase()}`, secretAccessKey: randomBytes(30).toString("base64url") };
    proxy = await startProxyProcess({
      bundle,
      upstream: rgw,
      clientAccessKeyId: clientKeys.accessKeyId,
      clientSecretAccessKey: clientKeys.secretAccessKey,
      buckets: [bucket],
      logFile: resolve(REPO_ROOT, ".tmp/bench/proxy.log"),
    });
    log(`proxy ${bundle} (pid ${proxy.pid}) ready at ${proxy.endpoint}`);
    for (const kind of ["tcp", "http"] as const) {
      const relay = await startRelayProcess(kind, rgw.endpoint);
      relays[kind] = relay;
      log(`${HOP_NAMES[kind]} (pid ${relay.pid}) to RGW ready at ${relay.endpoint}`);
    }
    const relayEndpoint = (kind: RelayKind): string => {
      const relay = relays[kind];
      if (relay === undefined) throw new Error(`the ${kind} relay is not running`);
      return relay.endpoint;
    };

    const maxSockets = Math.max(...CONCURRENCIES) * 2;
    const client: Record<Via, S3Client> = {
      direct: benchClient(rgw, maxSockets),
      tcp: benchClient({ ...rgw, endpoint: relayEndpoint("tcp") }, maxSockets),
      http: benchClient({ ...rgw, endpoint: relayEndpoint("http") }, maxSockets),
      proxy: benchClient({ endpoint: proxy.endpoint, region: rgw.region, ...clientKeys }, maxSockets),
    };
    clients.push(...Object.values(client));

    const measure = async (via: Via, cell: Cell, concurrency: Concurrency, round: number): Promise<Sample> => {
      const keys = Array.from({ length: cell.count[concurrency] }, (_, i) => `bench/${cell.size}/c${concurrency}/r${round}/${via}/${i}`);
      const body = randomBytes(cell.size);
      const hopPid = via === "proxy" ? proxy?.pid : via === "direct" ? undefined : relays[via]?.pid;
      const cpu = (): number => (hopPid !== undefined ? processCpuMs(hopPid) : 0);
      const cpuBefore = cpu();
      const put = await putObjects(client[via], bucket, keys, body, concurrency);
      const cpuAfterPut = cpu();
      const get = await getObjects(client[via], bucket, keys, cell.size, concurrency);
      const cpuAfterGet = cpu();
      await deleteObjects(client.direct, bucket, keys);
      if (cell.size >= 64 * MIB) await rgw.collectGarbage();
      const hopCpuMs = hopPid !== undefined ? { put: cpuAfterPut - cpuBefore, get: cpuAfterGet - cpuAfterPut } : undefined;
      return { put, get, hopCpuMs };
    };

    // Warm-up: connections, RGW's caches, and each hop's compiled code: V8 keeps optimizing a Node process's hot
    // functions over its first thousands of requests (on background threads, counted in the hop's CPU), which a
    // long-running proxy has long done. 2000 small requests each way bring every hop there. Not recorded.
    for (const via of VIAS) {
      await measure(via, { label: "warm-up", size: KIB, kind: "latency", count: { 1: 50, 16: options.quick ? 200 : 2000 } }, 16, 0);
      await measure(via, { label: "warm-up", size: MIB, kind: "throughput", count: { 1: 8, 16: 32 } }, 16, 0);
    }
    log(`warm-up done; ${options.rounds} rounds per cell${options.quick ? " (--quick: fewer objects)" : ""}`);

    const rows: ResultRow[] = [];
    const cpuRows: string[] = [];
    const cpuCells: HopCpu[] = [];
    for (const cell of cells(options.quick)) {
      for (const concurrency of CONCURRENCIES) {
        const samples: Record<Via, Sample[]> = { direct: [], tcp: [], http: [], proxy: [] };
        for (let round = 1; round <= options.rounds; round++) {
          // Each path goes first, second, ... and last in turn, so drift over a cell hits all of them alike.
          const shift = (round - 1) % VIAS.length;
          const rotated = [...VIAS.slice(shift), ...VIAS.slice(0, shift)];
          const order: readonly Via[] = round % 2 === 1 ? rotated : rotated.reverse();
          for (const via of order) {
            checkDeadline(`${cell.label} c${concurrency} round ${round} ${via}`);
            const sample = await measure(via, cell, concurrency, round);
            samples[via].push(sample);
            log(
              `${cell.label.padStart(6)} c${String(concurrency).padEnd(2)} round ${round}/${options.rounds} ${via.padEnd(6)} ` +
                (cell.kind === "latency"
                  ? `PUT ${requestsPerSecond(sample.put).toFixed(0)}/s p50 ${percentile(sample.put.latenciesMs, 50).toFixed(2)} ms, ` +
                    `GET ${requestsPerSecond(sample.get).toFixed(0)}/s p50 ${percentile(sample.get.latenciesMs, 50).toFixed(2)} ms`
                  : `up ${mbPerSecond(sample.put).toFixed(1)} MB/s, down ${mbPerSecond(sample.get).toFixed(1)} MB/s`),
            );
          }
        }
        const row = (metric: string, kind: ResultRow["kind"], value: (sample: Sample) => number): ResultRow => {
          const values = (via: Via): number[] => samples[via].map(value);
          const direct = values("direct");
          const perHop = (compare: (hop: number, base: number) => number): Record<Hop, number[]> =>
            Object.fromEntries(HOPS.map((hop) => [hop, values(hop).map((v, i) => compare(v, direct[i] as number))])) as Record<Hop, number[]>;
          return {
            object: cell.label,
            concurrency,
            metric,
            kind,
            medians: Object.fromEntries(VIAS.map((via) => [via, median(values(via))])) as Record<Via, number>,
            ratios: perHop((v, base) => v / base),
            deltas: perHop((v, base) => v - base),
          };
        };
        const cpu = hopCpu(cell, concurrency, samples);
        cpuCells.push(cpu);
        cpuRows.push(hopCpuRow(cpu));
        if (cell.kind === "latency") {
          rows.push(
            row("PUT requests/s", "throughput", (s) => requestsPerSecond(s.put)),
            row("PUT p50 ms", "latency", (s) => percentile(s.put.latenciesMs, 50)),
            row("PUT p99 ms", "latency", (s) => percentile(s.put.latenciesMs, 99)),
            row("GET requests/s", "throughput", (s) => requestsPerSecond(s.get)),
            row("GET p50 ms", "latency", (s) => percentile(s.get.latenciesMs, 50)),
            row("GET p99 ms", "latency", (s) => percentile(s.get.latenciesMs, 99)),
          );
        } else {
          rows.push(
            row("upload MB/s", "throughput", (s) => mbPerSecond(s.put)),
            row("download MB/s", "throughput", (s) => mbPerSecond(s.get)),
          );
        }
      }
    }

    const find = (object: string, concurrency: number, metric: string): ResultRow => {
      const found = rows.find((r) => r.object === object && r.concurrency === concurrency && r.metric === metric);
      if (!found) throw new Error(`no result row ${object} c${concurrency} ${metric}`);
      return found;
    };
    const goals = issueGoals(find, cpuCells);

    const elapsedS = ((performance.now() - startedAt) / 1000).toFixed(0);
    const facts = machineFacts(REPO_ROOT, rgw.cephVersion, rgw.description, loadAtStart, load.stop());
    const run = [
      `## Run ${facts.date}`,
      "",
      ...facts.lines,
      `- ${options.rounds} rounds per cell${options.quick ? " (--quick)" : ""}; values are medians over rounds, "/ direct" and "- direct" are medians of the per-round (back-to-back) comparisons; the run took ${elapsedS} s`,
      "",
      resultsTable(rows),
      "",
      "CPU time of each hop's own process (user + system, from /proc/<pid>/stat), median over rounds: per request for 1 KiB",
      "objects, per GB moved for the others. It is what the hop adds to the machine; on shared cores it comes out of the client's and RGW's share.",
      "The ratio columns are medians of the per-round ratios: the proxy's CPU over the HTTP relay's (the issue's goal) and over the TCP relay's,",
      "each measured in the same round, back to back.",
      "",
      CPU_TABLE_HEADER,
      ...cpuRows,
      "",
      goalsTable(goals),
    ].join("\n");
    console.log(`\n${run}\n`);
    if (options.write) {
      const path = resolve(REPO_ROOT, "BENCHMARKS.md");
      writeBenchmarksFile(path, BENCHMARKS_HEADER, run);
      log(`recorded in ${path}`);
    }
  } catch (error) {
    if (proxy) log(`proxy's last output:\n${proxy.recentOutput()}`);
    throw error;
  } finally {
    for (const c of clients) c.destroy();
    await proxy?.stop();
    for (const relay of Object.values(relays)) await relay.stop();
    if (bucketClient) {
      await bucketClient.send(new DeleteBucketCommand({ Bucket: bucket })).catch((error: unknown) => {
        log(`could not delete bucket ${bucket}: ${error instanceof Error ? error.message : String(error)}`);
      });
      bucketClient.destroy();
    }
    await rgw.release();
  }
}

/** Each hop's CPU per unit (ms per request for latency cells, s per GB otherwise) in every round of one cell. */
function hopCpu(cell: Cell, concurrency: Concurrency, samples: Readonly<Record<Via, readonly Sample[]>>): HopCpu {
  const perPhase = (phase: Phase): Record<Hop, number[]> =>
    Object.fromEntries(
      HOPS.map((hop) => [
        hop,
        samples[hop].map((sample) => {
          const cpuMs = sample.hopCpuMs?.[phase] ?? Number.NaN;
          const result = sample[phase];
          return cell.kind === "latency" ? cpuMs / result.latenciesMs.length : cpuMs / 1000 / (result.bytes / 1e9);
        }),
      ]),
    ) as Record<Hop, number[]>;
  return { object: cell.label, concurrency, unit: cell.kind === "latency" ? "ms/request" : "s/GB", put: perPhase("put"), get: perPhase("get") };
}

/**
 * The issue's goals (issue 12), each checked on the proxy with the controls beside it: throughput against direct,
 * latency added to direct, CPU against the HTTP relay in the same round.
 */
function issueGoals(find: (object: string, concurrency: number, metric: string) => ResultRow, cpuCells: readonly HopCpu[]): GoalCheck[] {
  const goals: GoalCheck[] = [];
  for (const metric of ["upload MB/s", "download MB/s"]) {
    for (const concurrency of CONCURRENCIES) {
      const row = find("64 MiB", concurrency, metric);
      goals.push(
        goalCheck(`64 MiB ${metric.replace(" MB/s", "")} throughput at concurrency ${concurrency}: >= 0.9 x direct`, (hop) => {
          const ratio = medianRatio(row, hop);
          return { measured: `${ratio.toFixed(3)} x direct`, met: ratio >= 0.9 };
        }),
      );
    }
  }
  for (const metric of ["PUT p50 ms", "GET p50 ms"]) {
    const row = find("1 KiB", 1, metric);
    goals.push(
      goalCheck(`1 KiB ${metric.replace(" ms", "")} added latency at concurrency 1: <= 1 ms`, (hop) => {
        const extra = medianDelta(row, hop);
        return { measured: `${extra >= 0 ? "+" : ""}${extra.toFixed(3)} ms`, met: extra <= 1 };
      }),
    );
  }
  const cpuGoal = (object: string, phase: Phase, what: string, limit: number): void => {
    for (const cell of cpuCells.filter((c) => c.object === object)) {
      goals.push(
        goalCheck(`${object} proxy CPU per ${what} at concurrency ${cell.concurrency}: <= ${limit} x HTTP relay`, (hop) => {
          const ratio = cpuRatio(cell[phase], hop, "http");
          return { measured: `${ratio.toFixed(2)} x HTTP relay`, met: ratio <= limit };
        }),
      );
    }
  };
  cpuGoal("64 MiB", "put", "GB uploaded", 1.3);
  cpuGoal("64 MiB", "get", "GB downloaded", 1.15);
  cpuGoal("1 KiB", "put", "PUT", 1.3);
  cpuGoal("1 KiB", "get", "GET", 1.3);
  return goals;
}

function goalCheck(goal: string, measure: (hop: Hop) => { measured: string; met: boolean }): GoalCheck {
  return { goal, byHop: Object.fromEntries(HOPS.map((hop) => [hop, measure(hop)])) as GoalCheck["byHop"] };
}

/** Median over rounds of `hop`'s CPU over `base`'s in the same round. */
function cpuRatio(perHop: Readonly<Record<Hop, readonly number[]>>, hop: Hop, base: Hop): number {
  return median(perHop[hop].map((value, round) => value / (perHop[base][round] as number)));
}

const CPU_TABLE_HEADER = [
  `| Object | Concurrency | ${HOPS.map((h) => `PUT ${HOP_NAMES[h]}`).join(" | ")} | PUT proxy / HTTP relay | PUT proxy / TCP relay | ${HOPS.map((h) => `GET ${HOP_NAMES[h]}`).join(" | ")} | GET proxy / HTTP relay | GET proxy / TCP relay |`,
  `|---|---:|${[...HOPS, "", "", ...HOPS, "", ""].map(() => "---:").join("|")}|`,
].join("\n");

/** One row of the hop CPU table: the medians, then the proxy's per-round ratios to both relays. */
function hopCpuRow(cpu: HopCpu): string {
  const phase = (values: Readonly<Record<Hop, readonly number[]>>): string =>
    [
      ...HOPS.map((hop) => `${median(values[hop]).toFixed(2)} ${cpu.unit}`),
      `${cpuRatio(values, "proxy", "http").toFixed(2)} x`,
      `${cpuRatio(values, "proxy", "tcp").toFixed(2)} x`,
    ].join(" | ");
  return `| ${cpu.object} | ${cpu.concurrency} | ${phase(cpu.put)} | ${phase(cpu.get)} |`;
}

const BENCHMARKS_HEADER = `# S3 proxy benchmark

Generated by \`npm run bench:proxy -- --write\` (bench/proxy.bench.ts); newest run first, the last five kept.

Method: one run measures the same single-node Ceph RGW (scripts/ceph-rgw/up.sh, memstore OSD) four ways:
**direct**; through a **TCP relay** (bench/lib/tcp-relay.mjs: a Node process that copies bytes both ways and nothing
else, the floor for any extra hop on this machine); through an **HTTP relay** (bench/lib/http-relay.mjs: node:http
server and client piping bodies through, no S3 logic, what Node's HTTP layer costs); and through the **proxy**
bundle, built from the working tree at the start of the run (scripts/build-proxy.mjs into .tmp/bench/s3-proxy.mjs, the
same minified file as \`dist/s3-proxy.mjs\`), as a child process (\`S3PROXY_LISTEN=127.0.0.1:0\`, its JSON log lines going to a
file, .tmp/bench/proxy.log, as a container runtime would take them). The client is \`@aws-sdk/client-s3\` with
default checksum settings, path-style, keep-alive, no retries, in one process for all paths. Every cell runs several
rounds; the paths take turns going first, so machine noise hits all of them. The value columns are medians over
rounds; the "/ direct" and "- direct" columns are medians of the per-round comparisons (each round measures all
paths back to back), with the range of proxy / direct over rounds. MB = 10^6 bytes; latency is one request as the
client sees it. The client, RGW (mon, OSD, radosgw) and the hops share the machine's cores, so absolute numbers are
low and ratios are the point.

Goals (issue 12; same run, medians of at least 5 rounds): on 64 MiB objects, proxy CPU per GB uploaded at most 1.3 x
the HTTP relay's and per GB downloaded at most 1.15 x; on 1 KiB objects, proxy CPU per request at most 1.3 x the HTTP
relay's for PUT and GET, and at most 1 ms p50 added latency at concurrency 1; throughput at least 0.9 x direct for
64 MiB uploads and downloads at concurrency 1 and 16. The goal table shows the controls beside the proxy: where the
TCP relay misses a goal, the machine sets the limit; where the HTTP relay misses it, Node's HTTP layer does. The
machine is shared with other work (the load average is recorded with each run): compare figures within a run. Whether
undici would make the upstream leg cheaper than node:http is measured by \`npm run bench:upstream-client\`
(docs/benchmarks/upstream-client.md).`;

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
