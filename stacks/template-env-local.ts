/** INSTANCE_NAME of every template backend: each workspace has its own backend, secret and bucket. */
export const INSTANCE_NAME = "convex";
/** Where the workspace container finds the admin key (a volume only the workspace pod mounts). */
export const ADMIN_KEY_DIR = "/run/convex-admin";
export const ADMIN_KEY_FILE = "admin-key";

/** The variables the script owns in `.env.local`; it replaces their lines and keeps every other line. */
export const ENV_LOCAL_VARIABLES = ["CONVEX_SELF_HOSTED_URL", "CONVEX_SELF_HOSTED_ADMIN_KEY", "VITE_CONVEX_URL", "VITE_CONVEX_SITE_URL"] as const;

export interface EnvLocalInput {
  /** URL the `convex` CLI in the workspace reaches the backend at (CONVEX_SELF_HOSTED_URL). */
  readonly selfHostedUrl: string;
  /** Browser URL of the API (VITE_CONVEX_URL): what a Convex React app built with Vite connects to. */
  readonly cloudUrl: string;
  /** Browser URL of HTTP actions (VITE_CONVEX_SITE_URL). */
  readonly siteUrl: string;
  /**
   * Non-empty when selfHostedUrl differs from cloudUrl (a Terraform expression or literal). The script then also
   * writes CONVEX_URL with the browser URL, unless the file has a CONVEX_URL line of its own: `npx convex dev`
   * rewrites the one Convex URL variable of `.env.local` to the CLI's URL when it differs (envvars.js,
   * resolveEnvVarName), and leaves the file alone when it finds two of them.
   */
  readonly pinBrowserUrl: string;
}

/**
 * The coder_script that writes `~/.env.local` and the project's `.env.local` for `npx convex dev`. It waits for the
 * admin key file, then sets CONVEX_SELF_HOSTED_URL, CONVEX_SELF_HOSTED_ADMIN_KEY, VITE_CONVEX_URL and
 * VITE_CONVEX_SITE_URL (and CONVEX_URL, see `pinBrowserUrl`), keeping every other line of an existing file; each
 * file is left readable by its owner only (mode 600). The key is never echoed. Terraform interpolates only the
 * URLs; the shell uses `$name` (never `${` or `%{`, which Terraform would read).
 */
export function envLocalScript(input: EnvLocalInput): string {
  return [
    "#!/bin/sh",
    "set -eu",
    `key_file=${ADMIN_KEY_DIR}/${ADMIN_KEY_FILE}`,
    "i=0",
    'while [ ! -s "$key_file" ] && [ "$i" -lt 120 ]; do i=$((i + 1)); sleep 1; done',
    'if [ ! -s "$key_file" ]; then echo "no admin key at $key_file (the admin-key init container failed?)" >&2; exit 1; fi',
    'key=$(tr -d "\\r\\n" < "$key_file")',
    `pin="${input.pinBrowserUrl}"`,
    'project="$HOME/app"',
    'mkdir -p "$project"',
    // Every file made from here on holds the key: the temporary file that replaces .env.local too.
    "umask 077",
    'for file in "$HOME/.env.local" "$project/.env.local"; do',
    '  touch "$file"',
    `  grep -v ${ENV_LOCAL_VARIABLES.map((v) => `-e "^${v}="`).join(" ")} "$file" > "$file.tmp" || true`,
    "  {",
    `    echo "CONVEX_SELF_HOSTED_URL=${input.selfHostedUrl}"`,
    '    echo "CONVEX_SELF_HOSTED_ADMIN_KEY=$key"',
    `    echo "VITE_CONVEX_URL=${input.cloudUrl}"`,
    `    echo "VITE_CONVEX_SITE_URL=${input.siteUrl}"`,
    '  } >> "$file.tmp"',
    `  if [ -n "$pin" ] && ! grep -q "^CONVEX_URL=" "$file.tmp"; then echo "CONVEX_URL=${input.cloudUrl}" >> "$file.tmp"; fi`,
    '  mv "$file.tmp" "$file"',
    "done",
    'echo "Convex: wrote $project/.env.local (and ~/.env.local); run npx convex dev in $project"',
    "",
  ].join("\n");
}
