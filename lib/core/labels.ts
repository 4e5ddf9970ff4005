import type { Component } from "./names.ts";

/** Identity of a workspace as far as labels are concerned. */
export interface LabelContext {
  /** The workspace name (e.g. `alice-dev`). */
  readonly workspace: string;
  /** Convex release the images come from; recorded as `app.kubernetes.io/version`. */
  readonly release: string;
  /** Coder workspace id, when deployed from a Coder template. */
  readonly coderWorkspaceId?: string;
  /** Coder workspace owner name, when deployed from a Coder template. */
  readonly coderOwner?: string;
  /** More labels for every object (Kubernetes `scheduling.labels`); never one of the keys below. @default - none */
  readonly extra?: Readonly<Record<string, string>>;
}

/** The label keys the stack sets itself: `scheduling.labels` may not replace them (selectors rely on them). */
export const MANAGED_LABEL_KEYS = [
  "app.kubernetes.io/name",
  "app.kubernetes.io/instance",
  "app.kubernetes.io/component",
  "app.kubernetes.io/part-of",
  "app.kubernetes.io/managed-by",
  "app.kubernetes.io/version",
] as const;
/** Prefix of the Coder labels the templates set (`com.coder.workspace.id`, ...). */
export const MANAGED_LABEL_PREFIX = "com.coder.";

/** Label keys and values longer than this are rejected by Kubernetes. */
const MAX_LABEL_VALUE = 63;

/**
 * The one label set applied to every object of a workspace. Selectors use only `selectorLabels`, which never
 * change over the life of a workspace (a Deployment's selector is immutable).
 */
export function workspaceLabels(ctx: LabelContext, component: Component): Record<string, string> {
  const labels: Record<string, string> = {
    ...ctx.extra,
    ...selectorLabels(ctx.workspace, component),
    "app.kubernetes.io/part-of": "convex-workspace",
    "app.kubernetes.io/managed-by": "cdktf",
    "app.kubernetes.io/version": ctx.release.slice(0, MAX_LABEL_VALUE),
  };
  if (ctx.coderWorkspaceId !== undefined) labels["com.coder.workspace.id"] = ctx.coderWorkspaceId;
  if (ctx.coderOwner !== undefined) labels["com.coder.user.username"] = ctx.coderOwner;
  return labels;
}

/** The labels a Service or Deployment selects on: stable for the life of the workspace. */
export function selectorLabels(workspace: string, component: Component): Record<string, string> {
  return {
    "app.kubernetes.io/name": `convex-${component}`,
    "app.kubernetes.io/instance": workspace.toLowerCase().slice(0, MAX_LABEL_VALUE),
    "app.kubernetes.io/component": component,
  };
}
