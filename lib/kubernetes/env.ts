import type { DeploymentV1SpecTemplateSpecContainerEnv } from "@cdktf/provider-kubernetes/lib/deployment-v1/index.js";
import type { EnvEntry, ValueRef } from "../core/env.ts";
import { InvariantError } from "../core/errors.ts";

/** Where a referenced value lives in the cluster: a key of a Secret or of a ConfigMap. */
export type KeyRef = { readonly secret: string; readonly key: string } | { readonly configMap: string; readonly key: string };

/** The cluster objects that hold each referenced value, for one workspace. */
export type RefSources = Partial<Record<ValueRef, KeyRef>>;

/**
 * Renders a core environment as a Kubernetes container `env` list: literals as `value`, references as
 * `valueFrom.secretKeyRef` / `configMapKeyRef`, so secrets reach the pod without passing through Terraform.
 * Order is kept (Kubernetes expands `$(VAR)` only for variables defined earlier).
 */
export function kubernetesEnv(env: readonly EnvEntry[], sources: RefSources): DeploymentV1SpecTemplateSpecContainerEnv[] {
  return env.map((e) => {
    if (e.value.kind === "literal") return { name: e.name, value: e.value.value };
    const source = sources[e.value.ref];
    if (source === undefined) throw new InvariantError(`environment variable ${e.name} refers to '${e.value.ref}', which no object of this stack provides`);
    return "secret" in source
      ? { name: e.name, valueFrom: { secretKeyRef: { name: source.secret, key: source.key } } }
      : { name: e.name, valueFrom: { configMapKeyRef: { name: source.configMap, key: source.key } } };
  });
}
