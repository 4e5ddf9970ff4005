/**
 * In-process Prometheus metrics: request counts by operation and status, bytes by direction, a request duration
 * histogram and the requests in flight (against the concurrency bound). Rendered in the text exposition format by ops/metrics-endpoint.ts.
 */

/** Upper bounds of the duration histogram's buckets, in seconds. */
export const DURATION_BUCKETS_SECONDS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** Direction of a byte count: `in` = request bodies received from clients, `out` = response bodies sent to them. */
export type ByteDirection = "in" | "out";

/** Requests being served right now (admission.ts). */
export interface InFlight {
  readonly requests: number;
  readonly uploads: number;
}

export class ProxyMetrics {
  private readonly requests = new Map<string, number>();
  private readonly bytes: Record<ByteDirection, number> = { in: 0, out: 0 };
  private readonly bucketCounts = new Array<number>(DURATION_BUCKETS_SECONDS.length).fill(0);
  private durationCount = 0;
  private durationSum = 0;

  /** Records one finished request. `durationSeconds` is the time from first byte in to last byte out. */
  recordRequest(operation: string, status: number, durationSeconds: number): void {
    const key = `${operation}\u0000${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    this.durationCount += 1;
    this.durationSum += durationSeconds;
    for (let i = 0; i < DURATION_BUCKETS_SECONDS.length; i += 1) {
      if (durationSeconds <= (DURATION_BUCKETS_SECONDS[i] as number)) this.bucketCounts[i] = (this.bucketCounts[i] ?? 0) + 1;
    }
  }

  addBytes(direction: ByteDirection, count: number): void {
    this.bytes[direction] += count;
  }

  /** The metrics in the Prometheus text exposition format (version 0.0.4). */
  render(inFlight: InFlight = { requests: 0, uploads: 0 }): string {
    const lines: string[] = [
      "# HELP s3proxy_requests_total S3 requests handled, by operation and HTTP status.",
      "# TYPE s3proxy_requests_total counter",
    ];
    for (const [key, count] of [...this.requests].sort(([a], [b]) => a.localeCompare(b))) {
      const [operation, status] = key.split("\u0000");
      lines.push(`s3proxy_requests_total{operation="${label(operation ?? "")}",status="${status ?? ""}"} ${count}`);
    }
    lines.push(
      "# HELP s3proxy_bytes_total Body bytes received from clients (in) and sent to clients (out).",
      "# TYPE s3proxy_bytes_total counter",
      `s3proxy_bytes_total{direction="in"} ${this.bytes.in}`,
      `s3proxy_bytes_total{direction="out"} ${this.bytes.out}`,
      "# HELP s3proxy_request_duration_seconds Time from request start to the end of the response.",
      "# TYPE s3proxy_request_duration_seconds histogram",
    );
    DURATION_BUCKETS_SECONDS.forEach((bound, i) => {
      lines.push(`s3proxy_request_duration_seconds_bucket{le="${bound}"} ${this.bucketCounts[i] ?? 0}`);
    });
    lines.push(
      `s3proxy_request_duration_seconds_bucket{le="+Inf"} ${this.durationCount}`,
      `s3proxy_request_duration_seconds_sum ${this.durationSum}`,
      `s3proxy_request_duration_seconds_count ${this.durationCount}`,
      "# HELP s3proxy_requests_in_flight S3 requests being served, all (kind=all) and those with a body (kind=upload).",
      "# TYPE s3proxy_requests_in_flight gauge",
      `s3proxy_requests_in_flight{kind="all"} ${inFlight.requests}`,
      `s3proxy_requests_in_flight{kind="upload"} ${inFlight.uploads}`,
    );
    return `${lines.join("\n")}\n`;
  }
}

function label(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}
