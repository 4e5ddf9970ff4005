import { RandomProvider } from "@cdktf/provider-random/lib/provider/index.js";
import { Fn, Op, TerraformLocal, TerraformStack, TerraformVariable, Token, ref, type IResolvable, type TerraformResource } from "cdktf";
import { CoderAgent } from "../lib/coder/agent.ts";
import { CoderApp } from "../lib/coder/app.ts";
import { CoderProvider } from "../lib/coder/provider.ts";
import { CoderScript } from "../lib/coder/script.ts";
import { parseWorkspaceConfig } from "../lib/core/config.ts";
import type { WorkspaceConfig } from "../lib/core/config-schema.ts";
import { convexImages } from "../lib/core/images.ts";
import { CoderParameter } from "../lib/coder/parameter.ts";
import { CoderProvisioner, CoderWorkspace, CoderWorkspaceOwner } from "../lib/coder/workspace.ts";
import { STORAGE_MODES, type StorageModeName } from "../lib/core/storage.ts";
import { envLocalScript } from "./template-env-local.ts";

/**
 * The coder_agent's Terraform name. Coder uses it as the agent name, and it is part of every subdomain app URL
 * (`<slug>--main--<workspace>--<owner>`), so the URLs below hard-code it.
 */
export const AGENT_NAME = "main";

/** Slugs of the Convex apps; each is the first label of the app's subdomain (Coder's slug rule: test/templates/shared.test.ts). */
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

/** The share levels an admin may give the Convex apps (`coder_app.share`). */
export const SHARE_LEVELS = ["owner", "authenticated", "public"] as const;

/** The admin's reachability settings: template variables, with safe defaults. */
export const SHARE_VARIABLES = {
  /** Share level of the Convex API and HTTP-actions apps. */
  api: { name: "convex_api_share", default: "public" },
  /** Share level of the Convex dashboard app. */
  dashboard: { name: "convex_dashboard_share", default: "owner" },
} as const;

/** The name of the plan-time check that warns when the API app is not public. */
export const API_REACHABLE_CHECK = "convex_api_reachable";

/** The longest DNS label (RFC 1035); Coder's app host `<slug>--<agent>--<workspace>--<owner>` is one label. */
export const DNS_LABEL_LIMIT = 63;

/** The Coder inputs every template reads: the workspace, its owner, the storage parameter and derived locals. */
export interface CoderInputs {
  readonly workspace: CoderWorkspace;
  readonly owner: CoderWorkspaceOwner;
  readonly provisioner: CoderProvisioner;
  readonly storageMode: CoderParameter;
  /** `local.storage_mode`: the parameter's value. Every per-mode count reads this local. */
  readonly modeLocal: TerraformLocal;
  /** `local.start_count`: data.coder_workspace.me.start_count. */
  readonly startLocal: TerraformLocal;
  /** The wildcard access URL variable. */
  readonly wildcard: TerraformVariable;
  /** Share level of the API and HTTP-actions apps (`var.convex_api_share`). */
  readonly apiShare: string;
  /** Share level of the dashboard app (`var.convex_dashboard_share`). */
  readonly dashboardShare: string;
  /** Browser URLs of the apps (Terraform expressions), exactly as Coder forms them. */
  readonly urls: { readonly api: string; readonly site: string; readonly dashboard: string };
  /** The first DNS label of each app's host (Terraform expressions): what must fit 63 characters. */
  readonly hostLabels: { readonly api: string; readonly site: string; readonly dashboard: string };
}

function shareVariable(stack: TerraformStack, v: (typeof SHARE_VARIABLES)[keyof typeof SHARE_VARIABLES], what: string): string {
  const variable = new TerraformVariable(stack, v.name, {
    type: "string",
    default: v.default,
    description: `Who may open ${what} (coder_app share): ${SHARE_LEVELS.join(", ")}. See the template README for what each level costs.`,
  });
  variable.addValidation({
    condition: Fn.contains([...SHARE_LEVELS], variable.stringValue),
    errorMessage: `${v.name} must be one of ${SHARE_LEVELS.join(", ")}; got "${variable.stringValue}".`,
  });
  return variable.stringValue;
}

