import { describe, expect, it } from "vitest";
import { percentDecode, uriEncode } from "../../../proxy/src/auth/uri-encode.ts";

describe("uriEncode", () => {
  const cases: readonly [string, boolean, string][] = [
    ["A-Za-z0-9-._~", true, "A-Za-z0-9-._~"],
    ["a b", true, "a%20b"],
    ["a+b", true, "a%2Bb"],
    ["100%", true, "100%25"],
    ["a/b", false, "a/b"],
    ["a/b", true, "a%2Fb"],
    ["!*'()", true, "%21%2A%27%28%29"],
    ["=&?#[]@$,;:", true, "%3D%26%3F%23%5B%5D%40%24%2C%3B%3A"],
    ["ü", true, "%C3%BC"],
    ["😀", true, "%F0%9F%98%80"],
    ["ሴ", false, "%E1%88%B4"],
  ];
  for (const [input, encodeSlash, expected] of cases) {
    it(`encodes ${JSON.stringify(input)} (encodeSlash=${encodeSlash}) as ${expected}`, () => {
      expect(uriEncode(input, encodeSlash)).toBe(expected);
    });
  }

  it("keeps the range ends Z, z, 9 (and A, a, 0) beside a character that needs escaping", () => {
    expect(uriEncode("AZaz09 ", true)).toBe("AZaz09%20");
  });

  it("pads control characters to two hex digits", () => {
    expect(uriEncode("\t\n", true)).toBe("%09%0A");
  });

  it("uses upper-case hex digits", () => {
    expect(uriEncode("\u00ff", true)).toBe("%C3%BF");
  });
});

describe("percentDecode", () => {
  it("decodes escapes and leaves + alone", () => {
    expect(percentDecode("a%20b+c%2F")).toBe("a b+c/");
  });

  it("returns undefined for malformed escapes and invalid UTF-8", () => {
    expect(percentDecode("%zz")).toBeUndefined();
    expect(percentDecode("%C3")).toBeUndefined();
  });
});
