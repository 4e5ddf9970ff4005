/**
 * Runs the doctor the way users do (`node --import tsx doctor/src/main.ts`, what `npm run doctor` runs) as a child
 * process with a time limit, and collects its exit status and output; or in-process through `doctorCli`.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { doctorCli } from "../../doctor/src/main.ts";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface DoctorOutcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The CLI as a child process; killed after `timeoutMs`. */
export function runDoctorProcess(args: readonly string[], env: Record<string, string>, timeoutMs = 60_000): Promise<DoctorOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "doctor", "src", "main.ts"), ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the doctor did not finish within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The CLI in this process (no tsx start-up), with its output collected. */
export async function runDoctorInProcess(args: readonly string[], env: Record<string, string | undefined>, cwd = REPO_ROOT): Promise<DoctorOutcome> {
  let stdout = "";
  let stderr = "";
  const code = await doctorCli(args, env, { write: (text) => (stdout += text), writeError: (text) => (stderr += text), isTty: false, cwd });
  return { code, stdout, stderr };
}
