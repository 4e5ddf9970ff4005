import { App, TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { CoderAgent } from "../../lib/coder/agent.ts";
import { CoderApp } from "../../lib/coder/app.ts";
import { CoderMetadata } from "../../lib/coder/metadata.ts";
import { CoderParameter } from "../../lib/coder/parameter.ts";
import { CODER_PROVIDER_VERSION, CoderProvider } from "../../lib/coder/provider.ts";
import { CoderEnv, CoderScript } from "../../lib/coder/script.ts";
import { CoderProvisioner, CoderWorkspace, CoderWorkspaceOwner } from "../../lib/coder/workspace.ts";

interface Synth {
  terraform: { required_providers: Record<string, { source: string; version?: string }> };
  provider: Record<string, unknown[]>;
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data: Record<string, Record<string, Record<string, unknown>>>;
}

function synth(build: (stack: TerraformStack) => void): Synth {
  const stack = new TerraformStack(Testing.app(), "test");
  new CoderProvider(stack, "coder");
  build(stack);
  return JSON.parse(Testing.synth(stack, true)) as Synth;
}

describe("coder L1 classes", () => {
  it("pins coder/coder and emits an empty provider block", () => {
    const json = synth(() => undefined);
    expect(json.terraform.required_providers.coder).toEqual({ source: "coder/coder", version: CODER_PROVIDER_VERSION });
    expect(json.provider.coder).toEqual([{}]);
  });

  it("emits snake_case attributes, blocks as lists, no undefined, and references for computed attributes", () => {
    const json = synth((stack) => {
      const ws = new CoderWorkspace(stack, "me");
      const owner = new CoderWorkspaceOwner(stack, "owner");
      const p = new CoderParameter(stack, "p", { name: "mode", mutable: false, options: [{ name: "A", value: "a" }] });
      new CoderParameter(stack, "r", { name: "restore", default: "", validation: { regex: "^(a|b)?$", error: "use a or b" } });
      const provisioner = new CoderProvisioner(stack, "prov");
      provisioner.overrideLogicalId("me");
      const agent = new CoderAgent(stack, "Nested_Agent", { name: "main", os: "linux", arch: provisioner.arch, startupScript: "true", metadata: [{ key: "k", displayName: "K", script: "echo", interval: 5, order: 2 }] });
      new CoderApp(stack, "app", { agentId: agent.id, slug: "convex-api", url: "http://localhost:3210", subdomain: true, share: "owner", healthcheck: { url: "http://localhost:3210/version", interval: 5, threshold: 6 } });
      new CoderMetadata(stack, "meta", { count: ws.startCount, resourceId: agent.id, items: [{ key: "mode", value: p.value }] });
      new CoderScript(stack, "script", { agentId: agent.id, displayName: "S", script: "echo hi", runOnStart: true });
      new CoderScript(stack, "timed", { agentId: agent.id, displayName: "T", script: "true", timeout: 300 });
      new CoderEnv(stack, "env", { agentId: agent.id, name: "OWNER", value: owner.name });
      new CoderEnv(stack, "token", { agentId: agent.id, name: "T", value: `${agent.token} ${agent.initScript} ${ws.id} ${ws.name}` });
    });
    expect(json.resource.coder_agent.main).toMatchObject({ os: "linux", arch: "${data.coder_provisioner.me.arch}", startup_script: "true", metadata: [{ key: "k", display_name: "K", script: "echo", interval: 5, timeout: 1, order: 2 }] });
    expect(json.resource.coder_script.script).not.toHaveProperty("timeout");
    expect(json.resource.coder_script.timed).toMatchObject({ timeout: 300 });
    expect(Object.keys(json.data.coder_provisioner)).toEqual(["me"]);
    expect(json.resource.coder_agent.main).not.toHaveProperty("env");
    expect(json.resource.coder_app.app).toMatchObject({
      agent_id: "${coder_agent.main.id}",
      slug: "convex-api",
      subdomain: true,
      share: "owner",
      healthcheck: [{ url: "http://localhost:3210/version", interval: 5, threshold: 6 }],
    });
    expect(json.resource.coder_metadata.meta).toMatchObject({ count: "${data.coder_workspace.me.start_count}", resource_id: "${coder_agent.main.id}", item: [{ key: "mode", value: "${data.coder_parameter.p.value}" }] });
    expect(json.resource.coder_script.script).toMatchObject({ agent_id: "${coder_agent.main.id}", display_name: "S", run_on_start: true });
    expect(json.resource.coder_env.env).toMatchObject({ name: "OWNER", value: "${data.coder_workspace_owner.owner.name}" });
    expect(json.resource.coder_env.token.value).toBe("${coder_agent.main.token} ${coder_agent.main.init_script} ${data.coder_workspace.me.id} ${data.coder_workspace.me.name}");
    expect(json.data.coder_parameter.p).toMatchObject({ name: "mode", mutable: false, option: [{ name: "A", value: "a" }] });
    expect(json.data.coder_parameter.r).toEqual({ name: "restore", default: "", validation: [{ regex: "^(a|b)?$", error: "use a or b" }] });
  });

  it("fails if the agent name is not a Coder agent name", () => {
    const stack = new TerraformStack(new App(), "s");
    expect(() => new CoderAgent(stack, "a", { name: "my_agent", os: "linux", arch: "amd64" })).toThrow(/coder_agent name: got "my_agent"; match .*no '_'/);
  });

  it("fails if the agent's arch is one the provider rejects", () => {
    const stack = new TerraformStack(new App(), "s");
    expect(() => new CoderAgent(stack, "a", { name: "main", os: "linux", arch: "x86_64" })).toThrow('coder_agent arch: got "x86_64"; use one of amd64, armv7, arm64, or data.coder_provisioner\'s arch');
  });

  it("fails if a coder_script timeout is 0 or fractional (the provider's IntAtLeast(1) rejects it)", () => {
    const stack = new TerraformStack(new App(), "s");
    for (const timeout of [0, -1, 1.5]) {
      expect(() => new CoderScript(stack, `s${timeout}`, { agentId: "x", displayName: "S", script: "true", timeout })).toThrow(
        `coder_script timeout: got ${timeout}; use a whole number of seconds, at least 1 (the provider rejects 0), or leave it out for no timeout`,
      );
    }
  });

  it("fails if an app's share level is not one Coder has", () => {
    const stack = new TerraformStack(new App(), "s");
    expect(() => new CoderApp(stack, "a", { agentId: "x", slug: "convex-api", url: "http://localhost:1", share: "everyone" })).toThrow('coder_app share: got "everyone"; use one of owner, authenticated, public');
  });

  it("fails if an app slug is not a Coder slug", () => {
    const stack = new TerraformStack(new App(), "s");
    expect(() => new CoderApp(stack, "a", { agentId: "x", slug: "Convex_API", url: "http://localhost:1" })).toThrow(/coder_app slug: got "Convex_API"/);
  });
});
