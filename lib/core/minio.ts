/**
 * MinIO as both targets run it, one server per workspace: ports, drive path and the start command. Pure values.
 */

/** MinIO's S3 port (never published outside the workspace). */
export const MINIO_PORT = 9000;
/** MinIO's console port; not published either. */
export const MINIO_CONSOLE_PORT = 9001;
/** Where MinIO's volume is mounted, and what MINIO_VOLUMES names. */
export const MINIO_DATA_PATH = "/data";

/**
 * MinIO's start command, and the bucket bootstrap. MinIO's single-drive backend treats every top-level directory
 * of its drive as a bucket (ListBuckets lists the drive's directories, HeadBucket is a stat of the directory:
 * cmd/peer-s3-server.go, listBucketsLocal and getBucketInfoLocal), takes a bucket without stored metadata as one
 * with default settings (cmd/bucket-metadata.go, loadBucketMetadataParse), and formats a fresh drive without
 * requiring it to be empty (cmd/xl-storage.go, newXLStorage); all read at the pinned tag, not run. Langfuse's
 * official docker-compose.yml creates its bucket the same way on the same image (`mkdir -p /data/langfuse && minio
 * server ...`, with entrypoint `sh`), so the image has the shell and mkdir this needs. So the bucket is created as a directory before the server starts,
 * idempotently, with no second binary and no credentials: the server then runs as PID 1 through `exec`.
 * `minio server` with no arguments serves MINIO_VOLUMES (cmd/server-main.go, serverCmdArgs).
 *
 * @param certsDir where MinIO keeps its certificates; @default - `~/.minio/certs` (MinIO's own default)
 */
export function minioStartScript(certsDir?: string): string {
  const certs = certsDir === undefined ? "" : ` --certs-dir "${certsDir}"`;
  return `set -eu; mkdir -p "$MINIO_VOLUMES/$CONVEX_BUCKET"; exec minio server --address ":${MINIO_PORT}" --console-address ":${MINIO_CONSOLE_PORT}"${certs}`;
}

/** MinIO's readiness and liveness endpoints on the S3 port. */
export const MINIO_READY_PATH = "/minio/health/ready";
export const MINIO_LIVE_PATH = "/minio/health/live";
