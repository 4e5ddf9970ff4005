/**
 * What both Coder templates share (stacks/template-shared.ts), on a stack of its own: the Coder inputs, the admin
 * variables, the agent, its apps and check, the per-mode counts and the label sets, as synthesized and as the real
 * terraform evaluates them (test/support/template-eval.ts). Expected values are written out by hand from Coder's
 * rules (coderd/workspaceapps/appurl, db2sdk.AppSubdomain). Each template's own wiring: docker.test.ts,
 * kubernetes.test.ts, app-urls.test.ts.
 */
import { App, DataResource, Op, Testing, TerraformStack } from "cdktf";
import { describe, expect, it } from "vitest";
import { APP_SLUG_PATTERN } from "../../lib/coder/app.ts";
import { STORAGE_MODES } from "../../lib/core/storage.ts";
import { APP_SLUGS, coderInputs, coderLabels, coderSelectorLabels, firstInstanceId, modeComputeCount, modeCount, templateBase, workspaceAgent, type TemplateBase } from "../../stacks/template-shared.ts";
import { setupOnce } from "../support/setup-once.ts";
import { evaluateBuild, TerraformRefused, type CoderBuildInput, type EvaluatedBuild, type TemplateJson } from "../support/template-eval.ts";

type Body = Record<string, unknown>;
const IN_NETWORK = { api: "http://backend:3210", site: "http://backend:3211", dashboard: "http://dashboard:6791" };
const VARS = { wildcard_access_url: "*.apps.example.com" };

let json: TemplateJson & { check?: Body; provider?: Body; terraform?: Body };
let base: TemplateBase;

/** A stack with only the shared parts, and terraform_data resources carrying the per-mode counts and label sets. */
function sharedStack(): TerraformStack {
  const stack = new TerraformStack(new App(), "shared");
  base = templateBase(stack);
  const inputs = coderInputs(stack);
  workspaceAgent(stack, inputs, IN_NETWORK);
  const data = new DataResource(stack, "BucketData", { input: { labels: coderLabels(inputs, "minio"), selector: coderSelectorLabels(inputs, "minio") } });
  data.count = modeCount(inputs, ["s3", "proxied"]);
  const proxy = new DataResource(stack, "ProxyCompute", {});
  proxy.count = modeComputeCount(inputs, ["proxied"]);
  const compute = new DataResource(stack, "PostgresCompute", {});
  compute.count = modeComputeCount(inputs, STORAGE_MODES, Op.eq(inputs.storageMode.value, "s3"));
  new DataResource(stack, "Metadata", { input: { resource_id: firstInstanceId(proxy) } });
  return stack;
}

setupOnce(() => {
  const stack = sharedStack();
  // What app.synth() does first (it adds the default backend that templateBase must remove).
  stack.prepareStack();
  json = JSON.parse(Testing.synth(stack)) as typeof json;
});

const resource = (type: string, name: string): Body => json.resource[type]?.[name] ?? {};
const without = (b: Body, ...keys: string[]): Body => Object.fromEntries(Object.entries(b).filter(([k]) => k !== "//" && !keys.includes(k)));

