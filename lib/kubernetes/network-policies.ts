import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1/index.js";
import { Construct } from "constructs";
import type { Component } from "../core/names.ts";
import type { PolicyPeer, WorkspaceNetworkPolicy } from "../core/network-policy.ts";

export interface WorkspaceNetworkPoliciesProps {
  readonly namespace: string;
  /** The policies, from lib/core/network-policy.ts `networkPolicies(plan)`. */
  readonly policies: readonly WorkspaceNetworkPolicy[];
  /** Name of the policy of each component, e.g. `convex-alice-dev-backend`. */
  readonly nameOf: (component: Component) => string;
  readonly labelsOf: (component: Component) => Record<string, string>;
}

/**
 * One NetworkPolicy per component (ingress only), each selecting that component's pods by their selector labels.
 * Construct ids are the component names, so adding a component never renames another's policy.
 */
export class WorkspaceNetworkPolicies extends Construct {
  readonly resources: Readonly<Partial<Record<Component, NetworkPolicyV1>>>;

  constructor(scope: Construct, id: string, props: WorkspaceNetworkPoliciesProps) {
    super(scope, id);
    const resources: Partial<Record<Component, NetworkPolicyV1>> = {};
    for (const policy of props.policies) {
      resources[policy.component] = new NetworkPolicyV1(this, policy.component, {
        metadata: { name: props.nameOf(policy.component), namespace: props.namespace, labels: props.labelsOf(policy.component) },
        spec: {
          podSelector: { matchLabels: { ...policy.podSelector } },
          policyTypes: ["Ingress"],
          ingress: policy.ingress.map((rule) => ({
            ports: rule.ports.map((port) => ({ port: String(port), protocol: "TCP" })),
            from: rule.from.map(peer),
          })),
        },
      });
    }
    this.resources = resources;
  }
}

function peer(p: PolicyPeer) {
  return {
    namespaceSelector: p.namespaceLabels === undefined ? undefined : { matchLabels: { ...p.namespaceLabels } },
    podSelector: p.podLabels === undefined ? undefined : { matchLabels: { ...p.podLabels } },
  };
}
