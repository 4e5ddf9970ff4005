/**
 * The verdict from replay results (pure): the simplest working combination wins, every failing one says what it
 * lacks, the configured mode decides the exit status, and Convex's own error lines are what the report quotes.
 */
import { describe, expect, it } from "vitest";
import { convexErrorLine, runFailure } from "../../doctor/src/convex-errors.ts";
import { MISSING_CRC32_MESSAGE } from "../../doctor/src/convex-s3-sequence.ts";
import { CONVEX_DEFAULT_FLAGS, type ConvexFlags } from "../../doctor/src/flags.ts";
import { flagCombinations, s3Label } from "../../doctor/src/replay.ts";
import type { SequenceRun } from "../../doctor/src/types.ts";
import { decideVerdict } from "../../doctor/src/verdict.ts";
import { renderText } from "../../doctor/src/render-text.ts";

function run(flags: ConvexFlags, ok: boolean, mode: "s3" | "proxied" = "s3"): SequenceRun {
  const failure = ok ? undefined : runFailure({ step: "CreateMultipartUpload", httpStatus: 400, code: "InvalidRequest" }, flags, mode);
  return { label: mode === "s3" ? s3Label(flags) : "proxied", mode, flags, objectSizes: [100], ok, steps: [], ...(failure ? { failure } : {}), ms: 1 };
}

const combos = flagCombinations(CONVEX_DEFAULT_FLAGS);
const sseOff = (flags: ConvexFlags) => flags.disableSse;

describe("decideVerdict", () => {
  it("runs the 8 combinations of SSE, checksums and request checksum calculation, Convex's defaults first", () => {
    expect(combos).toHaveLength(8);
    expect(s3Label(combos[0] as ConvexFlags)).toBe("s3: Convex's defaults (no flag)");
  });

  it("picks the simplest working combination and names what each failing one lacks", () => {
    const verdict = decideVerdict({ matrix: combos.map((flags) => run(flags, sseOff(flags))), proxied: run({ ...CONVEX_DEFAULT_FLAGS, forcePathStyle: true }, true, "proxied") });
    expect(verdict.modes[0]).toMatchObject({ works: true, env: { AWS_S3_DISABLE_SSE: "true" } });
    expect(verdict.modes[0]?.failing[0]).toEqual({
      label: "s3: Convex's defaults (no flag)",
      missing: ["AWS_S3_DISABLE_SSE=true"],
      step: "CreateMultipartUpload",
      convexError: "Failed to create multipart upload: service error: unhandled error (InvalidRequest)",
    });
    expect(verdict).toMatchObject({ status: "ok", exitCode: 0, summary: "Use s3 with AWS_S3_DISABLE_SSE=true, or proxied" });
  });

  it("fails (exit 1) when the configured proxied mode fails, even though s3 works", () => {
    const verdict = decideVerdict({
      matrix: combos.map((flags) => run(flags, true)),
      proxied: run({ ...CONVEX_DEFAULT_FLAGS, forcePathStyle: true }, false, "proxied"),
      configured: { source: "test", mode: "proxied" },
    });
    expect(verdict.exitCode).toBe(1);
    expect(verdict.configured?.summary).toMatch(/^proxied will NOT work: proxied fails: through the project's S3 proxy, CreateMultipartUpload fails/);
  });

  it("fails the configured mode when the configuration itself is broken (a partial S3 environment)", () => {
    const verdict = decideVerdict({
      matrix: combos.map((flags) => run(flags, true)),
      configured: { source: "env", mode: "s3", flags: CONVEX_DEFAULT_FLAGS },
      configuredRun: run(CONVEX_DEFAULT_FLAGS, true),
      configFailure: { id: "backend-env", title: "Backend S3 environment", status: "fail", detail: "AWS_REGION missing" },
      proxiedSkipped: "test",
    });
    expect(verdict).toMatchObject({ status: "fail", exitCode: 1 });
    expect(verdict.configured?.summary).toBe("will NOT work: Backend S3 environment: AWS_REGION missing");
  });

  it("says neither mode works when nothing does", () => {
    const verdict = decideVerdict({ matrix: combos.map((flags) => run(flags, false)), proxiedSkipped: "the proxy refuses this bucket" });
    expect(verdict.exitCode).toBe(1);
    expect(verdict.summary).toMatch(/^Neither mode works: s3 does not work with any combination of Convex's settings .*; proxied was not tested: the proxy refuses this bucket$/);
  });
});

describe("Convex's error lines", () => {
  it("quotes Convex's own context strings", () => {
    expect(convexErrorLine({ step: "UploadPart #1", code: "ConvexError", message: MISSING_CRC32_MESSAGE })).toBe("Object part missing hash! Expected crc32");
    expect(convexErrorLine({ step: "CreateMultipartUpload", code: "ECONNREFUSED" })).toBe("Failed to create multipart upload: dispatch failure (ECONNREFUSED)");
    expect(convexErrorLine({ step: "UploadPart #1", code: "TimeoutError" })).toBe("UploadPart #1: request has timed out");
    expect(convexErrorLine({ step: "HeadObject", code: "AccessDenied", httpStatus: 403, message: "denied" })).toBe("HeadObject: service error: unhandled error (AccessDenied)");
  });
});

describe("renderText", () => {
  it("colours only when asked (the CLI asks on a terminal without NO_COLOR)", () => {
    const verdict = decideVerdict({ matrix: combos.map((flags) => run(flags, sseOff(flags))), proxiedSkipped: "test" });
    const report = { version: 1, endpoint: "http://127.0.0.1:1", bucket: "b", region: "us-east-1", scratchPrefix: "p/", startedAt: "", durationMs: 1, checks: [], runs: [], verdict } as const;
    expect(renderText(report, { color: true })).toContain("\u001b[32mOK: Use s3 with AWS_S3_DISABLE_SSE=true: proxied was not tested: test\u001b[0m");
    expect(renderText(report)).not.toContain("\u001b[");
  });
});
