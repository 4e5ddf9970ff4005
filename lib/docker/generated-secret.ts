import { Id } from "@cdktf/provider-random/lib/id/index.js";
import { Password } from "@cdktf/provider-random/lib/password/index.js";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";

/**
 * The backend's INSTANCE_SECRET: 32 random bytes, hex-encoded, generated once per workspace at apply time. It never
 * appears in the synthesized configuration and is wrapped in `sensitive()` wherever it is used, so no plan prints it
 * (`random_id.hex` itself is not marked sensitive by the random provider). It does live in Terraform state, as every
 * generated secret does: keep the state file private. Nothing feeds its keepers, so it never changes for a workspace
 * (admin keys derive from it).
 */
export class InstanceSecret extends Construct {
  readonly resource: Id;
  /** The hex secret, as a sensitive Terraform expression. */
  readonly hex: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.resource = new Id(this, "Resource", { byteLength: 32 });
    this.hex = Token.asString(Fn.sensitive(this.resource.hex));
  }
}

/**
 * An access key pair generated at apply time, shaped as AWS shapes them: a 20-character upper-case access key id
 * and a 40-character secret. Used for the S3 proxy's clients and MinIO's root user. `random_password.result` is
 * sensitive already.
 */
export class GeneratedKeyPair extends Construct {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const accessKeyId = new Password(this, "AccessKeyId", { length: 20, special: false, lower: false, upper: true, numeric: true });
    const secretAccessKey = new Password(this, "SecretAccessKey", { length: 40, special: false });
    this.accessKeyId = accessKeyId.result;
    this.secretAccessKey = secretAccessKey.result;
  }
}
