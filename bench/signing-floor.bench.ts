/**
 * `npm run bench:signing-floor [-- --write] [-- --rounds N] [-- --requests N]`: how close the proxy's 1 KiB request
 * path is to the least a re-signing S3 proxy can do in Node (issue 12). Three hops in front of one Ceph RGW, measured
 * in the same run: the HTTP relay (bench/lib/http-relay.mjs: node:http only), the signing floor
 * (bench/lib/signing-relay.ts: the same relay plus SigV4 verification of the client's request and SigV4 signing of
 * the upstream one, with the proxy's own modules) and the proxy bundle built from the working tree.
 *
 * Each round sends `--requests` (default 600) 1 KiB PutObjects, then as many GetObjects, at concurrency 1, each
 * request to every hop in turn (the hop that goes first rotates), so machine noise hits the three alike; each hop's
 * CPU time (/proc) over a phase, divided by the requests, is its CPU per request. Reports medians over `--rounds`
 * (default 5) and the medians of the per-round ratios.
 *
 * RGW: as bench/proxy.bench.ts (lib/rgw-target.ts). `--write` records the run in docs/benchmarks/signing-floor.md.
 */
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { CreateBucketCommand, DeleteBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { REPO_ROOT } from "../scripts/ceph-rgw/cluster.ts";
import { processCpuMs } from "./lib/process-cpu.ts";
import { buildProxyBundle, buildSigningRelayBundle, startProxyProcess } from "./lib/proxy-process.ts";
import { startRelayProcess } from "./lib/relay-process.ts";
import { loadAverage, machineFacts, sampleLoadAverage, writeBenchmarksFile } from "./lib/report.ts";
import { benchRgw } from "./lib/rgw-target.ts";
import { median } from "./lib/stats.ts";
import { benchClient, deleteObjects } from "./lib/workload.ts";

const HOPS = ["http", "floor", "proxy"] as const;
type Hop = (typeof HOPS)[number];
const NAMES: Readonly<Record<Hop, string>> = { http: "HTTP relay", floor: "signing floor", proxy: "proxy" };
/** Requests each way, per hop, before the first round: V8 optimizes a process's hot code over its first thousands. */
const WARM_UP_REQUESTS = 1500;

interface Options {
  readonly rounds: number;
  readonly requests: number;
  readonly write: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const count = (flag: string, fallback: number, max: number): number => {
    const index = argv.indexOf(flag);
    if (index < 0) return fallback;
    const text = argv[index + 1];
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`${flag} is '${text}': expected a whole number 1..${max}`);
    return value;
  };
  const known = new Set(["--rounds", "--requests", "--write"]);
  argv.forEach((arg, i) => {
    if (arg.startsWith("--") && !known.has(arg)) throw new Error(`unknown option ${arg}: use --write, --rounds N or --requests N`);
    if (!arg.startsWith("--") && argv[i - 1] !== "--rounds" && argv[i - 1] !== "--requests") throw new Error(`unexpected argument '${arg}'`);
  });
  return { rounds: count("--rounds", 5, 50), requests: count("--requests", 600, 20_000), write: argv.includes("--write") };
}