/**
 * Reads the Coder data sources, declares the storage parameter and the admin variables, and builds the app URLs
 * the way Coder does (coderd/workspaceapps/appurl and db2sdk.AppSubdomain): the access URL's scheme; the wildcard
 * host with `*` replaced by `<slug>[--<agent>]--<workspace>--<owner>`, lower-cased (browsers lower-case hosts, and
 * so do the origins they send); the access URL's port appended when the wildcard names none (SubdomainAppHost),
 * except the scheme's default port, which a browser drops from the origin.
 */
export function coderInputs(stack: TerraformStack): CoderInputs {
  const workspace = new CoderWorkspace(stack, "me");
  const owner = new CoderWorkspaceOwner(stack, "owner");
  owner.overrideLogicalId("me");
  const provisioner = new CoderProvisioner(stack, "provisioner");
  provisioner.overrideLogicalId("me");
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
      "Coder's wildcard access URL host pattern (CODER_WILDCARD_ACCESS_URL), e.g. \"*.apps.example.com\" or " +
      "\"*--apps.example.com\", with a port if Coder's has one. The Convex URLs are subdomain apps under it.",
  });
  wildcard.addValidation({
    condition: Fn.can(Fn.regex(WILDCARD_PATTERN, wildcard.stringValue)),
    errorMessage: `wildcard_access_url must be Coder's wildcard host pattern: one '*' at the start of the first label, no scheme or path, e.g. "*.apps.example.com"; got "${wildcard.stringValue}".`,
  });
  const agentSegment = new TerraformVariable(stack, "app_hosts_with_agent_name", {
    type: "bool",
    default: true,
    description:
      "Whether Coder puts the agent name into subdomain app hosts (<slug>--main--<workspace>--<owner>). Coder releases " +
      "before coder/coder PR #19750 (merged 2025-09) need it; later ones form <slug>--<workspace>--<owner> and still " +
      "route the longer form. Set false on a newer Coder for 6 more characters of room in the 63-character label.",
  });
  const apiShare = shareVariable(stack, SHARE_VARIABLES.api, "the Convex API and HTTP-actions apps");
  const dashboardShare = shareVariable(stack, SHARE_VARIABLES.dashboard, "the Convex dashboard app");

  const modeLocal = new TerraformLocal(stack, "storage_mode", storageMode.value);
  const startLocal = new TerraformLocal(stack, "start_count", workspace.startCount);
  const scheme = new TerraformLocal(stack, "app_scheme", Fn.lower(Fn.element(Fn.split("://", workspace.accessUrl), 0))).asString;
  const defaultPort = Op.or(Op.and(Op.eq(scheme, "https"), Op.eq(workspace.accessPort, 443)), Op.and(Op.eq(scheme, "http"), Op.eq(workspace.accessPort, 80)));
  const wildcardHasPort = Op.gte(Fn.lengthOf(Fn.regexall(":[0-9]+$", wildcard.stringValue)), 1);
  const port = new TerraformLocal(stack, "app_port", Fn.conditional(Op.or(wildcardHasPort, defaultPort), "", `:${Token.asString(workspace.accessPort)}`)).asString;
  // What follows the slug: [--<agent>]--<workspace>--<owner>, lower-case.
  const tail = new TerraformLocal(
    stack,
    "app_subdomain_tail",
    `${Fn.conditional(agentSegment.booleanValue, `--${AGENT_NAME}`, "")}--${Fn.lower(workspace.name)}--${Fn.lower(owner.name)}`,
  ).asString;
  // The rest of the wildcard's first label after '*' (e.g. "--apps" in "*--apps.example.com"): it is part of the label.
  const labelSuffix = new TerraformLocal(stack, "app_label_suffix", Fn.lower(Fn.element(Fn.split(".", Fn.element(Fn.split("*", wildcard.stringValue), 1)), 0))).asString;
  const host = (key: keyof typeof APP_SLUGS) => {
    const slug = APP_SLUGS[key];
    const local = slug.replace(/-/g, "_");
    return {
      url: new TerraformLocal(stack, `${local}_url`, `${scheme}://${Fn.lower(Fn.replace(wildcard.stringValue, "*", Fn.join("", [slug, tail])))}${port}`).asString,
      label: new TerraformLocal(stack, `${local}_host_label`, `${slug}${tail}${labelSuffix}`).asString,
    };
  };
  const api = host("api");
  const site = host("site");
  const dashboard = host("dashboard");
  return {
    workspace,
    owner,
    provisioner,
    storageMode,
    modeLocal,
    startLocal,
    wildcard,
    apiShare,
    dashboardShare,
    urls: { api: api.url, site: site.url, dashboard: dashboard.url },
    hostLabels: { api: api.label, site: site.label, dashboard: dashboard.label },
  };
}

