/**
 * `npm run bench:upstream-client [-- --write] [-- --rounds N]`: is another HTTP client cheaper than node:http for the
 * proxy's upstream leg (issue 12)? Two relays in front of one Ceph RGW, measured in the same run: the benchmark's
 * HTTP relay (bench/lib/http-relay.mjs, node:http server and client) and the same relay with undici as the client
 * (bench/lib/undici-relay.mjs). Each relay's CPU time (/proc) per 1 KiB PutObject and GetObject, and per GB for
 * 64 MiB uploads and downloads, at concurrency 1; every cell repeated `--rounds` times (default 5), the relays
 * taking turns going first. Reports medians over rounds and the median of the per-round ratios undici / node:http.
 *
 * RGW: as bench/proxy.bench.ts (lib/rgw-target.ts). `--write` records the run in docs/benchmarks/upstream-client.md.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CreateBucketCommand, DeleteBucketCommand } from "@aws-sdk/client-s3";
import { REPO_ROOT } from "../scripts/ceph-rgw/cluster.ts";
import { processCpuMs } from "./lib/process-cpu.ts";
import { startRelayProcess, type RelayKind, type RelayProcess } from "./lib/relay-process.ts";
import { loadAverage, machineFacts, sampleLoadAverage, writeBenchmarksFile } from "./lib/report.ts";
import { benchRgw } from "./lib/rgw-target.ts";
import { median } from "./lib/stats.ts";
import { benchClient, deleteObjects, getObjects, putObjects } from "./lib/workload.ts";

const KIB = 1024;
const MIB = 1024 * KIB;
const CLIENTS: readonly RelayKind[] = ["http", "undici"];
const NAMES: Readonly<Record<string, string>> = { http: "node:http", undici: "undici" };

interface Cell {
  readonly label: string;
  readonly size: number;
  readonly count: number;
  /** CPU per request (small objects) or per GB moved (large ones). */
  readonly unit: "ms/request" | "s/GB";
}
const CELLS: readonly Cell[] = [
  { label: "1 KiB", size: KIB, count: 400, unit: "ms/request" },
  { label: "64 MiB", size: 64 * MIB, count: 3, unit: "s/GB" },
];

function parseRounds(argv: readonly string[]): number {
  const index = argv.indexOf("--rounds");
  const text = index >= 0 ? argv[index + 1] : "5";
  const rounds = Number(text);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 50) throw new Error(`--rounds is '${text}': expected 1..50`);
  for (const arg of argv) if (arg.startsWith("--") && arg !== "--rounds" && arg !== "--write") throw new Error(`unknown option ${arg}: use --write or --rounds N`);
  return rounds;
}

const log = (message: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};

async function main(): Promise<void> {
  const rounds = parseRounds(process.argv.slice(2));
  const write = process.argv.includes("--write");
  const loadAtStart = loadAverage();
  const load = sampleLoadAverage();
  const rgw = await benchRgw();
  const relays = new Map<RelayKind, RelayProcess>();
  const bucket = `bench-upstream-${randomBytes(6).toString("hex")}`;
  const admin = benchClient(rgw, 4);
  const keys = (client: RelayKind, cell: Cell): string[] => Array.from({ length: cell.count }, (_, i) => `${client}/${cell.label.replace(" ", "")}/${i}`);
  /** CPU by cell, direction and client: one value per round. */
  const cpu = new Map<string, number[]>();
  const record = (key: string, value: number): void => {
    cpu.set(key, [...(cpu.get(key) ?? []), value]);
  };
  try {
    await admin.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const kind of CLIENTS) relays.set(kind, await startRelayProcess(kind, rgw.endpoint));
    for (let round = 0; round < rounds; round += 1) {
      const order = round % 2 === 0 ? CLIENTS : [...CLIENTS].reverse();
      for (const cell of CELLS) {
        const body = randomBytes(cell.size);
        for (const kind of order) {
          const relay = relays.get(kind) as RelayProcess;
          const client = benchClient({ ...rgw, endpoint: relay.endpoint }, 4);
          try {
            if (round === 0) {
              // Warm-up (connections, compiled code) before the first measured round.
              await putObjects(client, bucket, keys(kind, cell), body, 1);
              await getObjects(client, bucket, keys(kind, cell), cell.size, 1);
            }
            const per = (ms: number): number => (cell.unit === "ms/request" ? ms / cell.count : ms / 1000 / ((cell.size * cell.count) / 1e9));
            let before = processCpuMs(relay.pid);
            await putObjects(client, bucket, keys(kind, cell), body, 1);
            record(`${cell.label} PUT ${kind}`, per(processCpuMs(relay.pid) - before));
            before = processCpuMs(relay.pid);
            await getObjects(client, bucket, keys(kind, cell), cell.size, 1);
            record(`${cell.label} GET ${kind}`, per(processCpuMs(relay.pid) - before));
          } finally {
            client.destroy();
          }
        }
      }
      log(`round ${round + 1} of ${rounds} done`);
    }
  } finally {
    for (const relay of relays.values()) await relay.stop();
    for (const kind of CLIENTS) for (const cell of CELLS) await deleteObjects(admin, bucket, keys(kind, cell)).catch(() => undefined);
    await admin.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
    admin.destroy();
    await rgw.release();
  }
  const facts = machineFacts(REPO_ROOT, rgw.cephVersion, rgw.description, loadAtStart, load.stop());
  const lines = [
    `## Run ${facts.date}`,
    "",
    ...facts.lines,
    `- ${rounds} rounds per cell, concurrency 1; values are medians over rounds, the ratio is the median of the per-round ratios`,
    "",
    `| Object | Direction | ${CLIENTS.map((c) => `CPU, ${NAMES[c]} client`).join(" | ")} | undici / node:http |`,
    `|---|---|${CLIENTS.map(() => "---:").join("|")}|---:|`,
  ];
  for (const cell of CELLS) {
    for (const direction of ["PUT", "GET"]) {
      const values = CLIENTS.map((c) => cpu.get(`${cell.label} ${direction} ${c}`) ?? []);
      const [http, undici] = values as [number[], number[]];
      const ratio = median(undici.map((value, i) => value / (http[i] as number)));
      const shown = values.map((v) => `${median(v).toFixed(cell.unit === "ms/request" ? 3 : 2)} ${cell.unit}`);
      lines.push(`| ${cell.label} | ${direction === "PUT" ? "upload" : "download"} | ${shown.join(" | ")} | ${ratio.toFixed(2)} x |`);
    }
  }
  const run = lines.join("\n");
  console.log(`\n${run}\n`);
  if (write) {
    const path = resolve(REPO_ROOT, "docs/benchmarks/upstream-client.md");
    writeBenchmarksFile(path, HEADER, run);
    log(`recorded in ${path}`);
  }
}

/** The undici the relay ran, from its installed package. */
const UNDICI_VERSION = (JSON.parse(readFileSync(resolve(REPO_ROOT, "node_modules/undici/package.json"), "utf8")) as { version: string }).version;

const HEADER = `# Upstream HTTP client benchmark

Generated by \`npm run bench:upstream-client -- --write\` (bench/upstream-client.bench.ts); newest run first, the last
five kept. Issue 12 asks whether another HTTP client would make the proxy's upstream leg cheaper than node:http. Two
relays in front of the same Ceph RGW, measured in one run: bench/lib/http-relay.mjs (node:http server and client, the
control of BENCHMARKS.md) and bench/lib/undici-relay.mjs (the same server, undici ${UNDICI_VERSION} as the client). The figure
is each relay process's CPU time (user + system, /proc/<pid>/stat). A ratio above 1 means undici costs more.`;

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
