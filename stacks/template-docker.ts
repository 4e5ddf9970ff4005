import { Container } from "@cdktf/provider-docker/lib/container/index.js";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider/index.js";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider/index.js";
import { Volume } from "@cdktf/provider-docker/lib/volume/index.js";
import { Fn, Op, TerraformLocal, TerraformVariable, Token, type TerraformResource } from "cdktf";
import type { Construct } from "constructs";
import { CoderAgent } from "../lib/coder/agent.ts";
import { CoderMetadata } from "../lib/coder/metadata.ts";
import { backendEnvironment } from "../lib/core/backend-env.ts";
import { Bucket } from "../lib/core/bucket.ts";
import type { EnvEntry } from "../lib/core/env.ts";
import { InvariantError } from "../lib/core/errors.ts";
import { DATABASE_CLIENTS, MINIO_IMAGE, NODE_IMAGE } from "../lib/core/images.ts";
import type { ServerDatabaseKind } from "../lib/core/database.ts";
import { proxyEnvironment } from "../lib/core/proxy-env.ts";
import { STORAGE_MODES, Storage, type AnyStorage, type StorageModeName } from "../lib/core/storage.ts";
import { BACKEND_API_PORT, BACKEND_SITE_PORT, ConvexBackend } from "../lib/docker/convex-backend.ts";
import { ConvexDashboard, DASHBOARD_PORT } from "../lib/docker/convex-dashboard.ts";
import { DatabaseInit } from "../lib/docker/database-init.ts";
import type { DockerRefSources } from "../lib/docker/env.ts";
import { GeneratedKeyPair, InstanceSecret } from "../lib/docker/generated-secret.ts";
import { PulledImage } from "../lib/docker/image.ts";
import { dockerLabels } from "../lib/docker/labels.ts";
import { MINIO_PORT, MinioServer } from "../lib/docker/minio.ts";
import { WorkspaceNetwork } from "../lib/docker/network.ts";
import { S3Proxy } from "../lib/docker/s3-proxy.ts";
import { DockerProxyTls, trustingEntrypoint } from "../lib/docker/tls.ts";
import { backendCaFiles, backendTrustEnvironment, proxyTlsEnvironment } from "../lib/core/tls.ts";
import { proxyBundle } from "../lib/proxy-bundle.ts";
import { dockerTemplateBackup } from "./template-backup-docker.ts";
import { isSet, TEMPLATE_DATABASES, templateDatabase, withTemplateSsl } from "./template-database.ts";
import { ADMIN_KEY_DIR, ADMIN_KEY_FILE } from "./template-env-local.ts";
import { coderInputs, coderLabels, firstInstanceId, modeComputeCount, templateBase, workspaceAgent, type CoderInputs } from "./template-shared.ts";
import { LiteralSafeStack } from "../lib/terraform/literal-safe-stack.ts";

/** The template's stack id (also its folder under build/templates). */
export const DOCKER_TEMPLATE_ID = "docker";

/** Stands in for the dashboard's URL until it is set as a Terraform expression (the construct escapes `${`). */
const APP_URL_PLACEHOLDER = "https://convex-api.invalid";

/**
 * Renders a core environment as Docker's `NAME=value` list for a template: like lib/docker's `dockerEnv`, but
 * literals are kept as they are, because here they carry the template's own Terraform expressions (the app URLs,
 * names from the workspace id). The core's literals never contain `${` of their own.
 */
export function templateDockerEnv(env: readonly EnvEntry[], sources: DockerRefSources): string[] {
  return env.map((e) => {
    if (e.value.kind === "literal") {
      if (e.value.value.includes("$(")) throw new InvariantError(`environment variable ${e.name} uses Kubernetes' $(VAR) expansion, which Docker does not do`);
      return `${e.name}=${e.value.value}`;
    }
    const source = sources[e.value.ref];
    if (source === undefined) throw new InvariantError(`environment variable ${e.name} refers to '${e.value.ref}', which no resource of this template provides`);
    return `${e.name}=${source}`;
  });
}

/**
 * The labels Coder's Docker example puts on its container and volume: owner, owner id, workspace id, and the
 * workspace name (on a volume, which never changes after creation, named `coder.workspace_name_at_creation`).
 */
