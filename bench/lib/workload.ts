/**
 * The benchmark's S3 workload: PUT or GET a set of keys with a fixed number of requests in flight, recording
 * each request's latency and the phase's wall time. The same code drives RGW directly and the proxy.
 */
import { Agent } from "node:http";
import { performance } from "node:perf_hooks";
import { DeleteObjectsCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";

export interface S3Endpoint {
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** An S3 client for the benchmark: path-style, no retries, keep-alive with room for every worker. */
export function benchClient(target: S3Endpoint, maxSockets: number): S3Client {
  return new S3Client({
    endpoint: target.endpoint,
    region: target.region,
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
    // Idle pooled sockets are dropped after 30 s, before RGW's beast closes them (65 s): otherwise a request can
    // pick a socket whose close is still on its way through a relay, and fail with EPIPE.
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets, timeout: 30_000 }), requestTimeout: 120_000 },
  });
}

export interface PhaseResult {
  /** Wall time of the whole phase in milliseconds. */
  readonly wallMs: number;
  /** Per-request latency in milliseconds. */
  readonly latenciesMs: readonly number[];
  /** Payload bytes moved. */
  readonly bytes: number;
}

/** Runs `task(i)` for i in 0..count-1 with `concurrency` in flight; the first failure aborts the phase. */
async function pool(count: number, concurrency: number, task: (index: number) => Promise<number>): Promise<PhaseResult> {
  const latenciesMs: number[] = [];
  let next = 0;
  let bytes = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      const t0 = performance.now();
      const moved = await task(index);
      bytes += moved;
      latenciesMs.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { wallMs: performance.now() - started, latenciesMs, bytes };
}

export function putObjects(
  client: S3Client,
  bucket: string,
  keys: readonly string[],
  body: Buffer,
  concurrency: number,
): Promise<PhaseResult> {
  return pool(keys.length, concurrency, async (index) => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: keys[index], Body: body }));
    return body.length;
  });
}

/** GETs every key, streaming the body to nowhere; fails when a body's length is not `expectedSize`. */
export function getObjects(
  client: S3Client,
  bucket: string,
  keys: readonly string[],
  expectedSize: number,
  concurrency: number,
): Promise<PhaseResult> {
  return pool(keys.length, concurrency, async (index) => {
    const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: keys[index] }));
    let received = 0;
    for await (const chunk of response.Body as AsyncIterable<Uint8Array>) received += chunk.length;
    if (received !== expectedSize) {
      throw new Error(`GET ${bucket}/${keys[index]} returned ${received} bytes, expected ${expectedSize}`);
    }
    return received;
  });
}

/** Deletes `keys` (up to 1000 per request). */
export async function deleteObjects(client: S3Client, bucket: string, keys: readonly string[]): Promise<void> {
  for (let offset = 0; offset < keys.length; offset += 1000) {
    const objects = keys.slice(offset, offset + 1000).map((Key) => ({ Key }));
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }));
  }
}
