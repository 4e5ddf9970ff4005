/**
 * Where the doctor gets the bucket's keys: the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and optionally
 * AWS_SESSION_TOKEN, as Convex reads them) or a keys file with the same `NAME=value` lines (the format of the
 * project's `storage.bucket.credentialsFile`). The keys are never printed: {@link Redactor} replaces them in all
 * output.
 */
import { existsSync, readFileSync } from "node:fs";
import { DoctorInputError, type ConfigIssue } from "./errors.ts";

export interface Keys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Where keys come from; `names` are the variables (or file lines) that hold them. */
export type KeysSource =
  | { readonly kind: "environment"; readonly accessKeyIdVariable: string; readonly secretAccessKeyVariable: string }
  | { readonly kind: "file"; readonly path: string };

/** The variables Convex (and the AWS SDK) read. */
export const DEFAULT_KEYS_SOURCE: KeysSource = { kind: "environment", accessKeyIdVariable: "AWS_ACCESS_KEY_ID", secretAccessKeyVariable: "AWS_SECRET_ACCESS_KEY" };

/** `NAME=value` lines (blank lines, `#` comments and a leading `export ` allowed; quotes around the value removed). */
export function parseKeysFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim().replace(/^export\s+/, "");
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) continue;
    values[match[1] as string] = (match[2] as string).trim().replace(/^(['"])(.*)\1$/, "$2");
  }
  return values;
}

/** Reads the keys; a missing one is a DoctorInputError naming where it was looked for (never showing a value). */
export function readKeys(source: KeysSource, env: Readonly<Record<string, string | undefined>>): Keys {
  const issues: ConfigIssue[] = [];
  let values: Readonly<Record<string, string | undefined>>;
  let accessName: string;
  let secretName: string;
  let where: string;
  if (source.kind === "file") {
    if (!existsSync(source.path)) {
      throw new DoctorInputError([{ field: "--keys-file", value: JSON.stringify(source.path), fix: "point it at a file with AWS_ACCESS_KEY_ID=... and AWS_SECRET_ACCESS_KEY=... lines" }]);
    }
    values = parseKeysFile(readFileSync(source.path, "utf8"));
    accessName = "AWS_ACCESS_KEY_ID";
    secretName = "AWS_SECRET_ACCESS_KEY";
    where = `in ${source.path}`;
  } else {
    values = env;
    accessName = source.accessKeyIdVariable;
    secretName = source.secretAccessKeyVariable;
    where = "in the environment";
  }
  const fix = (name: string) =>
    source.kind === "file"
      ? `add a line ${name}=... to the keys file`
      : `export ${name} with the bucket's key, or pass --keys-file FILE with AWS_ACCESS_KEY_ID=... and AWS_SECRET_ACCESS_KEY=... lines`;
  const accessKeyId = values[accessName] ?? "";
  const secretAccessKey = values[secretName] ?? "";
  if (accessKeyId === "") issues.push({ field: `${accessName} (${where})`, value: "(not set)", fix: fix(accessName) });
  if (secretAccessKey === "") issues.push({ field: `${secretName} (${where})`, value: "(not set)", fix: fix(secretName) });
  if (issues.length > 0) throw new DoctorInputError(issues);
  const sessionToken = values.AWS_SESSION_TOKEN;
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

/** Replaces every secret value (and the access key id) in text with `<redacted>`. */
export class Redactor {
  private readonly secrets: readonly string[];

  constructor(secrets: readonly (string | undefined)[]) {
    // Longest first, so a secret that contains another is replaced whole. Very short strings are not secrets.
    this.secrets = [...new Set(secrets.filter((s): s is string => s !== undefined && s.length >= 4))].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      out = out.split(secret).join("<redacted>");
      // The same value as it appears URL-encoded (presigned URLs, Credential=...).
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) out = out.split(encoded).join("<redacted>");
    }
    return out;
  }
}
