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

describe("operator settings: the rules the mutation review found unpinned", () => {
  const KEY_RULE = "use a label key: an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.'";
  const VALUE_RULE = "use a label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
  const accepted = (raw: object) => parseWorkspaceConfig({ workspace: { name: "alice-dev" }, ...raw });

  it("label keys: an optional DNS-subdomain prefix and '/', then a name of at most 63 characters (Kubernetes' rule)", () => {
    const keys = ["a", "A", "a.b-c_d", "example.com/a", "sub.example-1.com/A-b.c_1", "a.b/c", "x/y", "a".repeat(63), `${"p".repeat(20)}.io/${"n".repeat(63)}`];
    expect(accepted({ scheduling: { nodeSelector: Object.fromEntries(keys.map((k) => [k, "x"])) } }).scheduling.nodeSelector).toEqual(Object.fromEntries(keys.map((k) => [k, "x"])));
    const bad = ["-a", "a-", "_a", "a.", "example.com/", "/a", "Example.com/a", "ex_ample.com/a", "-example.com/a", "example-.com/a", "example..com/a", "a/b/c", "a b", "a".repeat(64), "é"];
    expect(problems({ scheduling: { nodeSelector: Object.fromEntries(bad.map((k) => [k, "x"])) } })).toEqual(bad.map((k) => `scheduling.nodeSelector.${k}: got "x"; ${KEY_RULE}`));
    expect(problems({ scheduling: { podAnnotations: { "-a": "any value at all" } } })).toEqual([`scheduling.podAnnotations.-a: got "any value at all"; ${KEY_RULE}`]);
  });

  it("label values: empty, or at most 63 letters, digits, '-', '_' and '.', alphanumeric at both ends", () => {
    const values = ["", "a", "A1", "a.b-c_d", "v".repeat(63), "9"];
    expect(accepted({ scheduling: { nodeSelector: Object.fromEntries(values.map((v, i) => [`k${i}`, v])) } }).scheduling.nodeSelector).toEqual(Object.fromEntries(values.map((v, i) => [`k${i}`, v])));
    const bad = ["-a", "a-", ".a", "a_", "a b", "v".repeat(64), "é"];
    expect(problems({ scheduling: { nodeSelector: Object.fromEntries(bad.map((v, i) => [`k${i}`, v])) } })).toEqual(bad.map((v, i) => `scheduling.nodeSelector.k${i}: got ${JSON.stringify(v)}; ${VALUE_RULE}`));
    expect(problems({ scheduling: { labels: { team: "-a" } }, monitoring: { labels: { release: "a b" } } })).toEqual([
      `monitoring.labels.release: got "a b"; ${VALUE_RULE}`,
      `scheduling.labels.team: got "-a"; ${VALUE_RULE}`,
    ]);
  });

  it("scheduling.labels: only the stack's exact keys and the com.coder. prefix are refused", () => {
    const labels = { "appxkubernetes.io/name": "a", "app.kubernetes.io/name-x": "b", "x.app.kubernetes.io/name": "c", "comxcoder.user": "d", "x.com.coder.a": "e", "com.coderx": "f" };
    expect(accepted({ scheduling: { labels } }).scheduling.labels).toEqual(labels);
    const managed = ["app.kubernetes.io/name", "app.kubernetes.io/component", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by", "app.kubernetes.io/version", "com.coder.user.username"];
    expect(problems({ scheduling: { labels: Object.fromEntries(managed.map((k) => [k, "x"])) } })).toEqual(
      managed.map((k) => `scheduling.labels.${k}: got "x"; this label is set by the stack (Services and NetworkPolicies select on it); pick another key`),
    );
  });

  it("PriorityClass, ServiceAccount and pull Secret names: DNS subdomains of at most 253 characters", () => {
    const name = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}`;
    expect(name).toHaveLength(253);
    expect(accepted({ scheduling: { priorityClassName: "a.b" } }).scheduling.priorityClassName).toBe("a.b");
    expect(accepted({ scheduling: { priorityClassName: name, serviceAccountName: "convex.sa-1", imagePullSecrets: [{ name: "r" }] } }).scheduling).toMatchObject({ priorityClassName: name, serviceAccountName: "convex.sa-1", imagePullSecrets: [{ name: "r" }] });
    expect(problems({ scheduling: { priorityClassName: `${name}d` } })).toEqual([`scheduling.priorityClassName: got "${name}d"; use at most 253 characters`]);
    for (const bad of ["a..b", "-a", "a-", ".a", "a.", "A", "a_b"]) {
      expect(problems({ scheduling: { priorityClassName: bad } })).toEqual([`scheduling.priorityClassName: got ${JSON.stringify(bad)}; name a PriorityClass: lower-case letters, digits, '-' and '.'`]);
    }
  });

  it("affinity as in a pod spec: terms, operators, weights and topology keys", () => {
    const term = { matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }], matchFields: [{ key: "metadata.name", operator: "NotIn", values: ["n"] }] };
    const podTerm = { labelSelector: { matchLabels: { app: "x" }, matchExpressions: [{ key: "tier", operator: "Exists" }] }, namespaceSelector: { matchLabels: { team: "a" } }, namespaces: ["coder"], topologyKey: "kubernetes.io/hostname" };
    const affinity = {
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] }, preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: term }] },
      podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [podTerm] },
      podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: podTerm }] },
    };
    expect(accepted({ scheduling: { affinity } }).scheduling.affinity).toEqual(affinity);
    const operators = ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"];
    const everyOperator = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: operators.map((operator) => ({ key: "k", operator })) }] } } };
    expect(accepted({ scheduling: { affinity: everyOperator } }).scheduling.affinity).toEqual(everyOperator);
    const nodeTerms = "scheduling.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms";
    expect(problems({ scheduling: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } } } })).toEqual([`${nodeTerms}: got []; Too small: expected array to have >=1 items`]);
    expect(problems({ scheduling: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "", operator: "Maybe" }] }] } } } } })).toEqual([
      `${nodeTerms}.0.matchExpressions.0.key: got ""; Too small: expected string to have >=1 characters`,
      `${nodeTerms}.0.matchExpressions.0.operator: got "Maybe"; use In, NotIn, Exists, DoesNotExist, Gt or Lt`,
    ]);
    const preferred = "scheduling.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution";
    expect(
      problems({ scheduling: { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, podAffinityTerm: { topologyKey: "", namespaces: ["Bad"] } }, { weight: 101, podAffinityTerm: { topologyKey: "k" } }, { weight: 1.5, podAffinityTerm: { topologyKey: "k" } }] } } } }),
    ).toEqual([
      `${preferred}.0.weight: got 0; use a weight from 1 to 100`,
      `${preferred}.0.podAffinityTerm.namespaces.0: got "Bad"; Invalid string: must match pattern /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/`,
      `${preferred}.0.podAffinityTerm.topologyKey: got ""; name a node label, e.g. kubernetes.io/hostname`,
      `${preferred}.1.weight: got 101; use a weight from 1 to 100`,
      `${preferred}.2.weight: got 1.5; Invalid input: expected int, received number`,
    ]);
  });

  it("tolerations and spread constraints: every field's rule", () => {
    const tolerations = [{ key: "gpu", operator: "Equal", value: "yes", effect: "NoExecute", tolerationSeconds: 0 }, { operator: "Exists", effect: "PreferNoSchedule" }, { key: "k", effect: "NoSchedule" }];
    const spread = [{ maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { a: "b" } }, matchLabelKeys: ["pod-template-hash"], minDomains: 1 }];
    expect(accepted({ scheduling: { tolerations, topologySpreadConstraints: spread } }).scheduling).toMatchObject({ tolerations, topologySpreadConstraints: spread });
    expect(problems({ scheduling: { tolerations: [{ key: "", effect: "Never", tolerationSeconds: -1 }, { tolerationSeconds: 1.5 }] } })).toEqual([
      'scheduling.tolerations.0.key: got ""; Too small: expected string to have >=1 characters',
      'scheduling.tolerations.0.effect: got "Never"; use NoSchedule, PreferNoSchedule or NoExecute',
      "scheduling.tolerations.0.tolerationSeconds: got -1; Too small: expected number to be >=0",
      "scheduling.tolerations.1.tolerationSeconds: got 1.5; Invalid input: expected int, received number",
    ]);
    expect(problems({ scheduling: { topologySpreadConstraints: [{ maxSkew: 1.5, topologyKey: "", whenUnsatisfiable: "DoNotSchedule", minDomains: 0, matchLabelKeys: ["-a"] }, { maxSkew: 1, topologyKey: "z", whenUnsatisfiable: "DoNotSchedule", minDomains: 1.5 }] } })).toEqual([
      "scheduling.topologySpreadConstraints.0.maxSkew: got 1.5; Invalid input: expected int, received number",
      'scheduling.topologySpreadConstraints.0.topologyKey: got ""; name a node label, e.g. topology.kubernetes.io/zone',
      `scheduling.topologySpreadConstraints.0.matchLabelKeys.0: got "-a"; ${KEY_RULE}`,
      "scheduling.topologySpreadConstraints.0.minDomains: got 0; Too small: expected number to be >=1",
      "scheduling.topologySpreadConstraints.1.minDomains: got 1.5; Invalid input: expected int, received number",
    ]);
  });

  it("NetworkPolicy sources and egress destinations: selectors, CIDRs and ports", () => {
    const allowFrom = [{ namespaceLabels: { "kubernetes.io/metadata.name": "coder" } }, { namespaceLabels: { a: "b" }, podLabels: { c: "d" } }, { podLabels: { app: "coder" } }];
    const backend = [{ namespaceLabels: { a: "b" }, ports: [1, 65535] }, { podLabels: { app: "api" }, ports: [443] }, { cidr: "0.0.0.0/0" }];
    expect(accepted({ networkPolicy: { allowFrom, egress: { restrict: true, dnsNamespace: "dns", bucket: [{ cidr: "203.0.113.0/24", ports: [443] }], backend } } }).networkPolicy).toEqual({
      enabled: true,
      ingressControllerNamespace: "ingress-nginx",
      allowFrom,
      egress: { restrict: true, dnsNamespace: "dns", bucket: [{ cidr: "203.0.113.0/24", ports: [443] }], backend },
    });
    const cidrs = ["1.2.3.100/32", "1.2.3.199/32", "1.2.3.200/32", "1.2.3.249/32", "0.0.0.0/0", "255.255.255.255/32", "249.250.251.252/31", "10.0.0.0/8", "192.168.1.0/24", "172.16.0.0/12", "1.2.3.4/9", "100.64.0.0/10", "199.29.0.0/19", "9.99.199.0/20"];
    for (const cidr of cidrs) expect(accepted({ networkPolicy: { egress: { backend: [{ cidr }] } } }).networkPolicy.egress.backend).toEqual([{ cidr }]);
    const badCidrs = ["256.0.0.0/8", "260.1.1.1/8", "300.1.1.1/8", "1000.1.1.1/8", "10.0.0.0/33", "10.0.0.0/40", "10.0.0.0/100", "10.0.0/8", "10.0.0.0", "1.2.3.4/-1", "1.2.3.4/", "a.b.c.d/8", "x10.0.0.0/8", "10.0.0.0/8x", "10.0.0.0.0/8", "10,0.0.0/8"];
    for (const cidr of badCidrs) {
      expect(problems({ networkPolicy: { egress: { backend: [{ cidr }] } } })).toEqual([`networkPolicy.egress.backend.0.cidr: got ${JSON.stringify(cidr)}; use an IPv4 CIDR block such as 10.0.0.0/8`]);
    }
    expect(problems({ networkPolicy: { ingressControllerNamespace: "Ingress", egress: { restrict: "yes", dnsNamespace: "Kube_System", bucket: [{}], backend: [{ podLabels: { a: "b" }, ports: [65536] }, { cidr: "10.0.0.0/8", ports: [1.5] }] } } })).toEqual([
      'networkPolicy.ingressControllerNamespace: got "Ingress"; name a namespace, e.g. ingress-nginx',
      'networkPolicy.egress.restrict: got "yes"; use true or false (unquoted)',
      'networkPolicy.egress.dnsNamespace: got "Kube_System"; name a namespace, e.g. kube-system',
      "networkPolicy.egress.bucket.0: got {}; give namespaceLabels and/or podLabels, or an IPv4 cidr such as 10.0.0.0/8, and optionally ports: [443]",
      "networkPolicy.egress.backend.0.ports.0: got 65536; use a TCP port from 1 to 65535",
      // A fractional port is refused too, but zod then reports the union's message rather than the port's rule.
      'networkPolicy.egress.backend.1: got {"cidr":"10.0.0.0/8","ports":[1.5]}; give namespaceLabels and/or podLabels, or an IPv4 cidr such as 10.0.0.0/8, and optionally ports: [443]',
    ]);
  });

  it("monitoring: a boolean, a namespace, a positive latency and a ratio in (0, 1]", () => {
    expect(accepted({ monitoring: { serviceMonitor: true, labels: { release: "kube-prometheus-stack" }, prometheusNamespace: "prom", proxyLatencyP99Seconds: 0.25, proxyErrorRatio: 1 } }).monitoring).toEqual({
      serviceMonitor: true,
      labels: { release: "kube-prometheus-stack" },
      prometheusNamespace: "prom",
      proxyLatencyP99Seconds: 0.25,
      proxyErrorRatio: 1,
    });
    expect(problems({ monitoring: { serviceMonitor: "yes", prometheusNamespace: "Mon", proxyLatencyP99Seconds: 0, proxyErrorRatio: 0 } })).toEqual([
      'monitoring.serviceMonitor: got "yes"; use true or false (unquoted)',
      'monitoring.prometheusNamespace: got "Mon"; name a namespace, e.g. monitoring',
      "monitoring.proxyLatencyP99Seconds: got 0; use a number of seconds above 0",
      "monitoring.proxyErrorRatio: got 0; use a fraction between 0 and 1",
    ]);
    expect(problems({ monitoring: { proxyErrorRatio: 1.01 } })).toEqual(["monitoring.proxyErrorRatio: got 1.01; use a fraction between 0 and 1"]);
  });

  it("image digests: the dashboard's too, lower-case hex only", () => {
    const digest = `sha256:${"0123456789abcdef".repeat(4)}`;
    expect(accepted({ convex: { imageDigests: { backend: digest, dashboard: digest } } }).convex.imageDigests).toEqual({ backend: digest, dashboard: digest });
    for (const bad of [`sha256:${"A".repeat(64)}`, `sha256:${"a".repeat(63)}`, `sha256:${"a".repeat(65)}`, `sha512:${"a".repeat(64)}`, `xsha256:${"a".repeat(64)}`]) {
      expect(problems({ convex: { imageDigests: { dashboard: bad } } })).toEqual([`convex.imageDigests.dashboard: got "${bad}"; use a digest: sha256: and 64 lower-case hex digits (see the README, Pins)`]);
    }
  });
});

describe("convex.extraEnv: exactly the names the stack manages are refused", () => {
  it("names the setting to use for each managed variable", () => {
    const fixes: Record<string, string> = {
      INSTANCE_NAME: "use convex.instanceName instead",
      AWS_REGION: "use storage.region instead",
      INSTANCE_SECRET: "it is generated per workspace and must never change",
      CONVEX_CLOUD_ORIGIN: "use urls.cloudOrigin (or ingress.apiHost) instead",
      CONVEX_SITE_ORIGIN: "use urls.siteOrigin (or ingress.siteHost) instead",
      DISABLE_BEACON: "use convex.disableBeacon instead",
      REDACT_LOGS_TO_CLIENT: "use convex.redactLogsToClient instead",
      DO_NOT_REQUIRE_SSL: "use convex.doNotRequireSsl instead",
      BUCKET_HOST: "use storage.bucket instead",
      BUCKET_PORT: "use storage.bucket instead",
      POSTGRES_URL: "use database.kind: postgres and its URL setting instead",
      PG_CA_FILE: "use database.caSecretName instead",
      MYSQL_URL: "use database.kind: mysql and its URL setting instead",
      MYSQL_CA_FILE: "use database.caSecretName instead",
      AWS_ACCESS_KEY_ID: "use storage.mode, storage.region and storage.bucket instead",
      S3_STORAGE_FILES_BUCKET: "use storage.mode and storage.bucket instead",
    };
    expect(problems({ convex: { extraEnv: Object.fromEntries(Object.keys(fixes).map((name) => [name, "x"])) } })).toEqual(
      Object.entries(fixes).map(([name, fix]) => `convex.extraEnv.${name}: got "x"; ${name} is set by the stack; remove it from convex.extraEnv (${fix})`),
    );
  });

  it("accepts names that only contain, extend or end with a managed one, and any POSIX name", () => {
    const extraEnv = { INSTANCE_NAME_X: "1", XINSTANCE_NAME: "2", BUCKET_HOSTS: "3", XAWS_REGION: "4", MY_S3_: "5", AWS: "6", S3: "7", _a: "8", a1: "9", RUST_LOG: "info" };
    expect(parseWorkspaceConfig({ workspace: { name: "alice-dev" }, convex: { extraEnv } }).convex.extraEnv).toEqual(extraEnv);
    for (const name of ["1A", "A-B", "A B", "A.B", "É"]) {
      expect(problems({ convex: { extraEnv: { [name]: "x" } } })).toEqual([`convex.extraEnv.${name}: got "x"; name an environment variable: letters, digits and '_', not starting with a digit`]);
    }
  });
});
