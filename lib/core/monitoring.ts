import { BACKEND_API_PORT } from "./ports.ts";
import { selectorLabels } from "./labels.ts";
import type { Component } from "./names.ts";
import type { WorkspacePlan } from "./plan.ts";

/**
 * Prometheus Operator objects for one workspace, as plain manifests: a ServiceMonitor per scraped Service (the
 * backend's `/metrics` on its `api` port unless DISABLE_METRICS_ENDPOINT is on, the proxy's `/metrics` on `s3` in
 * `proxied` mode) and one PrometheusRule whose alerts name the workspace. Pure data.
 */

export interface MonitorSpec {
  readonly component: Component;
  readonly manifest: Record<string, unknown>;
}

/** The proxy's metric names (proxy/src/metrics.ts). */
const PROXY_REQUESTS = "s3proxy_requests_total";
const PROXY_DURATION_BUCKET = "s3proxy_request_duration_seconds_bucket";

/** A fraction as a percentage for a message: 0.07 is 7, not 7.000000000000001 (binary floating point). */
function percent(fraction: number): number {
  return Number((fraction * 100).toPrecision(12));
}

/** Whether the backend serves `/metrics`: on unless convex.extraEnv sets DISABLE_METRICS_ENDPOINT=true. */
export function backendServesMetrics(plan: WorkspacePlan): boolean {
  return !plan.backendEnv.some((e) => e.name === "DISABLE_METRICS_ENDPOINT" && e.value.kind === "literal" && e.value.value === "true");
}

/** The Services to scrape, with their port name: empty when monitoring is off. */
function scraped(plan: WorkspacePlan): { component: Component; port: string }[] {
  if (!plan.monitoring.serviceMonitor) return [];
  const out: { component: Component; port: string }[] = [];
  if (backendServesMetrics(plan)) out.push({ component: "backend", port: "api" });
  if (plan.storage.mode === "proxied") out.push({ component: "s3-proxy", port: "s3" });
  return out;
}

/** ServiceMonitors (monitoring.coreos.com/v1), one per scraped Service. */
export function serviceMonitors(plan: WorkspacePlan, labelsOf: (c: Component) => Record<string, string>): MonitorSpec[] {
  return scraped(plan).map(({ component, port }) => ({
    component,
    manifest: {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "ServiceMonitor",
      metadata: { name: plan.names.of(component), namespace: plan.namespace, labels: { ...plan.monitoring.labels, ...labelsOf(component) } },
      spec: {
        selector: { matchLabels: selectorLabels(plan.workspace, component) },
        namespaceSelector: { matchNames: [plan.namespace] },
        endpoints: [{ port, path: "/metrics", interval: "30s" }],
      },
    },
  }));
}

/** The PrometheusRule (monitoring.coreos.com/v1): backend down, proxy 5xx ratio, proxy p99 latency; undefined when off. */
export function prometheusRule(plan: WorkspacePlan, labels: Record<string, string>): Record<string, unknown> | undefined {
  const targets = scraped(plan);
  if (targets.length === 0) return undefined;
  const where = (component: Component) => `namespace="${plan.namespace}",service="${plan.names.of(component)}"`;
  const alertLabels = { severity: "warning", workspace: plan.workspace, namespace: plan.namespace };
  const rules: Record<string, unknown>[] = [];
  if (targets.some((t) => t.component === "backend")) {
    const up = `up{${where("backend")}}`;
    rules.push({
      alert: "ConvexBackendDown",
      expr: `${up} == 0 or absent(${up})`,
      for: "5m",
      labels: { ...alertLabels, severity: "critical" },
      annotations: { summary: `Convex backend of workspace ${plan.workspace} is down`, description: `Prometheus has not scraped ${plan.names.of("backend")}:${BACKEND_API_PORT}/metrics in ${plan.namespace} for 5 minutes.` },
    });
  }
  if (targets.some((t) => t.component === "s3-proxy")) {
    const proxy = where("s3-proxy");
    const ratio = plan.monitoring.proxyErrorRatio;
    const p99 = plan.monitoring.proxyLatencyP99Seconds;
    rules.push(
      {
        alert: "ConvexS3ProxyErrors",
        expr: `sum(rate(${PROXY_REQUESTS}{${proxy},status=~"5.."}[5m])) / sum(rate(${PROXY_REQUESTS}{${proxy}}[5m])) > ${ratio}`,
        for: "10m",
        labels: alertLabels,
        annotations: { summary: `S3 proxy of workspace ${plan.workspace}: more than ${percent(ratio)}% of responses are 5xx` },
      },
      {
        alert: "ConvexS3ProxySlow",
        expr: `histogram_quantile(0.99, sum by (le) (rate(${PROXY_DURATION_BUCKET}{${proxy}}[5m]))) > ${p99}`,
        for: "10m",
        labels: alertLabels,
        annotations: { summary: `S3 proxy of workspace ${plan.workspace}: 99th-percentile request time above ${p99} s` },
      },
    );
  }
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name: plan.names.of("alerts"), namespace: plan.namespace, labels: { ...plan.monitoring.labels, ...labels } },
    spec: { groups: [{ name: plan.names.of("alerts"), rules }] },
  };
}
