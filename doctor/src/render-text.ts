/**
 * The report for people: the checks as a table, one block per replay with what the endpoint answered at each
 * step, then the verdict. Colour only when asked (a terminal without NO_COLOR). Pure: returns the text.
 */
import type { ConvexS3StepEvent } from "./convex-s3-sequence.ts";
import type { CheckStatus, DoctorReport, SequenceRun } from "./types.ts";

export interface RenderOptions {
  /** ANSI colours. @default false */
  readonly color?: boolean;
}

const CODES = { green: "32", red: "31", yellow: "33", dim: "2", bold: "1" } as const;

function painter(color: boolean) {
  return (style: keyof typeof CODES, text: string) => (color ? `\u001b[${CODES[style]}m${text}\u001b[0m` : text);
}

const STATUS_LABEL: Record<CheckStatus, string> = { ok: "ok", warn: "WARN", fail: "FAIL", skip: "skip" };
const STATUS_STYLE: Record<CheckStatus, keyof typeof CODES> = { ok: "green", warn: "yellow", fail: "red", skip: "dim" };

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

/** `CreateMultipartUpload 200`, `UploadPart #1 200 (100 B; CRC32 returned: no)`, `... 400 InvalidRequest`. */
export function stepText(event: ConvexS3StepEvent): string {
  const status = event.httpStatus === undefined ? "" : ` ${event.httpStatus}`;
  if (event.ok) return `${event.step}${status}${event.note ? ` (${event.note})` : ""}`;
  const code = event.code && event.code !== "ConvexError" ? ` ${event.code}` : "";
  const message = event.message ? `: ${event.message}` : event.code === "ConvexError" ? "" : " (empty message)";
  return `${event.step}${status}${code}${message}`;
}

function renderRun(run: SequenceRun, paint: ReturnType<typeof painter>): string[] {
  const head = run.ok ? paint("green", "ok  ") : paint("red", "FAIL");
  const lines = [`  ${head}  ${paint("bold", run.label)}  ${paint("dim", `(${Math.round(run.ms)} ms)`)}`];
  for (const event of run.steps) {
    const mark = event.ok ? paint("dim", "·") : paint("red", "x");
    lines.push(`          ${mark} ${stepText(event)}`);
  }
  if (run.failure) {
    lines.push(`          ${paint("red", "Convex logs:")} ${run.failure.convexError}`);
    lines.push(`          ${paint("yellow", "why:")} ${run.failure.cause}`);
  }
  return lines;
}

/** The whole report as text. */
export function renderText(report: DoctorReport, options: RenderOptions = {}): string {
  const paint = painter(options.color ?? false);
  const out: string[] = [];
  out.push(paint("bold", `Convex S3 doctor: ${report.endpoint}, bucket ${report.bucket}, region ${report.region}`));
  out.push(paint("dim", `scratch prefix ${report.scratchPrefix}, ${(report.durationMs / 1000).toFixed(1)} s`));
  out.push("");
  out.push(paint("bold", "Checks"));
  const width = Math.max(...report.checks.map((check) => check.title.length), 10);
  for (const check of report.checks) {
    out.push(`  ${paint(STATUS_STYLE[check.status], pad(STATUS_LABEL[check.status], 4))}  ${pad(check.title, width)}  ${check.detail}`);
    if (check.fix && (check.status === "warn" || check.status === "fail")) out.push(`        ${" ".repeat(width)}  ${paint("yellow", "fix:")} ${check.fix}`);
  }
  if (report.runs.length > 0) {
    out.push("");
    out.push(paint("bold", "Convex's S3 sequence, per combination of settings (what the endpoint answered at each step)"));
    for (const run of report.runs) out.push(...renderRun(run, paint));
  }
  out.push("");
  out.push(paint("bold", "Verdict"));
  for (const mode of report.verdict.modes) {
    out.push(`  ${mode.works ? paint("green", "works") : paint("red", "FAILS")}  ${mode.summary}`);
    if (mode.works && mode.env && Object.keys(mode.env).length > 0) {
      out.push(`         backend env: ${Object.entries(mode.env).map(([name, value]) => `${name}=${value}`).join(" ")}`);
    }
    for (const failing of mode.failing) {
      const missing = failing.missing.length > 0 ? `missing ${failing.missing.join(" ")}` : "fails";
      out.push(paint("dim", `         ${failing.label}: ${missing} (${failing.step}: ${failing.convexError})`));
    }
  }
  out.push("");
  const headline = `${report.verdict.status === "ok" ? "OK" : "NOT OK"}: ${report.verdict.summary}`;
  out.push(paint(report.verdict.status === "ok" ? "green" : "red", headline));
  return `${out.join("\n")}\n`;
}
