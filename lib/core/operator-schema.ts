import { z } from "zod";
import { IMAGE_DIGEST_PATTERN } from "./images.ts";
import { MANAGED_LABEL_KEYS, MANAGED_LABEL_PREFIX } from "./labels.ts";
import { ENV_NAME_PATTERN, managedVariableFix, UNMANAGED_ENV_NAME } from "./managed-env.ts";
import { DNS_LABEL } from "./names.ts";

/**
 * The parts of the workspace configuration a cluster operator sets: NetworkPolicy, monitoring, scheduling and image
 * access, extra backend environment and image digests. Kubernetes-shaped (camelCase, as in a pod spec) so a
 * snippet from another chart pastes in. Composed into the schema in config-schema.ts; every default is here, once.
 */

/** A label key: an optional DNS-subdomain prefix and '/', then a name of at most 63 characters. */
const LABEL_KEY = /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** A label value: empty, or at most 63 alphanumerics, '-', '_' and '.', starting and ending with an alphanumeric. */
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
/** Label keys the stack sets on every object (selectors rely on them): extra labels must not replace them. */
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
const UNMANAGED_LABEL_KEY = new RegExp(`^(?!(?:${MANAGED_LABEL_KEYS.map(escapeRegExp).join("|")})$)(?!${escapeRegExp(MANAGED_LABEL_PREFIX)})`);
/** A DNS-1123 subdomain (ServiceAccount, PriorityClass and Secret names). */
const DNS_SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;

const labelKey = z.string().regex(LABEL_KEY, { error: "use a label key: an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.'" });
const labelMap = z.record(labelKey, z.string().regex(LABEL_VALUE, { error: "use a label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit" }));
const extraLabelMap = z.record(
  labelKey.regex(UNMANAGED_LABEL_KEY, { error: "this label is set by the stack (Services and NetworkPolicies select on it); pick another key" }),
  z.string().regex(LABEL_VALUE, { error: "use a label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit" }),
);
const subdomain = (what: string) => z.string().max(253, { error: "use at most 253 characters" }).regex(DNS_SUBDOMAIN, { error: `name a ${what}: lower-case letters, digits, '-' and '.'` });

const matchExpression = z.strictObject({
  key: z.string().min(1),
  operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"], { error: "use In, NotIn, Exists, DoesNotExist, Gt or Lt" }),
  values: z.array(z.string()).optional(),
});
const labelSelector = z.strictObject({ matchLabels: labelMap.optional(), matchExpressions: z.array(matchExpression).optional() });
const nodeSelectorTerm = z.strictObject({ matchExpressions: z.array(matchExpression).optional(), matchFields: z.array(matchExpression).optional() });
const podAffinityTerm = z.strictObject({
  labelSelector: labelSelector.optional(),
  namespaceSelector: labelSelector.optional(),
  namespaces: z.array(z.string().regex(DNS_LABEL)).optional(),
  topologyKey: z.string().min(1, { error: "name a node label, e.g. kubernetes.io/hostname" }),
});
const weight = z.number().int().min(1, { error: "use a weight from 1 to 100" }).max(100, { error: "use a weight from 1 to 100" });
const podAffinity = z.strictObject({
  requiredDuringSchedulingIgnoredDuringExecution: z.array(podAffinityTerm).optional(),
  preferredDuringSchedulingIgnoredDuringExecution: z.array(z.strictObject({ weight, podAffinityTerm })).optional(),
});

/** Pod affinity as in a pod spec. */
export const affinitySchema = z.strictObject({
  nodeAffinity: z
    .strictObject({
      requiredDuringSchedulingIgnoredDuringExecution: z.strictObject({ nodeSelectorTerms: z.array(nodeSelectorTerm).min(1) }).optional(),
      preferredDuringSchedulingIgnoredDuringExecution: z.array(z.strictObject({ weight, preference: nodeSelectorTerm })).optional(),
    })
    .optional(),
  podAffinity: podAffinity.optional(),
  podAntiAffinity: podAffinity.optional(),
});

const toleration = z.strictObject({
  key: z.string().min(1).optional(),
  operator: z.enum(["Exists", "Equal"], { error: "use Exists or Equal" }).optional(),
  value: z.string().optional(),
  effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"], { error: "use NoSchedule, PreferNoSchedule or NoExecute" }).optional(),
  tolerationSeconds: z.number().int().min(0).optional(),
});

const topologySpreadConstraint = z.strictObject({
  maxSkew: z.number().int().min(1, { error: "use a whole number of at least 1" }),
  topologyKey: z.string().min(1, { error: "name a node label, e.g. topology.kubernetes.io/zone" }),
  whenUnsatisfiable: z.enum(["DoNotSchedule", "ScheduleAnyway"], { error: "use DoNotSchedule or ScheduleAnyway" }),
  /** @default - the pod's own selector labels (each component spreads on its own pods) */
  labelSelector: labelSelector.optional(),
  matchLabelKeys: z.array(labelKey).optional(),
  minDomains: z.number().int().min(1).optional(),
});

