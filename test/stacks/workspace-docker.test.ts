import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { S3_SELECTION_VARIABLES } from "../../lib/core/backend-env.ts";
import { ConfigError, InvariantError } from "../../lib/core/errors.ts";
import { MINIO_IMAGE } from "../../lib/core/images.ts";
import { kubernetesPlan, inventory, resourcesOf, type TerraformJson } from "../support/synth.ts";
import { addressOf, dockerContainer, envMap, FIXTURE_BUNDLE, namesOf, synthDocker } from "../support/docker-synth.ts";
import { DOCKER_STACK_ID, WorkspaceDockerStack } from "../../stacks/workspace-docker.ts";

const BACKEND = "convex-alice-dev-backend";
const DASHBOARD = "convex-alice-dev-dashboard";
const MINIO = "convex-alice-dev-minio";
const PROXY = "convex-alice-dev-s3-proxy";
const ADMIN_KEY = "convex-alice-dev-admin-key";
const RANDOM_HEX = /^\$\{sensitive\(random_id\.InstanceSecret_[0-9A-F]{8}\.hex\)\}$/;

const backendEnv = (json: TerraformJson) => envMap(dockerContainer(json, BACKEND));
const s3Variables = (env: Record<string, string>) => Object.keys(env).filter((n) => /^(AWS_|S3_)/.test(n));
const unescapeTemplate = (s: string) => s.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");

