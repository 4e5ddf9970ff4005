/**
 * The Convex app URLs, share levels and plan-time checks of both templates, evaluated by the real terraform with
 * what Coder would hand a build. Expected URLs are written out by hand from Coder's rules
 * (coderd/workspaceapps/appurl: SubdomainAppHost, ApplicationURL.String; db2sdk.AppSubdomain).
 */
import { afterAll, describe, expect, it } from "vitest";
import { buildTemplateForTest, type BuiltTemplateUnderTest } from "../support/built-template.ts";
import { setupOnce } from "../support/setup-once.ts";
import { evaluateBuild, TerraformRefused, type CoderBuildInput, type EvaluatedBuild } from "../support/template-eval.ts";

const VARS: Record<string, Record<string, string>> = {
  kubernetes: { namespace: "coder-ws", wildcard_access_url: "*.apps.example.com" },
  docker: { wildcard_access_url: "*.apps.example.com" },
};
/** The compute resource that runs the agent, per template: what coder_metadata must point at. */
const AGENT_COMPUTE: Record<string, string> = { kubernetes: "kubernetes_deployment_v1.Workspace", docker: "docker_container.Workspace" };

const urlsOf = (b: EvaluatedBuild) => ({ api: b.locals.convex_api_url, site: b.locals.convex_site_url, dashboard: b.locals.convex_dashboard_url });

/** The refusal terraform gives `input`, with line breaks folded (terraform wraps long messages). */
function refusal(template: BuiltTemplateUnderTest, input: CoderBuildInput): string {
  try {
    evaluateBuild(template.json, input);
  } catch (e) {
    if (e instanceof TerraformRefused) return e.output.replace(/\s*\n\s*/g, " ");
    throw e;
  }
  throw new Error("terraform accepted the build");
}

