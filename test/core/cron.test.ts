// lib/core/cron.ts: each refusal's wording and the edges of the next-run search, against hand-written values.
import { describe, expect, it } from "vitest";
import { nextCronRun, parseCron, type CronSchedule } from "../../lib/core/cron.ts";

function schedule(expression: string): CronSchedule {
  const parsed = parseCron(expression);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.schedule;
}

const problem = (expression: string) => {
  const parsed = parseCron(expression);
  return parsed.ok ? "accepted" : parsed.problem;
};

describe("parseCron: what it refuses, in its words", () => {
  it("names the field, the item and the fix", () => {
    const cases: readonly [string, string][] = [
      ["* * * *", "it has 4 field(s)"],
      ["1/2/3 * * * *", 'the minute field "1/2/3" has "1/2/3", not a value, range or step'],
      ["/5 * * * *", 'the minute field "/5" has "/5", not a value, range or step'],
      ["1,,2 * * * *", 'the minute field "1,,2" has "", not a value, range or step'],
      ["*/0 * * * *", 'the minute field "*/0" has step "0"; use a whole number from 1'],
      ["*/5x * * * *", 'the minute field "*/5x" has step "5x"; use a whole number from 1'],
      ["*/x5 * * * *", 'the minute field "*/x5" has step "x5"; use a whole number from 1'],
      ["1-2-3 * * * *", 'the minute field "1-2-3" has "1-2-3", not a value, range or step'],
      ["1-99 * * * *", 'the minute field "1-99" has 99, outside 0-59'],
      ["60 * * * *", 'the minute field "60" has 60, outside 0-59'],
      ["x * * * *", 'the minute field "x" has "x", not a number'],
      ["5x * * * *", 'the minute field "5x" has "5x", not a number'],
      ["x5 * * * *", 'the minute field "x5" has "x5", not a number'],
      ["0 0 * FOO *", 'the month field "FOO" has "FOO", not a number or a name (JAN-DEC)'],
    ];
    for (const [expression, expected] of cases) expect(problem(expression), expression).toBe(expected);
  });

  it("accepts a step of 1, macros in any case with white space around, and runs of white space between fields", () => {
    expect([...schedule("*/1 0 1 1 *").minutes]).toHaveLength(60);
    expect(schedule(" @DAILY ")).toMatchObject({ minutes: new Set([0]), hours: new Set([0]) });
    expect(schedule("5  4\t* * *")).toMatchObject({ minutes: new Set([5]), hours: new Set([4]) });
  });

  it("marks which day fields are restricted", () => {
    expect(schedule("0 0 1 * *")).toMatchObject({ dayOfMonthRestricted: true, dayOfWeekRestricted: false });
    expect(schedule("0 0 * * 1")).toMatchObject({ dayOfMonthRestricted: false, dayOfWeekRestricted: true });
  });
});

describe("nextCronRun", () => {
  it("is strictly after the given time, at the start of the next minute", () => {
    expect(nextCronRun(schedule("* * * * *"), new Date("2026-01-15T12:00:30Z"))?.toISOString()).toBe("2026-01-15T12:01:00.000Z");
  });

  it("starts a later month and a later day at midnight", () => {
    expect(nextCronRun(schedule("0 0 1 3 *"), new Date("2026-01-15T05:23:00Z"))?.toISOString()).toBe("2026-03-01T00:00:00.000Z");
    // 2026-01-14 is a Wednesday; the next Monday is the 19th.
    expect(nextCronRun(schedule("0 0 * * 1"), new Date("2026-01-14T05:23:00Z"))?.toISOString()).toBe("2026-01-19T00:00:00.000Z");
  });
});

describe("parseCron: the macros", () => {
  it("runs each macro at its own times (from Sunday 2026-03-15 10:30 UTC)", () => {
    const after = new Date("2026-03-15T10:30:00Z");
    const next = (macro: string) => nextCronRun(schedule(macro), after)?.toISOString();
    expect(Object.fromEntries(["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"].map((m) => [m, next(m)]))).toEqual({
      "@yearly": "2027-01-01T00:00:00.000Z",
      "@annually": "2027-01-01T00:00:00.000Z",
      "@monthly": "2026-04-01T00:00:00.000Z",
      "@weekly": "2026-03-22T00:00:00.000Z",
      "@daily": "2026-03-16T00:00:00.000Z",
      "@midnight": "2026-03-16T00:00:00.000Z",
      "@hourly": "2026-03-15T11:00:00.000Z",
    });
  });
});