export function dockerExampleLabels(inputs: CoderInputs, kind: "container" | "volume"): Record<string, string> {
  return {
    "coder.owner": inputs.owner.name,
    "coder.owner_id": inputs.owner.id,
    "coder.workspace_id": inputs.workspace.id,
    [kind === "container" ? "coder.workspace_name" : "coder.workspace_name_at_creation"]: inputs.workspace.name,
  };
}

/** The admin variable holding the shared Postgres or MySQL server's URL (sensitive); its scheme names the kind. */
export const DATABASE_URL_VARIABLE = "database_url";

/**
 * What Convex accepts as POSTGRES_URL or MYSQL_URL: a postgres:// or mysql:// URL with a user, a host, and no path
 * or query.
 */
const DATABASE_URL_PATTERN = "^(postgres(ql)?|mysql)://[^/?#@:]+(:[^/?#@]*)?@[^/?#@]+$";

/** The one-shot init container and its client image per kind: construct ids (Postgres's predate MySQL's) and name. */
const TEMPLATE_DATABASE_INITS: Readonly<Record<ServerDatabaseKind, { readonly id: string; readonly imageId: string; readonly component: string }>> = {
  postgres: { id: "DatabaseInit", imageId: "PostgresImage", component: "create-database" },
  mysql: { id: "MysqlDatabaseInit", imageId: "MysqlImage", component: "create-mysql-database" },
};

/** As in Coder's Docker example: the Docker host, from inside a container. */
const DOCKER_HOST_ENTRY = { host: "host.docker.internal", ip: "host-gateway" };

/** The bucket every Docker workspace's MinIO holds. */
const MINIO_BUCKET = "convex";

/** The storage object each mode is described by in the core: the workspace's own MinIO for the bucket modes. */
export function dockerTemplateStorage(mode: StorageModeName): AnyStorage {
  switch (mode) {
    case "local":
      return Storage.local();
    case "s3":
      return Storage.s3(Bucket.minio({ bucketName: MINIO_BUCKET }));
    case "proxied":
      return Storage.proxied(Bucket.minio({ bucketName: MINIO_BUCKET }));
  }
}

/**
 * A Coder template: one Convex backend per workspace on the Docker host Coder provisions on, with the storage mode
 * picked per workspace. Docker's `env` is a plain list of strings, so the backend is one container whose
 * environment is looked up at apply time from `local.backend_env`, a map from each mode to exactly the environment
 * the deploy stack would give it (`backendEnvironment`, rendered by `dockerEnv`). MinIO (and, for `proxied`, the S3
 * proxy) runs only for the bucket modes and only while the workspace runs; the volumes survive a stop.
 *
 * The lib/docker constructs serve the deploy stack and have no `count` or port-less mode yet, so this template sets
 * `count`, drops the host port bindings (several workspaces share one host; Coder's agent reaches the containers on
 * the workspace network) and sets the dashboard's environment through CDKTF overrides.
 *
 * With `database_url` set, every workspace gets its own database on that shared Postgres or MySQL server (the URL's
 * scheme says which): the backend's environment is its mode's Postgres or MySQL list (POSTGRES_URL or MYSQL_URL from
 * the variable), and a one-shot container creates the workspace's database before the backend starts, at every start.
 */
export class DockerTemplateStack extends LiteralSafeStack {
  readonly inputs: CoderInputs;
  readonly agent: CoderAgent;
  readonly backend: ConvexBackend;
  readonly workspaceContainer: Container;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const { defaults, images, region } = templateBase(this);
    new DockerProvider(this, "docker", {});

    const workspaceImage = new TerraformVariable(this, "workspace_image", {
      type: "string",
      default: "codercom/enterprise-node:ubuntu",
      description: "Image of the developer's workspace container (needs sh, curl and Node for `npx convex dev`).",
    }).stringValue;

    const databaseUrl = new TerraformVariable(this, DATABASE_URL_VARIABLE, {
      type: "string",
      default: "",
      sensitive: true,
      description:
        "postgres://USER:PASSWORD@HOST:PORT of a shared Postgres server (a role with CREATEDB), or mysql://USER:PASSWORD@HOST:PORT of a " +
        "shared MySQL server (a user with CREATE); no database name, no query, reachable from " +
        "the workspace containers (host.docker.internal is the Docker host). Each workspace then gets its own database there. Empty: SQLite " +
        "on each backend's data volume.",
    });

