/** Shared by the database init tests: run a planned init command with sh, as the container would. */
import { spawnSync } from "node:child_process";

/** Runs `[shell, "-c", script]` as planned, with only PATH and `env`: its exit status and everything it printed. */
export function runPlannedScript(command: readonly string[], env: Record<string, string>): { status: number | null; output: string } {
  const [shell, flag, script] = command as [string, string, string];
  const result = spawnSync(shell === "/bin/sh" ? "sh" : shell, [flag, script], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env }, encoding: "utf8", timeout: 30_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
