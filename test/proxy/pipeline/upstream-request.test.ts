/**
 * The upstream request (proxy/src/pipeline/upstream-request.ts) without a network: the connection pool's options,
 * and a request opened through an agent that never connects, so the test sees what would go out (target, headers,
 * time bounds) and drives its events itself with vitest's fake clock. Through the proxy's server against an upstream:
 * failures.test.ts; over TLS against the real RGW: tls-upstream.rgw.test.ts.
 */
import http from "node:http";
import https from "node:https";
import tls from "node:tls";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createUpstreamAgent, openUpstreamRequest, RESPONSE_TIMEOUT } from "../../../proxy/src/pipeline/upstream-request.ts";
import { parseRoute } from "../../../proxy/src/pipeline/route.ts";
import type { ProxyOptions } from "../../../proxy/src/types.ts";
import { testProxyOptions } from "../../support/proxy-fixture.ts";

const agentOptions = (agent: http.Agent) => (agent as unknown as { options: Record<string, unknown> }).options;

/** An agent that records each request's connection options and never opens a socket. */
class RecordingAgent extends http.Agent {
  readonly connections: http.ClientRequestArgs[] = [];
  constructor() {
    super();
    // Agent#addRequest (undocumented, not in @types/node) is where a request asks for a socket.
    Object.assign(this, { addRequest: (_request: http.ClientRequest, options: http.ClientRequestArgs) => this.connections.push(options) });
  }
}

function open(options: ProxyOptions, contentLength: number | undefined) {
  const agent = new RecordingAgent();
  const request = openUpstreamRequest({
    options,
    agent,
    route: parseRoute("PUT", "/test-bucket/a%20key?partNumber=2&uploadId=u"),
    headers: { "content-type": "text/plain" },
    payloadHash: "UNSIGNED-PAYLOAD",
    contentLength,
  });
  // What the request is destroyed with (no socket is ever assigned, so Node would never emit it as an error).
  const errors: NodeJS.ErrnoException[] = [];
  const destroy = request.destroy.bind(request);
  request.destroy = (error?: Error) => {
    if (error !== undefined) errors.push(error as NodeJS.ErrnoException);
    return destroy(error);
  };
  request.on("error", () => undefined);
  return { request, agent, errors };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("createUpstreamAgent", () => {
  it("pools plain HTTP with a socket for every admitted request, kept alive, without Nagle's delay", () => {
    const options = testProxyOptions("http://127.0.0.1:7480", { S3PROXY_MAX_CONCURRENT_REQUESTS: "37" });
    const agent = createUpstreamAgent(options);
    expect(agent).not.toBeInstanceOf(https.Agent);
    expect(agentOptions(agent)).toMatchObject({ keepAlive: true, maxSockets: 37, noDelay: true });
    expect(agentOptions(createUpstreamAgent(options, { keepAlive: false, maxSockets: 2 }))).toMatchObject({ keepAlive: false, maxSockets: 2, noDelay: true });
  });

  it("speaks TLS to an https upstream, trusting a private CA beside the public roots, never instead of them", () => {
    const options = testProxyOptions("https://127.0.0.1:7480");
    const publicOnly = createUpstreamAgent(options);
    expect(publicOnly).toBeInstanceOf(https.Agent);
    expect(agentOptions(publicOnly).ca).toBeUndefined();
    const withCa = createUpstreamAgent({ ...options, upstreamCa: ["-----BEGIN CERTIFICATE-----\nprivate\n-----END CERTIFICATE-----\n"] });
    expect(withCa).toBeInstanceOf(https.Agent);
    expect(agentOptions(withCa)).toMatchObject({ keepAlive: true, noDelay: true, ca: [...tls.rootCertificates, "-----BEGIN CERTIFICATE-----\nprivate\n-----END CERTIFICATE-----\n"] });
  });
});

describe("openUpstreamRequest", () => {
  it("goes to the upstream's host and port, path-style with the parsed query, signed, with the body's exact length", () => {
    const options = testProxyOptions("http://127.0.0.1:7480");
    const { request, agent } = open(options, 11);
    expect(agent.connections).toHaveLength(1);
    expect(agent.connections[0]).toMatchObject({ host: "127.0.0.1", port: 7480, method: "PUT", path: "/test-bucket/a%20key?partNumber=2&uploadId=u" });
    expect(request.getHeader("content-length")).toBe("11");
    expect(request.getHeader("host")).toBe("127.0.0.1:7480");
    expect(request.getHeader("content-type")).toBe("text/plain");
    expect(request.getHeader("authorization")).toMatch(/^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/us-east-1\/s3\/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/);
    expect((request as unknown as { timeout?: number }).timeout).toBe(options.upstreamIdleTimeoutMs);
    request.destroy();
  });

  it("sends no Content-Length for a request without a body, takes the scheme's default port, and an IPv6 host without its brackets", () => {
    const { request, agent } = open(testProxyOptions("http://[::1]"), undefined);
    expect(request.getHeader("content-length")).toBeUndefined();
    expect(agent.connections[0]).toMatchObject({ host: "::1", port: 80 });
    request.destroy();
  });

  it("resets a connection that was idle for too long with ETIMEDOUT", () => {
    const { request, errors } = open(testProxyOptions("http://127.0.0.1:7480"), 0);
    request.emit("timeout");
    expect(request.destroyed).toBe(true);
    expect(errors.map((e) => [e.code, e.message])).toEqual([["ETIMEDOUT", "the upstream connection was idle for too long"]]);
  });

  it("gives the upstream upstreamResponseTimeoutMs from the end of the request to answer, then destroys it with UPSTREAM_RESPONSE_TIMEOUT", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const options = { ...testProxyOptions("http://127.0.0.1:7480"), upstreamResponseTimeoutMs: 5000 };
    const { request, errors } = open(options, 0);
    vi.advanceTimersByTime(60_000);
    expect(request.destroyed).toBe(false);
    request.emit("finish");
    vi.advanceTimersByTime(4999);
    expect(request.destroyed).toBe(false);
    vi.advanceTimersByTime(1);
    expect(request.destroyed).toBe(true);
    expect(RESPONSE_TIMEOUT).toBe("UPSTREAM_RESPONSE_TIMEOUT");
    expect(errors.map((e) => [e.code, e.message])).toEqual([["UPSTREAM_RESPONSE_TIMEOUT", "the upstream did not answer within 5000 ms"]]);
  });

  it.each(["response", "close"])("stops the response timer when the request emits %s", (event) => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const options = { ...testProxyOptions("http://127.0.0.1:7480"), upstreamResponseTimeoutMs: 5000 };
    const { request, errors } = open(options, 0);
    request.emit("finish");
    request.emit(event);
    vi.advanceTimersByTime(10_000);
    expect(errors).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    request.destroy();
  });
});
