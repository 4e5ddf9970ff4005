import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";
import type { ExternalCredentialsSource } from "../core/bucket.ts";
import { ConfigError, showValue, type ConfigIssue } from "../core/errors.ts";
import { tfExpression } from "../terraform/expression.ts";
import { hclString, sensitiveLiteral } from "../terraform/hcl-string.ts";

/** An external bucket's keys as sensitive Terraform expressions. */
export interface ExternalBucketKeys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** The two lines a keys file holds (as in an env file): `AWS_ACCESS_KEY_ID=...` and `AWS_SECRET_ACCESS_KEY=...`. */
export const KEYS_FILE_VARIABLES = { accessKeyId: "AWS_ACCESS_KEY_ID", secretAccessKey: "AWS_SECRET_ACCESS_KEY" } as const;

/**
 * Resolves where an external bucket's keys come from on Docker.
 * - `environment`: read now, from `env`; a missing or empty variable is a ConfigError naming it. The values end up
 *   in the synthesized configuration (cdktf.out, git-ignored) inside `sensitive(...)`, and in state: keep both private.
 * - `file`: not read now. Terraform reads the file at plan time (`file()` and `regex()`), so the keys never appear in
 *   the synthesized configuration, only in state. A relative path or `~/` is resolved here, because Terraform runs
 *   in the stack's output directory.
 */
export function externalBucketKeys(source: ExternalCredentialsSource, env: Readonly<Record<string, string | undefined>>, cwd: string): ExternalBucketKeys {
  if (source.kind === "file") {
    const path = absolutePath(source.path, cwd);
    return { accessKeyId: keysFileExpression(path, KEYS_FILE_VARIABLES.accessKeyId), secretAccessKey: keysFileExpression(path, KEYS_FILE_VARIABLES.secretAccessKey) };
  }
  const issues: ConfigIssue[] = [];
  const read = (field: string, variable: string): string => {
    const value = env[variable];
    if (value === undefined || value === "") issues.push({ field: `storage.bucket.${field}`, value: showValue(variable), fix: `export ${variable} with the bucket's key before synthesizing (it is never written to the YAML file)` });
    return value ?? "";
  };
  const accessKeyId = read("accessKeyIdEnv", source.accessKeyIdEnv);
  const secretAccessKey = read("secretAccessKeyEnv", source.secretAccessKeyEnv);
  if (issues.length > 0) throw new ConfigError(issues);
  return { accessKeyId: sensitiveLiteral(accessKeyId), secretAccessKey: sensitiveLiteral(secretAccessKey) };
}

/** `~/x` and relative paths made absolute. */
export function absolutePath(path: string, cwd: string): string {
  if (path === "~" || path.startsWith("~/")) return resolve(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/**
 * The Terraform expression that reads `variable` from the keys file at plan time: the value after `VARIABLE=` on
 * its own line, up to the first whitespace, marked sensitive. The path was checked by the plan for characters that
 * could leave the string.
 */
export function keysFileExpression(path: string, variable: string): string {
  return tfExpression(`sensitive(regex(${hclString(`(?m)^${variable}=([^[:space:]]+)`)}, file(${hclString(path)}))[0])`);
}
