/**
 * `npm run profile:proxy [-- --requests N]`: where the proxy's CPU goes on the small-object path, next to the plain
 * node:http relay doing the same work. Builds the proxy unminified (names and source-file markers kept), runs it and
 * bench/lib/http-relay.mjs against RGW under `node --cpu-prof`, sends each N 1 KiB PutObject and N GetObject
 * requests one at a time with the AWS SDK (the benchmark's client), stops them, and reads the profiles: each
 * process's CPU per request (/proc), and self time per request by proxy source file, Node module or engine, side by
 * side, then the proxy's top functions. The profiles stay in .tmp/bench/profile/ for Chrome DevTools or speedscope.
 *
 * RGW: as bench/proxy.bench.ts (lib/rgw-target.ts).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { build } from "esbuild";
import { CreateBucketCommand, DeleteBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import { REPO_ROOT } from "../scripts/ceph-rgw/cluster.ts";
import { processCpuMs } from "./lib/process-cpu.ts";
import { startProxyProcess } from "./lib/proxy-process.ts";
import { startRelayProcess } from "./lib/relay-process.ts";
import { benchRgw, type BenchRgw } from "./lib/rgw-target.ts";
import { median } from "./lib/stats.ts";
import { benchClient, deleteObjects, getObjects, putObjects } from "./lib/workload.ts";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}
interface Hop {
  readonly endpoint: string;
  readonly pid: number;
  stop(): Promise<void>;
}
interface Profiled {
  /** CPU per request from /proc over the measured requests, in ms. */
  readonly cpuMsPerRequest: number;
  /** Busy (non-idle) self time by where it was spent, in µs, over the whole profile. */
  readonly byWhere: Map<string, number>;
  readonly byFunction: Map<string, number>;
  readonly busyUs: number;
}

const requestsArg = process.argv.indexOf("--requests");
const REQUESTS = requestsArg === -1 ? 2000 : Number(process.argv[requestsArg + 1]);
if (!Number.isInteger(REQUESTS) || REQUESTS < 100) throw new Error(`--requests is '${process.argv[requestsArg + 1]}': expected a whole number >= 100`);

/** `--no-cpu-prof`: the same runs without the profiler, for its overhead (only the /proc figures then). */
const profiling = !process.argv.includes("--no-cpu-prof");
const profArgs = (dir: string): string[] => (profiling ? ["--cpu-prof", "--cpu-prof-dir", dir] : []);
const root = resolve(REPO_ROOT, ".tmp/bench/profile");
rmSync(root, { recursive: true, force: true });
const bundle = resolve(root, "s3-proxy.mjs");
await build({
  entryPoints: [resolve(REPO_ROOT, "proxy/src/main.ts")],
  outfile: bundle,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  minify: false,
  keepNames: true,
  logLevel: "warning",
});
/** The proxy source file of each line of the unminified bundle, from esbuild's `// proxy/src/...` markers. */
const sourceOfLine: string[] = [];
let current = "(bundle)";
for (const line of readFileSync(bundle, "utf8").split("\n")) {
  current = /^\/\/ (proxy\/src\/\S+)$/.exec(line)?.[1] ?? current;
  sourceOfLine.push(current);
}

/** Where a frame's self time is counted: a proxy source file, a Node module, or the engine. */
function where(frame: ProfileNode["callFrame"]): string {
  if (frame.url === `file://${bundle}`) return sourceOfLine[frame.lineNumber] ?? "(bundle)";
  if (frame.url.startsWith("file://")) return frame.url.slice(frame.url.lastIndexOf("/") + 1);
  if (frame.url !== "") return frame.url;
  return ["(idle)", "(program)", "(garbage collector)"].includes(frame.functionName) ? frame.functionName : `(native) ${frame.functionName}`;
}

