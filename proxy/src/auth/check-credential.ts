/** Validation of a request's Credential against the proxy's client credentials and the signing date. */
import { S3Error } from "../errors.ts";
import { SCOPE_TERMINATOR, SERVICE } from "./constants.ts";
import { parseCredential, scopeOf, type Credential } from "./credential-scope.ts";
import type { SigningScope, VerifyOptions } from "./types.ts";

/**
 * Parses `value` and checks it: well-formed (else `malformed(detail)`), the client access key (else S3Error
 * InvalidAccessKeyId), service `s3`, terminator `aws4_request`, the same date as `amzDate`, and the configured
 * region if any (else `malformed(detail)`).
 */
export function checkCredential(
  value: string,
  amzDate: string,
  options: Pick<VerifyOptions, "credentials" | "region">,
  malformed: (detail: string) => S3Error,
): { readonly credential: Credential; readonly scope: SigningScope } {
  const credential = parseCredential(value);
  if (credential === undefined) {
    throw malformed(`the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`);
  }
  if (credential.accessKeyId !== options.credentials.accessKeyId) throw new S3Error("InvalidAccessKeyId");
  if (credential.terminator !== SCOPE_TERMINATOR) {
    throw malformed(`incorrect terminal "${credential.terminator}". This endpoint uses "${SCOPE_TERMINATOR}".`);
  }
  if (credential.service !== SERVICE) {
    throw malformed(`incorrect service "${credential.service}". This endpoint belongs to "${SERVICE}".`);
  }
  if (credential.date !== amzDate.slice(0, 8)) {
    throw malformed(`Invalid credential date "${credential.date}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`);
  }
  if (options.region !== undefined && credential.region !== options.region) {
    throw malformed(`the region '${credential.region}' is wrong; expecting '${options.region}'`);
  }
  return {
    credential,
    scope: { date: credential.date, region: credential.region, service: credential.service, value: scopeOf(credential) },
  };
}
