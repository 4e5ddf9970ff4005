/**
 * The doctor's one error module. Bad input (flags, files, environment) is a {@link DoctorInputError} listing every
 * problem as the field, the value given and the fix, in the project's shape (lib/core/errors.ts). Secrets are
 * never passed here: a key is shown as "(set)" or "(not set)", never by value.
 */
import { formatIssue, showValue, type ConfigIssue } from "../../lib/core/errors.ts";

export { showValue, type ConfigIssue };

/** The doctor cannot start: its input is wrong. Exit status {@link EXIT_USAGE}. */
export class DoctorInputError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super([`doctor: ${issues.length} problem${issues.length === 1 ? "" : "s"} with the input`, ...issues.map((i) => `  - ${formatIssue(i)}`)].join("\n"));
    this.name = "DoctorInputError";
    this.issues = issues;
  }
}

/** A DoctorInputError for one field. */
export function inputError(field: string, value: unknown, fix: string): DoctorInputError {
  return new DoctorInputError([{ field, value: typeof value === "string" && value.startsWith("(") ? value : showValue(value), fix }]);
}

/** Exit status: the configured mode (or, with none configured, some mode) will work. */
export const EXIT_OK = 0;
/** Exit status: it will not (the report says why). */
export const EXIT_FAILS = 1;
/** Exit status: the doctor's input is wrong (nothing was sent to the endpoint). */
export const EXIT_USAGE = 2;
