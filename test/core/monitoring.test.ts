/**
 * The Prometheus Operator objects of a workspace (lib/core/monitoring.ts): which Services are scraped on which port,
 * and the alert rules' expressions, labels and texts, written out by hand. The metric names are the proxy's
 * (proxy/src/metrics.ts); 3210 is the backend's API port.
 */
import { describe, expect, it } from "vitest";
import { parseWorkspaceConfig } from "../../lib/core/config.ts";
import { backendServesMetrics, prometheusRule, serviceMonitors } from "../../lib/core/monitoring.ts";
import type { Component } from "../../lib/core/names.ts";
import { planWorkspace } from "../../lib/core/plan.ts";

const plan = (raw: object) => planWorkspace(parseWorkspaceConfig({ workspace: { name: "alice-dev", namespace: "team-a" }, ...raw }), { target: "kubernetes" });
/** A stand-in for the stack's object labels: distinct per component, and one key the monitoring labels also set. */
const labelsOf = (component: Component) => ({ "app.kubernetes.io/component": component, release: "from-stack" });
const on = { serviceMonitor: true, labels: { release: "kube-prometheus-stack", team: "platform" } };
const disabled = { extraEnv: { DISABLE_METRICS_ENDPOINT: "true" } };

const selector = (component: string) => ({
  "app.kubernetes.io/name": `convex-${component}`,
  "app.kubernetes.io/instance": "alice-dev",
  "app.kubernetes.io/component": component,
});
const monitor = (component: string, port: string) => ({
  component,
  manifest: {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: {
      name: `convex-alice-dev-${component}`,
      namespace: "team-a",
      labels: { release: "from-stack", team: "platform", "app.kubernetes.io/component": component },
    },
    spec: {
      selector: { matchLabels: selector(component) },
      namespaceSelector: { matchNames: ["team-a"] },
      endpoints: [{ port, path: "/metrics", interval: "30s" }],
    },
  },
});

const backendDown = {
  alert: "ConvexBackendDown",
  expr: 'up{namespace="team-a",service="convex-alice-dev-backend"} == 0 or absent(up{namespace="team-a",service="convex-alice-dev-backend"})',
  for: "5m",
  labels: { severity: "critical", workspace: "alice-dev", namespace: "team-a" },
  annotations: {
    summary: "Convex backend of workspace alice-dev is down",
    description: "Prometheus has not scraped convex-alice-dev-backend:3210/metrics in team-a for 5 minutes.",
  },
};
const proxyRules = (ratio: string, percent: string, p99: string) => [
  {
    alert: "ConvexS3ProxyErrors",
    expr:
      'sum(rate(s3proxy_requests_total{namespace="team-a",service="convex-alice-dev-s3-proxy",status=~"5.."}[5m])) / ' +
      `sum(rate(s3proxy_requests_total{namespace="team-a",service="convex-alice-dev-s3-proxy"}[5m])) > ${ratio}`,
    for: "10m",
    labels: { severity: "warning", workspace: "alice-dev", namespace: "team-a" },
    annotations: { summary: `S3 proxy of workspace alice-dev: more than ${percent}% of responses are 5xx` },
  },
  {
    alert: "ConvexS3ProxySlow",
    expr: `histogram_quantile(0.99, sum by (le) (rate(s3proxy_request_duration_seconds_bucket{namespace="team-a",service="convex-alice-dev-s3-proxy"}[5m]))) > ${p99}`,
    for: "10m",
    labels: { severity: "warning", workspace: "alice-dev", namespace: "team-a" },
    annotations: { summary: `S3 proxy of workspace alice-dev: 99th-percentile request time above ${p99} s` },
  },
];
const ruleObject = (rules: object[]) => ({
  apiVersion: "monitoring.coreos.com/v1",
  kind: "PrometheusRule",
  metadata: { name: "convex-alice-dev-alerts", namespace: "team-a", labels: { release: "from-stack", team: "platform", "app.kubernetes.io/component": "alerts" } },
  spec: { groups: [{ name: "convex-alice-dev-alerts", rules }] },
});

describe("backendServesMetrics", () => {
  it("is on unless convex.extraEnv sets DISABLE_METRICS_ENDPOINT to the string true", () => {
    expect(backendServesMetrics(plan({}))).toBe(true);
    expect(backendServesMetrics(plan({ convex: disabled }))).toBe(false);
    expect(backendServesMetrics(plan({ convex: { extraEnv: { OTHER: "1", DISABLE_METRICS_ENDPOINT: "true", MORE: "2" } } }))).toBe(false);
    expect(backendServesMetrics(plan({ convex: { extraEnv: { DISABLE_METRICS_ENDPOINT: "false" } } }))).toBe(true);
    // Another variable set to true does not turn the endpoint off.
    expect(backendServesMetrics(plan({ convex: { extraEnv: { DISABLE_OTHER_THING: "true" } } }))).toBe(true);
  });
});

describe("serviceMonitors", () => {
  it("creates none while monitoring.serviceMonitor is off", () => {
    expect(serviceMonitors(plan({ storage: { mode: "proxied" } }), labelsOf)).toStrictEqual([]);
  });

  it("scrapes the backend's api port in local and s3 mode, with the monitoring labels and the stack's own", () => {
    expect(serviceMonitors(plan({ monitoring: on }), labelsOf)).toStrictEqual([monitor("backend", "api")]);
    expect(serviceMonitors(plan({ monitoring: on, storage: { mode: "s3" } }), labelsOf)).toStrictEqual([monitor("backend", "api")]);
  });

  it("scrapes the proxy's s3 port too in proxied mode", () => {
    expect(serviceMonitors(plan({ monitoring: on, storage: { mode: "proxied" } }), labelsOf)).toStrictEqual([monitor("backend", "api"), monitor("s3-proxy", "s3")]);
  });

  it("leaves the backend out when DISABLE_METRICS_ENDPOINT=true", () => {
    expect(serviceMonitors(plan({ monitoring: on, storage: { mode: "proxied" }, convex: disabled }), labelsOf)).toStrictEqual([monitor("s3-proxy", "s3")]);
    expect(serviceMonitors(plan({ monitoring: on, convex: disabled }), labelsOf)).toStrictEqual([]);
  });
});

describe("prometheusRule", () => {
  it("is undefined while monitoring is off, and when nothing is scraped", () => {
    expect(prometheusRule(plan({ storage: { mode: "proxied" } }), labelsOf("alerts"))).toBeUndefined();
    expect(prometheusRule(plan({ monitoring: on, convex: disabled }), labelsOf("alerts"))).toBeUndefined();
  });

  it("alerts on the backend being down, outside proxied mode", () => {
    expect(prometheusRule(plan({ monitoring: on }), labelsOf("alerts"))).toStrictEqual(ruleObject([backendDown]));
  });

  it("alerts on the proxy's 5xx ratio and p99 latency in proxied mode, with the default thresholds", () => {
    expect(prometheusRule(plan({ monitoring: on, storage: { mode: "proxied" } }), labelsOf("alerts"))).toStrictEqual(ruleObject([backendDown, ...proxyRules("0.05", "5", "2")]));
  });

  it("takes the thresholds from the configuration, and writes the ratio as a percentage without float noise", () => {
    const monitoring = { ...on, proxyErrorRatio: 0.07, proxyLatencyP99Seconds: 1.5 };
    expect(prometheusRule(plan({ monitoring, storage: { mode: "proxied" }, convex: disabled }), labelsOf("alerts"))).toStrictEqual(ruleObject(proxyRules("0.07", "7", "1.5")));
  });
});
