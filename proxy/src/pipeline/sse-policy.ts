/**
 * Stage 4: SSE-S3 (`x-amz-server-side-encryption: AES256`) by policy.
 * - strip: remove the header on the way up and answer as AWS would, echoing `x-amz-server-side-encryption: AES256`
 *   on the response of the request that asked for it. (RGW refuses SSE over plain HTTP, and Pacific over TLS
 *   would store plaintext anyway.) SSE-KMS cannot be faked that way and is refused.
 * - reject: refuse any request that asks for SSE with 400 InvalidArgument.
 * - passthrough: forward the header; the upstream decides.
 * SSE-C (`x-amz-server-side-encryption-customer-*`) always passes through.
 */
import { S3Error } from "../errors.ts";
import type { SsePolicy } from "../types.ts";

export const SSE_HEADER = "x-amz-server-side-encryption";

export interface SseDecision {
  /** Request headers not to forward. */
  readonly dropHeaders: readonly string[];
  /** Value to echo in `x-amz-server-side-encryption` on the response, if any. */
  readonly echo: string | undefined;
}

/** Decides what happens to the SSE headers of one request. `headers` has lower-case names. */
export function applySsePolicy(headers: { readonly [name: string]: string | undefined }, policy: SsePolicy): SseDecision {
  const requested = headers[SSE_HEADER];
  const kmsHeaders = Object.keys(headers).filter((h) => h.startsWith(`${SSE_HEADER}-aws-kms`) || h === `${SSE_HEADER}-context` || h === `${SSE_HEADER}-bucket-key-enabled`);
  if (requested === undefined && kmsHeaders.length === 0) return { dropHeaders: [], echo: undefined };
  if (policy === "passthrough") return { dropHeaders: [], echo: undefined };
  if (policy === "reject") {
    throw new S3Error(
      "InvalidArgument",
      `Server-side encryption (${SSE_HEADER}: ${requested ?? "aws:kms"}) is refused by this proxy (S3PROXY_SSE=reject). ` +
        "Send requests without it (Convex: AWS_S3_DISABLE_SSE=true), or run the proxy with S3PROXY_SSE=strip or passthrough.",
    );
  }
  if (requested !== "AES256") {
    throw new S3Error(
      "InvalidArgument",
      `Server-side encryption '${requested ?? "aws:kms"}' is not supported through this proxy; only AES256 (SSE-S3) is accepted.`,
    );
  }
  return { dropHeaders: [SSE_HEADER, ...kmsHeaders], echo: "AES256" };
}
