/**
 * The storage-doctor Job construct: defaults (a one-shot Job that waits, non-root, read-only root filesystem, the
 * gzipped bundle from a ConfigMap), only the backend's storage variables by the same references (never
 * INSTANCE_SECRET), and the error when a storage variable refers to an object the stack does not provide.
 */
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { doctorBundle } from "../../doctor/bundle.ts";
import { CLAIM_REFS, doctorContainer, synthDoctorJob } from "../support/doctor-job.ts";

describe("StorageDoctorJob", () => {
  it("defaults: waits for a one-shot Job (no retry, 180 s deadline) running the bundle as non-root", () => {
    const json = synthDoctorJob();
    const job = Object.values(json.resource.kubernetes_job_v1 ?? {})[0] as Record<string, unknown> & { spec: Record<string, unknown> & { template: { spec: Record<string, unknown> } } };
    expect(job.wait_for_completion).toBe(true);
    expect(job.timeouts).toEqual({ create: "240s", update: "240s" });
    expect(job.spec).toMatchObject({ backoff_limit: 0, active_deadline_seconds: 180 });
    expect(job.spec.template.spec).toMatchObject({ restart_policy: "Never", automount_service_account_token: false, security_context: { run_as_non_root: true, run_as_user: "1000" } });
    const container = doctorContainer(json) as unknown as Record<string, unknown>;
    expect(container.command).toEqual(["sh", "-c", "gunzip -c /opt/convex-doctor/convex-doctor.mjs.gz > /tmp/convex-doctor.mjs && exec node /tmp/convex-doctor.mjs --backend-env"]);
    expect(container.security_context).toEqual({ read_only_root_filesystem: true, allow_privilege_escalation: false, capabilities: { drop: ["ALL"] } });
    expect(container.resources).toEqual({ requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "1", memory: "384Mi" } });
    const configMap = Object.values(json.resource.kubernetes_config_map_v1 ?? {})[0] as { binary_data: Record<string, string>; metadata: { name: string } };
    expect(configMap.metadata.name).toBe("convex-alice-dev-storage-doctor-bundle");
    expect(gunzipSync(Buffer.from(configMap.binary_data["convex-doctor.mjs.gz"] as string, "base64")).toString()).toBe(doctorBundle().text);
  });

  it("passes only the backend's storage variables, by the same references: never INSTANCE_SECRET", () => {
    const env = doctorContainer(synthDoctorJob()).env;
    expect(env.map((e) => e.name)).toEqual([
      "AWS_REGION",
      "S3_STORAGE_EXPORTS_BUCKET",
      "S3_STORAGE_SNAPSHOT_IMPORTS_BUCKET",
      "S3_STORAGE_MODULES_BUCKET",
      "S3_STORAGE_FILES_BUCKET",
      "S3_STORAGE_SEARCH_BUCKET",
      "BUCKET_HOST",
      "BUCKET_PORT",
      "S3_ENDPOINT_URL",
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      "AWS_S3_FORCE_PATH_STYLE",
      "AWS_S3_DISABLE_SSE",
      "AWS_S3_DISABLE_CHECKSUMS",
      "AWS_REQUEST_CHECKSUM_CALCULATION",
    ]);
    expect(env.find((e) => e.name === "AWS_SECRET_ACCESS_KEY")?.value_from).toEqual({ secret_key_ref: { name: "convex-alice-dev-bucket", key: "AWS_SECRET_ACCESS_KEY" } });
    expect(env.find((e) => e.name === "S3_ENDPOINT_URL")?.value).toBe("http://$(BUCKET_HOST):$(BUCKET_PORT)");
  });

  it("fails if the deadline is not whole seconds from 30 to 3600", () => {
    expect(() => synthDoctorJob({ deadlineSeconds: 5 })).toThrow(
      "StorageDoctorJob.deadlineSeconds: got 5; use whole seconds from 30 to 3600 (a healthy endpoint needs a few seconds; the doctor's own budget is 45 s)",
    );
  });

  it("fails if a storage variable refers to an object the stack does not provide", () => {
    const { bucketSecretAccessKey: _omitted, ...refs } = CLAIM_REFS;
    expect(() => synthDoctorJob({ refSources: refs })).toThrow("environment variable AWS_SECRET_ACCESS_KEY refers to 'bucketSecretAccessKey', which no object of this stack provides");
  });
});
