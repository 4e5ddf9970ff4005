/**
 * The doctor's input, with nothing sent anywhere: command-line errors (every problem at once, naming the flag, the
 * value and the fix), keys that are missing or come from a file, the redaction of keys, Convex's reading of its
 * flags, and the backend-environment and --config traps.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDoctorArgs } from "../../doctor/src/args.ts";
import { Redactor, parseKeysFile, readKeys } from "../../doctor/src/credentials.ts";
import { DoctorInputError } from "../../doctor/src/errors.ts";
import { CONVEX_DEFAULT_FLAGS, describeFlags, flagsFromEnv, flagsMissing } from "../../doctor/src/flags.ts";
import { fromConfig } from "../../doctor/src/config-source.ts";
import { LOCAL_FALLBACK_WARNING, resolveDoctorInput } from "../../doctor/src/sources.ts";
import { runDoctorInProcess } from "../support/doctor-cli.ts";

function inputError(run: () => unknown): DoctorInputError {
  try {
    run();
  } catch (error) {
    if (error instanceof DoctorInputError) return error;
    throw error;
  }
  throw new Error("expected a DoctorInputError");
}

describe("doctor arguments", () => {
  it("fails with every problem at once: no endpoint, a bad bucket name, an unknown mode", () => {
    const error = inputError(() => parseDoctorArgs(["--bucket", "Bad_Bucket", "--mode", "s4"], {}, false));
    expect(error.message).toBe(
      [
        "doctor: 3 problems with the input",
        "  - --endpoint: got (not set); name the S3 endpoint, e.g. --endpoint http://127.0.0.1:7480 (or use --config FILE or --backend-env)",
        `  - --bucket: got "Bad_Bucket"; use an S3 bucket name: 3-63 lower-case letters, digits, '.' or '-'`,
        `  - --mode: got "s4"; use s3 or proxied`,
      ].join("\n"),
    );
  });

  it("fails if the endpoint has a path, or two sources are given", () => {
    expect(inputError(() => parseDoctorArgs(["--endpoint", "http://s3.example.com/bucket", "--bucket", "abc"], {}, false)).message).toContain(
      `--endpoint: got "http://s3.example.com/bucket"; give only scheme, host and port (no path, query or user), e.g. https://s3.example.com`,
    );
    expect(inputError(() => parseDoctorArgs(["--config", "a.yaml", "--backend-env"], {}, false)).message).toContain(
      "--config / --backend-env: got \"--config --backend-env\"; give one source: --config FILE or --backend-env",
    );
  });

  it("fails on an unknown flag, naming it", () => {
    expect(inputError(() => parseDoctorArgs(["--endpont", "x"], {}, false)).message).toMatch(/^doctor: 1 problem with the input\n {2}- arguments: got "--endpont x"; Unknown option '--endpont'/);
  });

  it("colours only on a terminal, without NO_COLOR and without --json", () => {
    const base = ["--endpoint", "http://127.0.0.1:7480", "--bucket", "abc"];
    expect(parseDoctorArgs(base, {}, true).color).toBe(true);
    expect(parseDoctorArgs(base, {}, false).color).toBe(false);
    expect(parseDoctorArgs(base, { NO_COLOR: "1" }, true).color).toBe(false);
    expect(parseDoctorArgs([...base, "--json"], {}, true).color).toBe(false);
  });

  it("exits 2 on bad input, printing the problems and nothing about the keys", async () => {
    const outcome = await runDoctorInProcess(["--bucket", "abc"], { AWS_SECRET_ACCESS_KEY: "super-secret-value-123" });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain("--endpoint: got (not set)");
    expect(outcome.stdout).toBe("");
  });
});

describe("doctor keys", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "doctor-keys-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a keys file (comments, export, quotes) and never shows a value when one is missing", () => {
    expect(parseKeysFile("# keys\nexport AWS_ACCESS_KEY_ID=AKIA1\nAWS_SECRET_ACCESS_KEY='s3cr3t'\n")).toEqual({ AWS_ACCESS_KEY_ID: "AKIA1", AWS_SECRET_ACCESS_KEY: "s3cr3t" });
    const file = path.join(dir, "half.env");
    writeFileSync(file, "AWS_ACCESS_KEY_ID=AKIAHALF\n");
    const error = inputError(() => readKeys({ kind: "file", path: file }, {}));
    expect(error.message).toBe(`doctor: 1 problem with the input\n  - AWS_SECRET_ACCESS_KEY (in ${file}): got (not set); add a line AWS_SECRET_ACCESS_KEY=... to the keys file`);
    expect(error.message).not.toContain("AKIAHALF");
  });

  it("fails if no key is in the environment, saying where to put them", () => {
    expect(inputError(() => readKeys({ kind: "environment", accessKeyIdVariable: "AWS_ACCESS_KEY_ID", secretAccessKeyVariable: "AWS_SECRET_ACCESS_KEY" }, {})).issues.map((i) => i.field)).toEqual([
      "AWS_ACCESS_KEY_ID (in the environment)",
      "AWS_SECRET_ACCESS_KEY (in the environment)",
    ]);
  });

  it("redacts keys, also URL-encoded, longest first", () => {
    const redactor = new Redactor(["ab/cd+ef==", "AKIAEXAMPLE", undefined, "x"]);
    expect(redactor.redact("secret ab/cd+ef== in ab%2Fcd%2Bef%3D%3D by AKIAEXAMPLE; x stays")).toBe("secret <redacted> in <redacted> by <redacted>; x stays");
  });
});

describe("Convex's flags as the backend reads them", () => {
  it("turns a boolean on only for the exact string true, and warns about 1 or TRUE", () => {
    const { flags, warnings } = flagsFromEnv({ AWS_S3_DISABLE_SSE: "true", AWS_S3_DISABLE_CHECKSUMS: "1", AWS_S3_FORCE_PATH_STYLE: "TRUE", AWS_REQUEST_CHECKSUM_CALCULATION: "when_required" });
    expect(describeFlags(flags)).toBe("AWS_S3_DISABLE_SSE=true AWS_REQUEST_CHECKSUM_CALCULATION=WHEN_REQUIRED");
    expect(warnings.map((w) => w.variable)).toEqual(["AWS_S3_FORCE_PATH_STYLE", "AWS_S3_DISABLE_CHECKSUMS"]);
    expect(warnings[1]?.fix).toBe('Convex reads only the exact string "true" as on (Rust bool::from_str): "1" leaves it off; write true or false');
  });

  it("names what a combination lacks against a working one", () => {
    expect(flagsMissing(CONVEX_DEFAULT_FLAGS, { ...CONVEX_DEFAULT_FLAGS, disableSse: true, disableChecksums: true })).toEqual(["AWS_S3_DISABLE_SSE=true", "AWS_S3_DISABLE_CHECKSUMS=true"]);
  });
});

describe("where the target comes from", () => {
  const args = { backendEnv: true, timeoutMs: 1000, json: false, color: false, help: false } as const;
  const keys = { AWS_ACCESS_KEY_ID: "AKIA", AWS_SECRET_ACCESS_KEY: "secret" };

  it("--backend-env with a partial S3 environment: a failing check quoting Convex's local-storage fallback", () => {
    const input = resolveDoctorInput(args, { ...keys, AWS_REGION: "us-east-1", S3_STORAGE_FILES_BUCKET: "files", S3_ENDPOINT_URL: "http://rgw:80" }, "/");
    expect(input.configChecks?.[0]).toMatchObject({ id: "backend-env", status: "fail" });
    expect(input.configChecks?.[0]?.detail).toBe(
      `AWS_REGION, S3_STORAGE_FILES_BUCKET set but S3_STORAGE_EXPORTS_BUCKET, S3_STORAGE_SNAPSHOT_IMPORTS_BUCKET, S3_STORAGE_MODULES_BUCKET, S3_STORAGE_SEARCH_BUCKET missing: Convex prints "${LOCAL_FALLBACK_WARNING}" and the first boot locks the database to local storage`,
    );
    expect(input).toMatchObject({ endpoint: "http://rgw:80", bucket: "files", insideWorkspace: true, configured: { mode: "s3" } });
  });

  it("--backend-env without any S3 variable: bad input, Convex uses local storage", () => {
    expect(inputError(() => resolveDoctorInput(args, keys, "/")).message).toContain("this environment has no S3 storage (Convex uses local storage)");
  });

  it("--config with an ObjectBucketClaim bucket needs --endpoint and --bucket (Rook generates them)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "doctor-obc-"));
    try {
      const file = path.join(dir, "obc.yaml");
      writeFileSync(file, "workspace: { name: alice }\nstorage: { mode: s3 }\n");
      const error = inputError(() => resolveDoctorInput({ ...args, backendEnv: false, config: file }, keys, dir, fromConfig));
      expect(error.issues.map((i) => i.field)).toEqual(["--endpoint", "--bucket"]);
      expect(error.issues[0]?.fix).toContain("pass --endpoint http://<BUCKET_HOST>:<BUCKET_PORT> and --bucket <BUCKET_NAME> from the claim's ConfigMap");
      writeFileSync(file, "workspace: { name: alice }\n");
      expect(inputError(() => resolveDoctorInput({ ...args, backendEnv: false, config: file }, keys, dir, fromConfig)).message).toContain(
        `storage.mode: got "local"; the doctor checks the s3 and proxied modes`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the in-workspace build (no --config reader) refuses --config, saying what to use instead", () => {
    expect(inputError(() => resolveDoctorInput({ ...args, backendEnv: false, config: "w.yaml" }, keys, "/")).message).toBe(
      `doctor: 1 problem with the input\n  - --config: got "w.yaml"; this build of the doctor reads no YAML file: use --backend-env here, or npm run doctor -- --config FILE in the repository`,
    );
  });
});
