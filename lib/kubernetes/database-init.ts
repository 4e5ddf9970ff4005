import { databaseInitStep } from "../core/database-init.ts";
import { SERVER_DATABASES } from "../core/database.ts";
import { InvariantError } from "../core/errors.ts";
import { DATABASE_CLIENTS } from "../core/images.ts";
import { DATABASE_CA_DIR, type DatabasePlan } from "../core/plan.ts";
import type { BackendDatabaseParts } from "./convex-backend.ts";

export interface DatabaseInitProps {
  readonly database: Exclude<DatabasePlan, { kind: "sqlite" }>;
  /** The client image. @default - the kind's official image, pinned (lib/core/images.ts DATABASE_CLIENTS) */
  readonly image?: string;
  /** Where the URL comes from, for the messages. @default - `database.urlSecretName (Secret <name>, key <key>)` */
  readonly urlSource?: string;
  /** The client's TLS mode as given (lib/core/database-init.ts DatabaseInitInput). @default - from the plan's requireSsl */
  readonly sslMode?: string;
}

/**
 * The pod parts of a Postgres or MySQL workspace: an init container (the kind's official client image) that creates
 * the instance's database when it is missing and does nothing otherwise, reading the server URL from its Secret by
 * reference (the same key the backend's POSTGRES_URL or MYSQL_URL reads), and the CA bundle's Secret volume when one
 * is set. The backend starts only after it succeeded; a failure names the setting to fix in the pod's init log.
 */
export function databaseInitParts(props: DatabaseInitProps): BackendDatabaseParts {
  const { database } = props;
  const secret = database.server;
  if (secret.kind !== "secret") {
    throw new InvariantError(`a Kubernetes workspace reads its ${SERVER_DATABASES[database.kind].label} URL from a Secret, not from a ${secret.kind} (plan with the kubernetes target)`);
  }
  const client = DATABASE_CLIENTS[database.kind];
  const source = props.urlSource ?? `database.urlSecretName (Secret ${secret.name}, key ${secret.key})`;
  const caMount = database.ca ? [{ name: "database-ca", mountPath: DATABASE_CA_DIR, readOnly: true }] : [];
  const step = databaseInitStep(database.kind, { database: database.name, urlSource: source, requireSsl: database.requireSsl, caFile: database.ca?.file, sslMode: props.sslMode });
  return {
    initContainer: {
      name: "create-database",
      image: props.image ?? client.image,
      command: ["/bin/sh", "-c", step.script],
      env: [
        { name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: secret.name, key: secret.key } } },
        ...Object.entries(step.env).map(([name, value]) => ({ name, value })),
      ],
      volumeMount: caMount,
      resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "200m", memory: "64Mi" } },
      securityContext: {
        runAsNonRoot: true,
        runAsUser: client.uid,
        runAsGroup: client.uid,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
      },
    },
    volumes: database.ca ? [{ name: "database-ca", secret: { secretName: database.ca.secretName, items: [{ key: database.ca.key, path: database.ca.key }] } }] : [],
    volumeMounts: caMount,
  };
}