describe("template-shared: what the templates start from", () => {
  it("no Terraform backend, the coder and random providers, and the core's defaults (region us-east-1, images of the release)", () => {
    expect(json.terraform).not.toHaveProperty("backend");
    expect(Object.keys(json.provider ?? {}).sort()).toEqual(["coder", "random"]);
    expect(base.region).toBe("us-east-1");
    expect(base.defaults.workspace.name).toBe("template");
    expect(base.images.backend).toContain(base.defaults.convex.release);
  });

  it("the apps' slugs follow Coder's slug rule", () => {
    expect(Object.values(APP_SLUGS)).toEqual(["convex-api", "convex-site", "convex-dashboard"]);
    for (const slug of Object.values(APP_SLUGS)) expect(slug).toMatch(APP_SLUG_PATTERN);
  });

  it("the storage_mode parameter: fixed at creation, a radio of the three modes, each with its name and what it means", () => {
    expect(without(json.data?.coder_parameter?.storage_mode ?? {})).toEqual({
      name: "storage_mode",
      display_name: "Convex file storage",
      description:
        "Where your Convex backend stores files (`ctx.storage`). It is fixed when the workspace is created: Convex locks its database to one storage " +
        "type, so changing it later would stop the backend from starting.",
      type: "string",
      form_type: "radio",
      default: "local",
      mutable: false,
      icon: "/emojis/1f4be.png",
      order: 1,
      option: [
        { value: "local", name: "Local disk", description: "Files live on the backend's own volume next to its database. Simplest; no bucket is created." },
        {
          value: "s3",
          name: "Workspace bucket (direct S3)",
          description: "Files go to a bucket created for this workspace; the backend talks to it directly with compatibility settings.",
        },
        {
          value: "proxied",
          name: "Workspace bucket (through the S3 proxy)",
          description: "Files go to this workspace's bucket through a small S3 compatibility proxy; the backend keeps Convex's AWS defaults.",
        },
      ],
    });
    expect(Object.keys(json.data?.coder_workspace ?? {})).toEqual(["me"]);
    expect(Object.keys(json.data?.coder_workspace_owner ?? {})).toEqual(["me"]);
    expect(Object.keys(json.data?.coder_provisioner ?? {})).toEqual(["me"]);
  });

  it("the admin variables: the wildcard (required, Coder's pattern), the agent segment, and the two share levels with safe defaults", () => {
    const v = json.variable ?? {};
    expect(v.wildcard_access_url).toEqual({
      type: "string",
      description:
        "Coder's wildcard access URL host pattern (CODER_WILDCARD_ACCESS_URL), e.g. \"*.apps.example.com\" or \"*--apps.example.com\", with a port if " +
        "Coder's has one. The Convex URLs are subdomain apps under it.",
      validation: [
        {
          condition: '${can(regex("^[*][a-zA-Z0-9-]*([.][a-zA-Z0-9-]+)+(:[0-9]+)?$", var.wildcard_access_url))}',
          error_message:
            "wildcard_access_url must be Coder's wildcard host pattern: one '*' at the start of the first label, no scheme or path, e.g. \"*.apps.example.com\"; " +
            'got "${var.wildcard_access_url}".',
        },
      ],
    });
    expect(v.app_hosts_with_agent_name).toEqual({
      type: "bool",
      default: true,
      description:
        "Whether Coder puts the agent name into subdomain app hosts (<slug>--main--<workspace>--<owner>). Coder releases before coder/coder PR #19750 " +
        "(merged 2025-09) need it; later ones form <slug>--<workspace>--<owner> and still route the longer form. Set false on a newer Coder for 6 more " +
        "characters of room in the 63-character label.",
    });
    const share = (name: string, byDefault: string, what: string) => ({
      type: "string",
      default: byDefault,
      description: `Who may open ${what} (coder_app share): owner, authenticated, public. See the template README for what each level costs.`,
      validation: [
        {
          condition: `\${contains(["owner", "authenticated", "public"], var.${name})}`,
          error_message: `${name} must be one of owner, authenticated, public; got "\${var.${name}}".`,
        },
      ],
    });
    expect(v.convex_api_share).toEqual(share("convex_api_share", "public", "the Convex API and HTTP-actions apps"));
    expect(v.convex_dashboard_share).toEqual(share("convex_dashboard_share", "owner", "the Convex dashboard app"));
  });

  it("Coder's label set with the component, and the selector labels fixed by the workspace id", () => {
    const selector = {
      "app.kubernetes.io/name": "convex-minio",
      "app.kubernetes.io/instance": "coder-workspace-${data.coder_workspace.me.id}",
      "app.kubernetes.io/component": "minio",
    };
    expect((resource("terraform_data", "BucketData").input as Body).selector).toEqual(selector);
    expect((resource("terraform_data", "BucketData").input as Body).labels).toEqual({
      ...selector,
      "app.kubernetes.io/part-of": "coder",
      "com.coder.resource": "true",
      "com.coder.workspace.id": "${data.coder_workspace.me.id}",
      "com.coder.workspace.name": "${data.coder_workspace.me.name}",
      "com.coder.user.id": "${data.coder_workspace_owner.me.id}",
      "com.coder.user.username": "${data.coder_workspace_owner.me.name}",
    });
    expect((resource("terraform_data", "Metadata").input as Body).resource_id).toBe("${terraform_data.ProxyCompute[0].id}");
  });
});

