/**
 * Builds the Coder templates: build/templates/<name>/ with main.tf.json (the synthesized stack) and README.md
 * (from templates/<name>/README.md), ready for `coder templates push <name> -d build/templates/<name>`.
 * Each folder must pack to less than Coder's 1 MiB template archive limit; the build fails otherwise.
 */
import { App, type TerraformStack } from "cdktf";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { InvariantError } from "../lib/core/errors.ts";
import { DOCKER_TEMPLATE_ID, DockerTemplateStack } from "../stacks/template-docker.ts";
import { KUBERNETES_MINIO_TEMPLATE_ID, KUBERNETES_TEMPLATE_ID, KubernetesTemplateStack } from "../stacks/template-kubernetes.ts";

/** Coder's template archive limit (`provisionersdk/archive.go`: TemplateArchiveLimit = 1 << 20). */
export const TEMPLATE_ARCHIVE_LIMIT = 1 << 20;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The templates this project publishes: folder name and stack factory. */
export const TEMPLATES: readonly { readonly id: string; readonly create: (app: App) => TerraformStack }[] = [
  { id: KUBERNETES_TEMPLATE_ID, create: (app) => new KubernetesTemplateStack(app, KUBERNETES_TEMPLATE_ID) },
  { id: KUBERNETES_MINIO_TEMPLATE_ID, create: (app) => new KubernetesTemplateStack(app, KUBERNETES_MINIO_TEMPLATE_ID, { bucket: "minio" }) },
  { id: DOCKER_TEMPLATE_ID, create: (app) => new DockerTemplateStack(app, DOCKER_TEMPLATE_ID) },
];

export interface BuiltTemplate {
  readonly id: string;
  readonly dir: string;
  /** Size in bytes of the folder as a tar archive (what `coder templates push` uploads). */
  readonly archiveBytes: number;
}

/** Size in bytes of `dir` packed by `tar` the way `coder templates push` packs it (a plain, uncompressed tar). */
export function archiveSize(dir: string): number {
  return execFileSync("tar", ["-cf", "-", "-C", dir, "."], { maxBuffer: 64 * 1024 * 1024 }).length;
}

/** Synthesizes every template into `outDir/<id>/` and checks the archive limit. */
export function buildTemplates(outDir: string = join(ROOT, "build", "templates")): BuiltTemplate[] {
  const synthDir = mkdtempSync(join(tmpdir(), "convex-templates-"));
  try {
    const app = new App({ outdir: synthDir });
    for (const t of TEMPLATES) t.create(app);
    app.synth();
    return TEMPLATES.map((t) => {
      const dir = join(outDir, t.id);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const json = JSON.parse(readFileSync(join(synthDir, "stacks", t.id, "cdk.tf.json"), "utf8")) as { terraform?: { backend?: unknown } };
      if (json.terraform?.backend !== undefined) {
        throw new InvariantError(`template ${t.id} carries a Terraform backend; Coder keeps the state as terraform.tfstate in its working directory`);
      }
      writeFileSync(join(dir, "main.tf.json"), `${JSON.stringify(json, null, 2)}\n`);
      copyFileSync(join(ROOT, "templates", t.id, "README.md"), join(dir, "README.md"));
      const archiveBytes = archiveSize(dir);
      if (archiveBytes >= TEMPLATE_ARCHIVE_LIMIT) {
        throw new InvariantError(`template ${t.id} packs to ${archiveBytes} bytes; Coder accepts less than ${TEMPLATE_ARCHIVE_LIMIT} (1 MiB)`);
      }
      return { id: t.id, dir, archiveBytes };
    });
  } finally {
    rmSync(synthDir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  for (const t of buildTemplates()) console.log(`${t.dir}: ${t.archiveBytes} bytes as tar (limit ${TEMPLATE_ARCHIVE_LIMIT})`);
}
