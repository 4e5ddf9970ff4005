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
