import { DataResource, Fn, Op, TerraformLocal, Token, type IResolvable } from "cdktf";
import type { Construct } from "constructs";
import { CoderParameter } from "../lib/coder/parameter.ts";
import { tfExpression } from "../lib/terraform/expression.ts";
import { isSet } from "./template-database.ts";
import type { CoderInputs } from "./template-shared.ts";

/** The name of the restore parameter, as Coder stores it. */
export const RESTORE_PARAMETER = "restore_from";

/**
 * What `restore_from` accepts: empty (no restore), `latest`, or `<workspace name>/<UTC time>.tar.gz`, the end of a
 * snapshot key below the owner's prefix (the workspace name lower-case, as the prefix holds it).
 */
export const RESTORE_PATTERN = "^(latest|[a-z0-9]+(-[a-z0-9]+)*/[0-9]{8}T[0-9]{6}Z[.]tar[.]gz)?$";

/** `local.restoring`: "this workspace was created with restore_from", as text for counts. */
export const RESTORING = "local.restoring";

/**
 * The immutable `restore_from` parameter: the snapshot a new workspace's data volume is filled from before its
 * backend's first start. Immutable (as storage_mode): the restore happens once, on a fresh volume.
 */
export function restoreParameter(stack: Construct): { readonly parameter: CoderParameter; readonly restoring: IResolvable } {
  const parameter = new CoderParameter(stack, "RestoreFromParameter", {
    name: RESTORE_PARAMETER,
    displayName: "Restore from backup",
    description:
      "Fill this workspace's Convex data from a backup snapshot before its first start. Empty: a fresh deployment. " +
      "`latest`: the newest snapshot of your earlier workspace with this workspace's name (deleted or lost). " +
      "Or `<workspace name>/<UTC time>.tar.gz` for one snapshot of any of your workspaces (the end of a key the " +
      "backup log prints). Needs Local disk storage and the template's backup bucket.",
    type: "string",
    default: "",
    mutable: false,
    icon: "/emojis/1f4e6.png",
    order: 2,
    validation: { regex: RESTORE_PATTERN, error: "Use latest, or <workspace name>/<UTC time>.tar.gz, e.g. dev/20261201T031700Z.tar.gz; leave it empty for a fresh deployment." },
  });
  parameter.overrideLogicalId(RESTORE_PARAMETER);
  const restoring = new TerraformLocal(stack, RESTORING.slice("local.".length), isSet(parameter.value));
  return { parameter, restoring: Token.asAny(restoring.asBoolean) as IResolvable };
}

export interface RestoreCheckProps {
  readonly inputs: CoderInputs;
  readonly restoreFrom: CoderParameter;
  /** The condition "the admin named the backup bucket and its keys", as text. */
  readonly bucketNamed: string;
  /** The admin variables that name the bucket and its keys, for the message. */
  readonly bucketVariables: readonly string[];
  /** The admin variable that names a shared Postgres server. */
  readonly databaseVariable: string;
}

/**
 * The plan-time checks of a restore, on a provider-free `terraform_data` counted in while a workspace created with
 * `restore_from` starts (its preconditions are checked only then): the template has a backup bucket, the workspace
 * uses Local disk storage (an `s3`/`proxied` workspace's files were in its own bucket, which Coder deletes with it,
 * so its snapshot restores no files), and SQLite (a snapshot holds a SQLite database). Each message says the fix.
 */
export function restoreCheck(stack: Construct, props: RestoreCheckProps): DataResource {
  const { inputs } = props;
  const value = props.restoreFrom.value;
  // Guarded like the count, so each condition holds whether or not the check is counted in.
  const guarded = (condition: string) => tfExpression(`local.start_count == 0 || !${RESTORING} || (${condition})`);
  return new DataResource(stack, "RestoreCheck", {
    count: Token.asNumber(tfExpression(`${RESTORING} ? local.start_count : 0`)),
    input: { restore_from: value },
    lifecycle: {
      precondition: [
        {
          condition: guarded(props.bucketNamed),
          errorMessage: `${RESTORE_PARAMETER} is "${value}", but this template has no backup bucket: its admin sets ${props.bucketVariables.join(", ")} (coder templates push --variable ...); or create the workspace with ${RESTORE_PARAMETER} empty.`,
        },
        {
          condition: guarded('local.storage_mode == "local"'),
          errorMessage:
            `${RESTORE_PARAMETER} restores into a Local disk workspace only (storage_mode local); this one is ${inputs.modeLocal.asString}: ` +
            "an s3 or proxied workspace's files were in its own bucket, deleted with it. Create the workspace with Local disk, or with " +
            `${RESTORE_PARAMETER} empty and move the data with npx convex export and npx convex import --replace-all.`,
        },
        {
          condition: guarded('local.database == "sqlite"'),
          errorMessage:
            `${RESTORE_PARAMETER}: this template keeps every workspace's tables on a shared Postgres server (${props.databaseVariable}), and a snapshot ` +
            `holds a SQLite database. Create the workspace with ${RESTORE_PARAMETER} empty and use npx convex import --replace-all.`,
        },
      ],
    },
  });
}

/** The runner's BACKUP_RESTORE_KEY: `latest`, or the parameter's `<workspace>/<time>.tar.gz` below the owner's prefix. */
export function restoreKey(restoreFrom: CoderParameter, ownerPrefix: string): string {
  return Token.asString(Fn.conditional(Op.eq(restoreFrom.value, "latest"), "latest", `${ownerPrefix}${restoreFrom.value}`));
}
