import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest/index.js";
import { Construct } from "constructs";
import type { MonitorSpec } from "../core/monitoring.ts";

export interface WorkspaceMonitoringProps {
  /** ServiceMonitors from lib/core/monitoring.ts `serviceMonitors(plan, ...)`. */
  readonly monitors: readonly MonitorSpec[];
  /** The PrometheusRule from `prometheusRule(plan, ...)`. @default - no rule */
  readonly rule?: Record<string, unknown>;
}

/**
 * The Prometheus Operator objects of a workspace, as `kubernetes_manifest`s (the CRDs must be installed before
 * plan, as for the ObjectBucketClaim). Created only when `monitoring.serviceMonitor` is on.
 */
export class WorkspaceMonitoring extends Construct {
  readonly monitors: readonly Manifest[];
  readonly rule?: Manifest;

  constructor(scope: Construct, id: string, props: WorkspaceMonitoringProps) {
    super(scope, id);
    this.monitors = props.monitors.map((m) => new Manifest(this, m.component, { manifest: m.manifest }));
    if (props.rule !== undefined) this.rule = new Manifest(this, "Rule", { manifest: props.rule });
  }
}
