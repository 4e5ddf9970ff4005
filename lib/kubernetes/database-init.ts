import { postgresInitEnvironment, postgresInitScript } from "../core/database.ts";
import { InvariantError } from "../core/errors.ts";
import { DATABASE_CA_DIR, type DatabasePlan } from "../core/plan.ts";
import type { BackendDatabaseParts } from "./convex-backend.ts";

/** The `postgres` image's user (uid 70 on Alpine). */
const POSTGRES_UID = "70";

export interface PostgresInitProps {
  readonly database: Extract<DatabasePlan, { kind: "postgres" }>;
  /** The official postgres image, pinned (lib/core/images.ts). */
  readonly image: string;
  /** Where the URL comes from, for the messages. @default - `database.urlSecretName (Secret <name>, key <key>)` */
  readonly urlSource?: string;
  /** libpq's sslmode as given (lib/core/database.ts PostgresInitInput). @default - from the plan's requireSsl */
  readonly sslMode?: string;
}

/**
 * The pod parts of a Postgres workspace: an init container (the official postgres image's psql) that creates the
 * instance's database when it is missing and does nothing otherwise, reading the server URL from its Secret by
 * reference (the same key the backend's POSTGRES_URL reads), and the CA bundle's Secret volume when one is set.
 * The backend starts only after it succeeded; a failure names the setting to fix in the pod's init log.
 */
export function postgresInitParts(props: PostgresInitProps): BackendDatabaseParts {
  const { database } = props;
  const secret = database.server;
  if (secret.kind !== "secret") throw new InvariantError(`a Kubernetes workspace reads its Postgres URL from a Secret, not from a ${secret.kind} (plan with the kubernetes target)`);
  const source = props.urlSource ?? `database.urlSecretName (Secret ${secret.name}, key ${secret.key})`;
  const caMount = database.ca ? [{ name: "database-ca", mountPath: DATABASE_CA_DIR, readOnly: true }] : [];
  const env = postgresInitEnvironment({ database: database.name, urlSource: source, requireSsl: database.requireSsl, caFile: database.ca?.file, sslMode: props.sslMode });
  return {
    initContainer: {
      name: "create-database",
      image: props.image,
      command: ["/bin/sh", "-c", postgresInitScript(source)],
      env: [
        { name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: secret.name, key: secret.key } } },
        ...Object.entries(env).map(([name, value]) => ({ name, value })),
      ],
      volumeMount: caMount,
      resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "200m", memory: "64Mi" } },
      securityContext: {
        runAsNonRoot: true,
        runAsUser: POSTGRES_UID,
        runAsGroup: POSTGRES_UID,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
      },
    },
    volumes: database.ca ? [{ name: "database-ca", secret: { secretName: database.ca.secretName, items: [{ key: database.ca.key, path: database.ca.key }] } }] : [],
    volumeMounts: caMount,
  };
}
