/**
 * Stage 8: CompleteMultipartUpload without per-upload state. The client's XML is parsed by xml-body.ts (DOCTYPE and
 * entities refused) and a fresh document is serialized for the upstream:
 * the per-part Checksum* elements (which the upstream cannot take) are dropped, and the multipart composite
 * checksum is recomputed from the part checksums the client sent, to be added to the upstream's result document
 * (with S3PROXY_UPSTREAM_CHECKSUMS=passthrough the checked elements are kept and the upstream does both).
 */
import { S3Error, xmlEscape } from "../errors.ts";
import { CHECKSUM_ALGORITHMS, DIGEST_BYTES, combineCompositeChecksum, type ChecksumAlgorithm } from "../checksum/index.ts";
import { elementsOf, onlyChildren, parseXmlBody, serializeXml, textOf } from "./xml-body.ts";

export interface CompositeChecksum {
  readonly algorithm: ChecksumAlgorithm;
  /** base64 digest followed by `-<part count>`, as S3 reports it. */
  readonly value: string;
}

export interface RewrittenComplete {
  /** The XML to send upstream: parts with PartNumber and ETag only. */
  readonly body: string;
  /** The composite checksum, when every part carried a checksum of the same algorithm. */
  readonly composite: CompositeChecksum | undefined;
}

const MAX_PARTS = 10_000;
const WHAT = "CompleteMultipartUpload";

/**
 * Parses and re-serializes a CompleteMultipartUpload body. `keepPartChecksums` (an upstream that computes
 * checksums, S3PROXY_UPSTREAM_CHECKSUMS=passthrough): the checked part checksums go upstream, which combines them
 * itself, and no composite is returned.
 */
export function rewriteCompleteRequest(xml: string, keepPartChecksums = false): RewrittenComplete {
  const root = parseXmlBody(xml, WHAT, "CompleteMultipartUpload");
  onlyChildren(root, ["Part"], WHAT, "CompleteMultipartUpload");
  const parts = elementsOf(root, "Part", WHAT);
  if (parts.length === 0 || parts.length > MAX_PARTS) {
    throw new S3Error("MalformedXML", `CompleteMultipartUpload must list 1 to ${MAX_PARTS} Part elements.`);
  }

  const kept: string[] = [];
  const partChecksums: string[] = [];
  const algorithms = new Set<ChecksumAlgorithm>();
  let partsWithChecksum = 0;
  for (const part of parts) {
    onlyChildren(part, ["PartNumber", "ETag", ...CHECKSUM_ALGORITHMS.map((algorithm) => `Checksum${algorithm}`)], WHAT, "Part");
    const partNumber = textOf(part, "PartNumber", WHAT)?.trim() ?? "";
    const etag = textOf(part, "ETag", WHAT)?.trim();
    if (!/^\d{1,5}$/.test(partNumber) || Number(partNumber) < 1 || Number(partNumber) > MAX_PARTS || etag === undefined) {
      throw new S3Error("MalformedXML", "Every Part needs a PartNumber from 1 to 10000 and an ETag.");
    }
    let checksumElements = "";
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      const value = textOf(part, `Checksum${algorithm}`, WHAT)?.trim();
      if (value === undefined) continue;
      const digest = Buffer.from(value, "base64");
      if (digest.length !== DIGEST_BYTES[algorithm] || digest.toString("base64") !== value) {
        throw new S3Error("InvalidPart", `Part ${partNumber} has an invalid Checksum${algorithm}.`);
      }
      algorithms.add(algorithm);
      partChecksums.push(value);
      partsWithChecksum += 1;
      checksumElements += `<Checksum${algorithm}>${value}</Checksum${algorithm}>`;
    }
    const checksums = keepPartChecksums ? checksumElements : "";
    kept.push(`<Part><PartNumber>${Number(partNumber)}</PartNumber><ETag>${xmlEscape(etag)}</ETag>${checksums}</Part>`);
  }
  if (algorithms.size > 1 || (partsWithChecksum > 0 && partsWithChecksum !== parts.length)) {
    throw new S3Error(
      "InvalidPart",
      "Either every part or none carries a checksum, and all of the same algorithm (the proxy keeps no per-upload state to reconcile them).",
    );
  }
  const [algorithm] = [...algorithms];
  return {
    body: serializeXml("CompleteMultipartUpload", kept.join("")),
    composite:
      algorithm === undefined || keepPartChecksums ? undefined : { algorithm, value: combineCompositeChecksum(algorithm, partChecksums) },
  };
}

/** Adds `<Checksum<ALG>>` and `<ChecksumType>COMPOSITE` to a CompleteMultipartUploadResult document. */
export function addCompositeToResult(xml: string, composite: CompositeChecksum | undefined): string {
  const end = "</CompleteMultipartUploadResult>";
  if (composite === undefined || !xml.includes(end)) return xml;
  const element = `Checksum${composite.algorithm}`;
  return xml.replace(end, `<${element}>${composite.value}</${element}><ChecksumType>COMPOSITE</ChecksumType>${end}`);
}
