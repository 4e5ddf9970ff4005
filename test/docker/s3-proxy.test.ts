import { describe, expect, it } from "vitest";
import { S3Proxy } from "../../lib/docker/s3-proxy.ts";
import { onlyContainer, synthConstruct } from "../support/docker-construct.ts";

describe("S3Proxy", () => {
  it("defaults: the bundle uploaded to /opt/s3-proxy and run by the stock image's node as the node user, ready check, nothing published", () => {
    const c = onlyContainer(
      synthConstruct((scope) => new S3Proxy(scope, "S3Proxy", { name: "p", image: "node:22.11.0-alpine3.20", networkName: "net", bundle: "x=`${y}`", env: ["S3PROXY_SSE=strip"], labels: {} })),
    );
    expect(c.command).toEqual(["node", "/opt/s3-proxy/s3-proxy.mjs"]);
    expect(c.upload).toEqual([{ file: "/opt/s3-proxy/s3-proxy.mjs", content: "x=`$${y}`" }]);
    expect(c.user).toBe("1000:1000");
    expect(c.env).toEqual(["S3PROXY_SSE=strip"]);
    expect(c.healthcheck?.test[3]).toContain("http://127.0.0.1:8333/readyz");
    expect(c).toMatchObject({ wait: true, wait_timeout: 120, restart: "unless-stopped", destroy_grace_seconds: 10 });
    expect(c.ports).toBeUndefined();
  });
});
