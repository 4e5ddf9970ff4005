import { describe, expect, it } from "vitest";
import { AdminKey, adminKeyPattern } from "../../lib/docker/admin-key.ts";
import { tfExpression } from "../../lib/terraform/expression.ts";
import { onlyContainer, synthConstruct } from "../support/docker-construct.ts";

/** An admin key as generate_key prints it (the unofficial AES-GCM-SIV vector of the facts file). */
const KEY_HEX = "01000000000000000000000000193c1d1d0ffdb38a78c50cfd2c3a4f7b118dbc819ff70f5f";

/**
 * `container_logs` as kreuzwerker/docker 3.6.2 stores it for a non-TTY container: the multiplexed log stream read
 * line by line, so each line keeps Docker's 8-byte frame header (stream, three zero bytes, big-endian length).
 */
function providerLogs(frames: [stream: 1 | 2, text: string][]): string {
  return frames
    .map(([stream, text]) => {
      const n = Buffer.byteLength(text);
      return String.fromCharCode(stream, 0, 0, 0, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255) + text;
    })
    .join("");
}

describe("AdminKey", () => {
  it("defaults: the image's generate_key with the instance name and secret, attached, logs kept, no network, not auto-removed", () => {
    const c = onlyContainer(synthConstruct((scope) => new AdminKey(scope, "AdminKey", { name: "k", image: "img", instanceName: "convex-alice-dev", instanceSecret: tfExpression("sensitive(random_id.s.hex)"), labels: {} })));
    expect(c).toMatchObject({
      entrypoint: ["./generate_key"],
      command: ["convex-alice-dev", "${sensitive(random_id.s.hex)}"],
      attach: true,
      logs: true,
      must_run: false,
      restart: "no",
      network_mode: "none",
    });
    expect(c).not.toHaveProperty("rm");
    expect(c.lifecycle?.postcondition).toEqual([
      {
        condition: '${self.exit_code == 0 && length(regexall("convex-alice-dev[|][0-9a-f]+", self.container_logs)) == 1}',
        error_message: "generate_key did not print one admin key; read its output with: docker logs k",
      },
    ]);
  });

  it("extracts exactly the key from the provider's logs, frame headers and stderr line included", () => {
    const key = `convex-alice-dev|${KEY_HEX}`;
    const logs = providerLogs([
      [2, "Admin key:\n"],
      [1, `${key}\n`],
    ]);
    expect(logs.match(new RegExp(adminKeyPattern("convex-alice-dev"), "g"))).toEqual([key]);
  });

  it("is not fooled by a frame header whose length byte is a name character", () => {
    // 21 + 1 + 74 + 1 = 97 bytes: the header's last byte is "a", right before the name.
    const name = "convex-abcdefghijklmn";
    const logs = providerLogs([[1, `${name}|${KEY_HEX}\n`]]);
    expect(logs.charAt(7)).toBe("a");
    expect(logs.match(new RegExp(adminKeyPattern(name), "g"))).toEqual([`${name}|${KEY_HEX}`]);
  });

  it("fails if the instance name is not a DNS label", () => {
    expect(() => synthConstruct((scope) => new AdminKey(scope, "K", { name: "k", image: "i", instanceName: "Bad|Name", instanceSecret: "s", labels: {} }))).toThrow(
      `instanceName: got "Bad|Name"; use lower-case letters, digits and '-' (the admin key starts with it)`,
    );
  });
});
