import { RandomProvider } from "@cdktf/provider-random/lib/provider/index.js";
import { Fn, Op, TerraformLocal, TerraformVariable, Token, type TerraformStack } from "cdktf";
import { CoderAgent } from "../lib/coder/agent.ts";
import { APP_SLUG_PATTERN, CoderApp } from "../lib/coder/app.ts";
import { CoderProvider } from "../lib/coder/provider.ts";
import { CoderScript } from "../lib/coder/script.ts";
import { parseWorkspaceConfig } from "../lib/core/config.ts";
import type { WorkspaceConfig } from "../lib/core/config-schema.ts";
import { convexImages } from "../lib/core/images.ts";
import { CoderParameter } from "../lib/coder/parameter.ts";
import { CoderWorkspace, CoderWorkspaceOwner } from "../lib/coder/workspace.ts";
import { configError } from "../lib/core/errors.ts";
import { STORAGE_MODES, type StorageModeName } from "../lib/core/storage.ts";
import { envLocalScript } from "./template-env-local.ts";
import { tfExpression } from "../lib/terraform/expression.ts";

/**
 * The coder_agent's Terraform name. Coder uses it as the agent name, and it is part of every subdomain app URL
 * (`<slug>--main--<workspace>--<owner>`), so the URLs below hard-code it.
 */
export const AGENT_NAME = "main";

/** Slugs of the Convex apps; each is the first label of the app's subdomain. */
export const APP_SLUGS = { api: "convex-api", site: "convex-site", dashboard: "convex-dashboard" } as const;

/** The name of the storage parameter, as Coder stores it. */
export const STORAGE_PARAMETER = "storage_mode";

/** What each storage mode means to the developer who picks it (shown in Coder's create-workspace form). */
export const STORAGE_MODE_OPTIONS: Record<StorageModeName, { readonly name: string; readonly description: string }> = {
  local: {
    name: "Local disk",
    description: "Files live on the backend's own volume next to its database. Simplest; no bucket is created.",
  },
  s3: {
    name: "Workspace bucket (direct S3)",
    description: "Files go to a bucket created for this workspace; the backend talks to it directly with compatibility settings.",
  },
  proxied: {
    name: "Workspace bucket (through the S3 proxy)",
    description: "Files go to this workspace's bucket through a small S3 compatibility proxy; the backend keeps Convex's AWS defaults.",
  },
};

/** The Coder inputs every template reads: the workspace, its owner, the storage parameter and derived locals. */
export interface CoderInputs {
  readonly workspace: CoderWorkspace;
  readonly owner: CoderWorkspaceOwner;
  readonly storageMode: CoderParameter;
  /** `local.storage_mode`: the parameter's value. Every per-mode count reads this local. */
  readonly modeLocal: TerraformLocal;
  /** `local.start_count`: data.coder_workspace.me.start_count. */
  readonly startLocal: TerraformLocal;
  /** The wildcard access URL variable. */
  readonly wildcard: TerraformVariable;
  /** Browser URLs of the apps (Terraform expressions). */
  readonly urls: { readonly api: string; readonly site: string; readonly dashboard: string };
}

/** Reads the Coder data sources, declares the storage parameter and the wildcard variable, and builds the app URLs. */
export function coderInputs(stack: TerraformStack): CoderInputs {
  for (const slug of Object.values(APP_SLUGS)) {
    if (!APP_SLUG_PATTERN.test(slug)) throw configError("app slug", slug, `match ${APP_SLUG_PATTERN.source}`);
  }
  const workspace = new CoderWorkspace(stack, "me");
  const owner = new CoderWorkspaceOwner(stack, "owner");
  owner.overrideLogicalId("me");
  const storageMode = new CoderParameter(stack, "StorageModeParameter", {
    name: STORAGE_PARAMETER,
    displayName: "Convex file storage",
    description:
      "Where your Convex backend stores files (`ctx.storage`). It is fixed when the workspace is created: Convex locks " +
      "its database to one storage type, so changing it later would stop the backend from starting.",
    type: "string",
    formType: "radio",
    default: "local",
    mutable: false,
    icon: "/emojis/1f4be.png",
    order: 1,
    options: STORAGE_MODES.map((mode) => ({ value: mode, ...STORAGE_MODE_OPTIONS[mode] })),
  });
  storageMode.overrideLogicalId(STORAGE_PARAMETER);
  const wildcard = new TerraformVariable(stack, "wildcard_access_url", {
    type: "string",
    description:
      "Coder's wildcard access URL host pattern (CODER_WILDCARD_ACCESS_URL), e.g. \"*.apps.example.com\". The Convex URLs " +
      "are subdomain apps under it.",
    validation: [{ condition: tfExpression('length(split("*", var.wildcard_access_url)) == 2'), errorMessage: "wildcard_access_url must contain exactly one '*', e.g. \"*.apps.example.com\"." }],
  });
  const modeLocal = new TerraformLocal(stack, "storage_mode", storageMode.value);
  const startLocal = new TerraformLocal(stack, "start_count", workspace.startCount);
  const scheme = new TerraformLocal(stack, "app_scheme", Fn.element(Fn.split("://", workspace.accessUrl), 0));
  // Coder's app host: the wildcard with '*' replaced by <slug>--<agent>--<workspace>--<owner> (lower-case).
  const url = (slug: string) =>
    new TerraformLocal(
      stack,
      `${slug.replace(/-/g, "_")}_url`,
      `${scheme.asString}://${Fn.replace(wildcard.stringValue, "*", `${slug}--${AGENT_NAME}--${Fn.lower(workspace.name)}--${Fn.lower(owner.name)}`)}`,
    ).asString;
  return {
    workspace,
    owner,
    storageMode,
    modeLocal,
    startLocal,
    wildcard,
    urls: { api: url(APP_SLUGS.api), site: url(APP_SLUGS.site), dashboard: url(APP_SLUGS.dashboard) },
  };
}

