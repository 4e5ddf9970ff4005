import { App } from "cdktf";
import { loadWorkspaceConfig } from "./lib/core/config.ts";
import { ConfigError } from "./lib/core/errors.ts";
import { planWorkspace } from "./lib/core/plan.ts";
import { selectedTargets } from "./lib/core/targets.ts";
import { planDockerWorkspace } from "./lib/docker/plan.ts";
import { DOCKER_STACK_ID, WorkspaceDockerStack } from "./stacks/workspace-docker.ts";
import { KUBERNETES_STACK_ID, WorkspaceKubernetesStack } from "./stacks/workspace-kubernetes.ts";

/**
 * The CDKTF app: one workspace, described by config/workspace.example.yaml (or WORKSPACE_CONFIG) and the
 * WORKSPACE_NAME / NAMESPACE / STORAGE_MODE / CONVEX_RELEASE environment variables. Both stacks are synthesized,
 * or only the one WORKSPACE_TARGET (kubernetes | docker) names.
 */
function main(): void {
  const app = new App();
  const config = loadWorkspaceConfig();
  const targets = selectedTargets();
  if (targets.includes("kubernetes")) {
    new WorkspaceKubernetesStack(app, KUBERNETES_STACK_ID, { plan: planWorkspace(config, { target: "kubernetes" }) });
  }
  if (targets.includes("docker")) new WorkspaceDockerStack(app, DOCKER_STACK_ID, { plan: planDockerWorkspace(config) });
  app.synth();
}

try {
  main();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
