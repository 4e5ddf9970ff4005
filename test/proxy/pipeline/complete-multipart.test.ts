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
