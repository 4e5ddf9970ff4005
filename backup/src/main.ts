/**
 * The backup runner: `node convex-backup.mjs backup`, `... restore` or `... schedule` (backup at each time
 * BACKUP_SCHEDULE names, for the Docker target), configured by its environment
 * (settings.ts). Runs on the pinned stock Node image (its built-in node:sqlite, Node >= 22.13).
 * Exit status 0 on success, 1 on failure, with one line saying why; keys are never printed.
 */
import { BackupError, backupErrors } from "./errors.ts";
import { runBackup, runRestore } from "./run.ts";
import { runSchedule } from "./schedule.ts";
import { runnerSettings } from "./settings.ts";

async function main(): Promise<void> {
  const command = process.argv[2] ?? "";
  const log = (line: string) => process.stdout.write(`${line}\n`);
  if (command !== "backup" && command !== "restore" && command !== "schedule") throw backupErrors.usage(command);
  const settings = runnerSettings(process.env);
  if (command === "backup") await runBackup(settings, log);
  else if (command === "restore") await runRestore(settings, log);
  else {
    const stop = new AbortController();
    for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => stop.abort());
    await runSchedule(settings, process.env.BACKUP_SCHEDULE ?? "", log, stop.signal);
  }
}

main().catch((error: unknown) => {
  const message = error instanceof BackupError ? error.message : `unexpected failure: ${(error as Error).stack ?? String(error)}`;
  process.stderr.write(`convex-backup: ${message}\n`);
  process.exitCode = 1;
});
