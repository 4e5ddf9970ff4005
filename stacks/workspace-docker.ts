import { DockerProvider } from "@cdktf/provider-docker/lib/provider/index.js";
import { RandomProvider } from "@cdktf/provider-random/lib/provider/index.js";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider/index.js";
import { LocalBackend, TerraformOutput, type ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { resolve } from "node:path";
import { ConfigError, configError, InvariantError, showValue, type ConfigIssue } from "../lib/core/errors.ts";
import { MYSQL_SERVER_IMAGE, POSTGRES_SERVER_IMAGE } from "../lib/core/images.ts";
import { SERVER_DATABASES, type ServerDatabaseKind } from "../lib/core/database.ts";
import { workspaceLabels } from "../lib/core/labels.ts";
import type { Component } from "../lib/core/names.ts";
import { LOCAL_URLS, type WorkspacePlan } from "../lib/core/plan.ts";
import type { WorkspaceUrls } from "../lib/core/urls.ts";
import { AdminKey } from "../lib/docker/admin-key.ts";
import { BACKEND_API_PORT, BACKEND_SITE_PORT, ConvexBackend } from "../lib/docker/convex-backend.ts";
import { ConvexDashboard, DASHBOARD_PORT } from "../lib/docker/convex-dashboard.ts";
import { DatabaseInit } from "../lib/docker/database-init.ts";
import { dockerDatabaseUrl } from "../lib/docker/database-url.ts";
import { dockerEnv, type DockerRefSources } from "../lib/docker/env.ts";
import { externalBucketKeys } from "../lib/docker/external-credentials.ts";
import { GeneratedKeyPair, InstanceSecret } from "../lib/docker/generated-secret.ts";
import { PulledImage } from "../lib/docker/image.ts";
import { MinioServer } from "../lib/docker/minio.ts";
import { WorkspaceNetwork } from "../lib/docker/network.ts";
import { DatabaseServerContainer } from "../lib/docker/database-server.ts";
import { S3Proxy } from "../lib/docker/s3-proxy.ts";
import { dockerWorkspaceBackup } from "../lib/docker/workspace-backup.ts";
import { DockerProxyTls, bucketCaUpload, trustingEntrypoint } from "../lib/docker/tls.ts";
import { proxyBundle } from "../lib/proxy-bundle.ts";
import { LiteralSafeStack } from "../lib/terraform/literal-safe-stack.ts";
import { StorageModeLock } from "../lib/terraform/storage-mode-lock.ts";

/** The stack id other tools deploy by: `cdktf deploy workspace-docker`. */
export const DOCKER_STACK_ID = "workspace-docker";

export interface WorkspaceDockerStackProps {
  /** The workspace, planned for the Docker target (lib/docker/plan.ts planDockerWorkspace). */
  readonly plan: WorkspacePlan;
  /**
   * Local state file. One per workspace, so deploying a second workspace never plans to replace the first.
   * @default "terraform.workspace-docker.<workspace>.tfstate" in the current directory
   */
  readonly stateFile?: string;
  /** Host port of the API; with another port, urls.cloudOrigin must be set to match. @default 3210 */
  readonly apiHostPort?: number;
  /** Host port of HTTP actions; with another port, urls.siteOrigin must be set to match. @default 3211 */
  readonly siteHostPort?: number;
  /** Host port of the dashboard; with another port, urls.dashboardUrl must be set to match. @default 6791 */
  readonly dashboardHostPort?: number;
  /** Host address the three ports are published on. @default "127.0.0.1" - this machine only */
  readonly hostIp?: string;
  /** Where an external bucket's key variables and database.urlEnv are read from. @default process.env */
  readonly environment?: Readonly<Record<string, string | undefined>>;
  /** Directory a relative keys-file or database.urlFile path is resolved against. @default process.cwd() */
  readonly cwd?: string;
  /** The S3 proxy bundle (proxied mode). @default proxyBundle() - built from proxy/src */
  readonly proxyBundle?: string;
}

/**
 * The workspace's own server per kind: construct ids (a contract: Postgres's predate MySQL's), names and image.
 */
const DOCKER_DATABASE_SERVERS: Readonly<Record<ServerDatabaseKind, { readonly id: string; readonly imageId: string; readonly component: "postgres" | "mysql"; readonly dataComponent: "postgres-data" | "mysql-data"; readonly image: string }>> = {
  postgres: { id: "Postgres", imageId: "PostgresImage", component: "postgres", dataComponent: "postgres-data", image: POSTGRES_SERVER_IMAGE },
  mysql: { id: "Mysql", imageId: "MysqlImage", component: "mysql", dataComponent: "mysql-data", image: MYSQL_SERVER_IMAGE },
};

/**
 * One workspace's Convex on a Docker host: a network, the backend with its data volume and generated instance
 * secret, the dashboard, an admin key, and what the storage mode needs — nothing for `local`; the bucket for `s3`
 * (a MinIO container with its volume and generated root keys, or an external endpoint); the bucket and the S3 proxy
 * with its generated keys for `proxied`. With `database.kind: postgres` or `mysql`, the workspace's own Postgres or
 * MySQL container (its volume and generated password; or a server named by database.urlEnv / database.urlFile) and a
 * one-shot container that creates the instance's database before the backend starts.
 *
 * The Docker provider reads DOCKER_HOST (and DOCKER_CERT_PATH, DOCKER_CONTEXT) from the environment, as the docker
 * CLI does. Construct ids are a contract: a renamed id is a destroy-and-recreate in Terraform.
 */
export class WorkspaceDockerStack extends LiteralSafeStack {
  readonly network: WorkspaceNetwork;
  readonly backend: ConvexBackend;
  readonly dashboard: ConvexDashboard;
  readonly adminKey: AdminKey;
  readonly minio?: MinioServer;
  readonly proxy?: S3Proxy;
  /** The workspace's own Postgres or MySQL server (`database.kind: postgres` or `mysql` without urlEnv or urlFile). */
  readonly databaseServer?: DatabaseServerContainer;
  /** The one-shot container that creates the workspace's database (`database.kind: postgres` or `mysql`). */
  readonly databaseInit?: DatabaseInit;

  constructor(scope: Construct, id: string, props: WorkspaceDockerStackProps) {
    super(scope, id);
    const { plan } = props;
    const { names } = plan;
    if (plan.target !== "docker") throw new InvariantError(`workspace-docker needs a plan for the docker target, got one for ${plan.target}: use planDockerWorkspace`);
    if (plan.ingress !== undefined) {
      throw configError("ingress", plan.ingress.apiHost, "Ingress is a Kubernetes setting; on Docker remove it and set urls.cloudOrigin, urls.siteOrigin and urls.dashboardUrl to what your reverse proxy serves");
    }
    checkLocalUrls(plan, props);
    new LocalBackend(this, { path: resolve(props.stateFile ?? `terraform.${id}.${plan.workspace}.tfstate`) });
    const labels = (component: Component) => workspaceLabels(plan.labels, component);

    // host defaults to DOCKER_HOST, else the local socket (kreuzwerker/docker provider.go).
    new DockerProvider(this, "docker", {});
    new RandomProvider(this, "random", {});

    this.network = new WorkspaceNetwork(this, "Network", { name: names.of("network"), labels: labels("network") });
    const backendImage = new PulledImage(this, "BackendImage", { name: plan.images.backend });
    const dashboardImage = new PulledImage(this, "DashboardImage", { name: plan.images.dashboard });
    const instanceSecret = new InstanceSecret(this, "InstanceSecret");
    const refs: DockerRefSources = { instanceSecret: instanceSecret.hex };
    const backendDependsOn: ITerraformDependable[] = [];

    const storage = plan.storage;
    // Backups go to the workspace bucket: in local mode its MinIO (or external endpoint) then exists for them alone.
    const backupBucket = plan.backup?.target.kind === "workspace" ? plan.backup.target.bucket : undefined;
    if (storage.mode !== "local" || backupBucket !== undefined) {
      const bucket = storage.mode !== "local" ? storage.bucket : (backupBucket as NonNullable<typeof backupBucket>);
      if (bucket.kind === "minio") {
        const minioImage = new PulledImage(this, "MinioImage", { name: plan.images.minio });
        this.minio = new MinioServer(this, "Minio", {
          name: names.of("minio"),
          dataVolumeName: names.of("minio-data"),
          image: minioImage.imageId,
          networkName: this.network.name,
          bucketName: bucket.bucketName,
          labels: labels("minio"),
          protectDataVolume: plan.dataVolume.protect,
        });
        refs.bucketAccessKeyId = this.minio.rootCredentials.accessKeyId;
        refs.bucketSecretAccessKey = this.minio.rootCredentials.secretAccessKey;
        backendDependsOn.push(this.minio.resource);
        assertEndpoint(plan, storage.mode === "s3" ? "S3_ENDPOINT_URL" : undefined, this.minio.endpoint);
      } else if (bucket.kind === "external") {
        if (bucket.dockerCredentials === undefined) throw new InvariantError("an external bucket on Docker needs dockerCredentials (the plan checks this)");
        const keys = externalBucketKeys(bucket.dockerCredentials, props.environment ?? process.env, props.cwd ?? process.cwd());
        refs.bucketAccessKeyId = keys.accessKeyId;
        refs.bucketSecretAccessKey = keys.secretAccessKey;
      } else {
        throw new InvariantError("ObjectBucketClaims need Rook on Kubernetes (the plan rejects them for Docker)");
      }
    }

    const bucketCa = plan.tls.bucketCa;
    if (bucketCa !== undefined && bucketCa.kind !== "file") throw new InvariantError("a bucket CA on Docker is a file (the plan checks this)");
    let proxyTls: DockerProxyTls | undefined;
    if (storage.mode === "proxied") {
      if (plan.proxyEnv === undefined) throw new InvariantError("a proxied plan carries the proxy's environment");
      if (plan.tls.proxyTls) {
        new TlsProvider(this, "tls", {});
        proxyTls = new DockerProxyTls(this, "ProxyTls", { containerName: names.of("s3-proxy") });
      }
      const credentials = new GeneratedKeyPair(this, "ProxyCredentials");
      refs.proxyAccessKeyId = credentials.accessKeyId;
      refs.proxySecretAccessKey = credentials.secretAccessKey;
      const proxyImage = new PulledImage(this, "ProxyImage", { name: plan.images.proxy });
      this.proxy = new S3Proxy(this, "S3Proxy", {
        name: names.of("s3-proxy"),
        image: proxyImage.imageId,
        networkName: this.network.name,
        bundle: props.proxyBundle ?? proxyBundle(),
        env: dockerEnv(plan.proxyEnv, refs),
        labels: labels("s3-proxy"),
        dependsOn: this.minio === undefined ? [] : [this.minio.resource],
        tls: proxyTls !== undefined,
        uploads: [...(proxyTls?.proxyUploads ?? []), ...(bucketCa === undefined ? [] : [bucketCaUpload(bucketCa.path)])],
      });
      backendDependsOn.push(this.proxy.resource);
      assertEndpoint(plan, "S3_ENDPOINT_URL", this.proxy.endpoint);
    }

    const database = plan.database;
    if (database.kind !== "sqlite") {
      const server = DOCKER_DATABASE_SERVERS[database.kind];
      // One image for the server and the init step's client.
      const serverImage = new PulledImage(this, server.imageId, { name: server.image });
      const initDependsOn: ITerraformDependable[] = [];
      let url: { readonly url: string; readonly source: string };
      if (database.server.kind === "container") {
        this.databaseServer = new DatabaseServerContainer(this, server.id, {
          kind: database.kind,
          name: names.of(server.component),
          dataVolumeName: names.of(server.dataComponent),
          image: serverImage.imageId,
          networkName: this.network.name,
          labels: labels(server.component),
          protectDataVolume: plan.dataVolume.protect,
        });
        url = { url: this.databaseServer.url, source: `the workspace's ${SERVER_DATABASES[database.kind].label} container ${names.of(server.component)}` };
        initDependsOn.push(this.databaseServer.resource);
      } else if (database.server.kind === "secret") {
        throw new InvariantError("a database URL from a Kubernetes Secret is for the Kubernetes target (the plan checks this)");
      } else {
        url = dockerDatabaseUrl(database.kind, database.server, props.environment ?? process.env, props.cwd ?? process.cwd());
      }
      refs.databaseUrl = url.url;
      this.databaseInit = new DatabaseInit(this, "DatabaseInit", {
        kind: database.kind,
        name: names.of("create-database"),
        image: serverImage.imageId,
        networkName: this.network.name,
        database: database.name,
        url: url.url,
        urlSource: url.source,
        requireSsl: database.requireSsl,
        labels: labels("create-database"),
        dependsOn: initDependsOn,
      });
      backendDependsOn.push(this.databaseInit.resource);
    }

    // A later plan with another storage mode fails before it changes anything (Convex locks its database to one).
    const modeLock = new StorageModeLock(this, "StorageModeLock", { workspace: plan.workspace, mode: storage.mode });
    this.backend = new ConvexBackend(this, "Backend", {
      name: names.of("backend"),
      dataVolumeName: names.of("data"),
      image: backendImage.imageId,
      networkName: this.network.name,
      env: dockerEnv(plan.backendEnv, refs),
      labels: labels("backend"),
      stopTimeoutSeconds: plan.stopGracePeriodSeconds,
      apiHostPort: props.apiHostPort,
      siteHostPort: props.siteHostPort,
      hostIp: props.hostIp,
      protectDataVolume: plan.dataVolume.protect,
      dependsOn: backendDependsOn,
      preconditions: [modeLock.precondition],
      // The backend trusts the CA of what it talks to: the proxy's (proxied) or the bucket's (s3), beside its roots.
      trust:
        plan.backendCaFiles.length === 0
          ? undefined
          : {
              uploads: storage.mode === "proxied" && proxyTls !== undefined ? [proxyTls.caUpload] : bucketCa === undefined ? [] : [bucketCaUpload(bucketCa.path)],
              entrypoint: trustingEntrypoint(plan.backendCaFiles),
            },
    });

    dockerWorkspaceBackup(this, {
      plan,
      refs,
      networkName: this.network.name,
      minioEndpoint: this.minio?.endpoint,
      dependsOn: this.minio ? [this.minio.resource] : [],
      backend: this.backend,
    });

    this.dashboard = new ConvexDashboard(this, "Dashboard", {
      name: names.of("dashboard"),
      image: dashboardImage.imageId,
      networkName: this.network.name,
      labels: labels("dashboard"),
      deploymentUrl: plan.urls.cloudOrigin,
      backend: this.backend.resource,
      hostPort: props.dashboardHostPort,
      hostIp: props.hostIp,
    });

    this.adminKey = new AdminKey(this, "AdminKey", {
      name: names.of("admin-key"),
      image: backendImage.imageId,
      instanceName: plan.instanceName,
      instanceSecret: instanceSecret.hex,
      labels: labels("admin-key"),
    });

    new TerraformOutput(this, "convex_url", { value: plan.urls.cloudOrigin, description: "CONVEX_SELF_HOSTED_URL for the CLI; the dashboard talks to it too" });
    new TerraformOutput(this, "site_url", { value: plan.urls.siteOrigin, description: "Origin of HTTP actions" });
    new TerraformOutput(this, "dashboard_url", { value: plan.urls.dashboardUrl, description: "Convex dashboard" });
    new TerraformOutput(this, "storage_mode", { value: plan.storage.mode });
    new TerraformOutput(this, "admin_key", {
      value: this.adminKey.value,
      sensitive: true,
      description: "CONVEX_SELF_HOSTED_ADMIN_KEY; read it with the admin_key_command output",
    });
    new TerraformOutput(this, "admin_key_command", {
      value: `terraform -chdir=cdktf.out/stacks/${id} output -raw admin_key`,
      description: "Prints the admin key (run from the project directory after deploy)",
    });
    new TerraformOutput(this, "health_command", {
      value: `curl -f http://${this.backend.hostIp}:${this.backend.apiHostPort}/version`,
      description: `The backend's health endpoint (GET /version on ${BACKEND_API_PORT}), through the published port`,
    });
  }
}

/**
 * The default URLs (LOCAL_URLS) name the default ports on 127.0.0.1. With another published port, a default URL would
 * send the browser and the CLI to the wrong port: the configuration must name the URL.
 */
function checkLocalUrls(plan: WorkspacePlan, props: WorkspaceDockerStackProps): void {
  const checks: [keyof WorkspaceUrls, number | undefined, number][] = [
    ["cloudOrigin", props.apiHostPort, BACKEND_API_PORT],
    ["siteOrigin", props.siteHostPort, BACKEND_SITE_PORT],
    ["dashboardUrl", props.dashboardHostPort, DASHBOARD_PORT],
  ];
  const issues: ConfigIssue[] = [];
  for (const [url, port, defaultPort] of checks) {
    if (port === undefined || port === defaultPort || plan.urls[url] !== LOCAL_URLS[url]) continue;
    issues.push({ field: `urls.${url}`, value: showValue(plan.urls[url]), fix: `the port is published on ${port}: set urls.${url}, e.g. http://127.0.0.1:${port}` });
  }
  if (issues.length > 0) throw new ConfigError(issues);
}

/** The URL the core put into the backend's environment must be the container this stack creates. */
function assertEndpoint(plan: WorkspacePlan, variable: string | undefined, endpoint: string): void {
  if (variable === undefined) return;
  const entry = plan.backendEnv.find((e) => e.name === variable);
  const value = entry?.value.kind === "literal" ? entry.value.value : undefined;
  if (value !== endpoint) throw new InvariantError(`${variable} is ${value ?? "(not a literal)"} but the container is reached at ${endpoint}: plan with planDockerWorkspace`);
}