const log = (message: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const loadAtStart = loadAverage();
  const load = sampleLoadAverage();
  const rgw = await benchRgw();
  const bucket = `bench-floor-${randomBytes(6).toString("hex")}`;
  const admin = benchClient(rgw, 4);
  const clientKeys = { accessKeyId: `BENCH${randomBytes(8).toString("hex").toUpperCase()}`, secretAccessKey: randomBytes(30).toString("base64url") };
  const stops: (() => Promise<void>)[] = [];
  const clients: S3Client[] = [];
  const keys = new Set<string>();
  /** CPU ms per request, by "<direction> <hop>": one value per round. */
  const cpu = new Map<string, number[]>();
  try {
    await admin.send(new CreateBucketCommand({ Bucket: bucket }));
    const proxyBundle = await buildProxyBundle(REPO_ROOT, resolve(REPO_ROOT, ".tmp/bench/s3-proxy.mjs"));
    const floorBundle = await buildSigningRelayBundle(REPO_ROOT, resolve(REPO_ROOT, ".tmp/bench/signing-relay.mjs"));
    const pids = {} as Record<Hop, number>;
    const client = {} as Record<Hop, S3Client>;
    const relay = await startRelayProcess("http", rgw.endpoint);
    stops.push(() => relay.stop());
    pids.http = relay.pid;
    client.http = benchClient({ ...rgw, endpoint: relay.endpoint }, 2);
    for (const [hop, bundle] of [["floor", floorBundle], ["proxy", proxyBundle]] as const) {
      const started = await startProxyProcess({
        bundle,
        upstream: rgw,
        clientAccessKeyId: clientKeys.accessKeyId,
        clientSecretAccessKey: clientKeys.secretAccessKey,
        buckets: [bucket],
        logFile: resolve(REPO_ROOT, `.tmp/bench/${hop}.log`),
      });
      stops.push(() => started.stop());
      pids[hop] = started.pid;
      client[hop] = benchClient({ endpoint: started.endpoint, region: rgw.region, ...clientKeys }, 2);
    }
    clients.push(...Object.values(client));
    const body = randomBytes(1024);

    /** `count` requests to every hop in turn; returns each hop's CPU ms per request over the phase. */
    const phase = async (direction: "PUT" | "GET", count: number, tag: string): Promise<Record<Hop, number>> => {
      const before = HOPS.map((hop) => processCpuMs(pids[hop]));
      for (let i = 0; i < count; i += 1) {
        for (let j = 0; j < HOPS.length; j += 1) {
          const hop = HOPS[(i + j) % HOPS.length] as Hop;
          const Key = `floor/${tag}/${hop}/${i}`;
          keys.add(Key);
          if (direction === "PUT") await client[hop].send(new PutObjectCommand({ Bucket: bucket, Key, Body: body }));
          else await (await client[hop].send(new GetObjectCommand({ Bucket: bucket, Key }))).Body?.transformToByteArray();
        }
      }
      return Object.fromEntries(HOPS.map((hop, j) => [hop, (processCpuMs(pids[hop]) - (before[j] as number)) / count])) as Record<Hop, number>;
    };
    await phase("PUT", WARM_UP_REQUESTS, "warm-up");
    await phase("GET", WARM_UP_REQUESTS, "warm-up");
    log(`warm-up done (${WARM_UP_REQUESTS} requests each way per hop)`);
    for (let round = 1; round <= options.rounds; round += 1) {
      for (const direction of ["PUT", "GET"] as const) {
        const result = await phase(direction, options.requests, `r${round}`);
        for (const hop of HOPS) cpu.set(`${direction} ${hop}`, [...(cpu.get(`${direction} ${hop}`) ?? []), result[hop]]);
      }
      log(`round ${round} of ${options.rounds}: ${["PUT", "GET"].map((d) => `${d} ${HOPS.map((h) => `${h} ${(cpu.get(`${d} ${h}`)?.at(-1) ?? 0).toFixed(3)}`).join(", ")} ms`).join("; ")}`);
    }
  } finally {
    for (const c of clients) c.destroy();
    for (const stop of stops) await stop();
    await deleteObjects(admin, bucket, [...keys]).catch(() => undefined);
    await admin.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
    admin.destroy();
    await rgw.release();
  }

  const facts = machineFacts(REPO_ROOT, rgw.cephVersion, rgw.description, loadAtStart, load.stop());
  const ratio = (direction: string, over: Hop, under: Hop): string => {
    const a = cpu.get(`${direction} ${over}`) ?? [];
    const b = cpu.get(`${direction} ${under}`) ?? [];
    return `${median(a.map((value, i) => value / (b[i] as number))).toFixed(2)} x`;
  };
  const lines = [
    `## Run ${facts.date}`,
    "",
    ...facts.lines,
    `- ${options.rounds} rounds of ${options.requests} requests each way per hop, 1 KiB objects, concurrency 1; CPU per request is the median over rounds, each ratio the median of the per-round ratios`,
    "",
    `| Request | ${HOPS.map((h) => `CPU, ${NAMES[h]}`).join(" | ")} | floor / HTTP relay | proxy / HTTP relay | proxy / floor |`,
    `|---|${HOPS.map(() => "---:").join("|")}|---:|---:|---:|`,
  ];
  for (const direction of ["PUT", "GET"]) {
    const shown = HOPS.map((hop) => `${median(cpu.get(`${direction} ${hop}`) ?? []).toFixed(3)} ms`);
    lines.push(`| 1 KiB ${direction} | ${shown.join(" | ")} | ${ratio(direction, "floor", "http")} | ${ratio(direction, "proxy", "http")} | ${ratio(direction, "proxy", "floor")} |`);
  }
  const run = lines.join("\n");
  console.log(`\n${run}\n`);
  if (options.write) {
    const path = resolve(REPO_ROOT, "docs/benchmarks/signing-floor.md");
    writeBenchmarksFile(path, HEADER, run);
    log(`recorded in ${path}`);
  }
}

const HEADER = `# Signing floor benchmark

Generated by \`npm run bench:signing-floor -- --write\` (bench/signing-floor.bench.ts); newest run first, the last
five kept. Issue 12 asks that the proxy's CPU per 1 KiB request be at most 1.3 x the plain node:http relay's. This
benchmark measures, in the same run, what part of that any re-signing proxy spends: the **signing floor**
(bench/lib/signing-relay.ts) is the HTTP relay plus SigV4 verification of the client's request and SigV4 signing of
the upstream request, with the proxy's own modules, and nothing else (no route rules, header allow-list, body or
checksum checks, logs, metrics or timeouts). "floor / HTTP relay" is what SigV4 costs; "proxy / floor" is what the
proxy's policy and bookkeeping cost on top. The figure is each process's CPU time (user + system, /proc/<pid>/stat).`;

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