/** Coder's wildcard host rule (appurl.CompileHostnamePattern): '*' first, two labels at least, an optional port. */
const WILDCARD_PATTERN = "^[*][a-zA-Z0-9-]*([.][a-zA-Z0-9-]+)+(:[0-9]+)?$";

/** The test "the workspace picked one of `modes`", as a Terraform expression over `local.storage_mode`. */
function picked(inputs: CoderInputs, modes: readonly StorageModeName[]): ReturnType<typeof Op.eq> {
  return modes.map((m) => Op.eq(inputs.modeLocal.asString, m)).reduce((a, b) => Op.or(a, b));
}

/** 1 when the workspace picked one of `modes`, else 0: the count of a mode's data (it ignores start_count). */
export function modeCount(inputs: CoderInputs, modes: readonly StorageModeName[]): number {
  return Token.asNumber(Fn.conditional(picked(inputs, modes), 1, 0));
}

/**
 * The count of a mode's compute: start_count when the workspace picked one of `modes` (and `when` holds), else 0.
 * @param when a further condition, e.g. the template's database kind. @default - none
 */
export function modeComputeCount(inputs: CoderInputs, modes: readonly StorageModeName[], when?: IResolvable): number {
  const condition = when === undefined ? picked(inputs, modes) : Op.and(picked(inputs, modes), when);
  return Token.asNumber(Fn.conditional(condition, inputs.startLocal.asNumber, 0));
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

/** The Convex apps: slug key, id, name on the workspace page, icon (all in Coder's site/static/icon) and order. */
const APPS = [
  { key: "dashboard", id: "DashboardApp", displayName: "Convex dashboard", icon: "/icon/desktop.svg", order: 1 },
  { key: "api", id: "ApiApp", displayName: "Convex API", icon: "/icon/database.svg", order: 2 },
  { key: "site", id: "SiteApp", displayName: "Convex HTTP actions", icon: "/icon/widgets.svg", order: 3 },
] as const;

/**
 * The Coder agent (named `main`, the provisioner's arch), the script that writes `.env.local`, and the three
 * subdomain apps (API, HTTP actions, dashboard; share levels from the admin variables, healthchecks, a plan-time
 * check that each host fits one DNS label), for a backend and dashboard at `inNetwork`.
 *
 * Reachability: with the API shared `public` (the default) every client uses the one browser URL: the developer's
 * web app, the dashboard's requests, the backend's own Node-action callbacks to CONVEX_CLOUD_ORIGIN and the
 * `convex` CLI, so `npx convex dev` finds `.env.local` already pointing where it would write. With `owner` or
 * `authenticated`, Coder answers requests without a Coder session with its login redirect: the CLI then uses the
 * in-network URL, and a `check` warns at plan time about the clients that break.
 */
export function workspaceAgent(stack: TerraformStack, inputs: CoderInputs, inNetwork: InNetworkUrls): CoderAgent {
  const apiPublic = Op.eq(inputs.apiShare, "public");
  // CONVEX_SELF_HOSTED_URL: the URL the `convex` CLI in the workspace uses.
  const cliUrl = new TerraformLocal(stack, "convex_cli_url", Fn.conditional(apiPublic, inputs.urls.api, inNetwork.api)).asString;
  const agent = new CoderAgent(stack, "Agent", {
    name: AGENT_NAME,
    os: "linux",
    arch: inputs.provisioner.arch,
    env: { CONVEX_SELF_HOSTED_URL: cliUrl, CONVEX_STORAGE_MODE: inputs.modeLocal.asString },
    metadata: [
      { key: "0_storage_mode", displayName: "Convex storage", script: `echo ${inputs.modeLocal.asString}`, interval: 3600, order: 1 },
      { key: "1_convex_backend", displayName: "Convex backend", script: `curl -fsS -m 2 ${inNetwork.api}/version >/dev/null && echo up || echo down`, interval: 30, timeout: 3, order: 2 },
    ],
  });
  new CoderScript(stack, "EnvLocal", {
    agentId: agent.id,
    displayName: "Convex .env.local",
    icon: "/icon/database.svg",
    runOnStart: true,
    startBlocksLogin: false,
    timeout: 300,
    script: envLocalScript({ selfHostedUrl: cliUrl, cloudUrl: inputs.urls.api, siteUrl: inputs.urls.site, pinBrowserUrl: Fn.conditional(apiPublic, "", "1") }),
  });
  const upstream = { api: inNetwork.api, site: inNetwork.site, dashboard: inNetwork.dashboard };
  const health = { api: `${inNetwork.api}/version`, site: `${inNetwork.api}/version`, dashboard: `${inNetwork.dashboard}/` };
  for (const a of APPS) {
    const label = inputs.hostLabels[a.key];
    new CoderApp(stack, a.id, {
      agentId: agent.id,
      slug: APP_SLUGS[a.key],
      displayName: a.displayName,
      url: upstream[a.key],
      icon: a.icon,
      share: a.key === "dashboard" ? inputs.dashboardShare : inputs.apiShare,
      subdomain: true,
      order: a.order,
      healthcheck: { url: health[a.key], interval: 10, threshold: 30 },
      lifecycle: {
        precondition: [
          {
            condition: Op.lte(Fn.lengthOf(label), DNS_LABEL_LIMIT),
            errorMessage:
              `The ${a.displayName} app's host label "${label}" is ${Fn.lengthOf(label)} characters; a DNS label holds at most ${DNS_LABEL_LIMIT}, ` +
              `so Coder could not serve it. Give the workspace a shorter name (now "${inputs.workspace.name}", owner "${inputs.owner.name}"), ` +
              `or, on a Coder with coder/coder PR #19750, set the template variable app_hosts_with_agent_name = false.`,
          },
        ],
      },
    });
  }
  stack.addOverride(`check.${API_REACHABLE_CHECK}`, {
    assert: [
      {
        condition: apiPublic,
        error_message:
          `${SHARE_VARIABLES.api.name} is "${inputs.apiShare}": Coder answers requests without a Coder session with its login redirect, so the ` +
          `backend's Node actions ("use node", which call back to ${inputs.urls.api}), the Convex dashboard's requests and HTTP actions ` +
          `called from other sites fail; the convex CLI in the workspace uses ${inNetwork.api}. See "Troubleshooting" in the template README.`,
      },
    ],
  });
  return agent;
}

/**
 * `<type>.<name>[0].id` of a resource whose count is start_count: what `coder_metadata.resource_id` points at, as
 * the provider's example does (`kubernetes_pod.dev[0].id`).
 */
export function firstInstanceId(resource: TerraformResource): string {
  return Token.asString(ref(`${resource.terraformResourceType}.${resource.friendlyUniqueId}[0].id`, TerraformStack.of(resource)));
}
