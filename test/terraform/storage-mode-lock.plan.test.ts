/**
 * The storage-mode lock against the real terraform, with state: the first apply records the mode; a later plan with
 * another mode fails with the message (before anything changes); the same mode plans clean. Both stacks.
 */
import { Testing } from "cdktf";
import { afterEach, describe, expect, it } from "vitest";
import { TerraformRefusedError, TerraformWorkdir } from "../../scripts/terraform-harness/terraform.ts";
import { DOCKER_STACK_ID, WorkspaceDockerStack } from "../../stacks/workspace-docker.ts";
import { dockerPlan, FIXTURE_BUNDLE } from "../support/docker-synth.ts";
import { synthKubernetes, type TerraformJson } from "../support/synth.ts";

function synthDockerMode(mode: string): TerraformJson {
  const stack = new WorkspaceDockerStack(Testing.app(), DOCKER_STACK_ID, { plan: dockerPlan({ storage: { mode } }), proxyBundle: FIXTURE_BUNDLE, environment: {} });
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

const targets: [string, (mode: string) => TerraformJson][] = [
  ["workspace-kubernetes", (mode) => synthKubernetes({ storage: { mode } })],
  ["workspace-docker", synthDockerMode],
];

describe.each(targets)("%s: the storage mode is locked at the first apply", (_target, synth) => {
  let workdir: TerraformWorkdir | undefined;
  afterEach(async () => workdir?.remove());

  it("a plan that changes local to s3 fails naming the workspace, both modes and the migration; local again plans", async () => {
    workdir = await TerraformWorkdir.create();
    // What the admin-key container's postcondition checks after an apply: the key generator's output.
    await workdir.apply(synth("local"), { computed: { "docker_container.container_logs": "Admin key:\nconvex-alice-dev|01ab\n" } });

    const refused = await workdir.plan(synth("s3")).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TerraformRefusedError);
    const message = (refused as TerraformRefusedError).diagnostics.replace(/\s+/g, " ");
    expect(message).toContain("Resource precondition failed");
    expect(message).toContain(
      'Workspace alice-dev was created with storage mode "local", and this plan asks for "s3". Convex locks its database to the storage mode of its first start, so the backend would refuse to start. Keep "local" (STORAGE_MODE / storage.mode), or migrate: npx convex export --path backup.zip from this workspace, create a new workspace with storage mode "s3", then npx convex import --replace-all backup.zip there.',
    );

    const again = await workdir.plan(synth("local"));
    expect(again.resources).toEqual([]);
  });

  it("the first plan of a new workspace passes in every mode (nothing is recorded yet)", async () => {
    workdir = await TerraformWorkdir.create();
    for (const mode of ["local", "s3", "proxied"]) await expect(workdir.plan(synth(mode))).resolves.toBeDefined();
  });
});
