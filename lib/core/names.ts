import { createHash } from "node:crypto";

/** Kubernetes object names and label values are at most 63 characters (DNS-1123 label). */
export const MAX_NAME_LENGTH = 63;
const HASH_LENGTH = 8;

/** A DNS-1123 label: lower-case alphanumerics and '-', starting and ending with an alphanumeric. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A short, stable hash of `text` (first 8 hex characters of its SHA-256). */
export function stableHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, HASH_LENGTH);
}

/**
 * Joins `parts` into one DNS-1123 label: lower-cased, characters outside `[a-z0-9-]` replaced by '-', runs of '-'
 * collapsed, no leading or trailing '-'. When the result is longer than `maxLength`, it is clipped and given a
 * stable hash of the full, unclipped name, so two long names that share a prefix still differ.
 *
 * @param maxLength at most 63; shorter for names that get a suffix added by a controller.
 */
export function dnsName(parts: readonly string[], maxLength: number = MAX_NAME_LENGTH): string {
  const full = parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
  if (full.length <= maxLength) return full;
  const hash = stableHash(full);
  // Runs of '-' are already collapsed: at most one is left at the cut.
  const head = full.slice(0, maxLength - HASH_LENGTH - 1).replace(/-$/, "");
  return `${head}-${hash}`;
}

/** The component names of one workspace's deployment; each becomes a suffix of its Kubernetes or Docker name. */
export type Component = "backend" | "dashboard" | "bucket" | "s3-proxy" | "minio" | "data" | "instance-secret" | "proxy-credentials" | "network" | "ingress" | "minio-data" | "admin-key" | "storage-doctor" | "minio-credentials" | "alerts" | "postgres" | "postgres-data" | "mysql" | "mysql-data" | "create-database" | "backup" | "restore" | "s3-proxy-tls";

/** Every per-workspace object name, derived from the workspace name in one place. */
export interface WorkspaceNames {
  /** Prefix shared by every object of the workspace: `convex-<workspace>`. */
  readonly base: string;
  /** `convex-<workspace>-<component>`, clipped to 63 characters with a stable hash. */
  of(component: Component): string;
}

/** Names for the workspace called `workspace` (already validated by the configuration schema). */
export function workspaceNames(workspace: string): WorkspaceNames {
  const base = dnsName(["convex", workspace]);
  return {
    base,
    of: (component) => dnsName(["convex", workspace, component]),
  };
}
