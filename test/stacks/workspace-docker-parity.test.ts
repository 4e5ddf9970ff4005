import { describe, expect, it } from "vitest";
import { envToRecord } from "../../lib/core/env.ts";
import { dockerContainer, dockerPlan, synthDocker } from "../support/docker-synth.ts";
import { kubernetesObject, kubernetesPlan, synthKubernetes, type TerraformJson } from "../support/synth.ts";

/**
 * The two targets must give the backend the same effective environment for the same workspace and mode. Only what
 * differs by design may differ, and each allowed difference is listed with its reason.
 */
const BUCKET_VARIABLES = ["S3_STORAGE_EXPORTS_BUCKET", "S3_STORAGE_SNAPSHOT_IMPORTS_BUCKET", "S3_STORAGE_MODULES_BUCKET", "S3_STORAGE_FILES_BUCKET", "S3_STORAGE_SEARCH_BUCKET"];
const ALLOWED_WITH_DEFAULT_BUCKETS: Record<string, string> = {
  S3_ENDPOINT_URL: "the bucket (Rook claim vs MinIO container) or the proxy (Service DNS vs container name) has a different address",
  BUCKET_HOST: "Kubernetes composes the claim's endpoint from its ConfigMap with $(VAR) expansion; Docker has a literal URL",
  BUCKET_PORT: "as BUCKET_HOST",
  ...Object.fromEntries(BUCKET_VARIABLES.map((v) => [v, "a claimed bucket's name is generated (a reference); MinIO's is the literal 'convex'"])),
};
const ALLOWED_WITH_ONE_EXTERNAL_BUCKET: Record<string, string> = {
  S3_ENDPOINT_URL: "proxied only: the proxy is a Service on Kubernetes and a container on Docker",
};

type Rendered = Record<string, string>;

/** The backend's env from the Kubernetes JSON: literals as `literal:<v>`, secretKeyRef/configMapKeyRef as `ref`. */
function kubernetesRendered(json: TerraformJson): Rendered {
  const deployment = kubernetesObject(json, "kubernetes_deployment_v1", "convex-alice-dev-backend") as {
    spec: { template: { spec: { container: { env: { name: string; value?: string; value_from?: unknown }[] }[] } } };
  };
  const env = deployment.spec.template.spec.container[0]?.env ?? [];
  return Object.fromEntries(env.map((e) => [e.name, e.value_from === undefined ? `literal:${e.value ?? ""}` : "ref"]));
}

/** The backend's env from the Docker JSON: values with a Terraform reference as `ref`, the rest as `literal:<v>`. */
function dockerRendered(json: TerraformJson): Rendered {
  const env = dockerContainer(json, "convex-alice-dev-backend").env ?? [];
  return Object.fromEntries(
    env.map((e) => {
      const [name, value] = [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)];
      return [name, /(^|[^$])\$\{/.test(value) ? "ref" : `literal:${value}`];
    }),
  );
}

/** Names whose values differ, or that only one side has. */
function differences(a: Rendered, b: Rendered): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((n) => a[n] !== b[n]).sort();
}

describe("backend environment: Kubernetes and Docker agree", () => {
  describe.each(["local", "s3", "proxied"])("%s mode, each target's default bucket", (mode) => {
    const env = { STORAGE_MODE: mode };

    it("differs only in the allow-listed endpoint and bucket-name variables (core lists)", () => {
      const k8s = envToRecord(kubernetesPlan({}, env).backendEnv);
      const docker = envToRecord(dockerPlan({}, env).backendEnv);
      const diff = differences(k8s, docker);
      expect(diff.filter((n) => !(n in ALLOWED_WITH_DEFAULT_BUCKETS))).toEqual([]);
      if (mode === "local") expect(diff).toEqual([]);
    });

    it("renders the same variables with the same literal values in both synthesized stacks", () => {
      const diff = differences(kubernetesRendered(synthKubernetes({}, env)), dockerRendered(synthDocker({}, env)));
      expect(diff.filter((n) => !(n in ALLOWED_WITH_DEFAULT_BUCKETS))).toEqual([]);
    });
  });

  describe.each(["s3", "proxied"])("%s mode, one external bucket", (mode) => {
    const bucket = { kind: "external", endpoint: "https://s3.example.com", bucketName: "alice-convex", profile: "rgw" };
    const k8sRaw = { storage: { bucket: { ...bucket, credentialsSecretName: "alice-s3" } } };
    const dockerRaw = { storage: { bucket: { ...bucket, accessKeyIdEnv: "ALICE_KEY_ID", secretAccessKeyEnv: "ALICE_SECRET" } } };
    const env = { STORAGE_MODE: mode };
    const allowed = mode === "proxied" ? Object.keys(ALLOWED_WITH_ONE_EXTERNAL_BUCKET) : [];

    it("is identical but for the proxy's address (core lists, references included)", () => {
      const diff = differences(envToRecord(kubernetesPlan(k8sRaw, env).backendEnv), envToRecord(dockerPlan(dockerRaw, env).backendEnv));
      expect(diff).toEqual(allowed);
    });

    it("is identical but for the proxy's address (synthesized stacks)", () => {
      const docker = synthDocker(dockerRaw, env, { environment: { ALICE_KEY_ID: "AKIAEXAMPLE", ALICE_SECRET: "s3cr3t" } });
      expect(differences(kubernetesRendered(synthKubernetes(k8sRaw, env)), dockerRendered(docker))).toEqual(allowed);
    });
  });
});
