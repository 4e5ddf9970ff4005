import type { AnyBucket } from "./bucket.ts";

/** The storage modes a workspace can pick. */
export type StorageModeName = "local" | "s3" | "proxied";
export const STORAGE_MODES: readonly StorageModeName[] = ["local", "s3", "proxied"];

/** What the S3 proxy does with SSE-S3 headers; mirrors `S3PROXY_SSE`. */
export type SsePolicy = "strip" | "reject" | "passthrough";

/** Options of the `proxied` mode. */
export interface ProxiedOptions {
  /** The proxy's SSE-S3 policy. @default "strip" */
  readonly sse?: SsePolicy;
}

/**
 * Where the Convex backend keeps files. Pick one with a static factory:
 * - `Storage.local()`: on the backend's data volume.
 * - `Storage.s3(bucket)`: the backend talks to the bucket directly, with the store's compatibility flags.
 * - `Storage.proxied(bucket)`: the backend talks to a per-workspace S3 compatibility proxy that re-signs
 *   requests to the bucket; the backend keeps Convex's AWS defaults.
 *
 * The choice is locked in the Convex database at first boot: switching later makes the backend refuse to start
 * (migrate with `npx convex export` / `npx convex import --replace-all`).
 */
export abstract class Storage {
  static local(): LocalStorage {
    return new LocalStorage();
  }

  static s3(bucket: AnyBucket): S3Storage {
    return new S3Storage(bucket);
  }

  static proxied(bucket: AnyBucket, options: ProxiedOptions = {}): ProxiedStorage {
    return new ProxiedStorage(bucket, options.sse ?? "strip");
  }

  abstract readonly mode: StorageModeName;
}

export class LocalStorage extends Storage {
  readonly mode = "local" as const;
}

export class S3Storage extends Storage {
  readonly mode = "s3" as const;
  constructor(readonly bucket: AnyBucket) {
    super();
  }
}

export class ProxiedStorage extends Storage {
  readonly mode = "proxied" as const;
  constructor(
    readonly bucket: AnyBucket,
    readonly sse: SsePolicy,
  ) {
    super();
  }
}

export type AnyStorage = LocalStorage | S3Storage | ProxiedStorage;
