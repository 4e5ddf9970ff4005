/**
 * Path-style (`endpoint/bucket/key`, AWS_S3_FORCE_PATH_STYLE=true) or virtual-host (`bucket.endpoint/key`, Convex's
 * default) addressing: a probe object is written path-style, then read back virtual-host style. Virtual-host
 * needs two things, both checked: `<bucket>.<host>` must resolve, and the server must route by Host (RGW needs
 * `rgw_dns_name` for that). IP endpoints are always addressed path-style by the AWS SDKs' endpoint rules.
 */
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { randomBytes } from "node:crypto";
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { convexS3Client, describeS3Error } from "./convex-s3-sequence.ts";
import type { Keys } from "./credentials.ts";
import { endpointHost, withTimeout, type Lookup } from "./reachability.ts";
import type { Check } from "./types.ts";

export interface AddressingInput {
  /** Path-style client of the endpoint. */
  readonly client: S3Client;
  readonly endpoint: URL;
  readonly region: string;
  readonly bucket: string;
  readonly keys: Keys;
  readonly prefix: string;
  readonly timeoutMs: number;
  readonly lookup: Lookup;
  /** Whether `lookup` is the system resolver (then the SDK's own agent resolves the same way). */
  readonly systemResolver: boolean;
}

export interface Addressing {
  readonly checks: Check[];
  /** True when Convex needs AWS_S3_FORCE_PATH_STYLE=true. */
  readonly needsPathStyle: boolean;
}

/** An HTTP(S) agent that resolves every name with `lookup` (net's callback API, single and `all` forms). */
export function agentWithLookup(lookup: Lookup, secure: boolean): http.Agent {
  const netLookup = (hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void): void => {
    lookup(hostname).then(
      (addresses) => {
        if (options.all) callback(null, addresses);
        else if (addresses[0]) callback(null, addresses[0].address, addresses[0].family);
        else callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }));
      },
      (error: unknown) => callback(error),
    );
  };
  const options = { keepAlive: false, lookup: netLookup as unknown as net.LookupFunction };
  return secure ? new https.Agent(options) : new http.Agent(options);
}

/** Runs the addressing probe. */
export async function checkAddressing(input: AddressingInput): Promise<Addressing> {
  const host = endpointHost(input.endpoint);
  const pathStyle: Check = { id: "path-style", title: "Path-style addressing", status: "ok", detail: `${input.endpoint.origin}/${input.bucket}/... answers (AWS_S3_FORCE_PATH_STYLE=true works)` };
  if (net.isIP(host)) {
    return {
      checks: [pathStyle, { id: "virtual-host", title: "Virtual-host addressing", status: "skip", detail: "IP endpoint: the AWS SDKs address it path-style whatever AWS_S3_FORCE_PATH_STYLE says" }],
      needsPathStyle: false,
    };
  }
  const virtualHost = `${input.bucket}.${host}`;
  const needed = (detail: string): Addressing => ({
    checks: [pathStyle, { id: "virtual-host", title: "Virtual-host addressing", status: "warn", detail, fix: "set AWS_S3_FORCE_PATH_STYLE=true (the project's s3 mode does for the rgw and minio profiles)" }],
    needsPathStyle: true,
  });
  try {
    await withTimeout(input.lookup(virtualHost), input.timeoutMs, `DNS lookup of ${virtualHost}`);
  } catch (error) {
    const code = (error as { code?: string }).code ?? "error";
    return needed(`${virtualHost} does not resolve (${code}): Convex's default virtual-host addressing cannot reach the bucket`);
  }
  const key = `${input.prefix}addressing-${randomBytes(4).toString("hex")}`;
  const body = randomBytes(64);
  const agent = input.systemResolver ? undefined : agentWithLookup(input.lookup, input.endpoint.protocol === "https:");
  const virtualClient = convexS3Client({
    endpoint: input.endpoint.origin,
    region: input.region,
    accessKeyId: input.keys.accessKeyId,
    secretAccessKey: input.keys.secretAccessKey,
    ...(input.keys.sessionToken ? { sessionToken: input.keys.sessionToken } : {}),
    forcePathStyle: false,
    requestTimeoutMs: input.timeoutMs,
    ...(agent ? { agent } : {}),
  });
  try {
    await input.client.send(new PutObjectCommand({ Bucket: input.bucket, Key: key, Body: body }));
    try {
      const got = await virtualClient.send(new GetObjectCommand({ Bucket: input.bucket, Key: key }));
      const bytes = Buffer.from((await got.Body?.transformToByteArray()) ?? new Uint8Array());
      if (!bytes.equals(body)) return needed(`GET via ${virtualHost} returned other bytes than the object written path-style`);
      return {
        checks: [pathStyle, { id: "virtual-host", title: "Virtual-host addressing", status: "ok", detail: `${virtualHost} resolves and serves the bucket (Convex's default works; AWS_S3_FORCE_PATH_STYLE is optional)` }],
        needsPathStyle: false,
      };
    } catch (error) {
      const info = describeS3Error(error);
      return needed(`${virtualHost} resolves, but GET of the probe object via it answered ${info.httpStatus ? `HTTP ${info.httpStatus} ` : ""}${info.code}: the server does not route by bucket host name (RGW: rgw_dns_name)`);
    }
  } finally {
    await input.client.send(new DeleteObjectCommand({ Bucket: input.bucket, Key: key })).then(
      () => undefined,
      // Left for the final cleanup of the scratch prefix, which reports what it could not delete.
      () => undefined,
    );
    virtualClient.destroy();
    agent?.destroy();
  }
}
