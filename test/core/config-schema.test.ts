import { describe, expect, it } from "vitest";
import { parseWorkspaceConfig } from "../../lib/core/config.ts";
import { problems } from "../support/config-problems.ts";

const parse = (raw: Record<string, unknown>) => parseWorkspaceConfig({ workspace: { name: "w" }, ...raw });
const problemsOf = (raw: Record<string, unknown>) => problems(() => parse(raw));
const external = { kind: "external", endpoint: "https://s3.example.com", bucketName: "alice-convex", credentialsSecretName: "alice-s3" };
const hosts = { apiHost: "api.a.example.com", siteHost: "site.a.example.com", dashboardHost: "dash.a.example.com" };

describe("workspace configuration schema: defaults", () => {
  it("fills every default of a file that names only the workspace", () => {
    expect(parse({})).toMatchObject({
      workspace: { name: "w", namespace: "convex" },
      convex: {
        release: "652b828b5129e6cdbcaa3c20efa8d116d09ff3bf",
        dataVolume: { size: "10Gi", protect: true },
        disableBeacon: false,
        redactLogsToClient: false,
        doNotRequireSsl: false,
        backendResources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "2", memory: "4Gi" } },
        dashboardResources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
        stopGracePeriodSeconds: 30,
      },
      database: { kind: "sqlite", urlSecretKey: "url", caSecretKey: "ca.crt" },
      urls: {},
      storage: {
        mode: "local",
        region: "us-east-1",
        doctor: false,
        proxy: { sse: "strip", image: "node:24.22.3-alpine3.24", resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "1", memory: "256Mi" } } },
      },
    });
  });

  it("fills the defaults of each bucket kind and of an Ingress", () => {
    expect(parse({ storage: { bucket: { kind: "objectBucketClaim" } } }).storage.bucket).toEqual({ kind: "objectBucketClaim", storageClassName: "rook-ceph-bucket", endpointScheme: "http" });
    expect(parse({ storage: { bucket: { kind: "minio" } } }).storage.bucket).toMatchObject({ kind: "minio", bucketName: "convex" });
    expect(parse({ storage: { bucket: external } }).storage.bucket).toEqual({ ...external, accessKeyIdKey: "AWS_ACCESS_KEY_ID", secretAccessKeyKey: "AWS_SECRET_ACCESS_KEY", profile: "rgw" });
    expect(parse({ ingress: hosts }).ingress).toEqual({ ...hosts, annotations: {} });
  });

  it("keeps one resource value given and defaults the rest of its block", () => {
    expect(parse({ convex: { backendResources: { limits: { memory: "8Gi" } } } }).convex.backendResources).toEqual({ requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "2", memory: "8Gi" } });
  });

  it("accepts the values each rule allows", () => {
    const config = parse({
      workspace: { name: "Alice-1-dev", namespace: "team-a" },
      convex: { instanceName: "legacy-1", dataVolume: { size: "1.5Ti", storageClassName: "fast" }, backendResources: { requests: { cpu: "0.5", memory: "512M" } } },
      ingress: { ...hosts, apiHost: "*.apps.example.com", className: "nginx", tlsSecretName: "a-tls" },
      storage: { mode: "proxied", region: "eu", bucket: { ...external, profile: "minio", accessKeyIdKey: "id", secretAccessKeyKey: "secret" }, proxy: { sse: "passthrough", image: "node:22" } },
    });
    expect([config.workspace.name, config.convex.dataVolume.size, config.ingress?.apiHost, config.storage.proxy.sse, config.storage.bucket?.kind]).toEqual(["Alice-1-dev", "1.5Ti", "*.apps.example.com", "passthrough", "external"]);
    for (const apiHost of ["a.example.com", "a", "a-b.c", "*.apps.example.com"]) expect(parse({ ingress: { ...hosts, apiHost } }).ingress?.apiHost).toBe(apiHost);
    for (const sse of ["strip", "reject", "passthrough"]) expect(parse({ storage: { proxy: { sse } } }).storage.proxy.sse).toBe(sse);
    for (const name of ["a", "a1", "a-b-c", "A".repeat(32)]) expect(parse({ workspace: { name } }).workspace.name).toBe(name);
    for (const cpu of ["1", "250m", "1.5", "1.25", "12", "2M", "4Gi", "3E"]) expect(parse({ convex: { backendResources: { limits: { cpu } } } }).convex.backendResources.limits.cpu).toBe(cpu);
    for (const accessKeyIdEnv of ["A", "_A", "a_1", "AWS_ACCESS_KEY_ID"]) expect(parse({ storage: { bucket: { ...external, accessKeyIdEnv } } }).storage.bucket).toMatchObject({ accessKeyIdEnv });
  });
});

