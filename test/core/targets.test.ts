import { describe, expect, it } from "vitest";
import { selectedTargets } from "../../lib/core/targets.ts";

describe("selectedTargets", () => {
  it("synthesizes both targets unless WORKSPACE_TARGET names one", () => {
    expect(selectedTargets({})).toEqual(["kubernetes", "docker"]);
    expect(selectedTargets({ WORKSPACE_TARGET: "" })).toEqual(["kubernetes", "docker"]);
    expect(selectedTargets({ WORKSPACE_TARGET: "docker" })).toEqual(["docker"]);
  });

  it("fails if WORKSPACE_TARGET names no target", () => {
    expect(() => selectedTargets({ WORKSPACE_TARGET: "swarm" })).toThrow('WORKSPACE_TARGET: got "swarm"; use one of kubernetes, docker, or leave it unset for both');
  });
});
