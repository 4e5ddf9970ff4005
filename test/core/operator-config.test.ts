/** The operator settings of the YAML file: defaults, and every refusal with its pinned message. */
import { describe, expect, it } from "vitest";
import { parseWorkspaceConfig } from "../../lib/core/config.ts";
import { ConfigError } from "../../lib/core/errors.ts";
import { planWorkspace } from "../../lib/core/plan.ts";

function problems(raw: object): string[] {
  try {
    parseWorkspaceConfig({ workspace: { name: "alice-dev" }, ...raw });
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.field}: got ${i.value}; ${i.fix}`);
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("operator settings", () => {
  it("defaults: NetworkPolicies on, monitoring off, no scheduling constraint, no extra variable, no digest", () => {
    const config = parseWorkspaceConfig({ workspace: { name: "alice-dev" } });
    expect(config.networkPolicy).toEqual({
      enabled: true,
      ingressControllerNamespace: "ingress-nginx",
      allowFrom: [],
      egress: { restrict: false, dnsNamespace: "kube-system", bucket: [], backend: [] },
    });
    expect(config.monitoring).toEqual({ serviceMonitor: false, labels: {}, prometheusNamespace: "monitoring", proxyLatencyP99Seconds: 2, proxyErrorRatio: 0.05 });
    expect(config.scheduling).toEqual({ nodeSelector: {}, tolerations: [], topologySpreadConstraints: [], imagePullSecrets: [], labels: {}, podAnnotations: {} });
    expect(config.convex.extraEnv).toEqual({});
    expect(config.convex.imageDigests).toEqual({});
  });

  it("fails if convex.extraEnv sets a variable the stack manages, naming the setting to use instead", () => {
    expect(problems({ convex: { extraEnv: { AWS_REGION: "eu-west-1", S3_ENDPOINT_URL: "http://x", INSTANCE_SECRET: "s", CONVEX_CLOUD_ORIGIN: "https://a", AWS_S3_DISABLE_SSE: "false", DISABLE_BEACON: "false", RUST_LOG: "info" } } })).toEqual([
      'convex.extraEnv.AWS_REGION: got "eu-west-1"; AWS_REGION is set by the stack; remove it from convex.extraEnv (use storage.region instead)',
      'convex.extraEnv.S3_ENDPOINT_URL: got "http://x"; S3_ENDPOINT_URL is set by the stack; remove it from convex.extraEnv (use storage.mode and storage.bucket instead)',
      'convex.extraEnv.INSTANCE_SECRET: got "s"; INSTANCE_SECRET is set by the stack; remove it from convex.extraEnv (it is generated per workspace and must never change)',
      'convex.extraEnv.CONVEX_CLOUD_ORIGIN: got "https://a"; CONVEX_CLOUD_ORIGIN is set by the stack; remove it from convex.extraEnv (use urls.cloudOrigin (or ingress.apiHost) instead)',
      'convex.extraEnv.AWS_S3_DISABLE_SSE: got "false"; AWS_S3_DISABLE_SSE is set by the stack; remove it from convex.extraEnv (use storage.mode, storage.region and storage.bucket instead)',
      'convex.extraEnv.DISABLE_BEACON: got "false"; DISABLE_BEACON is set by the stack; remove it from convex.extraEnv (use convex.disableBeacon instead)',
    ]);
  });

  it("fails if convex.extraEnv sets a database variable, naming the database setting instead", () => {
    expect(problems({ convex: { extraEnv: { MYSQL_URL: "mysql://u:p@h", POSTGRES_URL: "postgres://u:p@h", MYSQL_CA_FILE: "/ca" } } })).toEqual([
      'convex.extraEnv.MYSQL_URL: got "mysql://u:p@h"; MYSQL_URL is set by the stack; remove it from convex.extraEnv (use database.kind: mysql and its URL setting instead)',
      'convex.extraEnv.POSTGRES_URL: got "postgres://u:p@h"; POSTGRES_URL is set by the stack; remove it from convex.extraEnv (use database.kind: postgres and its URL setting instead)',
      'convex.extraEnv.MYSQL_CA_FILE: got "/ca"; MYSQL_CA_FILE is set by the stack; remove it from convex.extraEnv (use database.caSecretName instead)',
    ]);
  });

  it("fails if an extra variable's name or value is not one", () => {
    expect(problems({ convex: { extraEnv: { "1BAD": "x", RUST_LOG: 3 } } })).toEqual([
      `convex.extraEnv.1BAD: got "x"; name an environment variable: letters, digits and '_', not starting with a digit`,
      "convex.extraEnv.RUST_LOG: got 3; use a string (quote numbers and booleans)",
    ]);
  });

  it("fails if scheduling.labels would replace a label the stack selects on", () => {
    expect(problems({ scheduling: { labels: { "app.kubernetes.io/instance": "other", "com.coder.workspace.id": "x" } } })).toEqual([
      'scheduling.labels.app.kubernetes.io/instance: got "other"; this label is set by the stack (Services and NetworkPolicies select on it); pick another key',
      'scheduling.labels.com.coder.workspace.id: got "x"; this label is set by the stack (Services and NetworkPolicies select on it); pick another key',
    ]);
  });

  it("fails on a bad toleration, spread constraint, pull secret or ServiceAccount", () => {
    expect(
      problems({
        scheduling: {
          tolerations: [{ key: "k", operator: "Maybe" }],
          topologySpreadConstraints: [{ maxSkew: 0, topologyKey: "zone", whenUnsatisfiable: "Sometimes" }],
          imagePullSecrets: [{ name: "Bad_Name" }],
          serviceAccountName: "Convex",
        },
      }),
    ).toEqual([
      'scheduling.tolerations.0.operator: got "Maybe"; use Exists or Equal',
      "scheduling.topologySpreadConstraints.0.maxSkew: got 0; use a whole number of at least 1",
      'scheduling.topologySpreadConstraints.0.whenUnsatisfiable: got "Sometimes"; use DoNotSchedule or ScheduleAnyway',
      `scheduling.imagePullSecrets.0.name: got "Bad_Name"; name a Secret of type kubernetes.io/dockerconfigjson: lower-case letters, digits, '-' and '.'`,
      `scheduling.serviceAccountName: got "Convex"; name a ServiceAccount: lower-case letters, digits, '-' and '.'`,
    ]);
  });

  it("fails on a NetworkPolicy source with no selector", () => {
    expect(problems({ networkPolicy: { enabled: "no", allowFrom: [{}] } })).toEqual([
      'networkPolicy.enabled: got "no"; use true or false (unquoted)',
      "networkPolicy.allowFrom.0: got {}; give namespaceLabels, podLabels or both (label maps), e.g. { namespaceLabels: { kubernetes.io/metadata.name: coder } }",
    ]);
  });

  it("fails on an egress destination that is neither selectors nor a CIDR, or a bad port", () => {
    expect(problems({ networkPolicy: { egress: { backend: [{ cidr: "10.0.0.0/33" }, { podLabels: { a: "b" }, ports: [0] }] } } })).toEqual([
      'networkPolicy.egress.backend.0.cidr: got "10.0.0.0/33"; use an IPv4 CIDR block such as 10.0.0.0/8',
      "networkPolicy.egress.backend.1.ports.0: got 0; use a TCP port from 1 to 65535",
    ]);
  });

  it("fails if restricted egress does not say where a claimed or external bucket is (MinIO needs nothing)", () => {
    const planProblems = (raw: object) => {
      try {
        planWorkspace(parseWorkspaceConfig({ workspace: { name: "alice-dev" }, ...raw }), { target: "kubernetes" });
      } catch (error) {
        if (error instanceof ConfigError) return error.issues.map((i) => `${i.field}: got ${i.value}; ${i.fix}`);
        throw error;
      }
      return [];
    };
    expect(planProblems({ storage: { mode: "s3" }, networkPolicy: { egress: { restrict: true } } })).toEqual([
      "networkPolicy.egress.bucket: got []; name where the bucket endpoint is, e.g. [{ namespaceLabels: { kubernetes.io/metadata.name: rook-ceph }, ports: [8080] }] or [{ cidr: 203.0.113.0/24, ports: [443] }], or leave egress open (restrict: false)",
    ]);
    expect(planProblems({ storage: { mode: "s3", bucket: { kind: "minio" } }, networkPolicy: { egress: { restrict: true } } })).toEqual([]);
    expect(planProblems({ storage: { mode: "local" }, networkPolicy: { egress: { restrict: true } } })).toEqual([]);
  });

  it("fails on a malformed digest or an unpinned image", () => {
    expect(
      problems({ convex: { imageDigests: { backend: "sha256:abc" } }, storage: { proxy: { image: "node" }, bucket: { kind: "minio", image: "quay.io/minio/minio:latest" } } }),
    ).toEqual([
      'convex.imageDigests.backend: got "sha256:abc"; use a digest: sha256: and 64 lower-case hex digits (see the README, Pins)',
      'storage.bucket.image: got "quay.io/minio/minio:latest"; pin an exact version or a digest instead of latest',
      'storage.proxy.image: got "node"; pin the image with a tag or a digest (a bare name means latest)',
    ]);
  });

  it("accepts tag, digest and tag@digest references, with a registry port", () => {
    const digest = "0".repeat(64);
    for (const image of ["node:24.22.3-alpine3.24", `node@sha256:${digest}`, `registry.example.com:5000/mirror/node:24.22.3-alpine3.24@sha256:${digest}`]) {
      expect(parseWorkspaceConfig({ workspace: { name: "a" }, storage: { proxy: { image } } }).storage.proxy.image).toBe(image);
    }
  });
});
