/**
 * Entry point of the in-workspace bundle (doctor/bundle.ts): the doctor run with the Convex backend's own
 * environment (`--backend-env`), e.g. by the Kubernetes Job of lib/kubernetes/storage-doctor-job.ts. No `--config`
 * (no YAML or schema code), so the bundle stays small; everything else is the same CLI.
 */
import { runCliProcess } from "./cli.ts";

runCliProcess();
