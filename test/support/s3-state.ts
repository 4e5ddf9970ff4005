/**
 * Upstream state, read with the AWS SDK directly against the real store (never through the proxy), for tests that
 * assert "nothing changed upstream": an object's existence, its ACL, a multipart upload's parts.
 */
import { GetObjectAclCommand, HeadObjectCommand, ListPartsCommand, type S3Client } from "@aws-sdk/client-s3";

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

export async function objectExists(client: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if (statusOf(error) === 404) return false;
    throw error;
  }
}

/** The grants of an object's ACL as `grantee permission` lines (URI, ID or e-mail grantees), sorted. */
export async function objectGrants(client: S3Client, bucket: string, key: string): Promise<string[]> {
  const acl = await client.send(new GetObjectAclCommand({ Bucket: bucket, Key: key }));
  return (acl.Grants ?? [])
    .map((grant) => `${grant.Grantee?.URI ?? grant.Grantee?.ID ?? grant.Grantee?.EmailAddress ?? "?"} ${grant.Permission ?? "?"}`)
    .sort();
}

/** The part numbers of a multipart upload; throws NoSuchUpload (404) once the upload was completed or aborted. */
export async function uploadParts(client: S3Client, bucket: string, key: string, uploadId: string): Promise<number[]> {
  const listed = await client.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
  return (listed.Parts ?? []).map((part) => part.PartNumber ?? 0);
}

/** Anonymous GET of an object straight from the store: the HTTP status. */
export async function anonymousGetStatus(endpoint: string, bucket: string, key: string): Promise<number> {
  const res = await fetch(`${endpoint}/${bucket}/${encodeURIComponent(key)}`);
  await res.arrayBuffer();
  return res.status;
}
