import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1/index.js";
import { Construct } from "constructs";
import type { Component } from "../core/names.ts";
import type { PolicyPeer, PolicyRule, WorkspaceNetworkPolicy } from "../core/network-policy.ts";

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
          policyTypes: policy.egress === undefined ? ["Ingress"] : ["Ingress", "Egress"],
          ingress: policy.ingress.map((rule) => ({ ports: ports(rule), from: rule.peers.map(peer) })),
          egress: policy.egress?.map((rule) => ({ ports: ports(rule), to: rule.peers.map(peer) })),
        },
      });
    }
    this.resources = resources;
  }
}

function ports(rule: PolicyRule) {
  const protocols = rule.udp === true ? ["TCP", "UDP"] : ["TCP"];
  const list = rule.ports.flatMap((port) => protocols.map((protocol) => ({ port: String(port), protocol })));
  return list.length === 0 ? undefined : list;
}

function peer(p: PolicyPeer) {
  return {
    ipBlock: p.cidr === undefined ? undefined : { cidr: p.cidr },
    namespaceSelector: p.namespaceLabels === undefined ? undefined : { matchLabels: { ...p.namespaceLabels } },
    podSelector: p.podLabels === undefined ? undefined : { matchLabels: { ...p.podLabels } },
  };
}
