import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildBundle, startProxyProcess, type BuiltBundle } from "../support/proxy-process.ts";

const ENV = {
  S3PROXY_UPSTREAM_URL: "http://127.0.0.1:9",
  S3PROXY_UPSTREAM_ACCESS_KEY_ID: "UPSTREAMKEY",
  S3PROXY_UPSTREAM_SECRET_ACCESS_KEY: "upstream-secret",
  S3PROXY_ACCESS_KEY_ID: "CLIENTKEY",
  S3PROXY_SECRET_ACCESS_KEY: "client-secret",
  S3PROXY_BUCKETS: "convex-files",
};

describe("the bundle (scripts/build-proxy.mjs, built into a temporary directory)", () => {
  let bundle: BuiltBundle;
  beforeAll(() => {
    bundle = buildBundle();
    expect(bundle.status, bundle.output).toBe(0);
  }, 60_000);
  afterAll(() => bundle?.remove());

  it("is one ESM file under 256 KiB and says its size", () => {
    const size = statSync(bundle.path).size;
    expect(size).toBeLessThanOrEqual(262_144);
    expect(bundle.output).toContain(`${bundle.path}: ${size} bytes`);
    const specifiers = [...readFileSync(bundle.path, "utf8").matchAll(/\bimport\s*[\w$*{},\s]*?\bfrom\s*"([^"]+)"/g)].map((m) => m[1]);
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((s) => !s?.startsWith("node:"))).toEqual([]);
  });

  it("starts with only Node and S3PROXY_* variables, prints one listening line and serves /healthz", async () => {
    const proxy = await startProxyProcess(bundle.path, ENV);
    try {
      const listening = proxy.lines.filter((line) => line.includes('"msg":"listening"'));
      expect(listening).toHaveLength(1);
      expect(JSON.parse(listening[0] ?? "{}")).toMatchObject({ level: "info", msg: "listening", port: proxy.port, url: `http://127.0.0.1:${proxy.port}` });
      const res = await fetch(`${proxy.url}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("ok\n");
    } finally {
      expect(await proxy.stop()).toBe(0);
    }
    expect(proxy.lines.join("\n")).not.toContain("upstream-secret");
  });

  it("closes gracefully on SIGINT too", async () => {
    const proxy = await startProxyProcess(bundle.path, ENV);
    expect(await proxy.stop("SIGINT")).toBe(0);
    expect(proxy.lines.some((line) => line.includes('"msg":"shutting down"') && line.includes('"signal":"SIGINT"'))).toBe(true);
  });

  it("fails if the configuration is invalid, listing every problem and exiting 2", () => {
    const result = spawnSync(process.execPath, [bundle.path], { env: { PATH: process.env.PATH ?? "", S3PROXY_SSE: "bogus" }, encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Invalid S3 proxy configuration (7 problems):");
    expect(result.stderr).toContain("S3PROXY_SSE is 'bogus': expected one of strip, reject, passthrough (default strip)");
  });
});
