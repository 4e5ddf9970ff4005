/** Shell text shared by the database init scripts (lib/core/database-init.ts). */
import { SERVER_DATABASES, type ServerDatabaseKind } from "./database.ts";

/**
 * The script's first lines, shared by both kinds: `fail` (one line naming the fix, then the client's own message)
 * and the checks Convex applies to the URL before it connects (scheme, no database name, no query, a username).
 * Leaves `authority` (USER:PASSWORD@HOST:PORT) set.
 */
export function urlCheckPrologue(kind: ServerDatabaseKind, urlSource: string, client: string): string[] {
  const traits = SERVER_DATABASES[kind];
  const schemes = traits.schemes.map((s) => `${s}//`);
  return [
    "set -u",
    `src=${shellQuote(urlSource)}`,
    `fail() { echo "convex-database-init: $1" >&2; [ -n "\${2:-}" ] && echo "${client} said: $2" >&2; exit 1; }`,
    'case "${DATABASE_URL:-}" in',
    `  "") fail "$src is empty or missing: put ${traits.shape} in it" ;;`,
    `  ${schemes.map((s) => `${s}*`).join("|")}) ;;`,
    `  *) fail "$src must start with ${schemes.join(" or ")}" ;;`,
    "esac",
    'rest=${DATABASE_URL#*://}',
    'authority=${rest%%/*}',
    '[ "$authority" = "$rest" ] || fail "$src must end with HOST:PORT: remove the database name (Convex opens $CONVEX_DATABASE itself)"',
    `case "$rest" in *\\?*) fail "$src must have no query parameters (database.requireSsl sets ${traits.sslParameters})" ;; esac`,
    `case "$authority" in [!:@]*@*) ;; *) fail "$src must name a ${traits.principal}: ${traits.shape}" ;; esac`,
  ];
}

/** `text` as one single-quoted sh word. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}