for (const id of ["kubernetes", "docker"] as const) {
  describe(`${id} template: app URLs as Coder forms them, evaluated by terraform`, () => {
    let template: BuiltTemplateUnderTest;
    setupOnce(() => {
      template = buildTemplateForTest(id);
    }, 120_000);
    afterAll(() => template?.remove());
    const build = (input: Partial<CoderBuildInput> & { vars?: Record<string, string> } = {}) =>
      evaluateBuild(template.json, { storageMode: "local", startCount: 1, ...input, vars: { ...VARS[id], ...input.vars } });

    it("access URL without a port: the access URL's scheme, the agent segment, lower-cased names, no port", () => {
      const b = build({ accessUrl: "https://Coder.Example.com", accessPort: 443, workspaceName: "My-WS", ownerName: "Alice" });
      expect(urlsOf(b)).toEqual({
        api: "https://convex-api--main--my-ws--alice.apps.example.com",
        site: "https://convex-site--main--my-ws--alice.apps.example.com",
        dashboard: "https://convex-dashboard--main--my-ws--alice.apps.example.com",
      });
    });

    it("access URL with a port and a wildcard without one: Coder appends the access URL's port", () => {
      const b = build({ accessUrl: "https://coder.example.com:8443", accessPort: 8443 });
      expect(b.locals.convex_api_url).toBe("https://convex-api--main--dev--alice.apps.example.com:8443");
      expect(b.locals.convex_dashboard_url).toBe("https://convex-dashboard--main--dev--alice.apps.example.com:8443");
    });

    it("a wildcard with its own port keeps it; an http access URL gives http", () => {
      const b = build({ accessUrl: "http://127.0.0.1:3000", accessPort: 3000, vars: { wildcard_access_url: "*.apps.example.com:9080" } });
      expect(b.locals.convex_site_url).toBe("http://convex-site--main--dev--alice.apps.example.com:9080");
      const plain = build({ accessUrl: "http://coder.internal", accessPort: 80, vars: { wildcard_access_url: "*.coder.internal" } });
      expect(plain.locals.convex_api_url).toBe("http://convex-api--main--dev--alice.coder.internal");
    });

    it("the suffix form *--apps.example.com, and hosts without the agent segment when the admin turns it off", () => {
      const suffix = build({ vars: { wildcard_access_url: "*--apps.example.com" } });
      expect(suffix.locals.convex_api_url).toBe("https://convex-api--main--dev--alice--apps.example.com");
      expect(suffix.locals.convex_api_host_label).toBe("convex-api--main--dev--alice--apps");
      const short = build({ vars: { app_hosts_with_agent_name: "false" } });
      expect(short.locals.convex_dashboard_url).toBe("https://convex-dashboard--dev--alice.apps.example.com");
    });

    it("the backend's CONVEX_CLOUD_ORIGIN and CONVEX_SITE_ORIGIN are the browser URLs", () => {
      const b = build({ accessUrl: "https://coder.example.com:8443", accessPort: 8443 });
      const env = (Object.values(b.backendEnv)[0] ?? []).map((e) => (typeof e === "string" ? e : `${e.name}=${e.value ?? ""}`));
      expect(env).toEqual(expect.arrayContaining([
        "CONVEX_CLOUD_ORIGIN=https://convex-api--main--dev--alice.apps.example.com:8443",
        "CONVEX_SITE_ORIGIN=https://convex-site--main--dev--alice.apps.example.com:8443",
      ]));
    });

    it("a host label of exactly 63 characters passes; 64 fails at plan time with the label, its length and the fix", () => {
      // convex-dashboard--main-- (24) + 20 + -- (2) + 17 = 63
      const ws = "a".repeat(20);
      expect(build({ workspaceName: ws, ownerName: "b".repeat(17) }).locals.convex_dashboard_host_label).toHaveLength(63);
      const message = refusal(template, { storageMode: "local", startCount: 1, vars: VARS[id], workspaceName: ws, ownerName: "b".repeat(18) });
      expect(message).toContain(`The Convex dashboard app's host label "convex-dashboard--main--${ws}--${"b".repeat(18)}" is 64 characters; a DNS label holds at most 63`);
      expect(message).toContain("Give the workspace a shorter name");
      expect(message).toContain("app_hosts_with_agent_name = false");
    });

    it("the wildcard's own part of the first label counts: 58 characters plus '--apps' fails", () => {
      const input = { storageMode: "local", startCount: 1 as const, workspaceName: "a".repeat(20), ownerName: "b".repeat(12) };
      expect(build(input).locals.convex_dashboard_host_label).toHaveLength(58);
      expect(refusal(template, { ...input, vars: { ...VARS[id], wildcard_access_url: "*--apps.example.com" } })).toContain(
        `host label "convex-dashboard--main--${"a".repeat(20)}--${"b".repeat(12)}--apps" is 64 characters`,
      );
    });

    it("refuses a wildcard that is not Coder's host pattern, and a share level Coder does not have", () => {
      expect(refusal(template, { storageMode: "local", startCount: 1, vars: { ...VARS[id], wildcard_access_url: "https://*.apps.example.com" } })).toContain(
        `wildcard_access_url must be Coder's wildcard host pattern: one '*' at the start of the first label, no scheme or path, e.g. "*.apps.example.com"; got "https://*.apps.example.com".`,
      );
      expect(refusal(template, { storageMode: "local", startCount: 1, vars: { ...VARS[id], convex_api_share: "everyone" } })).toContain(
        'convex_api_share must be one of owner, authenticated, public; got "everyone".',
      );
    });

    it("share levels: API and HTTP actions public, dashboard owner by default; the admin variables change them", () => {
      const apps = template.json.resource.coder_app ?? {};
      const expressions = { api: apps.ApiApp?.share, site: apps.SiteApp?.share, dashboard: apps.DashboardApp?.share };
      expect(build({ expressions }).values).toEqual({ api: "public", site: "public", dashboard: "owner" });
      expect(build({ expressions, vars: { convex_api_share: "authenticated", convex_dashboard_share: "public" } }).values).toEqual({ api: "authenticated", site: "authenticated", dashboard: "public" });
    });

    it("warns at plan time when the API app is not public, naming the clients that break", () => {
      expect(build().applyOutput).not.toContain("Check block assertion failed");
      const out = build({ vars: { convex_api_share: "owner" } }).applyOutput.replace(/\s*\n[\s│]*/g, " ");
      expect(out).toContain("Check block assertion failed");
      expect(out).toContain('convex_api_share is "owner": Coder answers requests without a Coder session with its login redirect');
      expect(out).toContain('Node actions ("use node", which call back to https://convex-api--main--dev--alice.apps.example.com)');
    });

    it("puts coder_metadata on the compute resource that runs the agent, present exactly while it runs", () => {
      const metadata = Object.values(template.json.resource.coder_metadata ?? {});
      expect(metadata).toHaveLength(1);
      const compute = AGENT_COMPUTE[id] as string;
      expect(metadata[0]?.resource_id).toBe(`\${${compute}[0].id}`);
      const [type, name] = compute.split(".") as [string, string];
      expect(JSON.stringify(template.json.resource[type]?.[name])).toContain("coder_agent.main.init_script");
      for (const startCount of [1, 0] as const) {
        const resources = build({ startCount }).resources;
        expect(resources.includes("coder_metadata.WorkspaceInfo"), `start_count ${startCount}`).toBe(resources.includes(compute));
      }
    });

    it("gives the agent the provisioner's arch", () => {
      const arch = template.json.resource.coder_agent?.main?.arch;
      expect(arch).toBe("${data.coder_provisioner.me.arch}");
      expect(build({ arch: "arm64", expressions: { arch } }).values.arch).toBe("arm64");
    });
  });
}
