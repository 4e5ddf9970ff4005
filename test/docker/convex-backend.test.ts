import { describe, expect, it } from "vitest";
import { ConvexBackend, type ConvexBackendProps } from "../../lib/docker/convex-backend.ts";
import { onlyContainer, synthConstruct } from "../support/docker-construct.ts";

const props: ConvexBackendProps = {
  name: "b",
  dataVolumeName: "b-data",
  image: "ghcr.io/get-convex/convex-backend:4d3b0a5de955a258e70e3813bbff486051d88820",
  networkName: "net",
  env: ["INSTANCE_NAME=b"],
  labels: { app: "b" },
  stopTimeoutSeconds: 45,
};

describe("ConvexBackend", () => {
  it("defaults: ports on 127.0.0.1, SIGINT stop with the timeout on stop and destroy, healthcheck, wait, restart, protected volume", () => {
    const json = synthConstruct((scope) => new ConvexBackend(scope, "Backend", props));
    const c = onlyContainer(json);
    expect(c.ports).toEqual([
      { internal: 3210, external: 3210, ip: "127.0.0.1" },
      { internal: 3211, external: 3211, ip: "127.0.0.1" },
    ]);
    expect(c).toMatchObject({ stop_signal: "SIGINT", stop_timeout: 45, destroy_grace_seconds: 45, restart: "unless-stopped", wait: true, wait_timeout: 300 });
    expect(c.healthcheck?.test).toEqual(["CMD", "curl", "-f", "http://localhost:3210/version"]);
    expect(c.env).toEqual(["INSTANCE_NAME=b"]);
    expect(c.networks_advanced).toEqual([{ name: "net" }]);
    expect(Object.values(json.resource.docker_volume ?? {})).toEqual([
      expect.objectContaining({ name: "b-data", lifecycle: { prevent_destroy: true, ignore_changes: "all" } }),
    ]);
  });

  it("keeps the ids of the volume and the container stable (a renamed id replaces the data volume)", () => {
    const json = synthConstruct((scope) => new ConvexBackend(scope, "Backend", props));
    expect(Object.keys(json.resource.docker_volume ?? {})).toEqual([expect.stringMatching(/^Backend_Data_[0-9A-F]{8}$/)]);
    expect(Object.keys(json.resource.docker_container ?? {})).toEqual([expect.stringMatching(/^Backend_[0-9A-F]{8}$/)]);
  });

  it("fails if a host port is out of range", () => {
    expect(() => synthConstruct((scope) => new ConvexBackend(scope, "B", { ...props, siteHostPort: 0 }))).toThrow("siteHostPort: got 0; use a TCP port from 1 to 65535");
  });

  it("fails if the API and HTTP actions share a host port", () => {
    expect(() => synthConstruct((scope) => new ConvexBackend(scope, "B", { ...props, apiHostPort: 8080, siteHostPort: 8080 }))).toThrow(
      "siteHostPort: got 8080; use a host port other than apiHostPort (8080): the API and HTTP actions are two listeners",
    );
  });

  it("fails if the host address is not an IPv4 address", () => {
    expect(() => synthConstruct((scope) => new ConvexBackend(scope, "B", { ...props, hostIp: "localhost" }))).toThrow(
      'hostIp: got "localhost"; use an IPv4 address of the Docker host, e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)',
    );
  });

  it("fails if the stop timeout is not a positive whole number", () => {
    expect(() => synthConstruct((scope) => new ConvexBackend(scope, "B", { ...props, stopTimeoutSeconds: 0 }))).toThrow(
      "stopTimeoutSeconds: got 0; use a whole number of seconds, at least 1, for the backend to drain after SIGINT",
    );
  });
});
