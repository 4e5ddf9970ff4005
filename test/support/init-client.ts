// Runs a database init script (lib/core/database-init.ts) with the real POSIX shell, in a unit test: either with the
// real client installed on the machine, or with a stand-in client first on PATH that records what the script passed
// it (its arguments and the environment it exported) and answers as its test tells it to.
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** What a run of the script gave. */
export interface ScriptRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** How the stand-in client answers: the query that looks for the database, then the CREATE DATABASE. */
export interface ClientAnswers {
  /** What `--version` prints (the MySQL script tells MySQL's client from MariaDB's by it). @default - nothing */
  readonly version?: string;
  readonly found: { readonly output: string; readonly status?: number };
  /** @default - an empty answer, status 0 */
  readonly create?: { readonly output: string; readonly status?: number };
}

/**
 * The stand-in client (POSIX sh): `--version` prints STUB_VERSION; any other call appends one `call` line, the
 * exported variables it looks at and one `arg:` line per argument to STUB_LOG, then prints and exits as told for a
 * SELECT or a CREATE.
 */
const STAND_IN = `#!/bin/sh
if [ "\${1:-}" = --version ]; then printf '%s\\n' "$STUB_VERSION"; exit 0; fi
{
  echo call
  [ -z "\${MYSQL_PWD+x}" ] || echo "env:MYSQL_PWD=$MYSQL_PWD"
  for a in "$@"; do printf 'arg:%s\\n' "$a"; done
} >>"$STUB_LOG"
case "$*" in
  *SELECT*) printf '%s\\n' "$STUB_FOUND"; exit "$STUB_FOUND_STATUS" ;;
  *CREATE*) printf '%s\\n' "$STUB_CREATE"; exit "$STUB_CREATE_STATUS" ;;
esac
echo "stand-in: unexpected call" >&2
exit 99
`;

/**
 * Runs `sh -c script` in a process group of its own, killed whole after 5 s: well below the test's and the mutation
 * run's timeouts, and a script that loops (a mutant) may loop in a subshell (`$(unescape ...)`), which killing only
 * `sh` would leave running.
 */
function runSh(script: string, env: Record<string, string>): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", script], { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
    child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch (error) {
        // ESRCH: the whole group has already exited.
        if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
      }
    };
    const timer = setTimeout(killGroup, 5_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      killGroup();
      resolve({ status: code, stdout, stderr });
    });
  });
}

/** A temporary directory holding the stand-in as `mysql` and as `psql`; `dispose` removes it. */
export class StandInClient {
  private readonly dir = mkdtempSync(path.join(tmpdir(), "init-client-"));

  constructor() {
    for (const name of ["mysql", "psql"]) {
      writeFileSync(path.join(this.dir, name), STAND_IN);
      chmodSync(path.join(this.dir, name), 0o755);
    }
  }

  /** Runs `script` with `env` and the stand-in first on PATH; returns the run and the calls the client got. */
  async run(script: string, env: Record<string, string>, answers: ClientAnswers): Promise<ScriptRun & { readonly calls: string[][] }> {
    const log = path.join(this.dir, `calls-${Math.random().toString(36).slice(2)}.log`);
    writeFileSync(log, "");
    const result = await runSh(script, {
      ...env,
      PATH: `${this.dir}:${process.env.PATH ?? "/usr/bin:/bin"}`,
      STUB_LOG: log,
      STUB_VERSION: answers.version ?? "",
      STUB_FOUND: answers.found.output,
      STUB_FOUND_STATUS: String(answers.found.status ?? 0),
      STUB_CREATE: answers.create?.output ?? "",
      STUB_CREATE_STATUS: String(answers.create?.status ?? 0),
    });
    const calls = readFileSync(log, "utf8")
      .split("call\n")
      .slice(1)
      .map((call) => call.split("\n").filter((line) => line !== ""));
    rmSync(log);
    return { ...result, calls };
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Runs `script` with `env` and the machine's own clients (PATH as the test runs with). */
export function runWithRealClient(script: string, env: Record<string, string>): Promise<ScriptRun> {
  return runSh(script, { ...env, PATH: process.env.PATH ?? "/usr/bin:/bin" });
}
