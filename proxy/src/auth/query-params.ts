/** Parsing of a raw query string into decoded name/value pairs, in order. */
import { percentDecode } from "./uri-encode.ts";

/** One decoded query parameter. `value` is "" for a bare `name` or `name=`. */
export interface QueryParam {
  readonly name: string;
  readonly value: string;
}

/**
 * Splits `rawQuery` (no leading `?`) at `&` and the first `=`, and percent-decodes both sides. `+` is a literal
 * plus, not a space (SigV4 clients encode spaces as %20). A part with a malformed escape is kept verbatim; empty
 * parts (`a=1&&b=2`) are skipped.
 */
export function parseQuery(rawQuery: string): QueryParam[] {
  const params: QueryParam[] = [];
  if (rawQuery === "") return params;
  for (const part of rawQuery.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const rawName = eq === -1 ? part : part.slice(0, eq);
    const rawValue = eq === -1 ? "" : part.slice(eq + 1);
    params.push({ name: percentDecode(rawName) ?? rawName, value: percentDecode(rawValue) ?? rawValue });
  }
  return params;
}
