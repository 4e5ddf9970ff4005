/**
 * Turns a synthesized Terraform JSON configuration into one that needs no provider, so the real terraform binary can
 * validate and plan it offline: every resource and data source becomes a `terraform_data` resource whose `input` is
 * the original body (every string still a template), with the same `count`, `for_each`, `depends_on` and `lifecycle`,
 * and every reference to it rewritten to that input. Data sources get test values, known at plan time as Terraform
 * reads data sources while planning. A computed attribute of a resource is unknown at plan time, as a provider
 * reports it: it reads the `output` of a helper `terraform_data` (`unknown__...`) whose input is a test value of the
 * right type, so a `count` that depended on it would be refused here as it would be by the real provider.
 *
 * What this proves: Terraform parses every string as a template, resolves every reference, and evaluates every
 * function, count, for_each, condition and variable validation. What it cannot prove: provider schemas (an argument a
 * provider does not know, a wrong type) and what a real cluster or engine would do.
 */
import { computedValue } from "./computed-attributes.ts";
import { joinTemplate, splitTemplate } from "./template-scan.ts";

type Json = unknown;
type Body = Record<string, Json>;
type Blocks = Record<string, Record<string, Body>>;

/** A synthesized configuration, as far as the harness reads it. */
export interface TerraformConfig {
  readonly resource?: Blocks;
  readonly data?: Blocks;
  readonly output?: Record<string, Body>;
  readonly locals?: Record<string, Json>;
  readonly variable?: Record<string, Body>;
  readonly [key: string]: Json;
}

export interface StandInOptions {
  /**
   * Attribute values of data sources, by `type.name` (e.g. `coder_parameter.storage_mode: { value: "s3" }`); they
   * win over the data source's own arguments and over the defaults of computed-attributes.ts.
   * @default - the defaults of computed-attributes.ts
   */
  readonly data?: Readonly<Record<string, Readonly<Record<string, Json>>>>;
  /**
   * Test values of computed attributes, by `type.attribute` as in computed-attributes.ts, e.g. what a postcondition
   * checks after an apply. @default - the values of computed-attributes.ts
   */
  readonly computed?: Readonly<Record<string, Json>>;
}

/** The provider-free configuration and how its addresses map back to the original ones. */
export interface StandIn {
  readonly config: Record<string, Json>;
  /** `terraform_data.<stand-in>` name to the original `type.name` (data sources as `data.type.name`). */
  readonly originals: ReadonlyMap<string, string>;
}

/** Name prefix of the helpers whose `output` stands for a computed attribute (unknown at plan time). */
export const UNKNOWN_PREFIX = "unknown__";

/** Arguments Terraform itself interprets; everything else is the provider's body. */
const META_ARGUMENTS = new Set(["count", "for_each", "depends_on", "lifecycle", "provider", "provisioner", "connection", "//"]);

interface Element {
  readonly type: string;
  readonly name: string;
  readonly isData: boolean;
  readonly standIn: string;
  readonly body: Body;
}

interface UsedPath {
  readonly element: Element;
  readonly path: readonly Segment[];
}

type Segment = { readonly attr: string } | { readonly index: string };

