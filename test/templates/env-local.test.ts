/**
 * `.env.local` as the template writes it, then as the real `convex` CLI (the pinned npm package) leaves it after
 * `npx convex dev`, `npx convex dev --once` and `npx convex deploy`. The script is the template's coder_script,
 * evaluated by terraform and run by /bin/sh; the expected files are written out by hand.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildTemplateForTest, type BuiltTemplateUnderTest } from "../support/built-template.ts";
import { runConvexCli } from "../support/convex-cli.ts";
import { setupOnce } from "../support/setup-once.ts";
import { evaluateBuild } from "../support/template-eval.ts";
import { envLocalScript } from "../../stacks/template-env-local.ts";

const ID = "6f1c1a2e-8a7b-4f0e-9d3c-2b1a0f9e8d7c";
const KEY = "convex-self-hosted|01a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80";
const API = "https://convex-api--main--dev--alice.apps.example.com";
const SITE = "https://convex-site--main--dev--alice.apps.example.com";
/** Where each template's workspace reaches the backend inside its network. */
const IN_NETWORK: Record<string, string> = {
  kubernetes: `http://convex-${ID}-backend.coder-ws.svc:3210`,
  docker: `http://convex-${ID}-backend:3210`,
};
const VARS: Record<string, Record<string, string>> = {
  kubernetes: { namespace: "coder-ws", wildcard_access_url: "*.apps.example.com" },
  docker: { wildcard_access_url: "*.apps.example.com" },
};
/** A Vite + React app, so the CLI picks the VITE_ names (envvars.js, suggestedEnvVarNames). */
const PACKAGE_JSON = JSON.stringify({ name: "app", private: true, dependencies: { convex: "1.49.0", react: "19.0.0" }, devDependencies: { vite: "7.0.0" } });
/** The developer's own lines, and a stale URL the script must replace. */
const EXISTING = "# my settings\nMY_FEATURE_FLAG=on\nVITE_CONVEX_URL=http://stale.example\n";

interface Workspace {
  readonly home: string;
  readonly project: string;
  /** The agent's environment the developer's shell sees. */
  readonly agentEnv: Record<string, string>;
  /** The backend's CONVEX_SITE_ORIGIN: what it answers the CLI's canonical-URL request with. */
  readonly siteOrigin: string;
}

/**
 * Evaluates the template for `share`, runs its .env.local script under sh in a fresh home (over `existing`), twice
 * when `restarts` (every workspace start runs it), and returns the workspace.
 */
function writeEnvLocal(template: BuiltTemplateUnderTest, share: string, dirs: string[], existing = EXISTING, restarts = false): Workspace {
  const script = Object.values(template.json.resource.coder_script ?? {})[0]?.script;
  const agentEnv = template.json.resource.coder_agent?.main?.env as Record<string, string>;
  const b = evaluateBuild(template.json, { storageMode: "local", startCount: 1, vars: { ...VARS[template.built.id], convex_api_share: share }, expressions: { script, agentEnv } });
  const backendEnv = Object.values(b.backendEnv)[0] ?? [];
  const site = backendEnv.map((e) => (typeof e === "string" ? e.split(/=(.*)/s).slice(0, 2) : [e.name, e.value])).find(([n]) => n === "CONVEX_SITE_ORIGIN")?.[1];
  const home = mkdtempSync(join(tmpdir(), "env-local-home-"));
  dirs.push(home);
  const keyFile = join(home, "admin-key");
  writeFileSync(keyFile, `${KEY}\n`);
  const project = join(home, "app");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), PACKAGE_JSON);
  writeFileSync(join(project, ".env.local"), existing);
  // The script as terraform evaluated it; only the key file's path moves into the temporary home.
  const evaluated = (b.values.script as string).split("/run/convex-admin/admin-key").join(keyFile);
  for (let run = 0; run < (restarts ? 2 : 1); run++) execFileSync("/bin/sh", ["-c", evaluated], { env: { PATH: process.env.PATH ?? "", HOME: home }, encoding: "utf8", timeout: 10_000 });
  return { home, project, agentEnv: b.values.agentEnv as Record<string, string>, siteOrigin: site ?? "" };
}

const read = (w: Workspace) => readFileSync(join(w.project, ".env.local"), "utf8");

