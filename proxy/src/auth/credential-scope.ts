/** The Credential value of SigV4: `<access key>/<YYYYMMDD>/<region>/<service>/aws4_request`. */

/** A parsed credential. */
export interface Credential {
  readonly accessKeyId: string;
  /** `YYYYMMDD` */
  readonly date: string;
  readonly region: string;
  readonly service: string;
  /** Always `aws4_request` in a valid credential; checked by the verifier. */
  readonly terminator: string;
}

/** The scope string `<date>/<region>/<service>/<terminator>` of `credential`. */
export function scopeOf(credential: Credential): string {
  return `${credential.date}/${credential.region}/${credential.service}/${credential.terminator}`;
}

/**
 * Splits a Credential value into its five parts, or returns undefined when it is not shaped like one: five
 * `/`-separated non-empty parts, an 8-digit date and a region of letters, digits, `.`, `_` or `-`. Access key ids
 * never contain `/`; the scope parts are taken from the right.
 */
export function parseCredential(value: string): Credential | undefined {
  const parts = value.split("/");
  if (parts.length !== 5 || parts.some((part) => part === "")) return undefined;
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  if (!/^\d{8}$/.test(date) || !/^[A-Za-z0-9._-]{1,64}$/.test(region)) return undefined;
  return { accessKeyId, date, region, service, terminator };
}