/** Builds the provider-free stand-in of `config`. Throws when a referenced computed attribute has no test value. */
export function standInConfig(config: TerraformConfig, options: StandInOptions = {}): StandIn {
  const elements = new Map<string, Element>();
  const add = (blocks: Blocks | undefined, isData: boolean) => {
    for (const [type, byName] of Object.entries(blocks ?? {})) {
      for (const [name, body] of Object.entries(byName)) {
        const standIn = `${isData ? "data__" : ""}${type}__${name}`;
        elements.set(`${isData ? "data." : ""}${type}.${name}`, { type, name, isData, standIn, body });
      }
    }
  };
  // Terraform's own terraform_data needs no provider: it stays as it is (only references in it are rewritten).
  const { terraform_data: builtin, ...providerResources } = config.resource ?? {};
  add(providerResources, false);
  add(config.data, true);

  const used: UsedPath[] = [];
  const rewriter = new ReferenceRewriter(elements, used);
  const standIns: Record<string, Body> = {};
  for (const element of elements.values()) {
    const input: Body = {};
    for (const [key, value] of Object.entries(element.body)) if (!META_ARGUMENTS.has(key)) input[key] = rewriter.value(stripComments(value));
    if (element.isData) Object.assign(input, options.data?.[`${element.type}.${element.name}`] ?? {});
    standIns[element.standIn] = { input, ...rewriter.metaArguments(element) };
  }
  const kept: Record<string, Body> = {};
  for (const [name, body] of Object.entries(builtin ?? {})) {
    const own: Body = {};
    for (const [key, value] of Object.entries(body)) if (!META_ARGUMENTS.has(key)) own[key] = rewriter.value(stripComments(value));
    kept[name] = { ...own, ...rewriter.metaArguments({ type: "terraform_data", name, isData: false, standIn: name, body }, false) };
  }

  // Locals and outputs first: their references complete the stand-ins too.
  const out: Record<string, Json> = {};
  if (config.variable) out.variable = config.variable;
  if (config.locals) out.locals = rewriter.value(config.locals);
  if (config.output) {
    out.output = Object.fromEntries(
      Object.entries(config.output).map(([name, body]) => [name, { ...body, value: rewriter.value(body.value), ...dependsOn(rewriter, body) }]),
    );
  }
  const missing: string[] = [];
  const unknowns: Record<string, Body> = {};
  for (const { element, path } of used) {
    const body = standIns[element.standIn]?.input as Body;
    const problem = completePath(body, element, path, unknowns, options.computed);
    if (problem) missing.push(problem);
  }
  if (missing.length > 0) {
    throw new Error(
      `terraform harness: no test value for ${[...new Set(missing)].join(", ")}; add each to COMPUTED_ATTRIBUTES in scripts/terraform-harness/computed-attributes.ts`,
    );
  }

  const resources = { ...kept, ...standIns, ...unknowns };
  if (Object.keys(resources).length > 0) out.resource = { terraform_data: resources };
  const originals = new Map([...elements.entries()].map(([address, e]) => [e.standIn, address]));
  return { config: out, originals };
}

function stripComments(value: Json): Json {
  if (Array.isArray(value)) return value.map(stripComments);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== "//").map(([key, inner]) => [key, stripComments(inner)]));
}

function dependsOn(rewriter: ReferenceRewriter, body: Body): Body {
  return Array.isArray(body.depends_on) ? { depends_on: body.depends_on.map((d) => rewriter.plainReference(String(d))) } : {};
}

/** Rewrites references to resources and data sources, in templates and in the plain references of meta-arguments. */
class ReferenceRewriter {
  /** `data.type.name` or `type.name`, then an optional index. */
  private static readonly REFERENCE = /(?<![\w.\]])(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)/g;

  /** The element whose conditions are being rewritten, if any. */
  private self: Element | undefined;

  constructor(
    private readonly elements: ReadonlyMap<string, Element>,
    private readonly used: UsedPath[],
  ) {}

  /** A JSON value with every template string rewritten. */
  value(value: Json): Json {
    if (typeof value === "string") return this.template(value);
    if (Array.isArray(value)) return value.map((v) => this.value(v));
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [this.template(key), this.value(inner)]));
  }

  /** `count`, `for_each`, `depends_on` and `lifecycle`, rewritten for the stand-in (`provider` is dropped). */
  metaArguments(element: Element, standIn = true): Body {
    const body = element.body;
    const out: Body = {};
    if (body.count !== undefined) out.count = this.value(body.count);
    if (body.for_each !== undefined) out.for_each = this.value(body.for_each);
    if (Array.isArray(body.depends_on)) out.depends_on = body.depends_on.map((d) => this.plainReference(String(d)));
    const lifecycle = body.lifecycle as Body | undefined;
    if (lifecycle) {
      const l: Body = { ...lifecycle };
      // Paths into the provider's body are paths into the stand-in's input.
      if (Array.isArray(lifecycle.ignore_changes)) l.ignore_changes = lifecycle.ignore_changes.map((p) => (p === "all" || !standIn ? p : `input.${String(p)}`));
      else if (lifecycle.ignore_changes !== undefined) l.ignore_changes = lifecycle.ignore_changes;
      if (Array.isArray(lifecycle.replace_triggered_by)) l.replace_triggered_by = lifecycle.replace_triggered_by.map((r) => this.plainReference(String(r)));
      // In conditions, `self` is the stand-in: its provider attributes are under `self.input`.
      this.self = standIn ? element : undefined;
      for (const key of ["precondition", "postcondition"]) if (lifecycle[key] !== undefined) l[key] = this.value(lifecycle[key]);
      this.self = undefined;
      out.lifecycle = l;
    }
    return out;
  }

  /** A reference written without `${}` (depends_on, replace_triggered_by). */
  plainReference(reference: string): string {
    return this.expression(reference);
  }

  private template(template: string): string {
    if (!template.includes("{")) return template;
    return joinTemplate(splitTemplate(template).map((part) => (part.kind === "literal" ? part : { ...part, text: this.expression(part.text) })));
  }

  private expression(text: string): string {
    let out = "";
    let last = 0;
    for (const match of text.matchAll(ReferenceRewriter.REFERENCE)) {
      const [whole, data, type, name] = match;
      const element = this.elements.get(`${data ?? ""}${type}.${name}`);
      if (!element) continue;
      let end = match.index + whole.length;
      let index = "";
      if (text[end] === "[") {
        const close = text.indexOf("]", end);
        index = text.slice(end, close + 1);
        end = close + 1;
      }
      const accessors = /^(?:\.[A-Za-z_][A-Za-z0-9_-]*|\[[^\]]*\])*/.exec(text.slice(end))?.[0] ?? "";
      out += text.slice(last, match.index) + `terraform_data.${element.standIn}${index}${accessors ? ".input" : ""}`;
      last = end;
      if (accessors) this.used.push({ element, path: parseAccessors(accessors) });
    }
    out += text.slice(last);
    const self = this.self;
    if (!self) return out;
    return out.replace(/(?<![\w.])self((?:\.[A-Za-z_][A-Za-z0-9_-]*|\[[^\]]*\])+)/g, (_whole, accessors: string) => {
      this.used.push({ element: self, path: parseAccessors(accessors) });
      return `self.input${accessors}`;
    });
  }
}

