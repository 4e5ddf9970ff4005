/**
 * Reachability against servers on 127.0.0.1 (port 0) that the test controls: an HTTPS endpoint whose certificate
 * nobody trusts, and an endpoint whose clock is 20 minutes off.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkReachability } from "../../doctor/src/reachability.ts";

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

describe("reachability", () => {
  let dir: string;
  let tlsServer: https.Server;
  let tlsPort: number;
  let skewed: http.Server;
  let skewedPort: number;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "doctor-tls-"));
    // A self-signed certificate for 127.0.0.1, made with the system's openssl.
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=doctor-test-ca", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")], { stdio: "ignore" });
    tlsServer = https.createServer({ key: readFileSync(path.join(dir, "key.pem")), cert: readFileSync(path.join(dir, "cert.pem")) }, (_req, res) => res.end("ok"));
    tlsPort = await listen(tlsServer);
    skewed = http.createServer((_req, res) => {
      res.setHeader("Date", new Date(Date.now() + 20 * 60 * 1000).toUTCString());
      res.end("ok");
    });
    skewedPort = await listen(skewed);
  });
  afterAll(async () => {
    await close(tlsServer);
    await close(skewed);
    rmSync(dir, { recursive: true, force: true });
  });

  it("names an untrusted certificate and says which trust stores need the CA; nothing further is tried", async () => {
    const result = await checkReachability({ endpoint: new URL(`https://127.0.0.1:${tlsPort}`), timeoutMs: 2_000, insideWorkspace: false });
    expect(result.reachable).toBe(false);
    const tls = result.checks.find((check) => check.id === "tls");
    expect(tls).toMatchObject({ status: "fail", detail: "certificate for doctor-test-ca, issued by doctor-test-ca: not trusted (DEPTH_ZERO_SELF_SIGNED_CERT)" });
    expect(tls?.fix).toContain("NODE_EXTRA_CA_CERTS");
    expect(result.checks.map((check) => check.id)).toEqual(["dns", "tcp", "tls"]);
  });

  it("names a clock more than 15 minutes off: SigV4 would refuse every request", async () => {
    const result = await checkReachability({ endpoint: new URL(`http://127.0.0.1:${skewedPort}`), timeoutMs: 2_000, insideWorkspace: false });
    const clock = result.checks.find((check) => check.id === "clock");
    expect(clock?.status).toBe("fail");
    expect(clock?.detail).toMatch(/^endpoint clock \+(119[89]|1200|1201) s against this machine's/);
    expect(clock?.fix).toBe("sync the clocks (NTP): requests more than 15 minutes off are refused with RequestTimeTooSkewed");
  });
});