    const inputs = coderInputs(this);
    this.inputs = inputs;
    const database = templateDatabase(
      this,
      inputs,
      isSet(databaseUrl.stringValue),
      Token.asString(Fn.conditional(Fn.startswith(databaseUrl.stringValue, "mysql://"), "mysql", "postgres")),
    );
    const ws = inputs.workspace;
    const start = inputs.startLocal.asNumber;
    const name = (component: string) => `convex-${ws.id}-${component}`;
    // Coder's label set, plus the labels of Coder's Docker example (coder.owner, ...) for finding orphans.
    const labels = (component: string) => ({ ...coderLabels(inputs, component), ...dockerExampleLabels(inputs, "container") });
    const volumeLabels = (component: string) => dockerLabels({ ...coderLabels(inputs, component), ...dockerExampleLabels(inputs, "volume") });
    const counted = (resource: TerraformResource, count: number) => {
      resource.count = count;
    };

    const network = new WorkspaceNetwork(this, "Network", { name: name("network"), labels: labels("network") });
    const backendImage = new PulledImage(this, "BackendImage", { name: images.backend });
    const dashboardImage = new PulledImage(this, "DashboardImage", { name: images.dashboard });
    const instanceSecret = new InstanceSecret(this, "InstanceSecret");
    const proxyCredentials = new GeneratedKeyPair(this, "ProxyCredentials");

    // MinIO: its volume is data (no count); the server runs for the bucket modes while the workspace runs.
    const minioImage = new PulledImage(this, "MinioImage", { name: MINIO_IMAGE });
    const minio = new MinioServer(this, "Minio", {
      name: name("minio"),
      dataVolumeName: name("minio-data"),
      image: minioImage.imageId,
      networkName: network.name,
      bucketName: MINIO_BUCKET,
      labels: labels("minio"),
      protectDataVolume: false,
    });
    counted(minio.resource, modeComputeCount(inputs, ["s3", "proxied"]));
    minio.dataVolume.putLabels(volumeLabels("minio"));

    // The admin's URL, with its password: sensitive wherever it is rendered.
    const databaseUrlRef = Token.asString(Fn.sensitive(databaseUrl.stringValue));
    const refs: DockerRefSources = {
      instanceSecret: instanceSecret.hex,
      bucketAccessKeyId: minio.rootCredentials.accessKeyId,
      bucketSecretAccessKey: minio.rootCredentials.secretAccessKey,
      proxyAccessKeyId: proxyCredentials.accessKeyId,
      proxySecretAccessKey: proxyCredentials.secretAccessKey,
      databaseUrl: databaseUrlRef,
    };

    // The proxy serves TLS (the deploy stack's default): a certificate for its container name, issued at apply time.
    new TlsProvider(this, "tls", {});
    const proxyTls = new DockerProxyTls(this, "ProxyTls", { containerName: name("s3-proxy") });
    const proxyTlsPlan = { proxyTls: true };
    const proxyImage = new PulledImage(this, "ProxyImage", { name: NODE_IMAGE });
    const proxied = Storage.proxied(Bucket.minio({ bucketName: MINIO_BUCKET }));
    const proxy = new S3Proxy(this, "S3Proxy", {
      name: name("s3-proxy"),
      image: proxyImage.imageId,
      networkName: network.name,
      bundle: proxyBundle(),
      env: templateDockerEnv([...proxyEnvironment({ storage: proxied, region, minioEndpoint: minio.endpoint }), ...proxyTlsEnvironment(proxyTlsPlan)], refs),
      labels: labels("s3-proxy"),
      dependsOn: [minio.resource],
      tls: true,
      uploads: proxyTls.proxyUploads,
    });
    counted(proxy.resource, modeComputeCount(inputs, ["proxied"]));