function parseAccessors(accessors: string): Segment[] {
  return [...accessors.matchAll(/\.([A-Za-z_][A-Za-z0-9_-]*)|\[([^\]]*)\]/g)].map((m) => (m[1] !== undefined ? { attr: m[1] } : { index: m[2] as string }));
}

/**
 * Makes `path` resolvable in the stand-in's input: a computed attribute gets its test value, and a nested block that
 * cdktf wrote as an object (`metadata: {...}`) but that is read as a list (`metadata[0]`) becomes a list of one.
 * Returns a description of what is missing, if anything.
 */
function completePath(input: Body, element: Element, path: readonly Segment[], unknowns: Record<string, Body>, overrides?: Readonly<Record<string, Json>>): string | undefined {
  let parent: Record<string, Json> | Json[] = { root: input };
  let key: string | number = "root";
  let seen = "";
  for (const segment of path) {
    const current: Json = (parent as Record<string, Json>)[key as string];
    if ("attr" in segment) {
      if (!isObject(current)) return undefined;
      if (!(segment.attr in current)) {
        const value = computedValue(element.type, element.isData, seen ? `${seen}.${segment.attr}` : segment.attr, overrides);
        if (value === undefined) return `${element.isData ? "data." : ""}${element.type}.${seen ? `${seen}.` : ""}${segment.attr}`;
        if (element.isData) current[segment.attr] = value;
        else {
          const helper = `${UNKNOWN_PREFIX}${element.standIn}__${(seen ? `${seen}.${segment.attr}` : segment.attr).replace(/\./g, "__")}`;
          unknowns[helper] = { input: value };
          current[segment.attr] = `\${terraform_data.${helper}.output}`;
          return undefined;
        }
      }
      parent = current;
      key = segment.attr;
      seen = seen ? `${seen}.${segment.attr}` : segment.attr;
    } else if (/^\d+$/.test(segment.index)) {
      if (isObject(current)) (parent as Record<string, Json>)[key as string] = [current];
      const list: Json = (parent as Record<string, Json>)[key as string];
      if (!Array.isArray(list)) return undefined;
      parent = list;
      key = Number(segment.index);
    } else {
      // A map key (`["name"]`) or a computed index: nothing to complete beyond this point.
      return undefined;
    }
  }
  return undefined;
}

function isObject(value: Json): value is Record<string, Json> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
