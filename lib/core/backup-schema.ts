import { z } from "zod";
import { CRON_HINT, parseCron } from "./cron.ts";
import { DNS_LABEL } from "./names.ts";

/** S3 key characters safe in a prefix without encoding surprises; the prefix ends in `/`. */
export const BACKUP_PREFIX_PATTERN = /^[A-Za-z0-9][A-Za-z0-9!_.*'()/-]*\/$/;

/** The `backup:` block of the YAML file. Off when absent; every default lives here. */
export const BACKUP_SETTINGS = z.strictObject({
  /** When snapshots are taken, as a CronJob schedule in UTC. */
  schedule: z.string({ error: `set the schedule: ${CRON_HINT}` }).superRefine((value, ctx) => {
    const parsed = parseCron(value);
    if (!parsed.ok) ctx.addIssue(`${parsed.problem}; use ${CRON_HINT}`);
  }),
  /** How many snapshots to keep; older ones are deleted after each successful snapshot. */
  keep: z.number({ error: "use a whole number of snapshots (unquoted), e.g. 7" }).int({ error: "use a whole number of snapshots, e.g. 7" }).min(1, { error: "keep at least 1 snapshot" }).max(1000, { error: "keep at most 1000 snapshots" }).default(7),
  /** Key prefix in the bucket; the instance name and `/` follow it. */
  prefix: z.string().regex(BACKUP_PREFIX_PATTERN, { error: "use letters, digits and !_.*'()/- ending in '/', e.g. convex-backups/" }).default("convex-backups/"),
  /**
   * Another S3 bucket for the snapshots (so they outlive the workspace and its bucket). Its keys come from a Secret
   * (Kubernetes) by reference. @default - the workspace bucket
   */
  bucket: z
    .strictObject({
      endpoint: z.string().regex(/^https?:\/\/[^/\s]+\/?$/, { error: "use an http:// or https:// URL with a host and no path, e.g. https://s3.example.com" }),
      bucketName: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: "use an S3 bucket name: 3-63 lower-case letters, digits, '.' or '-'" }),
      region: z.string().min(1, { error: "name the bucket's region, e.g. us-east-1" }).default("us-east-1"),
      credentialsSecretName: z.string().regex(DNS_LABEL, { error: "name a Kubernetes Secret in the workspace namespace (lower-case, digits, '-')" }),
      accessKeyIdKey: z.string().min(1, { error: "name the Secret's key that holds the access key id, e.g. AWS_ACCESS_KEY_ID" }).default("AWS_ACCESS_KEY_ID"),
      secretAccessKeyKey: z.string().min(1, { error: "name the Secret's key that holds the secret access key, e.g. AWS_SECRET_ACCESS_KEY" }).default("AWS_SECRET_ACCESS_KEY"),
    })
    .optional(),
  /**
   * Fill a fresh data volume from a snapshot before the backend's first start: `latest`, or a snapshot's key. A volume
   * that already holds a database is left alone, so the setting may stay. @default - no restore
   */
  restoreFrom: z.string().regex(/^(latest|[A-Za-z0-9][A-Za-z0-9!_.*'()/-]*[0-9]{8}T[0-9]{6}Z\.tar\.gz)$/, { error: "use latest, or the key of a snapshot, e.g. convex-backups/convex-alice-dev/20261201T031700Z.tar.gz" }).optional(),
});
