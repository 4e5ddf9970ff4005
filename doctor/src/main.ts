/**
 * `npm run doctor -- ...`: parses the arguments, runs the doctor, prints the report (text, or `--json`) with every
 * key redacted, and exits 0 when the configured mode will work, 1 when not, 2 for bad input. See args.ts (USAGE).
 */
import { ConfigError } from "../../lib/core/errors.ts";
import { parseDoctorArgs, USAGE } from "./args.ts";
import { Redactor } from "./credentials.ts";
import { DoctorInputError, EXIT_USAGE } from "./errors.ts";
import { renderText } from "./render-text.ts";
import { runDoctor } from "./run.ts";
import { resolveDoctorInput } from "./sources.ts";

/** Runs the CLI; resolves with the exit status. Output goes through `write` (stdout) and `writeError` (stderr). */
export async function doctorCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: { readonly write: (text: string) => void; readonly writeError: (text: string) => void; readonly isTty: boolean; readonly cwd: string },
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
    input = resolveDoctorInput(args, env, io.cwd);
  } catch (error) {
    if (error instanceof DoctorInputError || error instanceof ConfigError) {
      io.writeError(`${envRedactor.redact(error.message)}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
  const redactor = new Redactor([input.keys.secretAccessKey, input.keys.accessKeyId, input.keys.sessionToken, env.AWS_SECRET_ACCESS_KEY, env.AWS_ACCESS_KEY_ID, env.AWS_SESSION_TOKEN]);
  let report;
  try {
    report = await runDoctor(input);
  } catch (error) {
    io.writeError(`doctor: unexpected error: ${redactor.redact(String((error as Error)?.stack ?? error))}\n`);
    return 1;
  }
  io.write(redactor.redact(args.json ? `${JSON.stringify(report, null, 2)}\n` : renderText(report, { color: args.color })));
  return report.verdict.exitCode;
}

const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  // The SDK's Node-version notice is not about the endpoint: keep it out of the report.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  doctorCli(process.argv.slice(2), process.env, {
    write: (text) => process.stdout.write(text),
    writeError: (text) => process.stderr.write(text),
    isTty: process.stdout.isTTY === true,
    cwd: process.cwd(),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const redactor = new Redactor([process.env.AWS_SECRET_ACCESS_KEY, process.env.AWS_ACCESS_KEY_ID, process.env.AWS_SESSION_TOKEN]);
      process.stderr.write(`doctor: unexpected error: ${redactor.redact(String((error as Error)?.stack ?? error))}\n`);
      process.exitCode = 1;
    },
  );
}