describe("workspace configuration schema: every rule names the field, shows the value and says the fix", () => {
  const NAME_RULE = "use letters, digits and single hyphens, starting and ending with a letter or digit (Coder's rule), e.g. alice-dev";
  const QUANTITY_RULE = (example: string) => `use a Kubernetes quantity such as "${example}"`;
  const ENV_RULE = "name an environment variable: letters, digits and '_', not starting with a digit, e.g. ALICE_S3_ACCESS_KEY_ID";
  const BOOLEAN_RULE = "use true or false (unquoted)";
  const BUCKET_NAME_RULE = "use an S3 bucket name: 3-63 lower-case letters, digits, '.' or '-'";

  it("workspace name: Coder's rule", () => {
    for (const name of ["-a", "a-", "a--b", "a_b", "a b", "é"]) expect(problemsOf({ workspace: { name } })).toEqual([`workspace.name: got ${JSON.stringify(name)}; ${NAME_RULE}`]);
    expect(problemsOf({ workspace: { name: 7 } })).toEqual(["workspace.name: got 7; set the workspace name (WORKSPACE_NAME or workspace.name)"]);
  });

  it("namespace and instance name: DNS labels of at most 63 characters", () => {
    expect(problemsOf({ workspace: { name: "w", namespace: "n".repeat(64) } })).toEqual([`workspace.namespace: got "${"n".repeat(64)}"; use at most 63 characters`]);
    expect(problemsOf({ convex: { instanceName: "i".repeat(64) } })).toEqual([`convex.instanceName: got "${"i".repeat(64)}"; use at most 63 characters`]);
    for (const instanceName of ["Legacy", "a_b", "_ab", "a-", "-a"]) {
      expect(problemsOf({ convex: { instanceName } })).toEqual([`convex.instanceName: got ${JSON.stringify(instanceName)}; use lower-case letters, digits and '-' (it prefixes every S3 key and the admin key)`]);
    }
  });

  it("quantities: data volume size and every resource value", () => {
    expect(problemsOf({ convex: { dataVolume: { size: "10 GB" } } })).toEqual([`convex.dataVolume.size: got "10 GB"; ${QUANTITY_RULE("10Gi")}`]);
    // A size is bytes: milli-units are refused, and so is "K" (Kubernetes' decimal kilo is "k").
    for (const size of ["10m", "10K", "10gi"]) expect(problemsOf({ convex: { dataVolume: { size } } })).toEqual([`convex.dataVolume.size: got ${JSON.stringify(size)}; ${QUANTITY_RULE("10Gi")}`]);
    for (const size of ["10k", "10Ki", "10E", "1.5Ti"]) expect(parse({ convex: { dataVolume: { size } } }).convex.dataVolume.size).toBe(size);
    for (const cpu of ["1.", ".5", "m", "1mi", "1Gb", "x1", "1x", "1.5.5", "1K"]) {
      expect(problemsOf({ convex: { backendResources: { requests: { cpu } } } })).toEqual([`convex.backendResources.requests.cpu: got ${JSON.stringify(cpu)}; ${QUANTITY_RULE("250m")}`]);
    }
    expect(problemsOf({ convex: { backendResources: { requests: { memory: "lots" }, limits: { cpu: "all", memory: "more" } } } })).toEqual([
      `convex.backendResources.requests.memory: got "lots"; ${QUANTITY_RULE("512Mi")}`,
      `convex.backendResources.limits.cpu: got "all"; ${QUANTITY_RULE("2")}`,
      `convex.backendResources.limits.memory: got "more"; ${QUANTITY_RULE("4Gi")}`,
    ]);
    expect(problemsOf({ convex: { dashboardResources: { requests: { cpu: "a", memory: "b" }, limits: { cpu: "c", memory: "d" } } } })).toEqual([
      `convex.dashboardResources.requests.cpu: got "a"; ${QUANTITY_RULE("50m")}`,
      `convex.dashboardResources.requests.memory: got "b"; ${QUANTITY_RULE("128Mi")}`,
      `convex.dashboardResources.limits.cpu: got "c"; ${QUANTITY_RULE("500m")}`,
      `convex.dashboardResources.limits.memory: got "d"; ${QUANTITY_RULE("512Mi")}`,
    ]);
    expect(problemsOf({ storage: { proxy: { resources: { requests: { cpu: "a", memory: "b" }, limits: { memory: "d" } } } } })).toEqual([
      `storage.proxy.resources.requests.cpu: got "a"; ${QUANTITY_RULE("50m")}`,
      `storage.proxy.resources.requests.memory: got "b"; ${QUANTITY_RULE("64Mi")}`,
      `storage.proxy.resources.limits.memory: got "d"; ${QUANTITY_RULE("256Mi")}`,
    ]);
  });

  it("data volume: a StorageClass name, and protect as a boolean", () => {
    expect(problemsOf({ convex: { dataVolume: { storageClassName: "", protect: "no" } } })).toEqual([
      `convex.dataVolume.storageClassName: got ""; name a StorageClass, or leave it out for the cluster's default`,
      `convex.dataVolume.protect: got "no"; ${BOOLEAN_RULE}`,
    ]);
  });

  it("presence flags: booleans only", () => {
    expect(problemsOf({ convex: { disableBeacon: 1, redactLogsToClient: "yes", doNotRequireSsl: "true" } })).toEqual([
      `convex.disableBeacon: got 1; ${BOOLEAN_RULE}`,
      `convex.redactLogsToClient: got "yes"; ${BOOLEAN_RULE}`,
      `convex.doNotRequireSsl: got "true"; ${BOOLEAN_RULE}`,
    ]);
  });

  it("Ingress: DNS host names, an IngressClass and a TLS Secret name", () => {
    for (const apiHost of ["API.example.com", "a..example.com", "a-.example.com", "-a.example.com", "a.example.com.", "a.*.example.com", "https://a.example.com"]) {
      expect(problemsOf({ ingress: { ...hosts, apiHost } })).toEqual([`ingress.apiHost: got ${JSON.stringify(apiHost)}; use a DNS host name, e.g. api.alice.example.com`]);
    }
    expect(problemsOf({ ingress: { ...hosts, siteHost: "Site", dashboardHost: "dash_board", className: "", tlsSecretName: "A-tls" } })).toEqual([
      `ingress.className: got ""; name an IngressClass, e.g. nginx, or leave it out for the cluster's default`,
      'ingress.siteHost: got "Site"; use a DNS host name, e.g. site.alice.example.com',
      'ingress.dashboardHost: got "dash_board"; use a DNS host name, e.g. dashboard.alice.example.com',
      'ingress.tlsSecretName: got "A-tls"; name a kubernetes.io/tls Secret in the workspace namespace',
    ]);
  });

  it("storage: region, bucket kind, SSE policy and proxy image", () => {
    expect(problemsOf({ storage: { region: "", bucket: { kind: "nfs" }, proxy: { sse: "encrypt", image: "" } } })).toEqual([
      'storage.region: got ""; use any non-empty region string, e.g. us-east-1',
      'storage.bucket.kind: got "nfs"; set kind to objectBucketClaim, external or minio',
      'storage.proxy.sse: got "encrypt"; use strip, reject or passthrough',
      'storage.proxy.image: got ""; use an image reference: [registry/]name:tag, name@sha256:<64 hex> or name:tag@sha256:<64 hex>',
      'storage.proxy.image: got ""; pin the image with a tag or a digest (a bare name means latest)',
    ]);
  });

  it("Rook claim: a StorageClass name and quota strings", () => {
    expect(problemsOf({ storage: { bucket: { kind: "objectBucketClaim", storageClassName: "" } } })).toEqual([`storage.bucket.storageClassName: got ""; name the bucket StorageClass, e.g. 'rook-ceph-bucket'`]);
    for (const maxSize of ["2 G", "G", "2.G", "2Gx", "2m", "x2"]) {
      expect(problemsOf({ storage: { bucket: { kind: "objectBucketClaim", maxSize } } })).toEqual([`storage.bucket.maxSize: got ${JSON.stringify(maxSize)}; use a quantity string such as "2G" or "500Mi"`]);
    }
    for (const maxObjects of ["01", "1e3", "10x", "x10"]) {
      expect(problemsOf({ storage: { bucket: { kind: "objectBucketClaim", maxObjects } } })).toEqual([`storage.bucket.maxObjects: got ${JSON.stringify(maxObjects)}; use a positive whole number as a string, e.g. "1000"`]);
    }
    // Kubernetes' decimal kilo is a lower-case k; "2K" is refused by the API server.
    for (const maxSize of ["2K", "2KB", "2gi", "1e3"]) {
      expect(problemsOf({ storage: { bucket: { kind: "objectBucketClaim", maxSize } } })).toEqual([`storage.bucket.maxSize: got ${JSON.stringify(maxSize)}; use a quantity string such as "2G" or "500Mi"`]);
    }
    for (const maxSize of ["2k", "1.25Gi", "12", "2G"]) expect(parse({ storage: { bucket: { kind: "objectBucketClaim", maxSize, maxObjects: "10" } } }).storage.bucket).toMatchObject({ maxSize, maxObjects: "10" });
  });

  it("external bucket: endpoint, bucket name, Secret and key names, keys file, profile", () => {
    for (const endpoint of ["s3.example.com", "ftp://s3.example.com", "https://", "https://s3.example.com/b", "https://s3 x.com", "xhttps://s3.example.com"]) {
      expect(problemsOf({ storage: { bucket: { ...external, endpoint } } })).toEqual([`storage.bucket.endpoint: got ${JSON.stringify(endpoint)}; use an http:// or https:// URL with a host and no path, e.g. https://s3.example.com`]);
    }
    for (const endpoint of ["http://127.0.0.1:7480", "https://s3.example.com/"]) expect(parse({ storage: { bucket: { ...external, endpoint } } }).storage.bucket).toMatchObject({ endpoint });
    for (const bucketName of ["ab", "a".repeat(64), "Ab-c", "abc-", "-abc"]) {
      expect(problemsOf({ storage: { bucket: { ...external, bucketName } } })).toEqual([`storage.bucket.bucketName: got ${JSON.stringify(bucketName)}; ${BUCKET_NAME_RULE}`]);
    }
    expect(parse({ storage: { bucket: { ...external, bucketName: "a".repeat(63) } } }).storage.bucket).toMatchObject({ bucketName: "a".repeat(63) });
    expect(problemsOf({ storage: { bucket: { ...external, credentialsSecretName: "Alice", accessKeyIdKey: "", secretAccessKeyKey: "", credentialsFile: "", profile: "gcs" } } })).toEqual([
      `storage.bucket.credentialsSecretName: got "Alice"; name a Kubernetes Secret in the workspace namespace (lower-case, digits, '-')`,
      'storage.bucket.accessKeyIdKey: got ""; name the key of the access key id in the Secret, e.g. AWS_ACCESS_KEY_ID',
      'storage.bucket.secretAccessKeyKey: got ""; name the key of the secret access key in the Secret, e.g. AWS_SECRET_ACCESS_KEY',
      'storage.bucket.credentialsFile: got ""; give the path of the keys file, e.g. ~/.config/convex/alice-s3.env',
      'storage.bucket.profile: got "gcs"; use one of rgw, minio, aws',
    ]);
  });

  it("external bucket on Docker: key variables are environment variable names", () => {
    for (const name of ["1A", "A-B", "A B", "", "A.B"]) {
      expect(problemsOf({ storage: { bucket: { ...external, accessKeyIdEnv: name, secretAccessKeyEnv: name } } })).toEqual([
        `storage.bucket.accessKeyIdEnv: got ${JSON.stringify(name)}; ${ENV_RULE}`,
        `storage.bucket.secretAccessKeyEnv: got ${JSON.stringify(name)}; ${ENV_RULE}`,
      ]);
    }
  });

  it("MinIO bucket: an S3 bucket name", () => {
    expect(problemsOf({ storage: { bucket: { kind: "minio", bucketName: "No" } } })).toEqual([`storage.bucket.bucketName: got "No"; ${BUCKET_NAME_RULE}`]);
  });
});

