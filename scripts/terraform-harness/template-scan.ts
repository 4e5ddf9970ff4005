/**
 * A scanner for Terraform's string template syntax, as Terraform reads every string of a JSON configuration:
 * `${ ... }` interpolations and `%{ ... }` directives (with nested strings and braces), `$${` and `%%{` as escaped
 * literals. It finds the expression parts of a string so that references inside them can be rewritten.
 */

/** A part of a template: literal text, or the inside of one `${ }` / `%{ }` (without the delimiters). */
export type TemplatePart = { readonly kind: "literal"; readonly text: string } | { readonly kind: "expression"; readonly open: "${" | "%{"; readonly text: string };

/** Splits a template string into literal and expression parts; joining them back gives the input. */
export function splitTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = "";
  let i = 0;
  while (i < template.length) {
    if (template.startsWith("$${", i) || template.startsWith("%%{", i)) {
      literal += template.slice(i, i + 3);
      i += 3;
    } else if (template.startsWith("${", i) || template.startsWith("%{", i)) {
      if (literal) parts.push({ kind: "literal", text: literal });
      literal = "";
      const end = scanExpression(template, i + 2);
      parts.push({ kind: "expression", open: template.slice(i, i + 2) as "${" | "%{", text: template.slice(i + 2, end - 1) });
      i = end;
    } else {
      literal += template[i];
      i += 1;
    }
  }
  if (literal) parts.push({ kind: "literal", text: literal });
  return parts;
}

/** Joins parts back into a template string. */
export function joinTemplate(parts: readonly TemplatePart[]): string {
  return parts.map((p) => (p.kind === "literal" ? p.text : `${p.open}${p.text}}`)).join("");
}

/** From just after `${`, the index just after the matching `}`. An unterminated expression runs to the end. */
function scanExpression(s: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < s.length) {
    const c = s[i];
    if (c === '"') i = scanString(s, i + 1);
    else if (c === "{") {
      depth += 1;
      i += 1;
    } else if (c === "}") {
      if (depth === 0) return i + 1;
      depth -= 1;
      i += 1;
    } else i += 1;
  }
  return s.length + 1;
}

/** From just after an opening quote inside an expression, the index just after the closing quote. */
function scanString(s: string, start: number): number {
  let i = start;
  while (i < s.length) {
    if (s[i] === "\\") i += 2;
    else if (s[i] === '"') return i + 1;
    else if (s.startsWith("$${", i) || s.startsWith("%%{", i)) i += 3;
    else if (s.startsWith("${", i) || s.startsWith("%{", i)) i = scanExpression(s, i + 2);
    else i += 1;
  }
  return s.length;
}