/** The test "the workspace picked one of `modes`", as a Terraform expression over `local.storage_mode`. */
function picked(inputs: CoderInputs, modes: readonly StorageModeName[]): ReturnType<typeof Op.eq> {
  return modes.map((m) => Op.eq(inputs.modeLocal.asString, m)).reduce((a, b) => Op.or(a, b));
}

/** 1 when the workspace picked one of `modes`, else 0: the count of a mode's data (it ignores start_count). */
export function modeCount(inputs: CoderInputs, modes: readonly StorageModeName[]): number {
  return Token.asNumber(Fn.conditional(picked(inputs, modes), 1, 0));
}

/** The count of a mode's compute: start_count when the workspace picked one of `modes`, else 0. */
export function modeComputeCount(inputs: CoderInputs, modes: readonly StorageModeName[]): number {
  return Token.asNumber(Fn.conditional(picked(inputs, modes), inputs.startLocal.asNumber, 0));
}

/** Coder's label set (as in Coder's Kubernetes example) plus the component; on every object of the template. */
export function coderLabels(inputs: CoderInputs, component: string): Record<string, string> {
  return {
    ...coderSelectorLabels(inputs, component),
    "app.kubernetes.io/part-of": "coder",
    "com.coder.resource": "true",
    "com.coder.workspace.id": inputs.workspace.id,
    "com.coder.workspace.name": inputs.workspace.name,
    "com.coder.user.id": inputs.owner.id,
    "com.coder.user.username": inputs.owner.name,
  };
}

/** The labels Services and Deployments select on: fixed for the life of the workspace (from its id). */
export function coderSelectorLabels(inputs: CoderInputs, component: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": `convex-${component}`,
    "app.kubernetes.io/instance": `coder-workspace-${inputs.workspace.id}`,
    "app.kubernetes.io/component": component,
  };
}

/** What both templates start from: the core's defaults and the images of their release. */
export interface TemplateBase {
  readonly defaults: WorkspaceConfig;
  readonly images: ReturnType<typeof convexImages>;
  readonly region: string;
}

/**
 * Sets up what both templates share: no backend block (Coder keeps the state as terraform.tfstate in its working
 * directory), the coder and random providers, and the core's defaults for a workspace.
 */
export function templateBase(stack: TerraformStack): TemplateBase {
  stack.addOverride("terraform.backend", undefined);
  new CoderProvider(stack, "coder");
  new RandomProvider(stack, "random", {});
  const defaults = parseWorkspaceConfig({ workspace: { name: "template" } });
  return { defaults, images: convexImages(defaults.convex.release), region: defaults.storage.region };
}

/** Where the workspace container reaches the backend's API and site and the dashboard, inside its network. */
export interface InNetworkUrls {
  readonly api: string;
  readonly site: string;
  readonly dashboard: string;
}

/**
 * The Coder agent (named `main`), the script that writes `.env.local`, and the three subdomain apps (API, HTTP
 * actions, dashboard; owner only, with healthchecks), for a backend and dashboard at `inNetwork`.
 */
export function workspaceAgent(stack: TerraformStack, inputs: CoderInputs, inNetwork: InNetworkUrls): CoderAgent {
  const agent = new CoderAgent(stack, "Agent", {
    name: AGENT_NAME,
    os: "linux",
    arch: "amd64",
    env: { CONVEX_SELF_HOSTED_URL: inNetwork.api, CONVEX_STORAGE_MODE: inputs.modeLocal.asString },
    metadata: [
      { key: "0_storage_mode", displayName: "Convex storage", script: `echo ${inputs.modeLocal.asString}`, interval: 3600 },
      { key: "1_convex_backend", displayName: "Convex backend", script: `curl -fsS -m 2 ${inNetwork.api}/version >/dev/null && echo up || echo down`, interval: 30, timeout: 3 },
    ],
  });
  new CoderScript(stack, "EnvLocal", {
    agentId: agent.id,
    displayName: "Convex .env.local",
    icon: "/icon/database.svg",
    runOnStart: true,
    startBlocksLogin: false,
    timeout: 300,
    script: envLocalScript({ selfHostedUrl: inNetwork.api, cloudUrl: inputs.urls.api, siteUrl: inputs.urls.site }),
  });
  const app = (id: string, slug: string, displayName: string, url: string, health: string, icon: string, order: number): void => {
    new CoderApp(stack, id, {
      agentId: agent.id,
      slug,
      displayName,
      url,
      icon,
      share: "owner",
      subdomain: true,
      order,
      healthcheck: { url: health, interval: 10, threshold: 30 },
    });
  };
  app("ApiApp", APP_SLUGS.api, "Convex API", inNetwork.api, `${inNetwork.api}/version`, "/icon/database.svg", 2);
  app("SiteApp", APP_SLUGS.site, "Convex HTTP actions", inNetwork.site, `${inNetwork.api}/version`, "/icon/widgets.svg", 3);
  app("DashboardApp", APP_SLUGS.dashboard, "Convex dashboard", inNetwork.dashboard, `${inNetwork.dashboard}/`, "/icon/dashboard.svg", 1);
  return agent;
}
