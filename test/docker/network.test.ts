import { describe, expect, it } from "vitest";
import { WorkspaceNetwork } from "../../lib/docker/network.ts";
import { synthConstruct } from "../support/docker-construct.ts";

describe("WorkspaceNetwork", () => {
  it("defaults: a labelled bridge network with the given name", () => {
    const json = synthConstruct((scope) => new WorkspaceNetwork(scope, "Network", { name: "convex-a-network", labels: { "app.kubernetes.io/instance": "a" } }));
    expect(Object.values(json.resource.docker_network ?? {})).toEqual([
      { name: "convex-a-network", driver: "bridge", labels: [{ label: "app.kubernetes.io/instance", value: "a" }] },
    ]);
  });
});
