import type {
  DeploymentV1SpecTemplateSpec,
  DeploymentV1SpecTemplateSpecAffinity,
  DeploymentV1SpecTemplateSpecTopologySpreadConstraint,
} from "@cdktf/provider-kubernetes/lib/deployment-v1/index.js";
import type { WorkspaceConfig } from "../core/config-schema.ts";

/** Where a pod runs and how it pulls images (`scheduling:` in the YAML file), in Kubernetes' own shape. */
export type PodScheduling = WorkspaceConfig["scheduling"];

type Affinity = NonNullable<PodScheduling["affinity"]>;
type PodAffinity = NonNullable<Affinity["podAffinity"]>;
type PodAffinityTerm = NonNullable<PodAffinity["requiredDuringSchedulingIgnoredDuringExecution"]>[number];
type Selector = NonNullable<PodAffinityTerm["labelSelector"]>;

/** The pod-spec fields of `scheduling`, in the provider's shape; fields left unset are omitted. */
export type SchedulingSpec = Pick<
  DeploymentV1SpecTemplateSpec,
  "nodeSelector" | "toleration" | "affinity" | "topologySpreadConstraint" | "priorityClassName" | "imagePullSecrets" | "serviceAccountName"
>;

/**
 * Renders `scheduling` for one pod. The provider spells some Kubernetes fields differently (`nodeSelectorTerms` is
 * `node_selector_term`, a selector is a list of one, `tolerationSeconds` a string); nothing else changes. A spread
 * constraint without a labelSelector counts the pod's own selector labels.
 */
export function schedulingSpec(scheduling: PodScheduling | undefined, selectorLabels: Record<string, string>): SchedulingSpec {
  if (scheduling === undefined) return {};
  const spec: Record<string, unknown> = {};
  if (Object.keys(scheduling.nodeSelector).length > 0) spec.nodeSelector = { ...scheduling.nodeSelector };
  if (scheduling.tolerations.length > 0) {
    spec.toleration = scheduling.tolerations.map((t) => ({ ...t, tolerationSeconds: t.tolerationSeconds === undefined ? undefined : String(t.tolerationSeconds) }));
  }
  if (scheduling.affinity !== undefined) spec.affinity = affinity(scheduling.affinity);
  if (scheduling.topologySpreadConstraints.length > 0) {
    spec.topologySpreadConstraint = scheduling.topologySpreadConstraints.map(
      (c): DeploymentV1SpecTemplateSpecTopologySpreadConstraint => ({ ...c, labelSelector: [selector(c.labelSelector ?? { matchLabels: selectorLabels })] }),
    );
  }
  if (scheduling.priorityClassName !== undefined) spec.priorityClassName = scheduling.priorityClassName;
  if (scheduling.imagePullSecrets.length > 0) spec.imagePullSecrets = scheduling.imagePullSecrets.map((s) => ({ name: s.name }));
  if (scheduling.serviceAccountName !== undefined) spec.serviceAccountName = scheduling.serviceAccountName;
  return spec as SchedulingSpec;
}

function selector(s: Selector) {
  return { matchLabels: s.matchLabels, matchExpressions: s.matchExpressions };
}

function podAffinityTerm(term: PodAffinityTerm) {
  return {
    topologyKey: term.topologyKey,
    namespaces: term.namespaces,
    labelSelector: term.labelSelector === undefined ? undefined : [selector(term.labelSelector)],
    namespaceSelector: term.namespaceSelector === undefined ? undefined : [selector(term.namespaceSelector)],
  };
}

function podAffinity(a: PodAffinity | undefined) {
  if (a === undefined) return undefined;
  return {
    requiredDuringSchedulingIgnoredDuringExecution: a.requiredDuringSchedulingIgnoredDuringExecution?.map(podAffinityTerm),
    preferredDuringSchedulingIgnoredDuringExecution: a.preferredDuringSchedulingIgnoredDuringExecution?.map((p) => ({ weight: p.weight, podAffinityTerm: podAffinityTerm(p.podAffinityTerm) })),
  };
}

function affinity(a: Affinity): DeploymentV1SpecTemplateSpecAffinity {
  const node = a.nodeAffinity;
  return {
    nodeAffinity:
      node === undefined
        ? undefined
        : {
            requiredDuringSchedulingIgnoredDuringExecution:
              node.requiredDuringSchedulingIgnoredDuringExecution === undefined
                ? undefined
                : { nodeSelectorTerm: node.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms },
            preferredDuringSchedulingIgnoredDuringExecution: node.preferredDuringSchedulingIgnoredDuringExecution,
          },
    podAffinity: podAffinity(a.podAffinity),
    podAntiAffinity: podAffinity(a.podAntiAffinity),
  };
}

/** Pod-template annotations: the operator's, then the construct's own (which win). */
export function podAnnotations(scheduling: PodScheduling | undefined, own: Record<string, string> = {}): Record<string, string> | undefined {
  const merged = { ...scheduling?.podAnnotations, ...own };
  return Object.keys(merged).length > 0 ? merged : undefined;
}
