import { describe, expect, it } from "vitest";
import { canonicalHeaders, normalizeHeaderValue } from "../../../proxy/src/auth/canonical-headers.ts";
import { canonicalQuery } from "../../../proxy/src/auth/canonical-query.ts";
import { canonicalUriCandidates } from "../../../proxy/src/auth/canonical-uri.ts";
import { parseQuery } from "../../../proxy/src/auth/query-params.ts";

describe("canonicalUriCandidates", () => {
  it("keeps an already canonical path as the only candidate", () => {
    expect(canonicalUriCandidates("/bucket/a%20b/c%2Bd")).toEqual(["/bucket/a%20b/c%2Bd"]);
  });

  it("re-encodes a path the client escaped differently, and keeps the raw form as a second candidate", () => {
    expect(canonicalUriCandidates("/bucket/a!b(c)=d")).toEqual(["/bucket/a%21b%28c%29%3Dd", "/bucket/a!b(c)=d"]);
    expect(canonicalUriCandidates("/bucket/%7euser")).toEqual(["/bucket/~user", "/bucket/%7euser"]);
  });

  it("does not normalize dot segments or double slashes, and keeps %2F inside a segment", () => {
    expect(canonicalUriCandidates("/bucket//a/./b/../c%2Fd")).toEqual(["/bucket//a/./b/../c%2Fd"]);
  });

  it("maps the empty path to /", () => {
    expect(canonicalUriCandidates("")).toEqual(["/"]);
  });

  it("keeps a path with malformed escapes verbatim", () => {
    expect(canonicalUriCandidates("/bucket/%zz")).toEqual(["/bucket/%zz"]);
  });
});

describe("canonicalQuery", () => {
  it("sorts by encoded name, then value, and re-encodes per RFC 3986", () => {
    const params = parseQuery("prefix=a%20b&list-type=2&delimiter=%2F&b=2&b=1&A=0");
    expect(canonicalQuery(params)).toBe("A=0&b=1&b=2&delimiter=%2F&list-type=2&prefix=a%20b");
  });

  it("gives the same order whatever order the parameters came in (names first, then values)", () => {
    const pairs = ["b=2", "a=3", "b=1", "b=3", "a=1"];
    const permutations = (items: readonly string[]): string[][] =>
      items.length <= 1 ? [[...items]] : items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
    for (const order of permutations(pairs)) {
      expect(canonicalQuery(parseQuery(order.join("&"))), order.join("&")).toBe("a=1&a=3&b=1&b=2&b=3");
    }
  });

  it("gives bare names an empty value (?uploads, ?acl)", () => {
    expect(canonicalQuery(parseQuery("uploads"))).toBe("uploads=");
    expect(canonicalQuery(parseQuery("acl=&versionId=3"))).toBe("acl=&versionId=3");
  });

  it("treats + as a literal plus, not a space", () => {
    expect(canonicalQuery(parseQuery("prefix=a+b"))).toBe("prefix=a%2Bb");
  });

  it("leaves out the omitted parameter (X-Amz-Signature) only by exact name", () => {
    const params = parseQuery("X-Amz-Signature=abc&x-amz-signature=keep&a=1");
    expect(canonicalQuery(params, "X-Amz-Signature")).toBe("a=1&x-amz-signature=keep");
  });

  it("skips empty parts", () => {
    expect(canonicalQuery(parseQuery("a=1&&b=2&"))).toBe("a=1&b=2");
  });
});

describe("canonicalHeaders", () => {
  it("trims values and collapses runs of spaces and tabs", () => {
    expect(normalizeHeaderValue("  a \t  b   c  ")).toBe("a b c");
    expect(normalizeHeaderValue("line1\r\n line2")).toBe("line1 line2");
    expect(normalizeHeaderValue("line1\r\nline2")).toBe("line1 line2");
  });

  it("lists the signed headers in the given order, an absent one with an empty value", () => {
    expect(canonicalHeaders({ host: "h", "x-amz-date": "d", other: "o" }, ["host", "missing", "x-amz-date"])).toBe("host:h\nmissing:\nx-amz-date:d\n");
  });
});
