import type { WorkspaceConfig } from "../core/config-schema.ts";
import { planWorkspace, type WorkspacePlan } from "../core/plan.ts";
import { workspaceNames } from "../core/names.ts";
import type { WorkspaceUrls } from "../core/urls.ts";
import { MINIO_PORT } from "./minio.ts";

/** The workspace's MinIO as the backend and the proxy reach it: the container's name on the workspace network. */
export function minioEndpoint(workspace: string): string {
  return `http://${workspaceNames(workspace.toLowerCase()).of("minio")}:${MINIO_PORT}`;
}

export interface DockerPlanOptions {
  /** URLs to use when the configuration names none. @default LOCAL_URLS (the published ports on 127.0.0.1) */
  readonly defaultUrls?: WorkspaceUrls;
}

/** Plans a workspace for the Docker target: the core's plan, with MinIO addressed by its container name. */
export function planDockerWorkspace(config: WorkspaceConfig, options: DockerPlanOptions = {}): WorkspacePlan {
  return planWorkspace(config, { target: "docker", minioEndpoint: minioEndpoint(config.workspace.name), defaultUrls: options.defaultUrls });
}