describe("workspace-docker, local mode", () => {
  const json = synthDocker();

  it("creates the network, the backend with its data volume and secret, the dashboard and the admin-key job; no MinIO, no proxy", () => {
    expect(inventory(json)).toEqual({ docker_container: 3, docker_image: 2, docker_network: 1, docker_volume: 1, random_id: 1, terraform_data: 1 });
    expect(namesOf(json, "docker_container")).toEqual([ADMIN_KEY, BACKEND, DASHBOARD]);
    expect(namesOf(json, "docker_volume")).toEqual(["convex-alice-dev-data"]);
    expect(namesOf(json, "docker_network")).toEqual(["convex-alice-dev-network"]);
  });

  it("sets no AWS_* or S3_* variable on the backend", () => {
    expect(s3Variables(backendEnv(json))).toEqual([]);
  });

  it("gives the backend its instance name, origins and the generated secret by reference, never a literal", () => {
    expect(backendEnv(json)).toEqual({
      INSTANCE_NAME: "convex-alice-dev",
      INSTANCE_SECRET: expect.stringMatching(RANDOM_HEX),
      CONVEX_CLOUD_ORIGIN: "http://127.0.0.1:3210",
      CONVEX_SITE_ORIGIN: "http://127.0.0.1:3211",
    });
    expect(Object.values(resourcesOf(json, "random_id"))).toEqual([expect.objectContaining({ byte_length: 32 })]);
  });

  it("stops the backend with SIGINT, waits the stop timeout, and stops it the same way before a replace or destroy", () => {
    const c = dockerContainer(json, BACKEND);
    expect(c.stop_signal).toBe("SIGINT");
    expect(c.stop_timeout).toBe(30);
    expect(c.destroy_grace_seconds).toBe(30);
    expect(c.restart).toBe("unless-stopped");
  });

  it("health-checks GET /version on 3210 with curl and makes apply wait until healthy", () => {
    const c = dockerContainer(json, BACKEND);
    expect(c.healthcheck).toEqual({ test: ["CMD", "curl", "-f", "http://localhost:3210/version"], interval: "5s", timeout: "5s", retries: 5, start_period: "30s" });
    expect(c.wait).toBe(true);
    expect(c.wait_timeout).toBe(300);
  });

  it("mounts the data volume at /convex/data; the volume ignores all drift and refuses destroy", () => {
    const c = dockerContainer(json, BACKEND);
    const volume = addressOf(json, "docker_volume", "convex-alice-dev-data");
    expect(c.mounts).toEqual([{ type: "volume", source: `\${${volume}.name}`, target: "/convex/data" }]);
    const v = Object.values(resourcesOf(json, "docker_volume"))[0] as { lifecycle: unknown };
    expect(v.lifecycle).toEqual({ prevent_destroy: true, ignore_changes: "all" });
  });

  it("publishes 3210 and 3211 (backend) and 6791 (dashboard) on 127.0.0.1 only", () => {
    expect(dockerContainer(json, BACKEND).ports).toEqual([
      { internal: 3210, external: 3210, ip: "127.0.0.1" },
      { internal: 3211, external: 3211, ip: "127.0.0.1" },
    ]);
    expect(dockerContainer(json, DASHBOARD).ports).toEqual([{ internal: 6791, external: 6791, ip: "127.0.0.1" }]);
  });

  it("puts every long-running container on the workspace network", () => {
    const network = `\${${addressOf(json, "docker_network", "convex-alice-dev-network")}.name}`;
    for (const name of [BACKEND, DASHBOARD]) expect(dockerContainer(json, name).networks_advanced).toEqual([{ name: network }]);
  });

  it("starts the dashboard after the backend is healthy, with the browser-reachable backend URL", () => {
    const d = dockerContainer(json, DASHBOARD);
    expect(d.depends_on).toEqual([addressOf(json, "docker_container", BACKEND)]);
    expect(dockerContainer(json, BACKEND).wait).toBe(true);
    expect(d.env).toEqual(["NEXT_PUBLIC_DEPLOYMENT_URL=http://127.0.0.1:3210"]);
    expect(json.output?.convex_url?.value).toBe("http://127.0.0.1:3210");
  });

  it("runs backend, dashboard and admin-key job from one pinned release", () => {
    const images = Object.values(resourcesOf(json, "docker_image")).map((i) => String(i.name));
    const tags = images.map((i) => i.split(":")[1]);
    expect(images.sort()).toEqual([
      "ghcr.io/get-convex/convex-backend:652b828b5129e6cdbcaa3c20efa8d116d09ff3bf",
      "ghcr.io/get-convex/convex-dashboard:652b828b5129e6cdbcaa3c20efa8d116d09ff3bf",
    ]);
    expect(new Set(tags).size).toBe(1);
    const backendImage = `\${${addressOf(json, "docker_image", images[0] as string)}.image_id}`;
    expect(dockerContainer(json, BACKEND).image).toBe(backendImage);
    expect(dockerContainer(json, ADMIN_KEY).image).toBe(backendImage);
    for (const image of Object.values(resourcesOf(json, "docker_image"))) expect(image.keep_locally).toBe(true);
  });

  it("moves backend and dashboard together when the release changes", () => {
    const release = "4d3b0a5de955a258e70e3813bbff486051d88820";
    const images = namesOf(synthDocker({}, { CONVEX_RELEASE: release }), "docker_image");
    expect(images.map((i) => i.split(":")[1])).toEqual([release, release]);
  });

  it("makes the admin key with the image's own generate_key in a one-shot, offline container, kept so it is not re-run", () => {
    const c = dockerContainer(json, ADMIN_KEY);
    expect(c.entrypoint).toEqual(["./generate_key"]);
    expect(c.command).toEqual(["convex-alice-dev", expect.stringMatching(RANDOM_HEX)]);
    expect(c).toMatchObject({ attach: true, logs: true, must_run: false, restart: "no", network_mode: "none" });
    expect(c).not.toHaveProperty("rm");
    expect(c.lifecycle?.postcondition?.[0]?.condition).toBe('${self.exit_code == 0 && length(regexall("convex-alice-dev[|][0-9a-f]+", self.container_logs)) == 1}');
  });

  it("exposes the admin key only as a sensitive output, with the command that reads it", () => {
    expect(json.output?.admin_key).toEqual({
      value: expect.stringMatching(/^\$\{regex\("convex-alice-dev\[\|\]\[0-9a-f\]\+", docker_container\.AdminKey_[0-9A-F]{8}\.container_logs\)\}$/),
      sensitive: true,
      description: expect.any(String),
    });
    expect(json.output?.admin_key_command?.value).toBe("terraform -chdir=cdktf.out/stacks/workspace-docker output -raw admin_key");
    expect(json.output?.health_command?.value).toBe("curl -f http://127.0.0.1:3210/version");
  });

  it("never writes a secret into the configuration: every secret-bearing value is a reference", () => {
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/INSTANCE_SECRET=[0-9a-f]{64}/);
    expect(Object.keys(resourcesOf(json, "random_password"))).toEqual([]);
  });

  it("keeps the docker provider's connection settings empty, so DOCKER_HOST applies", () => {
    expect(json.provider?.docker).toEqual([{}]);
  });
});

