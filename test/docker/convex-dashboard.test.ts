import { TerraformStack, Testing } from "cdktf";
import { Container } from "@cdktf/provider-docker/lib/container/index.js";
import { describe, expect, it } from "vitest";
import { ConvexDashboard, type ConvexDashboardProps } from "../../lib/docker/convex-dashboard.ts";
import type { DockerContainer } from "../support/docker-synth.ts";
import type { TerraformJson } from "../support/synth.ts";

function synth(overrides: Partial<ConvexDashboardProps> = {}): DockerContainer {
  const stack = new TerraformStack(Testing.app(), "s");
  const backend = new Container(stack, "backend", { name: "b", image: "i" });
  new ConvexDashboard(stack, "Dashboard", {
    name: "d",
    image: "ghcr.io/get-convex/convex-dashboard:4d3b0a5de955a258e70e3813bbff486051d88820",
    networkName: "net",
    labels: {},
    deploymentUrl: "http://127.0.0.1:3210",
    backend,
    ...overrides,
  });
  const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
  return Object.values(json.resource.docker_container ?? {}).find((c) => c.name === "d") as unknown as DockerContainer;
}

describe("ConvexDashboard", () => {
  it("defaults: 6791 on 127.0.0.1, the browser-reachable backend URL, created after the backend", () => {
    const c = synth();
    expect(c.ports).toEqual([{ internal: 6791, external: 6791, ip: "127.0.0.1" }]);
    expect(c.env).toEqual(["NEXT_PUBLIC_DEPLOYMENT_URL=http://127.0.0.1:3210"]);
    expect(c.depends_on).toEqual(["docker_container.backend"]);
    expect(c.restart).toBe("unless-stopped");
  });

  it("fails if the host port is out of range", () => {
    expect(() => synth({ hostPort: 65536 })).toThrow("hostPort: got 65536; use a TCP port from 1 to 65535");
  });
});
