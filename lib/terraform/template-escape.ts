/**
 * Terraform reads every string of a JSON configuration (resource and data arguments, provider settings, locals,
 * output values) as a string template: `${` starts an interpolation and `%{` a directive. Literal text therefore has
 * to be escaped (`$${`, `%%{`) before it reaches Terraform, while cdktf tokens (references, functions,
 * {@link tfExpression}) must stay expressions. This module holds the escaping rule; LiteralSafeStack applies it.
 */

/**
 * cdktf's token markers inside a not-yet-resolved string (`${TfToken[TOKEN.12]}`, and `#{`/`&{` for list and map
 * tokens; cdktf's lib/tokens/private/encoding.ts). They resolve to expressions later and are never escaped.
 */
const TOKEN_MARKER = /[$#&]\{TfToken\[[a-zA-Z0-9:._-]+\]\}/g;

/** Escapes Terraform's template sequences in literal text: `${` becomes `$${` and `%{` becomes `%%{`. */
export function escapeTemplateSequences(text: string): string {
  // Replacement functions: in a replacement string "$$" would mean a single "$".
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/** Escapes the literal parts of a string that may hold cdktf token markers, leaving the markers intact. */
export function escapeLiteralParts(value: string): string {
  let out = "";
  let last = 0;
  for (const match of value.matchAll(TOKEN_MARKER)) {
    out += escapeTemplateSequences(value.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return out + escapeTemplateSequences(value.slice(last));
}

/**
 * Escapes every string and every object key in an unresolved Terraform JSON fragment (what an element's
 * `toTerraform()` returns before cdktf resolves its tokens). Numbers, booleans, `null` and tokens pass unchanged.
 */
export function escapeLiterals<T>(fragment: T): T {
  return escapeValue(fragment) as T;
}

function escapeValue(value: unknown): unknown {
  if (typeof value === "string") return escapeLiteralParts(value);
  if (Array.isArray(value)) return value.map(escapeValue);
  if (value === null || typeof value !== "object" || !isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[escapeLiteralParts(key)] = escapeValue(inner);
  return out;
}

/** Plain data objects only: cdktf resolvables (class instances) resolve themselves and are left alone. */
function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
