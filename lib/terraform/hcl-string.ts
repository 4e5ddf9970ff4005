import { tfExpression } from "./expression.ts";

/** C0 control characters and DEL, written as `\uNNNN` in HCL (`\n`, `\r` and `\t` get their short escapes first). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

/**
 * A JavaScript string as a quoted HCL string literal, for use inside a Terraform expression: backslash, quote and
 * control characters escaped, and Terraform's template sequences `${` and `%{` doubled, so the value stays literal.
 * cdktf's own rendering of `Fn.*` arguments escapes `${` but not `%{`; literals that may hold either go through here.
 */
export function hclString(value: string): string {
  const body = value
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r")
    .replace(/\t/g, "\\t")
    .replace(CONTROL_CHARACTERS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .replace(/\$\{/g, () => "$${")
    .replace(/%\{/g, () => "%%{");
  return `"${body}"`;
}

/** A literal value wrapped in `sensitive(...)`, so plans print `(sensitive value)` instead of it. */
export function sensitiveLiteral(value: string): string {
  return tfExpression(`sensitive(${hclString(value)})`);
}