    // The backend's environment per mode and database (`<mode>` for SQLite, `<mode>_postgres`, `<mode>_mysql`), from the core;
    // the container picks its list at apply time.
    const backendEnv = new TerraformLocal(
      this,
      "backend_env",
      Object.fromEntries(
        STORAGE_MODES.flatMap((mode) =>
          TEMPLATE_DATABASES.map((kind) => [
            kind === "sqlite" ? mode : `${mode}_${kind}`,
            templateDockerEnv(
              withTemplateSsl(
                backendEnvironment({
                  instanceName: database.instanceName,
                  cloudOrigin: inputs.urls.api,
                  siteOrigin: inputs.urls.site,
                  storage: dockerTemplateStorage(mode),
                  region,
                  proxyEndpoint: proxy.endpoint,
                  minioEndpoint: minio.endpoint,
                  database: kind === "sqlite" ? undefined : { kind, requireSsl: false },
                }),
                database,
              ).concat(backendTrustEnvironment(backendCaFiles(proxyTlsPlan, mode))),
              refs,
            ),
          ]),
        ),
      ),
    );
    const envKey = Token.asString(Fn.conditional(database.is("sqlite"), inputs.modeLocal.asString, Fn.join("_", [inputs.modeLocal.asString, database.kind])));

    // The workspace's database on the shared server, created before the backend starts (every start: a no-op once it exists).
    const databaseInit = (kind: ServerDatabaseKind): DatabaseInit => {
      const spec = TEMPLATE_DATABASE_INITS[kind];
      const clientImage = new PulledImage(this, spec.imageId, { name: DATABASE_CLIENTS[kind].image });
      const init = new DatabaseInit(this, spec.id, {
        kind,
        name: name(spec.component),
        image: clientImage.imageId,
        networkName: network.name,
        database: database.databaseName,
        url: databaseUrlRef,
        urlSource: `the template variable ${DATABASE_URL_VARIABLE}`,
        requireSsl: true,
        sslMode: database.sslMode(kind),
        labels: labels("create-database"),
        // A precondition, not a variable validation: Terraform 1.11 prints a sensitive variable's value when its
        // validation fails, and a precondition's failure does not.
        preconditions: [
          {
            condition: Token.asAny(Op.or(Op.not(isSet(databaseUrl.stringValue)), Fn.can(Fn.regex(DATABASE_URL_PATTERN, databaseUrl.stringValue)))),
            errorMessage: `${DATABASE_URL_VARIABLE} must be empty (SQLite), postgres://USER:PASSWORD@HOST:PORT or mysql://USER:PASSWORD@HOST:PORT: a user, no database name, no path, no query parameters (Convex's rules; percent-encode '@', '/' and ':' in the password).`,
          },
        ],
      });
      counted(init.resource, modeComputeCount(inputs, STORAGE_MODES, database.is(kind)));
      init.resource.putHost([DOCKER_HOST_ENTRY]);
      return init;
    };
    const databaseInits = [databaseInit("postgres"), databaseInit("mysql")];
    this.backend = new ConvexBackend(this, "Backend", {
      name: name("backend"),
      dataVolumeName: name("data"),
      image: backendImage.imageId,
      networkName: network.name,
      env: Token.asList(Fn.lookup(backendEnv.asAnyMap, envKey)),
      labels: labels("backend"),
      stopTimeoutSeconds: defaults.convex.stopGracePeriodSeconds,
      protectDataVolume: false,
      dependsOn: [minio.resource, proxy.resource, ...databaseInits.map((init) => init.resource)],
      // One container for every mode: it always writes the trust bundle with the proxy's CA; only the proxied
      // environment points SSL_CERT_FILE and NODE_EXTRA_CA_CERTS at it.
      trust: { uploads: [proxyTls.caUpload], entrypoint: trustingEntrypoint(backendCaFiles(proxyTlsPlan, "proxied")) },
    });
    counted(this.backend.resource, start);
    this.backend.dataVolume.putLabels(volumeLabels("backend"));
    this.backend.resource.resetPorts();
    this.backend.resource.putHost([DOCKER_HOST_ENTRY]);

    // Backups and restore (off until an admin sets the backup variables, or a workspace is created with restore_from).
    dockerTemplateBackup(this, {
      inputs,
      name,
      labels,
      database,
      region,
      image: proxyImage.imageId,
      networkName: network.name,
      dataVolume: this.backend.dataVolume,
      backend: this.backend.resource,
      hosts: [DOCKER_HOST_ENTRY],
      render: (env) => templateDockerEnv(env, refs),
      databaseVariable: DATABASE_URL_VARIABLE,
    });

    const dashboard = new ConvexDashboard(this, "Dashboard", {
      name: name("dashboard"),
      image: dashboardImage.imageId,
      networkName: network.name,
      labels: labels("dashboard"),
      deploymentUrl: APP_URL_PLACEHOLDER,
      backend: this.backend.resource,
    });
    counted(dashboard.resource, start);
    dashboard.resource.resetPorts();
    dashboard.resource.env = [`NEXT_PUBLIC_DEPLOYMENT_URL=${inputs.urls.api}`];

