import { describe, expect, it } from "vitest";
import { S3Error } from "../../../proxy/src/errors.ts";
import { rewriteDeleteRequest, rewriteTaggingRequest } from "../../../proxy/src/pipeline/xml-body.ts";

const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
const DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';

describe("rewriteDeleteRequest", () => {
  it("serializes a fresh document from the keys it understood, keys exactly as meant (spaces, entities, character references)", () => {
    expect(rewriteDeleteRequest(`<?xml version="1.0"?><Delete ${NS}><Quiet>true</Quiet><Object><Key> a &lt;b&gt; &#x263A; </Key><VersionId>v</VersionId></Object></Delete>`)).toBe(
      `${DECL}<Delete ${NS}><Quiet>true</Quiet><Object><Key> a &lt;b&gt; \u263A </Key><VersionId>v</VersionId></Object></Delete>`,
    );
  });

  it.each([
    ['<!DOCTYPE d [<!ENTITY k "x">]><Delete><Object><Key>&k;</Key></Object></Delete>', "DOCTYPE, ENTITY, CDATA and comments are not allowed."],
    ["<Delete><Object><Key><![CDATA[k]]></Key></Object></Delete>", "DOCTYPE, ENTITY, CDATA and comments are not allowed."],
    ["<Delete><?pi x?><Object><Key>k</Key></Object></Delete>", "processing instructions are not allowed."],
    ["<Delete><Object><Key>a&b;</Key></Object></Delete>", "only the predefined entities (&amp; &lt; &gt; &quot; &apos;) and character references are allowed."],
    ["<Delete><Object><Key>k</Key></Object>", "it is not well-formed"],
    ["<Other><Object><Key>k</Key></Object></Other>", "the document must have exactly one <Delete> root element."],
    ["<Delete><Object><Key>a</Key><Key>b</Key></Object></Delete>", "<Key> must be a single element holding text."],
    ["<Delete><Object><Key>k</Key><Extra/></Object></Delete>", "<Object> has unexpected element <Extra>."],
    ["<Delete><Quiet>yes</Quiet><Object><Key>k</Key></Object></Delete>", "<Quiet> must be true or false."],
    ["<Delete></Delete>", "it must list 1 to 1000 <Object> elements."],
  ])("refuses %s with MalformedXML", (xml, detail) => {
    let error: unknown;
    try {
      rewriteDeleteRequest(xml);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(S3Error);
    expect((error as S3Error).code).toBe("MalformedXML");
    expect((error as S3Error).message).toContain(`The DeleteObjects body is not acceptable XML: ${detail}`);
  });
});

describe("character references", () => {
  it("accepts decimal references of one to seven digits and hexadecimal ones of one to six, and refuses longer ones", () => {
    expect(rewriteDeleteRequest("<Delete><Object><Key>&#65;&#9786;&#0000065;&#x41;&#x00263A;</Key></Object></Delete>")).toBe(
      `${DECL}<Delete ${NS}><Object><Key>A\u263AAA\u263A</Key></Object></Delete>`,
    );
    const refused = "only the predefined entities (&amp; &lt; &gt; &quot; &apos;) and character references are allowed.";
    expect(() => rewriteDeleteRequest("<Delete><Object><Key>&#00000065;</Key></Object></Delete>")).toThrow(refused);
    expect(() => rewriteDeleteRequest("<Delete><Object><Key>&#x000263A;</Key></Object></Delete>")).toThrow(refused);
  });
});

describe("rewriteTaggingRequest", () => {
  it("serializes the tags it understood", () => {
    expect(rewriteTaggingRequest("<Tagging><TagSet><Tag><Key>k</Key><Value>v &amp; w</Value></Tag></TagSet></Tagging>")).toBe(
      `${DECL}<Tagging ${NS}><TagSet><Tag><Key>k</Key><Value>v &amp; w</Value></Tag></TagSet></Tagging>`,
    );
    expect(rewriteTaggingRequest("<Tagging><TagSet/></Tagging>")).toBe(`${DECL}<Tagging ${NS}><TagSet></TagSet></Tagging>`);
  });

  it("refuses more than 10 tags and a DOCTYPE", () => {
    const tags = Array.from({ length: 11 }, (_, i) => `<Tag><Key>k${i}</Key><Value>v</Value></Tag>`).join("");
    expect(() => rewriteTaggingRequest(`<Tagging><TagSet>${tags}</TagSet></Tagging>`)).toThrow("an object has at most 10 tags.");
    expect(() => rewriteTaggingRequest("<!DOCTYPE t><Tagging><TagSet/></Tagging>")).toThrow("DOCTYPE, ENTITY, CDATA and comments are not allowed.");
  });
});

/** The code and message `rewrite` refuses `xml` with. */
function refusal(rewrite: (xml: string) => string, xml: string): string {
  try {
    rewrite(xml);
  } catch (error) {
    expect(error).toBeInstanceOf(S3Error);
    return `${(error as S3Error).code}: ${(error as S3Error).message}`;
  }
  throw new Error(`${xml.slice(0, 80)} was not refused`);
}

const objects = (count: number): string => Array.from({ length: count }, (_, i) => `<Object><Key>k${i}</Key></Object>`).join("");
const tags = (count: number): string => Array.from({ length: count }, (_, i) => `<Tag><Key>t${i}</Key><Value>v</Value></Tag>`).join("");

describe("the XML rules, each on both sides", () => {
  const del = (message: string): string => `MalformedXML: The DeleteObjects body is not acceptable XML: ${message}`;
  const tag = (message: string): string => `MalformedXML: The PutObjectTagging body is not acceptable XML: ${message}`;

  it("takes the XML declaration and refuses any other processing instruction", () => {
    expect(rewriteDeleteRequest(`<?xml version="1.0"?><Delete>${objects(1)}</Delete>`)).toBe(`${DECL}<Delete ${NS}><Object><Key>k0</Key></Object></Delete>`);
    expect(refusal(rewriteDeleteRequest, `<?xml version="1.0"?><?pi x?><Delete>${objects(1)}</Delete>`)).toBe(del("processing instructions are not allowed."));
    expect(refusal(rewriteDeleteRequest, `<Delete>${objects(1)}<?pi x?></Delete>`)).toBe(del("processing instructions are not allowed."));
    // Only a declaration at the very start is one: anywhere else it is a processing instruction too.
    expect(refusal(rewriteDeleteRequest, `<Delete>${objects(1)}<?xml version="1.0"?></Delete>`)).toBe(del("processing instructions are not allowed."));
    expect(refusal(rewriteDeleteRequest, `x<?xml version="1.0"?><Delete>${objects(1)}</Delete>`)).toBe(del("processing instructions are not allowed."));
  });

  it("needs exactly one root element of the operation's name, holding elements", () => {
    const rule = del("the document must have exactly one <Delete> root element.");
    expect(refusal(rewriteDeleteRequest, `<Other>${objects(1)}</Other>`)).toBe(rule);
    expect(refusal(rewriteDeleteRequest, "<Delete>text</Delete>")).toBe(rule);
    expect(refusal(rewriteDeleteRequest, `<Delete>${objects(1)}</Delete><Other/>`)).toBe(rule);
    expect(refusal(rewriteDeleteRequest, "<Delete></Delete>")).toBe(del("it must list 1 to 1000 <Object> elements."));
  });

  it("refuses stray text and an element where children belong, and takes white space between elements", () => {
    expect(rewriteDeleteRequest(`<Delete>\n  ${objects(1)}\n</Delete>`)).toContain("<Object><Key>k0</Key></Object>");
    expect(refusal(rewriteDeleteRequest, `<Delete>stray${objects(1)}</Delete>`)).toBe(del("<Delete> has stray text."));
    expect(refusal(rewriteDeleteRequest, "<Delete><Object>text</Object></Delete>")).toBe(del("every <Object> must hold child elements."));
    expect(refusal(rewriteDeleteRequest, `<Delete>${objects(1)}<Object>text</Object></Delete>`)).toBe(del("every <Object> must hold child elements."));
    expect(refusal(rewriteDeleteRequest, "<Delete><Object><Key>a</Key><Size>1</Size></Object></Delete>")).toBe(del("<Object> has unexpected element <Size>."));
  });

  it("DeleteObjects: 1 to 1000 objects, each with a non-empty Key and perhaps a VersionId, and Quiet true or false", () => {
    expect(rewriteDeleteRequest(`<Delete><Quiet> true </Quiet>${objects(1000)}</Delete>`)).toContain(`<Delete ${NS}><Quiet>true</Quiet><Object><Key>k0</Key></Object>`);
    expect(rewriteDeleteRequest(`<Delete><Quiet>false</Quiet><Object><Key>a</Key><VersionId>v&amp;1</VersionId></Object></Delete>`)).toBe(
      `${DECL}<Delete ${NS}><Quiet>false</Quiet><Object><Key>a</Key><VersionId>v&amp;1</VersionId></Object></Delete>`,
    );
    expect(refusal(rewriteDeleteRequest, `<Delete>${objects(1001)}</Delete>`)).toBe(del("it must list 1 to 1000 <Object> elements."));
    expect(refusal(rewriteDeleteRequest, `<Delete><Quiet>yes</Quiet>${objects(1)}</Delete>`)).toBe(del("<Quiet> must be true or false."));
    expect(refusal(rewriteDeleteRequest, "<Delete><Object><VersionId>v</VersionId></Object></Delete>")).toBe(del("every <Object> needs a non-empty <Key>."));
    expect(refusal(rewriteDeleteRequest, "<Delete><Object><Key></Key></Object></Delete>")).toBe(del("every <Object> needs a non-empty <Key>."));
    expect(refusal(rewriteDeleteRequest, "<Delete><Object><Key><b>x</b></Key></Object></Delete>")).toBe(del("<Key> must be a single element holding text."));
  });

  it("PutObjectTagging: one TagSet of up to 10 tags, each with a non-empty Key; a missing Value is empty", () => {
    expect(rewriteTaggingRequest(`<Tagging><TagSet>${tags(10)}</TagSet></Tagging>`)).toContain("<Tag><Key>t9</Key><Value>v</Value></Tag></TagSet>");
    expect(rewriteTaggingRequest(`<Tagging><TagSet>${tags(2)}</TagSet></Tagging>`)).toBe(
      `${DECL}<Tagging ${NS}><TagSet><Tag><Key>t0</Key><Value>v</Value></Tag><Tag><Key>t1</Key><Value>v</Value></Tag></TagSet></Tagging>`,
    );
    expect(rewriteTaggingRequest("<Tagging></Tagging>")).toBe(`${DECL}<Tagging ${NS}><TagSet></TagSet></Tagging>`);
    expect(rewriteTaggingRequest("<Tagging><TagSet></TagSet></Tagging>")).toBe(`${DECL}<Tagging ${NS}><TagSet></TagSet></Tagging>`);
    expect(rewriteTaggingRequest("<Tagging><TagSet><Tag><Key>a</Key></Tag></TagSet></Tagging>")).toBe(`${DECL}<Tagging ${NS}><TagSet><Tag><Key>a</Key><Value></Value></Tag></TagSet></Tagging>`);
    expect(refusal(rewriteTaggingRequest, `<Tagging><TagSet>${tags(11)}</TagSet></Tagging>`)).toBe(tag("an object has at most 10 tags."));
    expect(refusal(rewriteTaggingRequest, "<Tagging><TagSet>x</TagSet></Tagging>")).toBe(tag("<Tagging> needs one <TagSet>."));
    expect(refusal(rewriteTaggingRequest, "<Tagging><TagSet></TagSet><TagSet></TagSet></Tagging>")).toBe(tag("<Tagging> needs one <TagSet>."));
    expect(refusal(rewriteTaggingRequest, "<Tagging><TagSet><Tag><Value>v</Value></Tag></TagSet></Tagging>")).toBe(tag("every <Tag> needs a non-empty <Key>."));
    expect(refusal(rewriteTaggingRequest, "<Tagging><TagSet><Tag><Key></Key></Tag></TagSet></Tagging>")).toBe(tag("every <Tag> needs a non-empty <Key>."));
    expect(refusal(rewriteTaggingRequest, "<Tagging><TagSet><Tag><Key>a</Key><Other/></Tag></TagSet></Tagging>")).toBe(tag("<Tag> has unexpected element <Other>."));
    expect(refusal(rewriteTaggingRequest, "<Tagging><TagSet><Other/></TagSet></Tagging>")).toBe(tag("<TagSet> has unexpected element <Other>."));
    expect(refusal(rewriteTaggingRequest, "<Tagging><Other/></Tagging>")).toBe(tag("<Tagging> has unexpected element <Other>."));
  });
});