describe("template-shared: the agent, its script and apps, as written", () => {
  it("the agent main: linux, the provisioner's arch, the CLI's URL and the storage mode in its environment, two metadata items", () => {
    expect(without(resource("coder_agent", "main"))).toEqual({
      os: "linux",
      arch: "${data.coder_provisioner.me.arch}",
      env: { CONVEX_SELF_HOSTED_URL: "${local.convex_cli_url}", CONVEX_STORAGE_MODE: "${local.storage_mode}" },
      metadata: [
        { key: "0_storage_mode", display_name: "Convex storage", script: "echo ${local.storage_mode}", interval: 3600, order: 1, timeout: 1 },
        {
          key: "1_convex_backend",
          display_name: "Convex backend",
          script: "curl -fsS -m 2 http://backend:3210/version >/dev/null && echo up || echo down",
          interval: 30,
          timeout: 3,
          order: 2,
        },
      ],
    });
  });

  it("the .env.local script: on every start, not blocking login, five minutes at most", () => {
    const script = resource("coder_script", "EnvLocal");
    expect(without(script, "script")).toEqual({
      agent_id: "${coder_agent.main.id}",
      display_name: "Convex .env.local",
      icon: "/icon/database.svg",
      run_on_start: true,
      start_blocks_login: false,
      timeout: 300,
    });
    expect(script.script).toContain('pin="${(var.convex_api_share == "public") ? "" : "1"}"');
    expect(script.script).toContain('echo "CONVEX_SELF_HOSTED_URL=${local.convex_cli_url}"');
    expect(script.script).toContain('echo "VITE_CONVEX_URL=${local.convex_api_url}"');
    expect(script.script).toContain('echo "VITE_CONVEX_SITE_URL=${local.convex_site_url}"');
  });

  it("three subdomain apps: slug, name, icon, order, share level, upstream, health check, and the host-label precondition", () => {
    const app = (slug: string, name: string, icon: string, order: number, share: string, url: string, health: string) => ({
      agent_id: "${coder_agent.main.id}",
      slug,
      display_name: name,
      url,
      icon,
      share,
      subdomain: true,
      order,
      healthcheck: [{ url: health, interval: 10, threshold: 30 }],
      lifecycle: {
        precondition: [
          {
            condition: `\${(length(local.${slug.replace(/-/g, "_")}_host_label) <= 63)}`,
            error_message:
              `The ${name} app's host label "\${local.${slug.replace(/-/g, "_")}_host_label}" is \${length(local.${slug.replace(/-/g, "_")}_host_label)} characters; ` +
              "a DNS label holds at most 63, so Coder could not serve it. Give the workspace a shorter name (now \"${data.coder_workspace.me.name}\", owner " +
              '"${data.coder_workspace_owner.me.name}"), or, on a Coder with coder/coder PR #19750, set the template variable app_hosts_with_agent_name = false.',
          },
        ],
      },
    });
    const apps = Object.fromEntries(Object.entries(json.resource.coder_app ?? {}).map(([k, a]) => [k, without(a)]));
    expect(apps).toEqual({
      DashboardApp: app("convex-dashboard", "Convex dashboard", "/icon/desktop.svg", 1, "${var.convex_dashboard_share}", IN_NETWORK.dashboard, `${IN_NETWORK.dashboard}/`),
      ApiApp: app("convex-api", "Convex API", "/icon/database.svg", 2, "${var.convex_api_share}", IN_NETWORK.api, `${IN_NETWORK.api}/version`),
      SiteApp: app("convex-site", "Convex HTTP actions", "/icon/widgets.svg", 3, "${var.convex_api_share}", IN_NETWORK.site, `${IN_NETWORK.api}/version`),
    });
  });

  it("the check that the API is public, naming the clients that break", () => {
    expect(json.check).toEqual({
      convex_api_reachable: {
        assert: [
          {
            condition: '${(var.convex_api_share == "public")}',
            error_message:
              'convex_api_share is "${var.convex_api_share}": Coder answers requests without a Coder session with its login redirect, so the backend\'s Node ' +
              'actions ("use node", which call back to ${local.convex_api_url}), the Convex dashboard\'s requests and HTTP actions called from other sites ' +
              'fail; the convex CLI in the workspace uses http://backend:3210. See "Troubleshooting" in the template README.',
          },
        ],
      },
    });
  });
});