for (const id of ["kubernetes", "docker"] as const) {
  describe(`${id} template: .env.local and the real convex CLI`, () => {
    let template: BuiltTemplateUnderTest;
    const dirs: string[] = [];
    setupOnce(() => {
      template = buildTemplateForTest(id);
    }, 120_000);
    afterAll(() => {
      template?.remove();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    it("public API (the default): every client uses the browser URL, and dev, dev --once and deploy leave the file as written", () => {
      const w = writeEnvLocal(template, "public", dirs);
      const written = [
        "# my settings",
        "MY_FEATURE_FLAG=on",
        `CONVEX_SELF_HOSTED_URL=${API}`,
        `CONVEX_SELF_HOSTED_ADMIN_KEY=${KEY}`,
        `VITE_CONVEX_URL=${API}`,
        `VITE_CONVEX_SITE_URL=${SITE}`,
        "",
      ].join("\n");
      expect(read(w)).toBe(written);
      expect(readFileSync(join(w.home, ".env.local"), "utf8")).toBe(written.replace("# my settings\nMY_FEATURE_FLAG=on\n", ""));
      expect(w.agentEnv.CONVEX_SELF_HOSTED_URL).toBe(API);
      expect(w.siteOrigin).toBe(SITE);
      for (const command of ["dev", "dev", "deploy"] as const) {
        const run = runConvexCli(w.project, command, w.siteOrigin, w.agentEnv);
        expect(run.url, command).toBe(API);
        expect(run.stderr, command).not.toMatch(/Saved|cannot update|Can't safely modify/);
        expect(read(w), command).toBe(written);
      }
    });

    it("public API: a CONVEX_URL line of the developer's own is kept", () => {
      const w = writeEnvLocal(template, "public", dirs, "CONVEX_URL=https://mine.example\n");
      expect(read(w)).toBe(`CONVEX_URL=https://mine.example\nCONVEX_SELF_HOSTED_URL=${API}\nCONVEX_SELF_HOSTED_ADMIN_KEY=${KEY}\nVITE_CONVEX_URL=${API}\nVITE_CONVEX_SITE_URL=${SITE}\n`);
    });

    it("owner-only API: the CLI uses the in-network URL, and the CLI keeps the browser URL in VITE_CONVEX_URL (across restarts)", () => {
      const w = writeEnvLocal(template, "owner", dirs, EXISTING, true);
      const inNetwork = IN_NETWORK[id] as string;
      // After the first start CONVEX_URL is the developer's line like any other: later starts keep it, above theirs.
      const written = [
        "# my settings",
        "MY_FEATURE_FLAG=on",
        `CONVEX_URL=${API}`,
        `CONVEX_SELF_HOSTED_URL=${inNetwork}`,
        `CONVEX_SELF_HOSTED_ADMIN_KEY=${KEY}`,
        `VITE_CONVEX_URL=${API}`,
        `VITE_CONVEX_SITE_URL=${SITE}`,
        "",
      ].join("\n");
      expect(read(w)).toBe(written);
      expect(w.agentEnv.CONVEX_SELF_HOSTED_URL).toBe(inNetwork);
      for (const command of ["dev", "dev", "deploy"] as const) {
        const run = runConvexCli(w.project, command, w.siteOrigin, w.agentEnv);
        expect(run.url, command).toBe(inNetwork);
        if (command === "dev") expect(run.stderr).toContain("Found multiple VITE_CONVEX_URL environment variables in .env.local so cannot update automatically.");
        expect(read(w), command).toBe(written);
      }
    });
  });
}

describe("the convex CLI's rewrite, which the template's layout avoids", () => {
  it("rewrites a lone VITE_CONVEX_URL that differs from CONVEX_SELF_HOSTED_URL to the CLI's URL", () => {
    const project = mkdtempSync(join(tmpdir(), "env-local-rewrite-"));
    try {
      writeFileSync(join(project, "package.json"), PACKAGE_JSON);
      writeFileSync(join(project, ".env.local"), `CONVEX_SELF_HOSTED_URL=${IN_NETWORK.kubernetes}\nCONVEX_SELF_HOSTED_ADMIN_KEY=${KEY}\nVITE_CONVEX_URL=${API}\n`);
      const run = runConvexCli(project, "dev", SITE);
      expect(run.stderr).toContain("Saved VITE_CONVEX_URL and VITE_CONVEX_SITE_URL to .env.local");
      expect(readFileSync(join(project, ".env.local"), "utf8")).toContain(`VITE_CONVEX_URL=${IN_NETWORK.kubernetes}\n`);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});

describe("the .env.local script under sh: waiting for the key, file modes, failing loudly", () => {
  const script = envLocalScript({ selfHostedUrl: API, cloudUrl: API, siteUrl: SITE, pinBrowserUrl: "" });
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const mode = (file: string) => statSync(file).mode & 0o777;

  /**
   * Runs the script in a fresh home with a stand-in for `sleep` on PATH that only counts its calls (and writes the
   * key at call `keyAtSleep`), so the wait takes no real time. `key`: the key file exists from the start.
   */
  function run(setup: { key?: boolean; keyAtSleep?: number; projectIsAFile?: boolean; existing?: string }) {
    const home = mkdtempSync(join(tmpdir(), "env-local-script-"));
    dirs.push(home);
    const bin = join(home, "bin");
    mkdirSync(bin);
    const keyFile = join(home, "admin-key");
    const calls = join(home, "sleep-calls");
    const writeKey = setup.keyAtSleep === undefined ? "" : `[ "$(wc -l < '${calls}')" -ge ${setup.keyAtSleep} ] && echo '${KEY}' > '${keyFile}'\n`;
    writeFileSync(join(bin, "sleep"), `#!/bin/sh\necho "$1" >> '${calls}'\n${writeKey}exit 0\n`, { mode: 0o755 });
    if (setup.key === true) writeFileSync(keyFile, `${KEY}\r\n`);
    if (setup.projectIsAFile === true) writeFileSync(join(home, "app"), "");
    if (setup.existing !== undefined) {
      mkdirSync(join(home, "app"));
      writeFileSync(join(home, "app", ".env.local"), setup.existing, { mode: 0o644 });
    }
    const r = spawnSync("/bin/sh", ["-c", script.split("/run/convex-admin/admin-key").join(keyFile)], {
      env: { PATH: `${bin}:${process.env.PATH ?? ""}`, HOME: home },
      encoding: "utf8",
      timeout: 10_000,
    });
    const sleeps = existsSync(calls) ? readFileSync(calls, "utf8").split("\n").filter((l) => l !== "") : [];
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, sleeps, home, keyFile };
  }
  const WRITTEN = `CONVEX_SELF_HOSTED_URL=${API}\nCONVEX_SELF_HOSTED_ADMIN_KEY=${KEY}\nVITE_CONVEX_URL=${API}\nVITE_CONVEX_SITE_URL=${SITE}\n`;

  it("is a sh script", () => {
    expect(script.split("\n")[0]).toBe("#!/bin/sh");
  });

  it("waits for the admin key one second at a time, then writes both files in a project folder it makes, and says where", () => {
    const r = run({ keyAtSleep: 3 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.sleeps).toEqual(["1", "1", "1"]);
    expect(readFileSync(join(r.home, "app", ".env.local"), "utf8")).toBe(WRITTEN);
    expect(readFileSync(join(r.home, ".env.local"), "utf8")).toBe(WRITTEN);
    expect(r.stdout).toBe(`Convex: wrote ${r.home}/app/.env.local (and ~/.env.local); run npx convex dev in ${r.home}/app\n`);
  });

  it("keeps the admin key from other users of the workspace: both files end up mode 600, an existing one of mode 644 too", () => {
    const r = run({ key: true, existing: "MY_FLAG=on\n" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.sleeps).toEqual([]);
    expect(readFileSync(join(r.home, "app", ".env.local"), "utf8")).toBe(`MY_FLAG=on\n${WRITTEN}`);
    expect([mode(join(r.home, "app", ".env.local")), mode(join(r.home, ".env.local"))]).toEqual([0o600, 0o600]);
  });

  it("gives up after 120 seconds without a key, naming the file, and writes nothing", () => {
    const r = run({});
    expect(r.status).toBe(1);
    expect(r.sleeps).toHaveLength(120);
    expect(r.stderr).toBe(`no admin key at ${r.keyFile} (the admin-key init container failed?)\n`);
    expect(existsSync(join(r.home, ".env.local"))).toBe(false);
  });

  it("fails, and does not report success, when the project folder cannot be made", () => {
    const r = run({ key: true, projectIsAFile: true });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("mkdir");
    expect(r.stdout).toBe("");
  });
});