describe("workspace-docker, s3 mode with the default MinIO bucket", () => {
  const json = synthDocker({}, { STORAGE_MODE: "s3" });

  it("adds MinIO with its own volume and generated root keys; no proxy", () => {
    expect(inventory(json)).toEqual({ docker_container: 4, docker_image: 3, docker_network: 1, docker_volume: 2, random_id: 1, random_password: 2, terraform_data: 1 });
    expect(namesOf(json, "docker_container")).toEqual([ADMIN_KEY, BACKEND, DASHBOARD, MINIO]);
    expect(namesOf(json, "docker_volume")).toEqual(["convex-alice-dev-data", "convex-alice-dev-minio-data"]);
    expect(namesOf(json, "docker_image")).toContain(MINIO_IMAGE);
  });

  it("points the backend straight at MinIO with MinIO's compatibility flags (no SSE without a KMS)", () => {
    const env = backendEnv(json);
    expect(env).toMatchObject({
      AWS_REGION: "us-east-1",
      S3_ENDPOINT_URL: `http://${MINIO}:9000`,
      AWS_S3_FORCE_PATH_STYLE: "true",
      AWS_S3_DISABLE_SSE: "true",
      AWS_S3_DISABLE_CHECKSUMS: "true",
      AWS_REQUEST_CHECKSUM_CALCULATION: "WHEN_REQUIRED",
    });
    for (const name of S3_SELECTION_VARIABLES.slice(1)) expect(env[name]).toBe("convex");
  });

  it("gives the backend MinIO's generated root keys by reference", () => {
    const env = backendEnv(json);
    const minio = envMap(dockerContainer(json, MINIO));
    expect(env.AWS_ACCESS_KEY_ID).toMatch(/^\$\{random_password\.Minio_RootCredentials_AccessKeyId_[0-9A-F]{8}\.result\}$/);
    expect(env.AWS_ACCESS_KEY_ID).toBe(minio.MINIO_ROOT_USER);
    expect(env.AWS_SECRET_ACCESS_KEY).toBe(minio.MINIO_ROOT_PASSWORD);
  });

  it("creates the bucket the backend names before MinIO serves, and starts the backend only after MinIO is ready", () => {
    const minio = dockerContainer(json, MINIO);
    expect(minio.entrypoint).toEqual(["/bin/sh", "-c"]);
    expect(minio.command?.[0]).toMatch(/^set -eu; mkdir -p "\$MINIO_VOLUMES\/\$CONVEX_BUCKET"; exec minio server /);
    expect(envMap(minio)).toMatchObject({ MINIO_VOLUMES: "/data", CONVEX_BUCKET: backendEnv(json).S3_STORAGE_FILES_BUCKET });
    expect(minio.healthcheck?.test).toEqual(["CMD", "curl", "-f", "http://localhost:9000/minio/health/ready"]);
    expect(minio.wait).toBe(true);
    expect(dockerContainer(json, BACKEND).depends_on).toEqual([addressOf(json, "docker_container", MINIO)]);
  });

  it("keeps MinIO off the host: no published port, its volume protected like the backend's", () => {
    const minio = dockerContainer(json, MINIO);
    expect(minio.ports).toBeUndefined();
    expect(minio.mounts).toEqual([{ type: "volume", source: `\${${addressOf(json, "docker_volume", "convex-alice-dev-minio-data")}.name}`, target: "/data" }]);
    for (const v of Object.values(resourcesOf(json, "docker_volume"))) expect(v.lifecycle).toEqual({ prevent_destroy: true, ignore_changes: "all" });
  });
});

