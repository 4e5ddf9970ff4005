/**
 * The project's one error module. Every user-facing failure is built here, so messages follow one shape:
 * the field, the value that was given, and what to do instead.
 */

/** One problem with one configuration field. */
export interface ConfigIssue {
  /** Dotted path of the field, e.g. `workspace.name`, or the environment variable that set it. */
  readonly field: string;
  /** The value as given, already rendered for display (secrets are never passed here). */
  readonly value: string;
  /** The rule that was broken and how to fix it. */
  readonly fix: string;
}

/** Renders a value for an error message: strings quoted, absent values named as such. */
export function showValue(value: unknown): string {
  if (value === undefined) return "(not set)";
  return JSON.stringify(value) ?? String(value);
}

/** Formats one issue as `field: value "x" — fix`. */
export function formatIssue(issue: ConfigIssue): string {
  return `${issue.field}: got ${issue.value}; ${issue.fix}`;
}

/**
 * Thrown when the workspace configuration is invalid. Carries every problem found, so a user fixes them all
 * in one round.
 */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], source?: string) {
    const head = `Invalid workspace configuration${source ? ` (${source})` : ""}: ${issues.length} problem${issues.length === 1 ? "" : "s"}`;
    super([head, ...issues.map((i) => `  - ${formatIssue(i)}`)].join("\n"));
    this.name = "ConfigError";
    this.issues = issues;
  }
}

/** Builds a ConfigError for a single field. */
export function configError(field: string, value: unknown, fix: string): ConfigError {
  return new ConfigError([{ field, value: showValue(value), fix }]);
}

/**
 * Thrown when an invariant of the generated configuration is broken (a bug in this toolkit, not in the
 * user's input): e.g. a partial S3 environment that would make Convex silently fall back to local storage.
 */
export class InvariantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvariantError";
  }
}
