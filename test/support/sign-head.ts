/**
 * Signs request heads with the AWS SDK's own signer (@smithy/signature-v4, configured as the S3 client configures
 * it: no double path encoding), at a chosen time, for tests that need control over every part of the request.
 */
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import type { RequestHead } from "../../proxy/src/auth/request-head.ts";
import type { Credentials } from "../../proxy/src/types.ts";
import { CLIENT_CREDENTIALS } from "./sdk-client.ts";

/** What to sign; `query` is decoded name -> value and is sent encoded the way the SDK encodes it. */
export interface SignInput {
  readonly method?: string;
  /** Already percent-encoded path, as the S3 client serializes keys. */
  readonly path?: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly credentials?: Credentials;
  readonly region?: string;
  readonly service?: string;
  readonly signingDate?: Date;
  /** Headers left out of SignedHeaders although sent (the signer's `unsignableHeaders`). */
  readonly unsignableHeaders?: ReadonlySet<string>;
  /** x-amz-* headers a presigned URL keeps as headers instead of hoisting them into the query. */
  readonly unhoistableHeaders?: ReadonlySet<string>;
}

function signer(input: SignInput): SignatureV4 {
  return new SignatureV4({
    credentials: input.credentials ?? CLIENT_CREDENTIALS,
    region: input.region ?? "us-east-1",
    service: input.service ?? "s3",
    sha256: Hash.bind(null, "sha256"),
    uriEscapePath: false,
  });
}

function encode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function queryString(query: Readonly<Record<string, string>>): string {
  return Object.entries(query)
    .map(([name, value]) => `${encode(name)}=${encode(value)}`)
    .join("&");
}

function lowerCase(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

/** A RequestHead signed in the Authorization header. x-amz-content-sha256 defaults to the empty body's hash. */
export async function signHead(input: SignInput = {}): Promise<RequestHead> {
  const path = input.path ?? "/bucket/key";
  const query = input.query ?? {};
  const signed = await signer(input).sign(
    {
      method: input.method ?? "GET",
      protocol: "http:",
      hostname: "proxy.test",
      path,
      query: { ...query },
      headers: {
        host: "proxy.test",
        "x-amz-content-sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ...input.headers,
      },
    },
    { signingDate: input.signingDate ?? new Date(), unsignableHeaders: input.unsignableHeaders as Set<string> | undefined },
  );
  return { method: input.method ?? "GET", path, query: queryString(query), headers: lowerCase(signed.headers) };
}

/**
 * A presigned RequestHead (signature in the query), valid for `expiresIn` seconds. Like the S3 presigner, it signs
 * `UNSIGNED-PAYLOAD` (hoisted into the query as X-Amz-Content-Sha256) unless `headers` say otherwise.
 */
export async function presignHead(input: SignInput & { readonly expiresIn?: number } = {}): Promise<RequestHead> {
  const path = input.path ?? "/bucket/key";
  const presigned = await signer(input).presign(
    {
      method: input.method ?? "GET",
      protocol: "http:",
      hostname: "proxy.test",
      path,
      query: { ...input.query },
      headers: { host: "proxy.test", "x-amz-content-sha256": "UNSIGNED-PAYLOAD", ...input.headers },
    },
    {
      signingDate: input.signingDate ?? new Date(),
      expiresIn: input.expiresIn ?? 900,
      unsignableHeaders: input.unsignableHeaders as Set<string> | undefined,
      unhoistableHeaders: input.unhoistableHeaders as Set<string> | undefined,
    },
  );
  return {
    method: input.method ?? "GET",
    path,
    query: queryString(presigned.query as Record<string, string>),
    headers: lowerCase(presigned.headers),
  };
}
