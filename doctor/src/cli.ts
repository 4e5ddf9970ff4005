/**
 * The doctor's command line, shared by both entry points (main.ts with `--config`, in-workspace.ts without): parses
 * the arguments, runs the doctor, prints the report (text, or `--json`) with every key redacted, and resolves with
 * the exit status: 0 when the configured mode will work, 1 when not, 2 for bad input. See args.ts (USAGE).
 */
import { ConfigError } from "../../lib/core/errors.ts";
import { parseDoctorArgs, USAGE } from "./args.ts";
import { Redactor } from "./credentials.ts";
import { DoctorInputError, EXIT_FAILS, EXIT_USAGE } from "./errors.ts";
import { renderText } from "./render-text.ts";
import { runDoctor } from "./run.ts";
import { resolveDoctorInput, type ConfigResolver } from "./sources.ts";

export interface CliIo {
  /** stdout */
  readonly write: (text: string) => void;
  /** stderr */
  readonly writeError: (text: string) => void;
  readonly isTty: boolean;
  readonly cwd: string;
}

/**
 * Runs the CLI; resolves with the exit status. `fromConfig` reads `--config` (absent: refused with a message);
 * `signal` interrupts the run (the scratch prefix is still cleaned up).
 */
export async function doctorCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: CliIo,
  fromConfig?: ConfigResolver,
  signal?: AbortSignal,
): Promise<number> {
  // Whatever goes wrong, no key value from the environment is printed.
  const envRedactor = new Redactor([env.AWS_SECRET_ACCESS_KEY, env.AWS_ACCESS_KEY_ID, env.AWS_SESSION_TOKEN]);
  let args;
  let input;
  try {
    args = parseDoctorArgs(argv, env, io.isTty);
    if (args.help) {
      io.write(`${USAGE}\n`);
      return 0;
    }
    input = resolveDoctorInput(args, env, io.cwd, fromConfig);
  } catch (error) {
    if (error instanceof DoctorInputError || error instanceof ConfigError) {
      io.writeError(`${envRedactor.redact(error.message)}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
  const redactor = new Redactor([input.keys.secretAccessKey, input.keys.accessKeyId, input.keys.sessionToken, env.AWS_SECRET_ACCESS_KEY, env.AWS_ACCESS_KEY_ID, env.AWS_SESSION_TOKEN]);
  io.writeError(`doctor: checking ${input.endpoint}, bucket ${input.bucket} (a few seconds; Ctrl-C stops it and cleans up)\n`);
  let report;
  try {
    report = await runDoctor({ ...input, ...(signal ? { signal } : {}) });
  } catch (error) {
    io.writeError(`doctor: unexpected error: ${redactor.redact(String((error as Error)?.stack ?? error))}\n`);
    return EXIT_FAILS;
  }
  io.write(redactor.redact(args.json ? `${JSON.stringify(report, null, 2)}\n` : renderText(report, { color: args.color })));
  return report.verdict.exitCode;
}

/** Runs the CLI on this process's arguments and sets its exit status. */
export function runCliProcess(fromConfig?: ConfigResolver): void {
  // The SDK's Node-version notice is not about the endpoint: keep it out of the report.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const io: CliIo = { write: (text) => process.stdout.write(text), writeError: (text) => process.stderr.write(text), isTty: process.stdout.isTTY === true, cwd: process.cwd() };
  // Ctrl-C once: finish the request in flight, skip the rest, clean the scratch prefix, print the report. Twice: quit.
  const interrupt = new AbortController();
  const onSigint = (): void => {
    if (interrupt.signal.aborted) process.exit(130);
    interrupt.abort();
    process.stderr.write("doctor: interrupted; cleaning up the scratch prefix (Ctrl-C again to quit at once)\n");
  };
  process.on("SIGINT", onSigint);
  doctorCli(process.argv.slice(2), process.env, io, fromConfig, interrupt.signal).finally(() => process.off("SIGINT", onSigint)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const redactor = new Redactor([process.env.AWS_SECRET_ACCESS_KEY, process.env.AWS_ACCESS_KEY_ID, process.env.AWS_SESSION_TOKEN]);
      process.stderr.write(`doctor: unexpected error: ${redactor.redact(String((error as Error)?.stack ?? error))}\n`);
      process.exitCode = EXIT_FAILS;
    },
  );
}
