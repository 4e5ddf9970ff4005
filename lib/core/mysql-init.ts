/**
 * MySQL's init step (lib/core/database-init.ts): the `mysql` client of the official mysql image. The client takes no
 * URL, so the script splits DATABASE_URL the way Convex's driver (mysql_async) reads it: USER and PASSWORD
 * percent-decoded, the port 3306 when none is given. The password reaches the client in MYSQL_PWD, never on its
 * command line. The same script runs with MariaDB's client (the tests run it against MariaDB): only the TLS flags
 * differ, and MariaDB's client checks the certificate whenever TLS is required.
 */
import type { DatabaseInitInput } from "./database-init.ts";
import { urlCheckPrologue } from "./init-script.ts";

/** The port mysql_async uses when the URL names none. */
export const MYSQL_DEFAULT_PORT = 3306;

/** The client's --ssl-mode values the init step uses (MySQL's own names; the script maps them for MariaDB's client). */
export type MysqlSslMode = "PREFERRED" | "REQUIRED" | "VERIFY_CA";

/**
 * The client's TLS mode for a setting: VERIFY_CA with a CA file (Convex's `verify_ca=true` with MYSQL_CA_FILE),
 * REQUIRED without one (the client has no system roots to check against), PREFERRED when TLS is not required
 * (Convex then adds no require_ssl).
 */
export function mysqlSslMode(requireSsl: boolean, caFile: string | undefined): MysqlSslMode {
  if (!requireSsl) return "PREFERRED";
  return caFile ? "VERIFY_CA" : "REQUIRED";
}

/** The environment of the init step besides `DATABASE_URL` (which comes by reference). */
export function mysqlInitEnvironment(input: DatabaseInitInput): Record<string, string> {
  const env: Record<string, string> = {
    CONVEX_DATABASE: input.database,
    CONVEX_SSL_MODE: input.sslMode ?? mysqlSslMode(input.requireSsl, input.caFile),
  };
  if (input.caFile) env.CONVEX_SSL_CA = input.caFile;
  return env;
}

/**
 * The init step's shell script (POSIX sh with the mysql client): checks DATABASE_URL as Convex will, creates the
 * database CONVEX_DATABASE with `CREATE DATABASE IF NOT EXISTS` when it is missing and does nothing otherwise. A
 * failure prints one line that names the setting to fix, never the URL or the password, then the client's message.
 * Errors are told apart by the client's error numbers, which MySQL's and MariaDB's clients share.
 */
export function mysqlInitScript(urlSource: string): string {
  return [
    ...urlCheckPrologue("mysql", urlSource, "mysql"),
    // Percent-decoding, as mysql_async decodes the URL's user and password.
    "unescape() {",
    "  u_in=$1 u_out=",
    "  while :; do",
    '    case "$u_in" in *%*) ;; *) printf %s "$u_out$u_in"; return ;; esac',
    '    u_out=$u_out${u_in%%\\%*}',
    "    u_in=${u_in#*%}",
    '    case "$u_in" in',
    '      [0-9A-Fa-f][0-9A-Fa-f]*) u_hex=${u_in%"${u_in#??}"}; u_in=${u_in#??}; u_out=$u_out$(printf "\\\\$(printf %03o "$((0x$u_hex))")") ;;',
    "      *) u_out=$u_out% ;;",
    "    esac",
    "  done",
    "}",
    "userinfo=${authority%@*}",
    "hostport=${authority##*@}",
    'case "$userinfo" in *:*) password=${userinfo#*:} ;; *) password= ;; esac',
    'user=$(unescape "${userinfo%%:*}")',
    'MYSQL_PWD=$(unescape "$password")',
    "export MYSQL_PWD",
    'case "$hostport" in',
    '  \\[*\\]:*) host=${hostport%%]*}; host=${host#?}; port=${hostport##*]:} ;;',
    '  \\[*\\]) host=${hostport#?}; host=${host%?}; port= ;;',
    "  *:*) host=${hostport%:*}; port=${hostport##*:} ;;",
    "  *) host=$hostport; port= ;;",
    "esac",
    `port=\${port:-${MYSQL_DEFAULT_PORT}}`,
    '[ -n "$host" ] || fail "$src must name the server\'s host: mysql://USER:PASSWORD@HOST:PORT"',
    'case "$port" in *[!0-9]*) fail "$src has a port that is not a number: mysql://USER:PASSWORD@HOST:PORT" ;; esac',
    // MySQL's client takes --ssl-mode. MariaDB's enforces TLS only with --ssl-verify-server-cert, which also checks
    // the certificate and host name (against the system's roots, or --ssl-ca).
    'case "$(mysql --version 2>&1)" in',
    '  *MariaDB*) case "$CONVEX_SSL_MODE" in REQUIRED) set -- --ssl-verify-server-cert ;; VERIFY_CA) set -- --ssl-ca="${CONVEX_SSL_CA:-}" --ssl-verify-server-cert ;; *) set -- ;; esac ;;',
    // Without TLS, MySQL 8's default caching_sha2_password needs the server's RSA key to send the password; with TLS
    // the flag is unused.
    '  *) case "$CONVEX_SSL_MODE" in VERIFY_CA) set -- --ssl-mode=VERIFY_CA --ssl-ca="${CONVEX_SSL_CA:-}" ;; *) set -- --ssl-mode="$CONVEX_SSL_MODE" --get-server-public-key ;; esac ;;',
    "esac",
    'sql() { mysql --no-defaults --protocol=TCP --connect-timeout=10 -h "$host" -P "$port" -u "$user" "$@" --batch --skip-column-names; }',
    "explain() {",
    '  case "$1" in',
    '    *"ERROR 1044"*) fail "the user in $src may not create databases: GRANT CREATE ON *.* TO <user> (or ALL ON $CONVEX_DATABASE.*), or create $CONVEX_DATABASE yourself" "$1" ;;',
    '    *"ERROR 1045"*|*"ERROR 1130"*|*"ERROR 1698"*) fail "the server refused the user or password in $src: fix the credentials there (and the host the user may connect from)" "$1" ;;',
    '    *"ERROR 2002"*|*"ERROR 2003"*|*"ERROR 2005"*|*"ERROR 2006"*|*"ERROR 2013"*) fail "cannot reach the server named in $src: check its host and port, and that this workload may connect to it" "$1" ;;',
    '    *"ERROR 2026"*"not support"*|*"ERROR 2026"*"doesn\'t support"*) fail "the server does not offer TLS: enable it there, or set database.requireSsl: false" "$1" ;;',
    '    *"ERROR 2026"*) fail "TLS to the server failed; if its certificate is not trusted, set database.caSecretName to its CA" "$1" ;;',
    '    *) fail "creating $CONVEX_DATABASE failed" "$1" ;;',
    "  esac",
    "}",
    'found=$(sql "$@" -e "SELECT CONCAT(\'found:\', COUNT(*)) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = \'$CONVEX_DATABASE\'" 2>&1) || explain "$found"',
    'case "$found" in',
    '  *found:1*) echo "convex-database-init: database $CONVEX_DATABASE exists"; exit 0 ;;',
    "  *found:0*) ;;",
    '  *) explain "$found" ;;',
    "esac",
    'out=$(sql "$@" -e "CREATE DATABASE IF NOT EXISTS \\`$CONVEX_DATABASE\\`" 2>&1) || explain "$out"',
    'echo "convex-database-init: created database $CONVEX_DATABASE"',
  ].join("\n");
}
