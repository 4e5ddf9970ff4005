/** The CanonicalQueryString line of a SigV4 canonical request. */
import type { QueryParam } from "./query-params.ts";
import { uriEncode } from "./uri-encode.ts";

/**
 * `name=value` pairs URI-encoded (`/` too), sorted by encoded name then encoded value, joined with `&`.
 * Parameters named `omit` (exact match, e.g. `X-Amz-Signature` for presigned URLs) are left out.
 */
export function canonicalQuery(params: readonly QueryParam[], omit?: string): string {
  return params
    .filter((param) => param.name !== omit)
    .map((param) => [uriEncode(param.name, true), uriEncode(param.value, true)] as const)
    .sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
}
