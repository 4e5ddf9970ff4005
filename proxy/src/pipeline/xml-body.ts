/**
 * Stage 8a: the XML request bodies the proxy forwards (CompleteMultipartUpload, DeleteObjects, PutObjectTagging).
 * The upstream never receives the client's raw XML: the proxy reads the body (at most `maxXmlBodyBytes`), parses
 * it with DOCTYPE, entity declarations, CDATA, comments and processing instructions refused and only the five
 * predefined entities and character references accepted, checks its shape, and serializes a fresh document from
 * the values it understood. What the upstream parses is therefore exactly what the proxy checked.
 */
import { XMLParser } from "fast-xml-parser";
import { S3Error, xmlEscape } from "../errors.ts";
import { decodeXmlText } from "./upstream-errors.ts";

const S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** Element names that may repeat, per document type; every other element must appear at most once. */
const REPEATED = new Set(["Part", "Object", "Tag"]);

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  removeNSPrefix: true,
  parseTagValue: false,
  processEntities: false,
  trimValues: false,
  isArray: (name) => REPEATED.has(name),
});

function malformed(what: string, detail: string): S3Error {
  return new S3Error("MalformedXML", `The ${what} body is not acceptable XML: ${detail}`);
}

/** A raw `&` that does not start one of the five predefined entities or a character reference. */
const UNKNOWN_ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});)/;

/**
 * Parses `xml` as the body of `what` and returns the element named `root`. Throws MalformedXML for anything the
 * file comment refuses, for XML that is not well-formed and for a different root element.
 */
export function parseXmlBody(xml: string, what: string, root: string): Record<string, unknown> {
  if (xml.includes("<!")) throw malformed(what, "DOCTYPE, ENTITY, CDATA and comments are not allowed.");
  if (xml.replace(/^\s*<\?xml\s[^?]*\?>/, "").includes("<?")) throw malformed(what, "processing instructions are not allowed.");
  if (UNKNOWN_ENTITY.test(xml)) throw malformed(what, "only the predefined entities (&amp; &lt; &gt; &quot; &apos;) and character references are allowed.");
  let document: Record<string, unknown>;
  try {
    document = parser.parse(xml, true) as Record<string, unknown>;
  } catch (error) {
    throw malformed(what, `it is not well-formed (${(error as Error).message}).`);
  }
  const names = Object.keys(document);
  // An empty root element (`<Delete></Delete>`) parses as text; it is an element without children.
  const element = document[root] === "" ? {} : document[root];
  if (names.length !== 1 || names[0] !== root || typeof element !== "object" || element === null || Array.isArray(element)) {
    throw malformed(what, `the document must have exactly one <${root}> root element.`);
  }
  return element as Record<string, unknown>;
}

/** The decoded text of a leaf element, or undefined when absent; MalformedXML when it has children or repeats. */
export function textOf(parent: Record<string, unknown>, name: string, what: string): string | undefined {
  const value = parent[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw malformed(what, `<${name}> must be a single element holding text.`);
  return decodeXmlText(value);
}

/** The repeated child elements `name` of `parent` (each an element with children). */
export function elementsOf(parent: Record<string, unknown>, name: string, what: string): Record<string, unknown>[] {
  const value = parent[name];
  if (value === undefined) return [];
  const list = value as unknown[];
  if (list.some((item) => typeof item !== "object" || item === null || Array.isArray(item))) {
    throw malformed(what, `every <${name}> must hold child elements.`);
  }
  return list as Record<string, unknown>[];
}

/** Refuses children of `element` other than `allowed`. */
export function onlyChildren(element: Record<string, unknown>, allowed: readonly string[], what: string, where: string): void {
  const extra = Object.keys(element).filter((name) => !allowed.includes(name) && name !== "#text");
  if (extra.length > 0) throw malformed(what, `<${where}> has unexpected element <${extra[0]}>.`);
  const text = element["#text"];
  if (typeof text === "string" && text.trim() !== "") throw malformed(what, `<${where}> has stray text.`);
}

/** A document `<root xmlns="...">inner</root>` with the XML declaration. */
export function serializeXml(root: string, inner: string): string {
  return `${DECLARATION}<${root} xmlns="${S3_XMLNS}">${inner}</${root}>`;
}

const MAX_DELETE_OBJECTS = 1000;

/** DeleteObjects: `<Delete>` with 1 to 1000 `<Object><Key>` (optional `<VersionId>`) and an optional `<Quiet>`. */
export function rewriteDeleteRequest(xml: string): string {
  const what = "DeleteObjects";
  const root = parseXmlBody(xml, what, "Delete");
  onlyChildren(root, ["Object", "Quiet"], what, "Delete");
  const quiet = textOf(root, "Quiet", what)?.trim();
  if (quiet !== undefined && quiet !== "true" && quiet !== "false") throw malformed(what, "<Quiet> must be true or false.");
  const objects = elementsOf(root, "Object", what);
  if (objects.length === 0 || objects.length > MAX_DELETE_OBJECTS) throw malformed(what, `it must list 1 to ${MAX_DELETE_OBJECTS} <Object> elements.`);
  const inner = objects.map((object) => {
    onlyChildren(object, ["Key", "VersionId"], what, "Object");
    const key = textOf(object, "Key", what);
    if (key === undefined || key === "") throw malformed(what, "every <Object> needs a non-empty <Key>.");
    const versionId = textOf(object, "VersionId", what);
    return `<Object><Key>${xmlEscape(key)}</Key>${versionId === undefined ? "" : `<VersionId>${xmlEscape(versionId)}</VersionId>`}</Object>`;
  });
  return serializeXml("Delete", `${quiet === undefined ? "" : `<Quiet>${quiet}</Quiet>`}${inner.join("")}`);
}

const MAX_TAGS = 10;

/** PutObjectTagging: `<Tagging><TagSet>` with up to 10 `<Tag><Key><Value>`. */
export function rewriteTaggingRequest(xml: string): string {
  const what = "PutObjectTagging";
  const root = parseXmlBody(xml, what, "Tagging");
  onlyChildren(root, ["TagSet"], what, "Tagging");
  const tagSet = root.TagSet;
  const set = tagSet === "" || tagSet === undefined ? {} : tagSet;
  if (typeof set !== "object" || Array.isArray(set)) throw malformed(what, "<Tagging> needs one <TagSet>.");
  const tagSetElement = set as Record<string, unknown>;
  onlyChildren(tagSetElement, ["Tag"], what, "TagSet");
  const tags = elementsOf(tagSetElement, "Tag", what);
  if (tags.length > MAX_TAGS) throw malformed(what, `an object has at most ${MAX_TAGS} tags.`);
  const inner = tags.map((tag) => {
    onlyChildren(tag, ["Key", "Value"], what, "Tag");
    const key = textOf(tag, "Key", what);
    if (key === undefined || key === "") throw malformed(what, "every <Tag> needs a non-empty <Key>.");
    return `<Tag><Key>${xmlEscape(key)}</Key><Value>${xmlEscape(textOf(tag, "Value", what) ?? "")}</Value></Tag>`;
  });
  return serializeXml("Tagging", `<TagSet>${inner.join("")}</TagSet>`);
}
