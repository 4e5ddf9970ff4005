import { describe, expect, it } from "vitest";
import { PulledImage } from "../../lib/docker/image.ts";
import { synthConstruct } from "../support/docker-construct.ts";

describe("PulledImage", () => {
  it("defaults: pulls the pinned reference and keeps it on the host when the workspace is destroyed", () => {
    const json = synthConstruct((scope) => new PulledImage(scope, "Image", { name: "node:22.11.0-alpine3.20" }));
    expect(Object.values(json.resource.docker_image ?? {})).toEqual([{ name: "node:22.11.0-alpine3.20", keep_locally: true }]);
  });
});
