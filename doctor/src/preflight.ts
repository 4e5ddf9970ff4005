/**
 * Before any replay: do the keys work and does the bucket exist? One ListObjectsV2 in the scratch prefix
 * (path-style, so addressing cannot be the reason), with every answer turned into what to do.
 */
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { describeS3Error } from "./convex-s3-sequence.ts";
import type { Check } from "./types.ts";

export interface PreflightInput {
  readonly client: S3Client;
  readonly endpoint: string;
  readonly bucket: string;
  readonly region: string;
  readonly prefix: string;
}

/** The check for the keys and the bucket; `ok` means the replays can start. */
export async function checkBucketAccess(input: PreflightInput): Promise<Check> {
  const { bucket, endpoint } = input;
  const title = "Keys and bucket";
  try {
    await input.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: input.prefix, MaxKeys: 1 }));
    return { id: "access", title, status: "ok", detail: `the keys can list s3://${bucket} at ${endpoint}` };
  } catch (error) {
    const info = describeS3Error(error);
    const answer = `${info.httpStatus ? `HTTP ${info.httpStatus} ` : ""}${info.code}`;
    const fail = (detail: string, fix: string): Check => ({ id: "access", title, status: "fail", detail: `${detail} (${answer})`, fix });
    switch (info.code) {
      case "NoSuchBucket":
        return fail(
          `bucket "${bucket}" does not exist at ${endpoint}`,
          "create it first (Convex never creates buckets) or fix the name: --bucket, S3_STORAGE_*_BUCKET, or the ObjectBucketClaim's BUCKET_NAME",
        );
      case "InvalidAccessKeyId":
        return fail("the endpoint does not know this access key", "use the bucket's own keys (Rook: AWS_ACCESS_KEY_ID in the ObjectBucketClaim's Secret)");
      case "SignatureDoesNotMatch":
        return fail(
          "the access key is known but the signature does not match: the secret key is wrong (or a proxy in between rewrites signed headers)",
          "use the secret key that belongs to this access key (Rook: AWS_SECRET_ACCESS_KEY in the claim's Secret); behind a header-rewriting proxy use proxied mode",
        );
      case "AccessDenied":
        return fail(`these keys may not read bucket "${bucket}": it belongs to another user, or a policy denies it`, "use the keys of the bucket's owner, or grant them s3:ListBucket, s3:GetObject, s3:PutObject and s3:DeleteObject on it");
      case "RequestTimeTooSkewed":
        return fail("the endpoint refused the request time: the clocks differ by more than 15 minutes", "sync this machine's and the endpoint's clocks (NTP)");
      case "PermanentRedirect":
      case "AuthorizationHeaderMalformed":
        return fail(`the bucket lives in another region than AWS_REGION "${input.region}"`, "set AWS_REGION (--region) to the bucket's region");
      default:
        return fail(`listing s3://${bucket} failed`, info.httpStatus === undefined ? "check that the endpoint is an S3 endpoint and reachable" : "check the endpoint URL, the keys and the bucket");
    }
  }
}
