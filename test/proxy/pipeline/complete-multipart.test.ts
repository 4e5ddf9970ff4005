import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { S3Error } from "../../../proxy/src/errors.ts";
import { addCompositeToResult, rewriteCompleteRequest } from "../../../proxy/src/pipeline/complete-multipart.ts";

function crc32b64(data: Buffer): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data) >>> 0);
  return out.toString("base64");
}

const partA = Buffer.from("part one");
const partB = Buffer.from("part two");

function body(parts: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${parts}</CompleteMultipartUpload>`;
}

describe("rewriteCompleteRequest", () => {
  it("drops per-part checksums and recomputes the composite from them", () => {
    const rewritten = rewriteCompleteRequest(
      body(
        `<Part><ChecksumCRC32>${crc32b64(partA)}</ChecksumCRC32><ETag>&quot;etag-1&quot;</ETag><PartNumber>1</PartNumber></Part>` +
          `<Part><ETag>"etag-2"</ETag><PartNumber>2</PartNumber><ChecksumCRC32>${crc32b64(partB)}</ChecksumCRC32></Part>`,
      ),
    );
    expect(rewritten.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        "<Part><PartNumber>1</PartNumber><ETag>&quot;etag-1&quot;</ETag></Part><Part><PartNumber>2</PartNumber><ETag>&quot;etag-2&quot;</ETag></Part></CompleteMultipartUpload>",
    );
    const raw = Buffer.concat([Buffer.from(crc32b64(partA), "base64"), Buffer.from(crc32b64(partB), "base64")]);
    expect(rewritten.composite).toEqual({ algorithm: "CRC32", value: `${crc32b64(raw)}-2` });
  });

  it("has no composite when no part carries a checksum", () => {
    expect(rewriteCompleteRequest(body("<Part><PartNumber>1</PartNumber><ETag>e</ETag></Part>")).composite).toBeUndefined();
  });

  it("fails if the XML is not well-formed", () => {
    expect(() => rewriteCompleteRequest("<CompleteMultipartUpload><Part>")).toThrow(S3Error);
    expect(() => rewriteCompleteRequest("<CompleteMultipartUpload><Part>")).toThrow(/^The CompleteMultipartUpload body is not acceptable XML: it is not well-formed/);
  });

  it("fails if a part has no PartNumber or ETag", () => {
    expect(() => rewriteCompleteRequest(body("<Part><ETag>e</ETag></Part>"))).toThrow("Every Part needs a PartNumber from 1 to 10000 and an ETag.");
  });

  it("refuses a document type declaration (prevents entity expansion)", () => {
    expect(() => rewriteCompleteRequest(`<!DOCTYPE x [<!ENTITY a "aaaa">]>${body("<Part><PartNumber>1</PartNumber><ETag>&a;</ETag></Part>")}`)).toThrow(
      "The CompleteMultipartUpload body is not acceptable XML: DOCTYPE, ENTITY, CDATA and comments are not allowed.",
    );
  });

  it("fails if only some parts carry a checksum", () => {
    expect(() =>
      rewriteCompleteRequest(body(`<Part><PartNumber>1</PartNumber><ETag>e</ETag><ChecksumCRC32>${crc32b64(partA)}</ChecksumCRC32></Part><Part><PartNumber>2</PartNumber><ETag>f</ETag></Part>`)),
    ).toThrow(/Either every part or none carries a checksum/);
  });

  it("fails if a part checksum is not a digest", () => {
    expect(() => rewriteCompleteRequest(body("<Part><PartNumber>1</PartNumber><ETag>e</ETag><ChecksumCRC32>abc</ChecksumCRC32></Part>"))).toThrow(
      "Part 1 has an invalid ChecksumCRC32.",
    );
  });
});

describe("addCompositeToResult", () => {
  it("adds the checksum and its type to the result document", () => {
    const xml = "<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><ETag>e-2</ETag></CompleteMultipartUploadResult>";
    expect(addCompositeToResult(xml, { algorithm: "CRC32", value: "AAAAAA==-2" })).toBe(
      "<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><ETag>e-2</ETag><ChecksumCRC32>AAAAAA==-2</ChecksumCRC32><ChecksumType>COMPOSITE</ChecksumType></CompleteMultipartUploadResult>",
    );
  });

  it("leaves error documents alone", () => {
    const xml = "<Error><Code>InvalidPart</Code></Error>";
    expect(addCompositeToResult(xml, { algorithm: "CRC32", value: "AAAAAA==-2" })).toBe(xml);
  });
});

/** The code and message rewriteCompleteRequest refuses `parts` with. */
function refusal(parts: string): string {
  try {
    rewriteCompleteRequest(body(parts));
  } catch (error) {
    expect(error).toBeInstanceOf(S3Error);
    return `${(error as S3Error).code}: ${(error as S3Error).message}`;
  }
  throw new Error(`${parts.slice(0, 80)} was not refused`);
}

const part = (number: string, extra = ""): string => `<Part><PartNumber>${number}</PartNumber><ETag>e</ETag>${extra}</Part>`;
const PART_RULE = "MalformedXML: Every Part needs a PartNumber from 1 to 10000 and an ETag.";
const COUNT_RULE = "MalformedXML: CompleteMultipartUpload must list 1 to 10000 Part elements.";

describe("rewriteCompleteRequest: each rule, on both sides", () => {
  it("takes 1 to 10000 parts", () => {
    expect(refusal("")).toBe(COUNT_RULE);
    expect(refusal(Array.from({ length: 10_001 }, (_, i) => part(String((i % 10_000) + 1))).join(""))).toBe(COUNT_RULE);
    expect(rewriteCompleteRequest(body(Array.from({ length: 10_000 }, (_, i) => part(String(i + 1))).join(""))).body).toContain("<PartNumber>10000</PartNumber>");
  });

  it("takes a PartNumber of 1 to 10000 (up to five digits, white space around it dropped) and refuses any other", () => {
    const rewritten = rewriteCompleteRequest(body(`${part(" 00001 ")}${part("10000")}`)).body;
    expect(rewritten).toContain("<Part><PartNumber>1</PartNumber><ETag>e</ETag></Part><Part><PartNumber>10000</PartNumber>");
    for (const number of ["0", "10001", "99999", "123456", "1x", "x1", "-1", ""]) expect(refusal(part(number)), number).toBe(PART_RULE);
    expect(refusal("<Part><PartNumber>1</PartNumber></Part>")).toBe(PART_RULE);
  });

  it("drops white space around an ETag and a part checksum", () => {
    const value = crc32b64(partA);
    const rewritten = rewriteCompleteRequest(body(`<Part><PartNumber>1</PartNumber><ETag> "e1" </ETag><ChecksumCRC32> ${value} </ChecksumCRC32></Part>`), true);
    expect(rewritten.body).toContain(`<Part><PartNumber>1</PartNumber><ETag>&quot;e1&quot;</ETag><ChecksumCRC32>${value}</ChecksumCRC32></Part>`);
  });

  it("refuses a part checksum of the wrong length or not in canonical base64, naming the part", () => {
    expect(refusal(part("3", "<ChecksumCRC32>AAAA</ChecksumCRC32>"))).toBe("InvalidPart: Part 3 has an invalid ChecksumCRC32.");
    expect(refusal(part("3", "<ChecksumCRC32>AAAAAR==</ChecksumCRC32>"))).toBe("InvalidPart: Part 3 has an invalid ChecksumCRC32.");
    expect(refusal(part("3", "<ChecksumSHA1>AAAAAA==</ChecksumSHA1>"))).toBe("InvalidPart: Part 3 has an invalid ChecksumSHA1.");
  });

  it("refuses parts whose checksums differ in algorithm", () => {
    const sha1 = Buffer.alloc(20).toString("base64");
    expect(refusal(`${part("1", `<ChecksumCRC32>${crc32b64(partA)}</ChecksumCRC32>`)}${part("2", `<ChecksumSHA1>${sha1}</ChecksumSHA1>`)}`)).toBe(
      "InvalidPart: Either every part or none carries a checksum, and all of the same algorithm (the proxy keeps no per-upload state to reconcile them).",
    );
  });

  it("names the element where an unknown child stands", () => {
    expect(refusal(`${part("1")}<Other/>`)).toBe("MalformedXML: The CompleteMultipartUpload body is not acceptable XML: <CompleteMultipartUpload> has unexpected element <Other>.");
    expect(refusal(part("1", "<Size>5</Size>"))).toBe("MalformedXML: The CompleteMultipartUpload body is not acceptable XML: <Part> has unexpected element <Size>.");
  });
});
