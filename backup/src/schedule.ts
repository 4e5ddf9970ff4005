/**
 * The `schedule` command (the Docker target's scheduled container): waits for each time the cron schedule
 * (BACKUP_SCHEDULE, UTC) names and runs a backup then; a failed run is logged and the next one still happens.
 * SIGTERM or SIGINT (docker stop) ends it at once between runs, or after the run under way.
 */
import { nextCronRun, parseCron } from "../../lib/core/cron.ts";
import { BackupError, backupErrors } from "./errors.ts";
import { runBackup, type Log } from "./run.ts";
import type { RunnerSettings } from "./settings.ts";

/** Longest single sleep, in milliseconds: the clock is re-read at least this often (suspend, clock steps). */
const MAX_SLEEP_MS = 60_000;

export async function runSchedule(settings: RunnerSettings, expression: string, log: Log, signal: AbortSignal): Promise<void> {
  const parsed = parseCron(expression);
  if (!parsed.ok) throw backupErrors.badSetting("BACKUP_SCHEDULE", expression, `${parsed.problem}; use five cron fields in UTC, e.g. "17 3 * * *"`);
  while (!signal.aborted) {
    const next = nextCronRun(parsed.schedule, new Date());
    if (next === undefined) throw backupErrors.badSetting("BACKUP_SCHEDULE", expression, "it never fires (e.g. 30 February): choose a day that exists");
    log(`convex-backup: next snapshot at ${next.toISOString()}`);
    while (!signal.aborted && Date.now() < next.getTime()) await sleep(Math.min(MAX_SLEEP_MS, next.getTime() - Date.now()), signal);
    if (signal.aborted) break;
    try {
      await runBackup(settings, log);
    } catch (error) {
      log(`convex-backup: this snapshot failed: ${error instanceof BackupError ? error.message : String(error)}`);
    }
  }
  log("convex-backup: stopped");
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
