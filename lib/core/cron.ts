/**
 * Cron schedules as Kubernetes CronJobs read them: five fields `minute hour day-of-month month day-of-week`, each
 * `*`, a value, a range `a-b`, a step `*\/n` or `a-b/n`, or a comma list of those; month and weekday names
 * (JAN-DEC, SUN-SAT); day-of-week 7 is Sunday; and the macros @yearly, @annually, @monthly, @weekly, @daily,
 * @midnight, @hourly. When both day fields are restricted a day matches either (Vixie cron). Times are UTC (the
 * CronJob sets timeZone Etc/UTC; the Docker scheduler computes in UTC). Pure: no I/O.
 */

/** The expanded schedule: the allowed values of each field. */
export interface CronSchedule {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  /** 0-6, Sunday 0. */
  readonly daysOfWeek: ReadonlySet<number>;
  readonly dayOfMonthRestricted: boolean;
  readonly dayOfWeekRestricted: boolean;
}

export type CronParse = { readonly ok: true; readonly schedule: CronSchedule } | { readonly ok: false; readonly problem: string };

const MACROS: Readonly<Record<string, string>> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

const FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] },
  { name: "day-of-week", min: 0, max: 7, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] },
] as const;

/** What a schedule looks like, for error messages. */
export const CRON_HINT = 'five fields "minute hour day-of-month month day-of-week" in UTC, e.g. "17 3 * * *" (03:17 every day), or @daily';

export function parseCron(expression: string): CronParse {
  const text = MACROS[expression.trim().toLowerCase()] ?? expression.trim();
  const parts = text.split(/\s+/);
  if (parts.length !== 5) return { ok: false, problem: `it has ${parts.length} field(s)` };
  const sets: Set<number>[] = [];
  for (const [index, field] of FIELDS.entries()) {
    const part = parts[index] as string;
    const values = new Set<number>();
    for (const item of part.split(",")) {
      const problem = expandItem(item, field, values);
      if (problem !== undefined) return { ok: false, problem: `the ${field.name} field ${JSON.stringify(part)} ${problem}` };
    }
    sets.push(values);
  }
  const [minutes, hours, daysOfMonth, months, rawWeek] = sets as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  const daysOfWeek = new Set([...rawWeek].map((day) => day % 7));
  return {
    ok: true,
    schedule: { minutes, hours, daysOfMonth, months, daysOfWeek, dayOfMonthRestricted: parts[2] !== "*", dayOfWeekRestricted: parts[4] !== "*" },
  };
}

type Field = (typeof FIELDS)[number];

function expandItem(item: string, field: Field, into: Set<number>): string | undefined {
  const [range, stepText, extra] = item.split("/");
  if (extra !== undefined || range === undefined || range === "") return `has ${JSON.stringify(item)}, not a value, range or step`;
  let step = 1;
  if (stepText !== undefined) {
    if (!/^[0-9]+$/.test(stepText) || Number(stepText) < 1) return `has step ${JSON.stringify(stepText)}; use a whole number from 1`;
    step = Number(stepText);
  }
  let low: number;
  let high: number;
  if (range === "*") {
    low = field.min;
    high = field.name === "day-of-week" ? 6 : field.max;
  } else {
    const [a, b, more] = range.split("-");
    if (more !== undefined) return `has ${JSON.stringify(item)}, not a value, range or step`;
    const first = value(a ?? "", field);
    if (typeof first === "string") return first;
    low = first;
    if (b === undefined) high = stepText === undefined ? first : field.max;
    else {
      const second = value(b, field);
      if (typeof second === "string") return second;
      high = second;
    }
    if (low > high) return `has range ${JSON.stringify(range)} whose start is after its end`;
  }
  for (let v = low; v <= high; v += step) into.add(v);
  return undefined;
}

function value(text: string, field: Field): number | string {
  const names: readonly string[] = "names" in field ? field.names : [];
  const named = names.indexOf(text.toUpperCase());
  if (named >= 0) return field.name === "month" ? named + 1 : named;
  if (!/^[0-9]+$/.test(text)) return `has ${JSON.stringify(text)}, not a number${names.length ? ` or a name (${names[0]}-${names[names.length - 1]})` : ""}`;
  const n = Number(text);
  if (n < field.min || n > field.max) return `has ${n}, outside ${field.min}-${field.max}`;
  return n;
}

/** Whether the schedule fires in the minute that starts at `at` (UTC). */
export function cronMatches(schedule: CronSchedule, at: Date): boolean {
  if (!schedule.minutes.has(at.getUTCMinutes()) || !schedule.hours.has(at.getUTCHours()) || !schedule.months.has(at.getUTCMonth() + 1)) return false;
  const dom = schedule.daysOfMonth.has(at.getUTCDate());
  const dow = schedule.daysOfWeek.has(at.getUTCDay());
  if (schedule.dayOfMonthRestricted && schedule.dayOfWeekRestricted) return dom || dow;
  return dom && dow;
}

/** The first minute strictly after `after` at which the schedule fires; undefined if none within 5 years (e.g. 30 FEB). */
export function nextCronRun(schedule: CronSchedule, after: Date): Date | undefined {
  const at = new Date(Math.floor(after.getTime() / 60_000) * 60_000 + 60_000);
  const limit = at.getTime() + 5 * 366 * 24 * 3600_000;
  while (at.getTime() < limit) {
    if (!schedule.months.has(at.getUTCMonth() + 1)) {
      at.setUTCMonth(at.getUTCMonth() + 1, 1);
      at.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!cronMatches({ ...schedule, minutes: new Set(Array.from({ length: 60 }, (_, i) => i)), hours: new Set(Array.from({ length: 24 }, (_, i) => i)) }, at)) {
      at.setUTCDate(at.getUTCDate() + 1);
      at.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!schedule.hours.has(at.getUTCHours())) {
      at.setUTCHours(at.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (cronMatches(schedule, at)) return at;
    at.setUTCMinutes(at.getUTCMinutes() + 1, 0, 0);
  }
  return undefined;
}