function readProfile(dir: string): Omit<Profiled, "cpuMsPerRequest"> {
  const file = readdirSync(dir).find((name) => name.endsWith(".cpuprofile"));
  if (file === undefined) throw new Error(`node --cpu-prof wrote no .cpuprofile into ${dir}`);
  const profile = JSON.parse(readFileSync(resolve(dir, file), "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const byWhere = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busyUs = 0;
  profile.samples.forEach((id, index) => {
    const frame = byId.get(id)?.callFrame;
    const us = profile.timeDeltas[index] ?? 0;
    if (frame === undefined || frame.functionName === "(idle)") return;
    busyUs += us;
    const place = where(frame);
    byWhere.set(place, (byWhere.get(place) ?? 0) + us);
    const name = `${frame.functionName || "(anonymous)"} ${place}:${frame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  });
  return { byWhere, byFunction, busyUs };
}

async function profileHop(name: string, rgw: BenchRgw, bucket: string, keys: { accessKeyId: string; secretAccessKey: string }, start: (dir: string) => Promise<Hop>): Promise<Profiled> {
  const dir = resolve(root, name);
  mkdirSync(dir, { recursive: true });
  const hop = await start(dir);
  let client: S3Client | undefined;
  const objectKeys = Array.from({ length: REQUESTS }, (_, i) => `profile/${name}/${i}`);
  const body = randomBytes(1024);
  let cpuMs: number;
  try {
    client = benchClient({ endpoint: hop.endpoint, region: rgw.region, ...keys }, 4);
    // Warm-up (connections, JIT), not counted in the /proc figure.
    await putObjects(client, bucket, objectKeys.slice(0, 100), body, 1);
    const before = processCpuMs(hop.pid);
    const put = await putObjects(client, bucket, objectKeys, body, 1);
    const get = await getObjects(client, bucket, objectKeys, body.length, 1);
    cpuMs = processCpuMs(hop.pid) - before;
    console.log(`${name}: ${REQUESTS} PUT (p50 ${median(put.latenciesMs).toFixed(2)} ms), ${REQUESTS} GET (p50 ${median(get.latenciesMs).toFixed(2)} ms), CPU ${(cpuMs / (2 * REQUESTS)).toFixed(3)} ms/request`);
  } finally {
    client?.destroy();
    await hop.stop();
  }
  const profile = profiling ? readProfile(dir) : { byWhere: new Map<string, number>(), byFunction: new Map<string, number>(), busyUs: 0 };
  return { cpuMsPerRequest: cpuMs / (2 * REQUESTS), ...profile };
}

const rgw = await benchRgw();
const bucket = `profile-${randomBytes(6).toString("hex")}`;
const admin = benchClient(rgw, 4);
await admin.send(new CreateBucketCommand({ Bucket: bucket }));
const clientKeys = { accessKeyId: `PROFILE${randomBytes(8).toString("hex").toUpperCase()}`, secretAccessKey: randomBytes(30).toString("base64url") };
let proxy: Profiled;
let relay: Profiled;
try {
  relay = await profileHop("http-relay", rgw, bucket, { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey }, async (dir) => startRelayProcess("http", rgw.endpoint, profArgs(dir)));
  proxy = await profileHop("proxy", rgw, bucket, clientKeys, (dir) =>
    startProxyProcess({
      bundle,
      upstream: rgw,
      clientAccessKeyId: clientKeys.accessKeyId,
      clientSecretAccessKey: clientKeys.secretAccessKey,
      buckets: [bucket],
      logFile: resolve(dir, "proxy.log"),
      nodeArgs: profArgs(dir),
    }),
  );
} finally {
  for (const name of ["http-relay", "proxy"]) {
    await deleteObjects(admin, bucket, Array.from({ length: REQUESTS }, (_, i) => `profile/${name}/${i}`));
  }
  await admin.send(new DeleteBucketCommand({ Bucket: bucket }));
  admin.destroy();
  await rgw.release();
}

// Both profiles include start-up and warm-up; self times are divided by the same request count (2N + 100).
const requests = 2 * REQUESTS + 100;
const ms = (us: number | undefined): string => ((us ?? 0) / 1000 / requests).toFixed(3);
console.log(`\nCPU per request over the ${2 * REQUESTS} measured requests (/proc): proxy ${proxy.cpuMsPerRequest.toFixed(3)} ms, HTTP relay ${relay.cpuMsPerRequest.toFixed(3)} ms (${(proxy.cpuMsPerRequest / relay.cpuMsPerRequest).toFixed(2)} x)`);
console.log(`Busy self time in the profiles (start-up included), per request: proxy ${ms(proxy.busyUs)} ms, HTTP relay ${ms(relay.busyUs)} ms; profiles in ${root}`);
console.log("\n| Where (proxy source file, Node module, engine) | proxy ms/request | HTTP relay ms/request | difference |\n|---|---:|---:|---:|");
const places = [...new Set([...proxy.byWhere.keys(), ...relay.byWhere.keys()])];
places.sort((a, b) => (proxy.byWhere.get(b) ?? 0) - (relay.byWhere.get(b) ?? 0) - ((proxy.byWhere.get(a) ?? 0) - (relay.byWhere.get(a) ?? 0)));
for (const place of places.slice(0, 30)) {
  const diff = ((proxy.byWhere.get(place) ?? 0) - (relay.byWhere.get(place) ?? 0)) / 1000 / requests;
  console.log(`| ${place} | ${ms(proxy.byWhere.get(place))} | ${ms(relay.byWhere.get(place))} | ${diff >= 0 ? "+" : ""}${diff.toFixed(3)} |`);
}
console.log("\n| Proxy function | self ms/request |\n|---|---:|");
for (const [name, us] of [...proxy.byFunction].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`| ${name.replace(/\|/g, "\\|")} | ${ms(us)} |`);