describe("template-shared: evaluated by terraform", () => {
  const WILDCARDS_ACCEPTED = ["*.apps.example.com", "*--apps.example.com", "*.apps.example.com:9080", "*.a.b.c", "*x-1.Example.com"];
  const WILDCARDS_REFUSED = ["https://*.apps.example.com", "apps.*.example.com", "*.example.com/path", "*", "*.", "*.example.com:", "*.example.com:80a", "x*.example.com", "*.exa_mple.com"];
  const builds: Record<string, EvaluatedBuild> = {};
  const build = (input: Partial<CoderBuildInput> & { vars?: Record<string, string> } = {}) =>
    evaluateBuild(json, { storageMode: "local", startCount: 1, ...input, vars: { ...VARS, ...input.vars } });
  setupOnce(() => {
    const condition = ((json.variable?.wildcard_access_url?.validation as { condition: string }[])[0] as { condition: string }).condition;
    const wildcards = Object.fromEntries([...WILDCARDS_ACCEPTED, ...WILDCARDS_REFUSED].map((w) => [w, condition.split("var.wildcard_access_url").join(JSON.stringify(w))]));
    const agentEnv = resource("coder_agent", "main").env;
    // The script's `pin="..."` line: the expression that decides whether .env.local pins the browser URL.
    const pin = String(resource("coder_script", "EnvLocal").script).split("\n").find((l) => l.startsWith('pin="'))?.slice('pin="'.length, -1);
    builds.local = build({ accessUrl: "https://Coder.Example.com", accessPort: 443, workspaceName: "My-WS", ownerName: "Alice", expressions: { wildcards, agentEnv, pin } });
    builds.s3 = build({ storageMode: "s3", accessUrl: "https://coder.example.com:8443", accessPort: 8443 });
    builds.proxied = build({ storageMode: "proxied", accessUrl: "http://127.0.0.1:3000", accessPort: 3000, vars: { wildcard_access_url: "*.apps.example.com:9080" } });
    builds.stopped = build({ storageMode: "proxied", startCount: 0, accessUrl: "http://coder.internal", accessPort: 80, vars: { wildcard_access_url: "*.coder.internal" } });
    builds.suffix = build({ storageMode: "s3", startCount: 0, vars: { wildcard_access_url: "*--apps.example.com", app_hosts_with_agent_name: "false", convex_api_share: "owner" }, expressions: { agentEnv, pin } });
  }, 120_000);
  const b = (name: string) => builds[name] as EvaluatedBuild;
  const urls = (e: EvaluatedBuild) => [e.locals.convex_api_url, e.locals.convex_site_url, e.locals.convex_dashboard_url];
  const counted = (e: EvaluatedBuild) => e.resources.filter((r) => r.startsWith("terraform_data.") && r !== "terraform_data.Metadata");

  it("app URLs: the access URL's scheme, the agent segment, lower-cased names, no default port", () => {
    expect(urls(b("local"))).toEqual([
      "https://convex-api--main--my-ws--alice.apps.example.com",
      "https://convex-site--main--my-ws--alice.apps.example.com",
      "https://convex-dashboard--main--my-ws--alice.apps.example.com",
    ]);
    expect([b("local").locals.convex_api_host_label, b("local").locals.convex_dashboard_host_label]).toEqual(["convex-api--main--my-ws--alice", "convex-dashboard--main--my-ws--alice"]);
  });

  it("app URLs: the access URL's port when the wildcard names none; the wildcard's own port; http's default port dropped", () => {
    expect(urls(b("s3"))).toEqual([
      "https://convex-api--main--dev--alice.apps.example.com:8443",
      "https://convex-site--main--dev--alice.apps.example.com:8443",
      "https://convex-dashboard--main--dev--alice.apps.example.com:8443",
    ]);
    expect(b("proxied").locals.convex_api_url).toBe("http://convex-api--main--dev--alice.apps.example.com:9080");
    expect(b("stopped").locals.convex_site_url).toBe("http://convex-site--main--dev--alice.coder.internal");
  });

  it("the suffix form *--apps.example.com, without the agent segment: the label holds the wildcard's part of it", () => {
    expect(b("suffix").locals.convex_api_url).toBe("https://convex-api--dev--alice--apps.example.com");
    expect(b("suffix").locals.convex_site_host_label).toBe("convex-site--dev--alice--apps");
  });

  it("the CLI's URL: the browser URL while the API is public, the in-network URL otherwise (and .env.local then pins the browser URL)", () => {
    expect(b("local").values.agentEnv).toEqual({ CONVEX_SELF_HOSTED_URL: "https://convex-api--main--my-ws--alice.apps.example.com", CONVEX_STORAGE_MODE: "local" });
    expect(b("local").values.pin).toBe("");
    expect(b("suffix").values.agentEnv).toEqual({ CONVEX_SELF_HOSTED_URL: "http://backend:3210", CONVEX_STORAGE_MODE: "s3" });
    expect(b("suffix").values.pin).toBe("1");
  });

  it("per-mode counts: a mode's data ignores start_count, its compute follows it, and a further condition narrows it", () => {
    expect(counted(b("local"))).toEqual([]);
    expect(counted(b("s3"))).toEqual(["terraform_data.BucketData", "terraform_data.PostgresCompute"]);
    expect(counted(b("proxied"))).toEqual(["terraform_data.BucketData", "terraform_data.ProxyCompute"]);
    expect(counted(b("stopped"))).toEqual(["terraform_data.BucketData"]);
    expect(counted(b("suffix"))).toEqual(["terraform_data.BucketData"]);
  });

  it("the wildcard rule: '*' first, two labels at least, an optional port; no scheme, path or other characters", () => {
    const values = b("local").values.wildcards as Record<string, boolean>;
    expect(Object.fromEntries(WILDCARDS_ACCEPTED.map((w) => [w, values[w]]))).toEqual(Object.fromEntries(WILDCARDS_ACCEPTED.map((w) => [w, true])));
    expect(Object.fromEntries(WILDCARDS_REFUSED.map((w) => [w, values[w]]))).toEqual(Object.fromEntries(WILDCARDS_REFUSED.map((w) => [w, false])));
  });

  it("the check warns only when the API is not public", () => {
    expect(b("local").applyOutput).not.toContain("Check block assertion failed");
    expect(b("suffix").applyOutput.replace(/\s*\n[\s│]*/g, " ")).toContain('convex_api_share is "owner": Coder answers requests without a Coder session');
  });

  it("refuses a host label of 64 characters at plan time (63 passes), with the label, its length and the fix", () => {
    const refusal = (input: Partial<CoderBuildInput>): string => {
      try {
        build(input);
      } catch (e) {
        if (e instanceof TerraformRefused) return e.output.replace(/\s*\n[\s│]*/g, " ");
        throw e;
      }
      return "accepted";
    };
    const ws = "a".repeat(20);
    expect(refusal({ workspaceName: ws, ownerName: "b".repeat(17) })).toBe("accepted");
    expect(refusal({ workspaceName: ws, ownerName: "b".repeat(18) })).toContain(
      `The Convex dashboard app's host label "convex-dashboard--main--${ws}--${"b".repeat(18)}" is 64 characters; a DNS label holds at most 63`,
    );
  });
});
