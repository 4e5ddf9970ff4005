import { DataResource, Op, Token, type Precondition } from "cdktf";
import { Construct } from "constructs";

export interface StorageModeLockProps {
  /** The workspace, named in the error message. */
  readonly workspace: string;
  /** The storage mode this synthesis asks for (`local`, `s3` or `proxied`). */
  readonly mode: string;
}

/**
 * Records the storage mode a workspace was first applied with, and refuses at plan time a later change of it.
 *
 * Convex locks its database to the storage mode of its first boot; a changed mode makes the backend refuse to start
 * ("Database was initialized with ..."). The lock is a provider-free `terraform_data` whose input is the mode, with
 * changes to it ignored, so its `output` keeps the first mode in state. {@link precondition} goes on the backend's
 * compute: the first plan cannot know the output yet and Terraform checks it at apply, after the lock exists; every
 * later plan knows it and fails when the mode differs, before anything is changed. Nothing needs the cluster.
 */
export class StorageModeLock extends Construct {
  readonly resource: DataResource;
  /** The precondition for the backend's compute resource(s). */
  readonly precondition: Precondition;

  constructor(scope: Construct, id: string, props: StorageModeLockProps) {
    super(scope, id);
    this.resource = new DataResource(this, "Resource", {
      input: { workspace: props.workspace, storage_mode: props.mode },
      lifecycle: { ignoreChanges: ["input"] },
    });
    const recorded = Token.asString(this.resource.interpolationForAttribute("output.storage_mode"));
    this.precondition = {
      condition: Token.asAny(Op.eq(recorded, props.mode)),
      errorMessage:
        `Workspace ${props.workspace} was created with storage mode "${recorded}", and this plan asks for "${props.mode}". ` +
        `Convex locks its database to the storage mode of its first start, so the backend would refuse to start. ` +
        `Keep "${recorded}" (STORAGE_MODE / storage.mode), or migrate: npx convex export --path backup.zip from this ` +
        `workspace, create a new workspace with storage mode "${props.mode}", then npx convex import --replace-all backup.zip there.`,
    };
  }
}