describe("workspace-docker, proxied mode with the default MinIO bucket", () => {
  const json = synthDocker({}, { STORAGE_MODE: "proxied" });

  it("adds the proxy on a stock Node image and its generated keys, besides MinIO", () => {
    expect(inventory(json)).toEqual({
      docker_container: 5,
      docker_image: 4,
      docker_network: 1,
      docker_volume: 2,
      random_id: 1,
      random_password: 4,
      terraform_data: 1,
      tls_cert_request: 1,
      tls_locally_signed_cert: 1,
      tls_private_key: 2,
      tls_self_signed_cert: 1,
    });
    expect(namesOf(json, "docker_container")).toEqual([ADMIN_KEY, BACKEND, DASHBOARD, MINIO, PROXY]);
    expect(namesOf(json, "docker_image")).toContain("node:24.22.3-alpine3.24");
  });

  it("points the backend at the proxy with Convex's AWS defaults (no SSE or checksum flags), signing with the proxy's keys", () => {
    const env = backendEnv(json);
    const proxy = envMap(dockerContainer(json, PROXY));
    expect(env.S3_ENDPOINT_URL).toBe(`https://${PROXY}:8333`);
    expect(env.AWS_S3_FORCE_PATH_STYLE).toBe("true");
    for (const flag of ["AWS_S3_DISABLE_SSE", "AWS_S3_DISABLE_CHECKSUMS", "AWS_REQUEST_CHECKSUM_CALCULATION"]) expect(env).not.toHaveProperty(flag);
    expect(env.AWS_ACCESS_KEY_ID).toBe(proxy.S3PROXY_ACCESS_KEY_ID);
    expect(env.AWS_SECRET_ACCESS_KEY).toBe(proxy.S3PROXY_SECRET_ACCESS_KEY);
    expect(env.AWS_ACCESS_KEY_ID).toMatch(/^\$\{random_password\.ProxyCredentials_AccessKeyId_[0-9A-F]{8}\.result\}$/);
  });

  it("sends the proxy upstream to MinIO with MinIO's root keys", () => {
    const proxy = envMap(dockerContainer(json, PROXY));
    const minio = envMap(dockerContainer(json, MINIO));
    expect(proxy).toEqual({
      S3PROXY_LISTEN: "0.0.0.0:8333",
      S3PROXY_UPSTREAM_URL: `http://${MINIO}:9000`,
      S3PROXY_UPSTREAM_REGION: "us-east-1",
      S3PROXY_UPSTREAM_ACCESS_KEY_ID: minio.MINIO_ROOT_USER,
      S3PROXY_UPSTREAM_SECRET_ACCESS_KEY: minio.MINIO_ROOT_PASSWORD,
      S3PROXY_ACCESS_KEY_ID: expect.any(String),
      S3PROXY_SECRET_ACCESS_KEY: expect.any(String),
      S3PROXY_BUCKETS: "convex",
      S3PROXY_SSE: "strip",
      S3PROXY_TLS_CERT_FILE: "/convex/tls/proxy/tls.crt",
      S3PROXY_TLS_KEY_FILE: "/convex/tls/proxy/tls.key",
      NODE_EXTRA_CA_CERTS: "/convex/tls/proxy-ca/ca.crt",
    });
  });

  it("uploads the bundle unchanged (Terraform markers escaped) and runs it with the image's node as the node user", () => {
    const proxy = dockerContainer(json, PROXY);
    expect(proxy.command).toEqual(["node", "/opt/s3-proxy/s3-proxy.mjs"]);
    expect(proxy.user).toBe("1000:1000");
    expect(proxy.upload?.map((u) => u.file)).toEqual(["/opt/s3-proxy/s3-proxy.mjs", "/convex/tls/proxy/tls.crt", "/convex/tls/proxy/tls.key", "/convex/tls/proxy-ca/ca.crt"]);
    expect(proxy.upload?.[0]?.file).toBe("/opt/s3-proxy/s3-proxy.mjs");
    expect(proxy.upload?.[0]?.content).toBe("const a = 1; console.log(`$${a} %%{b}`);\n");
    expect(unescapeTemplate(proxy.upload?.[0]?.content ?? "")).toBe(FIXTURE_BUNDLE);
    expect(proxy.ports).toBeUndefined();
  });

  it("orders the start: MinIO, then the proxy (ready on /readyz), then the backend", () => {
    const minio = addressOf(json, "docker_container", MINIO);
    const proxy = addressOf(json, "docker_container", PROXY);
    expect(dockerContainer(json, PROXY).depends_on).toEqual([minio]);
    expect(dockerContainer(json, PROXY).wait).toBe(true);
    expect(dockerContainer(json, PROXY).healthcheck?.test.slice(0, 3)).toEqual(["CMD", "node", "-e"]);
    expect(dockerContainer(json, BACKEND).depends_on).toEqual([minio, proxy]);
  });
});

