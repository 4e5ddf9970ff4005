/** The restore_from parameter both templates declare: immutable, empty by default, checked by Coder's regex. */
import { afterAll, describe, expect, it } from "vitest";
import { RESTORE_PARAMETER, RESTORE_PATTERN } from "../../stacks/template-restore.ts";
import { buildTemplateForTest } from "../support/built-template.ts";

describe("the restore_from parameter", () => {
  for (const id of ["kubernetes", "kubernetes-minio", "docker"]) {
    const built = buildTemplateForTest(id);
    afterAll(() => built.remove());
    it(`${id}: immutable (the restore fills a fresh volume once), empty by default, after storage_mode, with Coder's validation`, () => {
      const parameter = built.json.data?.coder_parameter?.[RESTORE_PARAMETER];
      expect(parameter).toMatchObject({ name: RESTORE_PARAMETER, type: "string", default: "", mutable: false, order: 2 });
      expect(parameter?.validation).toEqual([{ regex: RESTORE_PATTERN, error: expect.stringContaining("Use latest, or <workspace name>/<UTC time>.tar.gz") }]);
    });
  }

  it("accepts empty, latest and <workspace name>/<UTC time>.tar.gz; refuses another owner's prefix, a path, upper case and other names", () => {
    // Go's regexp (Coder) and JavaScript agree on this pattern: no look-around, no back-references.
    const pattern = new RegExp(RESTORE_PATTERN);
    for (const ok of ["", "latest", "dev/20261201T031700Z.tar.gz", "my-old-ws2/20270101T000000Z.tar.gz"]) expect(pattern.test(ok), ok).toBe(true);
    for (const bad of [
      "Latest",
      "Dev/20261201T031700Z.tar.gz",
      "../other-owner/dev/20261201T031700Z.tar.gz",
      "0b6c3c1e-1111-4222-8333-944455556666/dev/20261201T031700Z.tar.gz",
      "convex-backups/x/dev/20261201T031700Z.tar.gz",
      "dev/20261201T031700Z.tar",
      "dev/",
      " latest",
    ]) expect(pattern.test(bad), bad).toBe(false);
  });
});
