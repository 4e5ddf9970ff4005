/**
 * Image pins. Every image this toolkit deploys is pinned here and nowhere else.
 *
 * Convex: upstream tags self-hosted images with the full 40-character commit SHA of its `release` branch
 * (`.github/workflows/release_self_hosted_images.yml` in get-convex/convex-backend), and asks that backend and
 * dashboard run the same release (`self-hosted/CHANGELOG.md`). The default below is the `release` branch head of
 * 2026-08-21: the first release line that carries both `AWS_S3_DISABLE_SSE`/`AWS_S3_DISABLE_CHECKSUMS` and the
 * 2025-10-15 fix that makes `AWS_S3_DISABLE_CHECKSUMS` complete, which direct `s3` mode needs on Ceph RGW
 * Pacific and Reef. Override it with `convex.release` (or `CONVEX_RELEASE`); one setting moves both images.
 *
 * Node (the S3 proxy's runtime): the official `node` image on Docker Hub, an exact version and Alpine release.
 * The proxy is a single bundled file with no native dependencies; any Node >= 20.15 (for zlib.crc32) runs it.
 */
export const CONVEX_BACKEND_IMAGE = "ghcr.io/get-convex/convex-backend";
export const CONVEX_DASHBOARD_IMAGE = "ghcr.io/get-convex/convex-dashboard";
export const DEFAULT_CONVEX_RELEASE = "652b828b5129e6cdbcaa3c20efa8d116d09ff3bf";
export const NODE_IMAGE = "node:22.11.0-alpine3.20";

/**
 * MinIO (the Docker target's per-workspace bucket). MinIO made its community edition source-only in October 2025
 * (minio/minio#21647: "This project is a source only distribution now"): the security release
 * RELEASE.2025-10-15T17-29-55Z and everything after it has no image, and in September 2026 the `minio/minio` and
 * `minio/mc` repositories were deleted from Docker Hub. Quay still serves the archived community images from the
 * same publisher. RELEASE.2025-09-07T16-13-09Z is the last multi-arch (amd64 + arm64) community image there; the
 * only later tag, `...hotfix.7aa24e772`, is amd64-only (onyx-dot-app/onyx#14689, slothflowlabs/duckle#347,
 * dandi/dandi-cli#1921). The image carries `curl` and `mc` besides `minio` (Dockerfile.release at that tag).
 * It lacks the 2025-10-15 security fix: it serves one workspace on a private network, with no published port.
 */
export const MINIO_IMAGE = "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z";

/**
 * PostgreSQL's client (psql), for the init step that creates a workspace's database: the official `postgres` image,
 * major 17 (the version Convex tests against, self-hosted/advanced/postgres_or_mysql.md). Tag from
 * docker-library/official-images `library/postgres` at 37079fb (2026-08-21): 17.11 on Alpine 3.24.
 */
export const POSTGRES_CLIENT_IMAGE = "postgres:17.11-alpine3.24";

/** A Convex release tag: the full 40-character lower-case commit SHA. */
export const CONVEX_RELEASE_PATTERN = /^[0-9a-f]{40}$/;

/** The backend and dashboard image references for one release. */
export function convexImages(release: string): { readonly backend: string; readonly dashboard: string } {
  return { backend: `${CONVEX_BACKEND_IMAGE}:${release}`, dashboard: `${CONVEX_DASHBOARD_IMAGE}:${release}` };
}