describe("workspace-docker with an external bucket", () => {
  const bucket = { kind: "external", endpoint: "https://s3.example.com/", bucketName: "alice-convex", profile: "aws" };

  it("reads the keys from the named environment variables, deploys no MinIO, and marks the keys sensitive", () => {
    const json = synthDocker(
      { storage: { bucket: { ...bucket, accessKeyIdEnv: "ALICE_KEY_ID", secretAccessKeyEnv: "ALICE_SECRET" } } },
      { STORAGE_MODE: "s3" },
      { environment: { ALICE_KEY_ID: "AKIAEXAMPLE", ALICE_SECRET: "s3cr3t" } },
    );
    expect(namesOf(json, "docker_container")).toEqual([ADMIN_KEY, BACKEND, DASHBOARD]);
    expect(backendEnv(json)).toMatchObject({ S3_ENDPOINT_URL: "https://s3.example.com", AWS_ACCESS_KEY_ID: '${sensitive("AKIAEXAMPLE")}', AWS_SECRET_ACCESS_KEY: '${sensitive("s3cr3t")}' });
    expect(backendEnv(json)).not.toHaveProperty("AWS_S3_DISABLE_SSE");
    expect(dockerContainer(json, BACKEND).depends_on ?? []).toEqual([]);
  });

  it("reads the keys from a keys file at plan time, so they never reach the configuration", () => {
    const json = synthDocker({ storage: { bucket: { ...bucket, credentialsFile: "keys/alice.env" } } }, { STORAGE_MODE: "s3" }, { cwd: "/home/alice/project" });
    expect(backendEnv(json)).toMatchObject({
      AWS_ACCESS_KEY_ID: '${sensitive(regex("(?m)^AWS_ACCESS_KEY_ID=([^[:space:]]+)", file("/home/alice/project/keys/alice.env"))[0])}',
      AWS_SECRET_ACCESS_KEY: '${sensitive(regex("(?m)^AWS_SECRET_ACCESS_KEY=([^[:space:]]+)", file("/home/alice/project/keys/alice.env"))[0])}',
    });
  });

  it("fails if a named key variable is not set, naming it", () => {
    expect(() =>
      synthDocker({ storage: { bucket: { ...bucket, accessKeyIdEnv: "ALICE_KEY_ID", secretAccessKeyEnv: "ALICE_SECRET" } } }, { STORAGE_MODE: "s3" }, { environment: { ALICE_KEY_ID: "AKIAEXAMPLE" } }),
    ).toThrow(
      new ConfigError([{ field: "storage.bucket.secretAccessKeyEnv", value: '"ALICE_SECRET"', fix: "export ALICE_SECRET with the bucket's key before synthesizing (it is never written to the YAML file)" }]),
    );
  });
});