    this.agent = workspaceAgent(this, inputs, {
      api: `http://${name("backend")}:${BACKEND_API_PORT}`,
      site: `http://${name("backend")}:${BACKEND_SITE_PORT}`,
      dashboard: `http://${name("dashboard")}:${DASHBOARD_PORT}`,
    });

    // Data of the developer: the home volume, and the admin key's volume (mounted by the key maker and the workspace).
    const home = new Volume(this, "Home", { name: `coder-${ws.id}-home`, labels: volumeLabels("home"), lifecycle: { ignoreChanges: "all" } });
    const adminKeyVolume = new Volume(this, "AdminKeyVolume", { name: name("admin-key"), labels: volumeLabels("admin-key"), lifecycle: { ignoreChanges: "all" } });

    // The backend image's own generate_key (root) writes the key into the admin-key volume at every start. The key
    // never reaches Terraform: no attach, no logs captured.
    const keyMaker = new Container(this, "AdminKeyMaker", {
      count: start,
      name: name("admin-key"),
      image: backendImage.imageId,
      user: "root",
      entrypoint: ["/bin/sh", "-c"],
      command: [`umask 022 && ./generate_key "$INSTANCE_NAME" "$INSTANCE_SECRET" > ${ADMIN_KEY_DIR}/${ADMIN_KEY_FILE}.tmp && mv ${ADMIN_KEY_DIR}/${ADMIN_KEY_FILE}.tmp ${ADMIN_KEY_DIR}/${ADMIN_KEY_FILE}`],
      env: [`INSTANCE_NAME=${database.instanceName}`, `INSTANCE_SECRET=${instanceSecret.hex}`],
      mounts: [{ type: "volume", source: adminKeyVolume.name, target: ADMIN_KEY_DIR }],
      networkMode: "none",
      mustRun: false,
      restart: "no",
      labels: dockerLabels(labels("admin-key")),
    });

    // The workspace's bucket settings for the developer's own tools, in the bucket modes.
    const bucketEnv = [`AWS_ENDPOINT_URL_S3=${minio.endpoint}`, `AWS_REGION=${region}`, `BUCKET_NAME=${MINIO_BUCKET}`, `AWS_ACCESS_KEY_ID=${refs.bucketAccessKeyId}`, `AWS_SECRET_ACCESS_KEY=${refs.bucketSecretAccessKey}`];
    const s3Env = new TerraformLocal(this, "workspace_s3_env", { local: [], s3: bucketEnv, proxied: bucketEnv });
    this.workspaceContainer = new Container(this, "Workspace", {
      count: start,
      name: `coder-${ws.id}`,
      hostname: ws.name,
      image: workspaceImage,
      // As in Coder's Docker example: the agent reaches Coder on the host through host.docker.internal.
      entrypoint: ["sh", "-c", Fn.replace(this.agent.initScript, "/localhost|127\\\\.0\\\\.0\\\\.1/", "host.docker.internal")],
      env: Token.asList(
        Fn.concat([[`CODER_AGENT_TOKEN=${this.agent.token}`], Fn.lookup(s3Env.asAnyMap, inputs.modeLocal.asString)]),
      ),
      host: [{ host: "host.docker.internal", ip: "host-gateway" }],
      networksAdvanced: [{ name: network.name }],
      mounts: [
        { type: "volume", source: home.name, target: "/home/coder" },
        { type: "volume", source: adminKeyVolume.name, target: ADMIN_KEY_DIR, readOnly: true },
      ],
      labels: dockerLabels(labels("workspace")),
      dependsOn: [keyMaker],
    });

    // On the workspace container: Coder attaches metadata to the resource it points at and skips coder_* types.
    new CoderMetadata(this, "WorkspaceInfo", {
      count: start,
      resourceId: firstInstanceId(this.workspaceContainer),
      items: [
        { key: "storage mode", value: inputs.modeLocal.asString },
        { key: "convex release", value: defaults.convex.release },
        { key: "minio", value: `http://${name("minio")}:${MINIO_PORT}` },
        { key: "database", value: database.kind },
      ],
    });
  }
}
