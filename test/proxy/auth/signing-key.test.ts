import { describe, expect, it } from "vitest";
import { deriveSigningKey } from "../../../proxy/src/auth/signing-key.ts";

// deriveSigningKey keeps the keys it derived lately (four HMACs saved per request) and returns the kept Buffer on a
// hit: the same object, which is how these tests see a hit without reaching into the module.

/** A date of 2026 that no other test here uses: `YYYYMMDD`. */
const dayOf2026 = (n: number): string => new Date(Date.UTC(2026, 0, 1 + n)).toISOString().slice(0, 10).replace(/-/g, "");

describe("deriveSigningKey's cache of derived keys", () => {
  it("derives the documented key, then returns the kept key for the same day, region, service and secret", () => {
    // AWS General Reference, "Examples of how to derive a signing key for Signature Version 4".
    const expected = "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d";
    const first = deriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
    const again = deriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
    expect(first.toString("hex")).toBe(expected);
    expect(again).toBe(first);
  });

  it("keeps a key per secret, region and service: another of any of them is another key", () => {
    const base = deriveSigningKey("secret-a", "20260301", "us-east-1", "s3");
    const others = [
      deriveSigningKey("secret-b", "20260301", "us-east-1", "s3"),
      deriveSigningKey("secret-a", "20260302", "us-east-1", "s3"),
      deriveSigningKey("secret-a", "20260301", "eu-west-1", "s3"),
      deriveSigningKey("secret-a", "20260301", "us-east-1", "iam"),
    ];
    for (const other of others) expect(other.equals(base)).toBe(false);
    expect(new Set(others.map((k) => k.toString("hex"))).size).toBe(others.length);
  });

  it("keeps at most 16 keys, dropping the oldest: a proxy running for months does not keep a key for every day it saw", () => {
    // 17 days in a row: afterwards exactly the last 16 are kept, whatever the cache held before.
    const keys = Array.from({ length: 17 }, (_, n) => deriveSigningKey("long-running", dayOf2026(n), "us-east-1", "s3"));
    // Newest first, so that no hit reorders what a later check expects (a hit does not insert).
    for (let n = 16; n >= 1; n--) expect(deriveSigningKey("long-running", dayOf2026(n), "us-east-1", "s3"), `day ${n}`).toBe(keys[n]);
    const oldest = deriveSigningKey("long-running", dayOf2026(0), "us-east-1", "s3");
    expect(oldest, "the 17th key evicted the first").not.toBe(keys[0]);
    expect(oldest.equals(keys[0] as Buffer)).toBe(true);
    // Deriving the first again evicted the then-oldest (day 1), and kept day 2.
    expect(deriveSigningKey("long-running", dayOf2026(2), "us-east-1", "s3")).toBe(keys[2]);
    expect(deriveSigningKey("long-running", dayOf2026(1), "us-east-1", "s3")).not.toBe(keys[1]);
  });
});