describe("workspace-docker invariants", () => {
  it.each(["local", "s3", "proxied"])("sets AWS_REGION and all five bucket variables together, or none (%s)", (mode) => {
    const env = backendEnv(synthDocker({}, { STORAGE_MODE: mode }));
    const present = S3_SELECTION_VARIABLES.filter((n) => (env[n] ?? "") !== "");
    expect([0, S3_SELECTION_VARIABLES.length]).toContain(present.length);
    expect(present.length).toBe(mode === "local" ? 0 : 6);
  });

  it("publishes on the configured host ports and address", () => {
    const urls = { cloudOrigin: "http://127.0.0.1:13210", siteOrigin: "http://127.0.0.1:13211", dashboardUrl: "http://127.0.0.1:16791" };
    const json = synthDocker({ urls }, {}, { apiHostPort: 13210, siteHostPort: 13211, dashboardHostPort: 16791, hostIp: "0.0.0.0" });
    expect(dockerContainer(json, BACKEND).ports).toEqual([
      { internal: 3210, external: 13210, ip: "0.0.0.0" },
      { internal: 3211, external: 13211, ip: "0.0.0.0" },
    ]);
    expect(dockerContainer(json, DASHBOARD).ports).toEqual([{ internal: 6791, external: 16791, ip: "0.0.0.0" }]);
  });

  it("leaves the data volumes destroyable when the configuration turns protection off", () => {
    const json = synthDocker({ convex: { dataVolume: { protect: false } } }, { STORAGE_MODE: "s3" });
    for (const v of Object.values(resourcesOf(json, "docker_volume"))) expect(v.lifecycle).toEqual({ prevent_destroy: false, ignore_changes: "all" });
  });

  it("fails if the configuration has an Ingress, which Docker does not serve", () => {
    expect(() => synthDocker({ ingress: { apiHost: "api.a.example.com", siteHost: "site.a.example.com", dashboardHost: "dash.a.example.com" } })).toThrow(
      'ingress: got "api.a.example.com"; Ingress is a Kubernetes setting; on Docker remove it and set urls.cloudOrigin, urls.siteOrigin and urls.dashboardUrl to what your reverse proxy serves',
    );
  });

  it("fails if given a plan for the Kubernetes target", () => {
    expect(() => new WorkspaceDockerStack(Testing.app(), DOCKER_STACK_ID, { plan: kubernetesPlan() })).toThrow(
      new InvariantError("workspace-docker needs a plan for the docker target, got one for kubernetes: use planDockerWorkspace"),
    );
  });

  it("fails if a port moves but its URL is still the default, naming each URL", () => {
    expect(() => synthDocker({}, {}, { apiHostPort: 13210, dashboardHostPort: 16791 })).toThrow(
      new ConfigError([
        { field: "urls.cloudOrigin", value: '"http://127.0.0.1:3210"', fix: "the port is published on 13210: set urls.cloudOrigin, e.g. http://127.0.0.1:13210" },
        { field: "urls.dashboardUrl", value: '"http://127.0.0.1:6791"', fix: "the port is published on 16791: set urls.dashboardUrl, e.g. http://127.0.0.1:16791" },
      ]),
    );
  });

  it("fails if a published port is out of range", () => {
    expect(() => synthDocker({ urls: { cloudOrigin: "http://127.0.0.1:7000" } }, {}, { apiHostPort: 70000 })).toThrow("apiHostPort: got 70000; use a TCP port from 1 to 65535");
  });
});
