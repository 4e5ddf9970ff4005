/**
 * The few S3 calls the runner makes (PutObject, GetObject, ListObjectsV2, DeleteObject), path-style, signed with
 * SigV4 by the S3 proxy's signer (proxy/src/pipeline/sign-upstream.ts). Every request has a time limit.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { EMPTY_SHA256, signUpstreamRequest } from "../../proxy/src/pipeline/sign-upstream.ts";
import { backupErrors } from "./errors.ts";

export interface S3Target {
  /** http(s)://host[:port], no path. */
  readonly endpoint: string;
  readonly bucket: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Per-request limit, in milliseconds (a whole upload or download counts as one request). */
  readonly timeoutMs: number;
}

export interface ListedObject {
  readonly key: string;
  readonly size: number;
}

interface Call {
  readonly method: "GET" | "PUT" | "DELETE";
  readonly key?: string;
  readonly query?: readonly (readonly [string, string])[];
  readonly headers?: Record<string, string>;
  readonly payloadHash?: string;
  readonly body?: () => Readable;
}

/** Upper bound of the XML listing the runner buffers. */
const MAX_LIST_BODY = 8 * 1024 * 1024;

export class S3Client {
  constructor(private readonly target: S3Target) {}

  /** Uploads a file in one PUT, its SHA-256 signed (read once to hash, once to send). */
  async putFile(key: string, path: string, contentType: string): Promise<void> {
    const size = (await stat(path)).size;
    const hash = createHash("sha256");
    await pipeline(createReadStream(path), hash);
    const response = await this.call("PutObject", {
      method: "PUT",
      key,
      headers: { "content-length": String(size), "content-type": contentType },
      payloadHash: hash.digest("hex"),
      body: () => createReadStream(path),
    });
    await this.expect("PutObject", key, response, [200]);
  }

  /** Downloads an object into a file. */
  async getFile(key: string, path: string): Promise<void> {
    const response = await this.call("GetObject", { method: "GET", key });
    if (response.statusCode !== 200) await this.expect("GetObject", key, response, [200]);
    await pipeline(response, createWriteStream(path));
  }

  async delete(key: string): Promise<void> {
    const response = await this.call("DeleteObject", { method: "DELETE", key });
    await this.expect("DeleteObject", key, response, [204, 200]);
  }

  /** Every object under a prefix (ListObjectsV2, all pages). */
  async list(prefix: string): Promise<ListedObject[]> {
    const out: ListedObject[] = [];
    let token: string | undefined;
    for (let page = 0; page < 10_000; page++) {
      const query: [string, string][] = [["list-type", "2"], ["prefix", prefix]];
      if (token !== undefined) query.push(["continuation-token", token]);
      const response = await this.call("ListObjectsV2", { method: "GET", query });
      const xml = await readBounded(response, MAX_LIST_BODY);
      if (response.statusCode !== 200) throw backupErrors.s3("ListObjectsV2", `s3://${this.target.bucket}/${prefix}`, response.statusCode ?? 0, errorCode(xml));
      for (const block of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
        const body = block[1] ?? "";
        out.push({ key: xmlText(body, "Key"), size: Number(xmlText(body, "Size")) });
      }
      if (xmlText(xml, "IsTruncated") !== "true") return out;
      token = xmlText(xml, "NextContinuationToken");
    }
    return out;
  }

  private async expect(operation: string, key: string, response: IncomingMessage, ok: number[]): Promise<void> {
    const body = await readBounded(response, 64 * 1024);
    if (!ok.includes(response.statusCode ?? 0)) {
      throw backupErrors.s3(operation, `s3://${this.target.bucket}/${key}`, response.statusCode ?? 0, errorCode(body));
    }
  }

  private call(operation: string, call: Call): Promise<IncomingMessage> {
    const url = new URL(this.target.endpoint);
    const signed = signUpstreamRequest({
      method: call.method,
      host: url.host,
      bucket: this.target.bucket,
      key: call.key,
      query: call.query ?? [],
      headers: call.headers ?? {},
      payloadHash: call.payloadHash ?? EMPTY_SHA256,
      credentials: { accessKeyId: this.target.accessKeyId, secretAccessKey: this.target.secretAccessKey },
      region: this.target.region,
      now: new Date(),
    });
    const where = `s3://${this.target.bucket}/${call.key ?? ""}`;
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        { protocol: url.protocol, hostname: url.hostname, port: url.port || undefined, method: call.method, path: signed.path, headers: signed.headers, timeout: this.target.timeoutMs },
        (response) => {
          // An error answer may come before the body was sent (a refused signature): stop sending then.
          response.once("end", () => {
            clearTimeout(timer);
            if ((response.statusCode ?? 0) >= 300) req.destroy();
          });
          resolve(response);
        },
      );
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${this.target.timeoutMs} ms`)), this.target.timeoutMs);
      req.on("close", () => clearTimeout(timer));
      req.on("timeout", () => req.destroy(new Error(`no answer within ${this.target.timeoutMs} ms`)));
      req.on("error", (error) => reject(backupErrors.s3Unreachable(operation, where, error.message)));
      if (call.body === undefined) req.end();
      else call.body().on("error", (error) => req.destroy(error)).pipe(req);
    });
  }
}

async function readBounded(stream: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += (chunk as Buffer).length;
    if (total > limit) {
      stream.destroy();
      break;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function xmlText(xml: string, tag: string): string {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  return decodeXml(match?.[1] ?? "");
}

function decodeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g, (_, entity: string) => {
    switch (entity) {
      case "lt": return "<";
      case "gt": return ">";
      case "amp": return "&";
      case "quot": return '"';
      case "apos": return "'";
      default: return String.fromCodePoint(entity.startsWith("#x") ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10));
    }
  });
}

function errorCode(xml: string): string {
  return xmlText(xml, "Code");
}
