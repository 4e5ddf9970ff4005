/**
 * `npm run doctor -- ...` in the repository: the full doctor, with `--config FILE` (lib/core's loader). The
 * in-workspace bundle starts from in-workspace.ts instead.
 */
import { doctorCli as cli, runCliProcess, type CliIo } from "./cli.ts";
import { fromConfig } from "./config-source.ts";

/** The full CLI (with `--config`), for tests and callers in this repository. */
export function doctorCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: CliIo): Promise<number> {
  return cli(argv, env, io, fromConfig);
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) runCliProcess(fromConfig);