describe("workspace configuration schema: the rules the mutation review found unpinned", () => {
  const BOOLEAN_RULE = "use true or false (unquoted)";
  const SECRET_RULE = "name a Kubernetes Secret in the workspace namespace (lower-case, digits, '-')";
  const claim = { kind: "objectBucketClaim", endpointScheme: "https" };

  it("caBundle: a Secret or ConfigMap name, a key, a file, or system", () => {
    expect(problemsOf({ storage: { bucket: { ...claim, caBundle: { secretName: "Ca", configMapName: "Ca_b", key: "", file: "" } } } })).toEqual([
      `storage.bucket.caBundle.secretName: got "Ca"; name a Secret in the workspace namespace (lower-case, digits, '-')`,
      `storage.bucket.caBundle.configMapName: got "Ca_b"; name a ConfigMap in the workspace namespace (lower-case, digits, '-')`,
      'storage.bucket.caBundle.key: got ""; name the key that holds the PEM bundle, e.g. ca.crt',
      'storage.bucket.caBundle.file: got ""; give the path of the PEM file, e.g. ./rgw-ca.crt',
    ]);
    expect(problemsOf({ storage: { bucket: { ...claim, caBundle: "public" } } })).toEqual([
      'storage.bucket.caBundle: got "public"; use system, or { secretName } / { configMapName } (Kubernetes) or { file } (Docker)',
    ]);
    expect(parse({ storage: { bucket: { ...claim, caBundle: { secretName: "rgw-ca" } } } }).storage.bucket).toMatchObject({ caBundle: { secretName: "rgw-ca", key: "ca.crt" } });
  });

  it("Rook claim: endpointScheme is http or https, either given explicitly", () => {
    for (const endpointScheme of ["http", "https"]) expect(parse({ storage: { bucket: { kind: "objectBucketClaim", endpointScheme } } }).storage.bucket).toMatchObject({ endpointScheme });
    expect(problemsOf({ storage: { bucket: { kind: "objectBucketClaim", endpointScheme: "tls" } } })).toEqual([
      'storage.bucket.endpointScheme: got "tls"; use http (Rook\'s default gateway, port 80) or https (a gateway with securePort)',
    ]);
  });

  it("MinIO bucket: its image, its volume and its resources, with their defaults", () => {
    expect(parse({ storage: { bucket: { kind: "minio" } } }).storage.bucket).toEqual({
      kind: "minio",
      bucketName: "convex",
      image: "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z",
      dataVolume: { size: "10Gi" },
      resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
    });
    expect(parse({ storage: { bucket: { kind: "minio", dataVolume: { storageClassName: "fast" } } } }).storage.bucket).toMatchObject({ dataVolume: { size: "10Gi", storageClassName: "fast" } });
    expect(problemsOf({ storage: { bucket: { kind: "minio", dataVolume: { size: "10 GB", storageClassName: "" } } } })).toEqual([
      'storage.bucket.dataVolume.size: got "10 GB"; use a Kubernetes quantity such as "10Gi"',
      'storage.bucket.dataVolume.storageClassName: got ""; Too small: expected string to have >=1 characters',
    ]);
  });

  it("database: the kind, its Secret, key, file and CA names, and requireSsl as a boolean", () => {
    for (const kind of ["sqlite", "postgres", "mysql"]) expect(parse({ database: { kind } }).database.kind).toBe(kind);
    expect(parse({ database: { urlSecretKey: "database-url", caSecretKey: "root.pem", urlFile: "db.env" } }).database).toMatchObject({ urlSecretKey: "database-url", caSecretKey: "root.pem", urlFile: "db.env" });
    expect(
      problemsOf({ database: { kind: "oracle", urlSecretName: "Db", urlSecretKey: "", requireSsl: "yes", urlFile: "", caSecretName: "Ca", caSecretKey: "" } }),
    ).toEqual([
      'database.kind: got "oracle"; use sqlite (the data volume), postgres or mysql',
      `database.urlSecretName: got "Db"; ${SECRET_RULE}`,
      `database.urlSecretKey: got ""; name the Secret's key that holds the URL, e.g. url`,
      `database.requireSsl: got "yes"; ${BOOLEAN_RULE}`,
      'database.urlFile: got ""; give the path of the file with the POSTGRES_URL=... (or MYSQL_URL=...) line, e.g. ~/.config/convex/alice-db.env',
      `database.caSecretName: got "Ca"; ${SECRET_RULE}`,
      `database.caSecretKey: got ""; name the Secret's key that holds the CA bundle, e.g. ca.crt`,
    ]);
  });

  it("storage: the doctor and the proxy's TLS as booleans", () => {
    expect(problemsOf({ storage: { doctor: "on", proxy: { tls: "off" } } })).toEqual([`storage.doctor: got "on"; ${BOOLEAN_RULE}`, `storage.proxy.tls: got "off"; ${BOOLEAN_RULE}`]);
  });
});