/** Where the workspace's pods run and how they pull images; applied to every pod of the stack. */
export const schedulingSchema = z
  .strictObject({
    nodeSelector: labelMap.default({}),
    tolerations: z.array(toleration).default([]),
    affinity: affinitySchema.optional(),
    topologySpreadConstraints: z.array(topologySpreadConstraint).default([]),
    priorityClassName: subdomain("PriorityClass").optional(),
    imagePullSecrets: z.array(z.strictObject({ name: subdomain("Secret of type kubernetes.io/dockerconfigjson") })).default([]),
    /** @default - the namespace's `default` ServiceAccount */
    serviceAccountName: subdomain("ServiceAccount").optional(),
    /** Added to every object and pod; the stack's own label keys are refused. */
    labels: extraLabelMap.default({}),
    /** Added to every pod template. */
    podAnnotations: z.record(labelKey, z.string()).default({}),
  })
  .prefault({});

const peer = z.union(
  [
    z.strictObject({ namespaceLabels: labelMap, podLabels: labelMap.optional() }),
    z.strictObject({ podLabels: labelMap }),
  ],
  { error: "give namespaceLabels, podLabels or both (label maps), e.g. { namespaceLabels: { kubernetes.io/metadata.name: coder } }" },
);

const port = z.number().int().min(1, { error: "use a TCP port from 1 to 65535" }).max(65535, { error: "use a TCP port from 1 to 65535" });
const ports = z.array(port).optional();
const CIDR = /^(?:(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\/(?:3[0-2]|[12]?[0-9])$/;
const egressPeer = z.union(
  [
    z.strictObject({ namespaceLabels: labelMap, podLabels: labelMap.optional(), ports }),
    z.strictObject({ podLabels: labelMap, ports }),
    z.strictObject({ cidr: z.string().regex(CIDR, { error: "use an IPv4 CIDR block such as 10.0.0.0/8" }), ports }),
  ],
  { error: "give namespaceLabels and/or podLabels, or an IPv4 cidr such as 10.0.0.0/8, and optionally ports: [443]" },
);

/** Egress of the backend and the proxy: open unless `restrict` is on. */
const egressSchema = z
  .strictObject({
    restrict: z.boolean({ error: "use true or false (unquoted)" }).default(false),
    /** Namespace of the cluster DNS (port 53, UDP and TCP). */
    dnsNamespace: z.string().regex(DNS_LABEL, { error: "name a namespace, e.g. kube-system" }).default("kube-system"),
    /** Where an objectBucketClaim or external bucket's endpoint is (MinIO is known to the stack). */
    bucket: z.array(egressPeer).default([]),
    /** What the backend's user code may reach besides (HTTP APIs called from actions). */
    backend: z.array(egressPeer).default([]),
  })
  .prefault({});

/** NetworkPolicies of the workspace: on by default. */
export const networkPolicySchema = z
  .strictObject({
    enabled: z.boolean({ error: "use true or false (unquoted)" }).default(true),
    /** Namespace of the Ingress controller, allowed to the backend and the dashboard when an Ingress is configured. */
    ingressControllerNamespace: z.string().regex(DNS_LABEL, { error: "name a namespace, e.g. ingress-nginx" }).default("ingress-nginx"),
    /** More sources allowed to the backend (3210, 3211) and the dashboard (6791), e.g. the Coder workspace pods. */
    allowFrom: z.array(peer).default([]),
    egress: egressSchema,
  })
  .prefault({});

/** Prometheus Operator objects: off by default (their CRDs must be installed). */
export const monitoringSchema = z
  .strictObject({
    serviceMonitor: z.boolean({ error: "use true or false (unquoted)" }).default(false),
    /** Labels the Prometheus instance selects monitors and rules by, e.g. { release: kube-prometheus-stack }. */
    labels: labelMap.default({}),
    /** Namespace Prometheus scrapes from: allowed in by the NetworkPolicies. */
    prometheusNamespace: z.string().regex(DNS_LABEL, { error: "name a namespace, e.g. monitoring" }).default("monitoring"),
    /** Alert when the proxy's 99th-percentile request time stays above this, in seconds. */
    proxyLatencyP99Seconds: z.number().positive({ error: "use a number of seconds above 0" }).default(2),
    /** Alert when more than this fraction of the proxy's responses are 5xx. */
    proxyErrorRatio: z.number().gt(0, { error: "use a fraction between 0 and 1" }).max(1, { error: "use a fraction between 0 and 1" }).default(0.05),
  })
  .prefault({});

/** Extra backend environment: names the stack manages are refused, naming the setting to use instead. */
export const extraEnvSchema = z
  .record(
    z
      .string()
      .regex(ENV_NAME_PATTERN, { error: "name an environment variable: letters, digits and '_', not starting with a digit" })
      .regex(UNMANAGED_ENV_NAME, { error: (issue) => managedVariableFix(String(issue.input)) }),
    z.string({ error: "use a string (quote numbers and booleans)" }),
  )
  .default({});

const digest = z.string().regex(IMAGE_DIGEST_PATTERN, { error: "use a digest: sha256: and 64 lower-case hex digits (see the README, Pins)" });

/** Digests of the backend and dashboard images; the tag stays convex.release. */
export const imageDigestsSchema = z.strictObject({ backend: digest.optional(), dashboard: digest.optional() }).prefault({});
