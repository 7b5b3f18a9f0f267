/**
 * Safe XML: every XML file the accountant receives goes through here before anything reads it.
 *
 * - No DTDs at all: any `<!DOCTYPE` or `<!ENTITY` is refused (a fatal finding, never a throw), so
 *   there are no external entities (XXE), no entity expansion (billion laughs), no network access.
 * - Only the five predefined XML entities and numeric character references are decoded; any other
 *   `&name;` is a well-formedness error.
 * - Limits: input size (20 MiB by default), nesting depth (64), attributes per element (256) and
 *   per document (500,000), entity/character references (100,000), text mixed with markup
 *   (1 MiB), and elements in a tree that is built (250,000). Each breach is a fatal finding.
 * - Well-formedness is checked by a single linear scan, so a truncated file gives `xml-malformed`
 *   with a line number instead of a half-read document. The same scan builds the tree when asked
 *   to (parseXml*, or checkXmlBytes with `buildIf`, decided on the root element), so a document that
 *   is read is scanned once; documents that are only classified (e.g. camt.053, parsed by its own
 *   module) never pay for a tree. The tree is exactly the one fast-xml-parser (preserveOrder,
 *   trimValues) and buildElement below build; the rare constructs fast-xml-parser reads in its own
 *   way are still handed to it (see scanXml), and every limit and finding is as before.
 * - Namespace-aware: every element carries its local name and namespace URI, resolved from the
 *   `xmlns` declarations in scope (prefixes are whatever the sender chose).
 */
import { isUtf8 } from 'node:buffer';
import { XMLParser } from 'fast-xml-parser';
import type { X2jOptions } from 'fast-xml-parser';
import { finding } from './types.ts';
import type { Finding } from './types.ts';

export interface XmlLimits {
  /** Largest XML input in bytes (or UTF-16 code units for text input). */
  maxBytes: number;
  /** Deepest element nesting. */
  maxDepth: number;
  /** Most attributes (namespace declarations included) on one element. */
  maxAttributes: number;
  /** Most attributes in the whole document. */
  maxTotalAttributes: number;
  /** Most elements in a document whose tree is built (the scan alone is bounded by maxBytes). */
  maxElements: number;
  /** Most entity / character references (`&amp;`, `&#65;`) in one document. */
  maxReferences: number;
}

export const DEFAULT_XML_LIMITS: Readonly<XmlLimits> = Object.freeze({
  maxBytes: 20 * 1024 * 1024,
  maxDepth: 64,
  maxAttributes: 256,
  maxTotalAttributes: 500_000,
  maxElements: 250_000,
  maxReferences: 100_000,
});

export interface XmlElement {
  /** Qualified name as written, e.g. `cbc:ID`. */
  name: string;
  /** Local part, e.g. `ID`. */
  local: string;
  /** Namespace URI in scope for the prefix, or null when none is bound. */
  ns: string | null;
  /** Attributes as written (namespace declarations excluded), values entity-decoded. */
  attrs: Readonly<Record<string, string>>;
  children: XmlElement[];
  /** Character data directly inside this element (CDATA included), trimmed. */
  text: string;
}

export interface XmlRootInfo {
  name: string;
  local: string;
  ns: string | null;
}

export type SafeXmlResult =
  | { ok: true; root: XmlElement; rootInfo: XmlRootInfo; encoding: string; findings: Finding[]; /** The decoded document text. */ text: string }
  | { ok: false; root: null; rootInfo: XmlRootInfo | null; encoding: string | null; findings: Finding[]; error: Finding };

export const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';

function mergeLimits(limits?: Partial<XmlLimits>): XmlLimits {
  return { ...DEFAULT_XML_LIMITS, ...(limits ?? {}) };
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}

// ---------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------

export interface DecodedXml {
  text: string;
  encoding: string;
  findings: Finding[];
  error: Finding | null;
}

/** Which encoding the bytes of an XML document use: BOM first, then the XML declaration. */
export function detectXmlEncoding(bytes: Uint8Array): { encoding: string; bomLength: number } {
  const b0 = bytes[0];
  const b1 = bytes[1];
  const b2 = bytes[2];
  const b3 = bytes[3];
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (b0 === 0xff && b1 === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (b0 === 0xfe && b1 === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  if (b0 === 0x3c && b1 === 0x00 && b2 === 0x3f && b3 === 0x00) return { encoding: 'utf-16le', bomLength: 0 };
  if (b0 === 0x00 && b1 === 0x3c && b2 === 0x00 && b3 === 0x3f) return { encoding: 'utf-16be', bomLength: 0 };
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 256)).toString('latin1');
  const declared = /^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head)?.[1];
  return { encoding: declared ? declared.toLowerCase() : 'utf-8', bomLength: 0 };
}

/** Decodes XML bytes to text (UTF-8 with or without BOM, UTF-16 LE/BE, or the declared 8-bit encoding). */
export function decodeXmlBytes(bytes: Uint8Array): DecodedXml {
  const { encoding, bomLength } = detectXmlEncoding(bytes);
  const body = bytes.subarray(bomLength);
  const findings: Finding[] = [];
  let label = encoding;
  if (label === 'utf8') label = 'utf-8';
  if (label === 'utf-16' || label === 'ucs-2') label = 'utf-16le';
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(label, { fatal: true, ignoreBOM: true });
  } catch {
    const error = finding('xml-encoding-unsupported', 'fatal', `The XML declares the character encoding "${encoding}", which is not supported.`);
    return { text: '', encoding, findings: [error], error };
  }
  // Valid UTF-8 (nearly every e-invoice): Node's native decoder gives the same text, faster.
  if (label === 'utf-8' && isUtf8(body)) {
    return { text: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'), encoding: label, findings, error: null };
  }
  try {
    return { text: decoder.decode(body), encoding: label, findings, error: null };
  } catch {
    findings.push(
      finding('xml-encoding-invalid', 'warning', `The file is not valid ${label.toUpperCase()}: some characters could not be read and were replaced.`),
    );
    return { text: new TextDecoder(label, { ignoreBOM: true }).decode(body), encoding: label, findings, error: null };
  }
}

// ---------------------------------------------------------------------------------------------
// Entities: the five predefined ones and numeric character references, nothing else
// ---------------------------------------------------------------------------------------------

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };
const ENTITY_REF = /&(lt|gt|amp|apos|quot|#[0-9]+|#x[0-9a-fA-F]+);/g;
/** An "&" that does not start a predefined entity or character reference (anywhere / at the start). */
const BAD_AMPERSAND = /&(?!(?:lt|gt|amp|apos|quot|#[0-9]+|#x[0-9a-fA-F]+);)/;
const BAD_AMPERSAND_AT_START = /^&(?!(?:lt|gt|amp|apos|quot|#[0-9]+|#x[0-9a-fA-F]+);)/;

function codePointText(cp: number): string {
  const legal = cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
  return legal ? String.fromCodePoint(cp) : '\uFFFD';
}

export function decodeXmlEntities(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(ENTITY_REF, (_match, ref: string) => {
    const named = PREDEFINED[ref];
    if (named !== undefined) return named;
    const cp = ref.startsWith('#x') ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
    return codePointText(cp);
  });
}

/** fast-xml-parser entity decoder that knows only the predefined entities and character references. */
function xmlOnlyEntityDecoder(): NonNullable<X2jOptions['entityDecoder']> {
  return {
    setExternalEntities: () => undefined,
    addInputEntities: () => undefined,
    reset: () => undefined,
    setXmlVersion: () => undefined,
    decode: decodeXmlEntities,
  };
}

// ---------------------------------------------------------------------------------------------
// The scan: well-formedness, limits, root element, and which leaf elements carry bulk text
// ---------------------------------------------------------------------------------------------

const NAME_START = 'A-Za-z_\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD';
const NAME_CHAR = `\\u0300-\\u036F${NAME_START}\\-.0-9\\u00B7\\u203F-\\u2040`;
const NCNAME = `[${NAME_START}][${NAME_CHAR}]*`;
const QNAME = new RegExp(`^${NCNAME}(?::${NCNAME})?$`);
const ATTR_NAME = new RegExp(`^${NCNAME}(?::${NCNAME})?$`);

/** Leaf elements with more text than this are handed to fast-xml-parser (when it builds the tree) as stop nodes (read raw, in one slice). */
const BULK_TEXT_CHARS = 4096;

/**
 * fast-xml-parser builds text one character at a time; on a long run that costs ~30 bytes of memory
 * per character. Long texts in leaf elements avoid this (stop nodes); long texts mixed with markup
 * (comments, child elements) cannot, and no invoice or statement has them: above this total the
 * file is refused.
 */
const MAX_MIXED_TEXT_CHARS = 1024 * 1024;

interface ScanOk {
  ok: true;
  rootInfo: XmlRootInfo;
  elements: number;
  bulkLeafNames: string[];
  findings: Finding[];
  /** The tree built during the scan (when asked for, within maxElements, and not `legacy`). */
  tree: XmlElement | null;
  /** The document has a construct fast-xml-parser reads in its own way: its tree must come from there. */
  legacy: boolean;
}
interface ScanFail {
  ok: false;
  rootInfo: XmlRootInfo | null;
  error: Finding;
  findings: Finding[];
}

function isWhitespaceCode(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function lineAt(text: string, pos: number): number {
  let line = 1;
  let i = text.indexOf('\n');
  while (i !== -1 && i < pos) {
    line += 1;
    i = text.indexOf('\n', i + 1);
  }
  return line;
}

function lastLine(text: string): number {
  return lineAt(text, text.length);
}

function nsDeclarations(attrNames: readonly string[], attrValues: readonly string[], count: number): Record<string, string> | null {
  let decl: Record<string, string> | null = null;
  for (let a = 0; a < count; a += 1) {
    const name = attrNames[a]!;
    const value = attrValues[a]!;
    if (name === 'xmlns') (decl ??= {})[''] = value;
    else if (name.startsWith('xmlns:')) (decl ??= {})[name.slice(6)] = value;
  }
  return decl;
}

function splitQName(name: string): { prefix: string; local: string } {
  const colon = name.indexOf(':');
  return colon === -1 ? { prefix: '', local: name } : { prefix: name.slice(0, colon), local: name.slice(colon + 1) };
}

function resolveNs(prefix: string, scope: Readonly<Record<string, string>>): string | null {
  if (prefix === 'xml') return XML_NAMESPACE;
  const uri = scope[prefix];
  return uri === undefined || uri === '' ? null : uri;
}

/** A DOCTYPE or ENTITY declaration anywhere in the text (comments included: we do not look closer). */
const DTD_MARKUP = /<!\s*(DOCTYPE|ENTITY)/iy;

/** The first match of DTD_MARKUP in the text (tried only where "<!" occurs: a case-insensitive search of every character is slow). */
function findDtdMarkup(text: string): RegExpExecArray | null {
  for (let at = text.indexOf('<!'); at !== -1; at = text.indexOf('<!', at + 1)) {
    DTD_MARKUP.lastIndex = at;
    const m = DTD_MARKUP.exec(text);
    if (m) return m;
  }
  return null;
}

// The tree is built during the scan, exactly as fast-xml-parser (preserveOrder, trimValues) and
// buildElement below read a document: text runs (split by tags, CDATA sections and processing
// instructions, not by comments) are trimmed, then entity-decoded; CDATA is kept as is; attribute
// values are trimmed and decoded; line ends are normalised (CR LF and CR to LF) before anything else.
// The few constructs fast-xml-parser reads in its own way (names it refuses or renames, names
// containing a non-ASCII JavaScript space, processing instructions with quotes around "?>", stop-node
// names that its path expressions read as position selectors) send the document to
// fast-xml-parser itself (parseChecked), so the tree is the same in every case.

/** Names fast-xml-parser refuses (throws on) or renames. */
const FXP_RESERVED_NAMES: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);
/** fast-xml-parser splits names at any JavaScript space; XML allows some of them in names (U+1680, U+FEFF). */
const JS_SPACE = /\s/;
/** Names of processing-instruction pseudo-attributes fast-xml-parser throws on. */
const FXP_CRITICAL = /__proto__|constructor|prototype/;
/** Stop-node names fast-xml-parser's path expressions read as a position selector (`p:first`). */
const FXP_POSITION_SUFFIX = /:(?:first|last|odd|even)$/;

interface ElementName {
  name: string;
  prefix: string;
  local: string;
  /** fast-xml-parser reads this name in its own way. */
  legacy: boolean;
}

function normalizeNewlines(s: string): string {
  return s.includes('\r') ? s.replace(/\r\n?/g, '\n') : s;
}

/**
 * Where fast-xml-parser ends the processing instruction whose "<?" is at `from - 1`: the "?" of the
 * first "?>" outside quotes (from the "?" of "<?" on), or -1 when it finds none.
 */
function fxpPiEnd(text: string, from: number): number {
  const len = text.length;
  for (let k = from; k < len; k += 1) {
    const c = text.charCodeAt(k);
    if (c === 0x22 || c === 0x27) {
      k = text.indexOf(c === 0x22 ? '"' : "'", k + 1);
      if (k === -1) return -1;
    } else if (c === 0x3f && text.charCodeAt(k + 1) === 0x3e) {
      return k;
    }
  }
  return -1;
}

/** Only the root element is known when the scan decides whether to build a tree. */
type BuildWhen = ((root: XmlRootInfo) => boolean) | null;

function scanXml(text: string, limits: XmlLimits, buildWhen: BuildWhen): ScanOk | ScanFail {
  const findings: Finding[] = [];
  let rootInfo: XmlRootInfo | null = null;
  const fail = (code: string, message: string): ScanFail => {
    const error = finding(code, 'fatal', message);
    findings.push(error);
    return { ok: false, rootInfo, error, findings };
  };
  const malformed = (pos: number, what: string): ScanFail => fail('xml-malformed', `The XML is not well-formed: ${what} (line ${lineAt(text, pos)}).`);

  const dtd = findDtdMarkup(text);
  if (dtd) {
    const which = (dtd[1] ?? '').toUpperCase();
    return fail(
      which === 'DOCTYPE' ? 'xml-doctype-refused' : 'xml-entity-refused',
      `The XML contains a <!${which} declaration (line ${lineAt(text, dtd.index)}). Document type and entity declarations are never processed, so the file was refused; invoices and bank statements never need them.`,
    );
  }

  const names: string[] = [];
  const openedAt: number[] = [];
  /** Per open element: did it contain markup (child, comment, CDATA, PI)? */
  const markup: boolean[] = [];
  const textStart: number[] = [];
  /** Per open element: characters of its own text (CDATA included). */
  const textLen: number[] = [];
  const withMarkup = new Set<string>();
  const bulk = new Set<string>();
  /** Per element name: text of its large instances (to find large text mixed with markup). */
  const largeText = new Map<string, number>();
  const len = text.length;
  let elements = 0;
  let totalAttributes = 0;
  let references = 0;
  const tooManyReferences = (): ScanFail =>
    fail('xml-too-many-references', `The XML uses more than ${limits.maxReferences.toLocaleString('en')} entity or character references (&…;); the file was refused.`);
  let rootClosed = false;
  let sawRoot = false;
  let nextAmp = text.indexOf('&');
  let i = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1;

  const checkText = (from: number, to: number): ScanFail | null => {
    while (nextAmp !== -1 && nextAmp < to) {
      if (nextAmp >= from) {
        if (BAD_AMPERSAND_AT_START.test(text.slice(nextAmp, Math.min(nextAmp + 40, to)))) {
          return malformed(nextAmp, 'an "&" that is not one of &lt; &gt; &amp; &apos; &quot; or a character reference (undefined entity)');
        }
        references += 1;
        if (references > limits.maxReferences) return tooManyReferences();
      }
      nextAmp = text.indexOf('&', nextAmp + 1);
    }
    return null;
  };
  const markParent = (): void => {
    if (markup.length > 0) markup[markup.length - 1] = true;
  };

  // Tree building (only from the root element on, and only when buildWhen says so).
  let building = false;
  let legacy = false;
  let tree: XmlElement | null = null;
  /** Open elements of the tree (parallel to `names`). */
  const stack: XmlElement[] = [];
  /** Namespace declarations in scope, per open element. */
  const scopes: Record<string, string>[] = [];
  /** Text read since the last tag, CDATA section or processing instruction (line ends normalised). */
  let pending = '';
  const elementNames = new Map<string, ElementName>();
  /** Attributes of the start tag being read: names and values, in order (reused; the first attrCount are this tag's). */
  const attrNames: string[] = [];
  const attrValues: string[] = [];
  /** Attribute names seen (all valid), and whether fast-xml-parser reads them in its own way. */
  const attributeNames = new Map<string, boolean>();
  const stopBuilding = (): void => {
    building = false;
    tree = null;
    stack.length = 0;
    scopes.length = 0;
    pending = '';
  };
  /** Adds the pending text, trimmed and entity-decoded, to the open element. */
  const flushText = (): void => {
    if (pending === '') return;
    const t = pending.trim();
    pending = '';
    const el = stack[stack.length - 1];
    if (t !== '' && el) el.text += decodeXmlEntities(t);
  };

  while (i < len) {
    const lt = text.indexOf('<', i);
    const segmentEnd = lt === -1 ? len : lt;
    if (segmentEnd > i) {
      if (names.length === 0) {
        if (/\S/.test(text.slice(i, segmentEnd).replace(/^\uFEFF/, ''))) {
          return malformed(i, rootClosed ? 'text after the end of the root element' : 'text before the root element');
        }
      } else {
        const bad = checkText(i, segmentEnd);
        if (bad) return bad;
        textLen[textLen.length - 1] = (textLen[textLen.length - 1] ?? 0) + (segmentEnd - i);
        if (building) {
          // Whitespace before any text would be trimmed away: skip it without making a string.
          let k = i;
          if (pending === '') while (k < segmentEnd && isWhitespaceCode(text.charCodeAt(k))) k += 1;
          if (k < segmentEnd) pending += normalizeNewlines(text.slice(i, segmentEnd));
        }
      }
    }
    if (lt === -1) break;
    const c1 = text.charCodeAt(lt + 1);

    if (c1 === 0x3f /* ? */) {
      const end = text.indexOf('?>', lt + 2);
      if (end === -1) return malformed(lt, 'a processing instruction that never ends (truncated file?)');
      const target = /^[^\s?]*/.exec(text.slice(lt + 2, lt + 40))?.[0] ?? '';
      if (target.toLowerCase() === 'xml') {
        if (sawRoot || names.length > 0) return malformed(lt, 'an XML declaration inside the document');
        if (/\S/.test(text.slice(text.charCodeAt(0) === 0xfeff ? 1 : 0, lt))) {
          findings.push(finding('xml-declaration-not-first', 'warning', 'The XML declaration (<?xml …?>) is not at the very start of the file.'));
        }
      }
      markParent();
      if (buildWhen) {
        if (fxpPiEnd(text, lt + 1) !== end || FXP_CRITICAL.test(text.slice(lt + 2, end))) legacy = true;
        if (building) flushText();
      }
      i = end + 2;
      continue;
    }

    if (c1 === 0x21 /* ! */) {
      if (text.startsWith('<!--', lt)) {
        const end = text.indexOf('-->', lt + 4);
        if (end === -1) return malformed(lt, 'a comment that never ends (truncated file?)');
        markParent();
        i = end + 3;
        continue;
      }
      if (text.startsWith('<![CDATA[', lt)) {
        if (names.length === 0) return malformed(lt, 'a CDATA section outside the root element');
        const end = text.indexOf(']]>', lt + 9);
        if (end === -1) return malformed(lt, 'a CDATA section that never ends (truncated file?)');
        markParent();
        textLen[textLen.length - 1] = (textLen[textLen.length - 1] ?? 0) + (end - lt - 9);
        if (building) {
          flushText();
          const el = stack[stack.length - 1];
          if (el) el.text += normalizeNewlines(text.slice(lt + 9, end));
        }
        i = end + 3;
        continue;
      }
      return malformed(lt, `unexpected markup "${text.slice(lt, lt + 12)}"`);
    }

    if (c1 === 0x2f /* / */) {
      const end = text.indexOf('>', lt + 2);
      if (end === -1) return malformed(lt, 'a closing tag that never ends (truncated file?)');
      const open = names.pop();
      if (open === undefined) return malformed(lt, `a closing tag </${text.slice(lt + 2, end).replace(/[ \t\r\n]+$/, '').slice(0, 60)}> without an opening tag`);
      const openPos = openedAt.pop() ?? 0;
      const hadMarkup = markup.pop() ?? false;
      const start = textStart.pop() ?? lt;
      const ownText = textLen.pop() ?? 0;
      // </name> or </name + spaces>: compared in place (no string made for a matching tag).
      let matches = text.startsWith(open, lt + 2);
      for (let k = lt + 2 + open.length; matches && k < end; k += 1) matches = isWhitespaceCode(text.charCodeAt(k));
      if (!matches) {
        const name = text.slice(lt + 2, end).replace(/[ \t\r\n]+$/, '');
        if (open !== name) return malformed(lt, `</${name.slice(0, 60)}> closes <${open}> opened on line ${lineAt(text, openPos)}`);
      }
      const name = open;
      if (building) {
        flushText();
        stack.pop();
        scopes.pop();
      }
      if (hadMarkup) withMarkup.add(name);
      else if (lt - start > BULK_TEXT_CHARS) bulk.add(name);
      if (ownText > BULK_TEXT_CHARS) largeText.set(name, (largeText.get(name) ?? 0) + ownText);
      if (names.length === 0) rootClosed = true;
      i = end + 1;
      continue;
    }

    // Start tag: <name attr="v" ...> or <name .../>
    let p = lt + 1;
    while (p < len) {
      const c = text.charCodeAt(p);
      if (isWhitespaceCode(c) || c === 0x2f || c === 0x3e) break;
      p += 1;
    }
    const name = text.slice(lt + 1, p);
    if (p >= len) return malformed(lt, 'the file ends inside a tag (truncated file?)');
    let elementName = elementNames.get(name);
    if (!elementName) {
      if (!QNAME.test(name)) return malformed(lt, `an invalid element name "${name.slice(0, 60)}"`);
      const { prefix, local } = splitQName(name);
      elementName = { name, prefix, local, legacy: FXP_RESERVED_NAMES.has(name) || JS_SPACE.test(name) };
      elementNames.set(name, elementName);
    }
    if (rootClosed) return malformed(lt, `a second root element <${name}>`);

    let attrCount = 0;
    let seen: Set<string> | undefined;
    let selfClosing = false;
    let closed = false;
    while (p < len) {
      let c = text.charCodeAt(p);
      if (isWhitespaceCode(c)) {
        p += 1;
        continue;
      }
      if (c === 0x3e /* > */) {
        p += 1;
        closed = true;
        break;
      }
      if (c === 0x2f /* / */) {
        if (text.charCodeAt(p + 1) !== 0x3e) return malformed(p, `a stray "/" in <${name}>`);
        p += 2;
        selfClosing = true;
        closed = true;
        break;
      }
      const nameStart = p;
      while (p < len) {
        c = text.charCodeAt(p);
        if (isWhitespaceCode(c) || c === 0x3d || c === 0x3e || c === 0x2f) break;
        p += 1;
      }
      const attrName = text.slice(nameStart, p);
      if (!attributeNames.has(attrName)) {
        if (!ATTR_NAME.test(attrName)) return malformed(nameStart, `an invalid attribute name "${attrName.slice(0, 60)}" in <${name}>`);
        attributeNames.set(attrName, FXP_RESERVED_NAMES.has(attrName) || JS_SPACE.test(attrName));
      }
      while (p < len && isWhitespaceCode(text.charCodeAt(p))) p += 1;
      if (text.charCodeAt(p) !== 0x3d /* = */) {
        if (p >= len) break;
        return malformed(p, `attribute "${attrName}" of <${name}> has no value`);
      }
      p += 1;
      while (p < len && isWhitespaceCode(text.charCodeAt(p))) p += 1;
      const quote = text.charCodeAt(p);
      if (quote !== 0x22 && quote !== 0x27) {
        if (p >= len) break;
        return malformed(p, `attribute "${attrName}" of <${name}> is not quoted`);
      }
      const valueEnd = text.indexOf(quote === 0x22 ? '"' : "'", p + 1);
      if (valueEnd === -1) break;
      const value = text.slice(p + 1, valueEnd);
      if (value.includes('<')) return malformed(p, `a "<" inside attribute "${attrName}" of <${name}>`);
      if (value.includes('&')) {
        if (BAD_AMPERSAND.test(value)) return malformed(p, `an undefined entity or bare "&" in attribute "${attrName}" of <${name}>`);
        for (let a = value.indexOf('&'); a !== -1; a = value.indexOf('&', a + 1)) references += 1;
        if (references > limits.maxReferences) return tooManyReferences();
      }
      let duplicate = false;
      if (attrCount < 8) {
        for (let a = 0; a < attrCount; a += 1) if (attrNames[a] === attrName) duplicate = true;
      } else {
        duplicate = (seen ??= new Set(attrNames.slice(0, attrCount))).has(attrName);
      }
      if (duplicate) {
        return malformed(nameStart, `attribute "${attrName}" appears twice in <${name}>`);
      }
      attrNames[attrCount] = attrName;
      attrValues[attrCount] = value;
      attrCount += 1;
      seen?.add(attrName);
      if (attrCount > limits.maxAttributes) {
        return fail('xml-too-many-attributes', `An element <${name}> has more than ${limits.maxAttributes} attributes (line ${lineAt(text, lt)}); the file was refused.`);
      }
      totalAttributes += 1;
      if (totalAttributes > limits.maxTotalAttributes) {
        return fail('xml-too-many-attributes', `The XML has more than ${limits.maxTotalAttributes.toLocaleString('en')} attributes in total; the file was refused.`);
      }
      p = valueEnd + 1;
      const after = text.charCodeAt(p);
      if (p < len && !isWhitespaceCode(after) && after !== 0x3e && after !== 0x2f) {
        return malformed(p, `attributes of <${name}> are not separated by spaces`);
      }
    }
    if (!closed) return malformed(lt, `the file ends inside the tag <${name}> (truncated file?)`);

    elements += 1;
    if (!sawRoot) {
      sawRoot = true;
      const { prefix, local } = splitQName(name);
      const decl = nsDeclarations(attrNames, attrValues, attrCount) ?? {};
      rootInfo = { name, local, ns: resolveNs(prefix, decl) };
      building = buildWhen !== null && buildWhen(rootInfo);
    }
    if (building) {
      for (let a = 0; a < attrCount; a += 1) if (attributeNames.get(attrNames[a]!)) legacy = true;
      if (elements > limits.maxElements || elementName.legacy || legacy) {
        if (elementName.legacy) legacy = true;
        stopBuilding();
      } else {
        flushText();
        // As buildElement: namespace declarations (values trimmed and decoded) extend a copy of the parent's scope.
        const parentScope = scopes[scopes.length - 1] ?? {};
        let scope = parentScope;
        let copied = false;
        const elementAttrs: Record<string, string> = Object.create(null) as Record<string, string>;
        for (let a = 0; a < attrCount; a += 1) {
          const attrName = attrNames[a]!;
          const raw = attrValues[a]!;
          const value = decodeXmlEntities(normalizeNewlines(raw).trim());
          if (attrName === 'xmlns' || attrName.startsWith('xmlns:')) {
            if (!copied) {
              scope = { ...parentScope };
              copied = true;
            }
            scope[attrName === 'xmlns' ? '' : attrName.slice(6)] = value;
          } else {
            elementAttrs[attrName] = value;
          }
        }
        const el: XmlElement = { name: elementName.name, local: elementName.local, ns: resolveNs(elementName.prefix, scope), attrs: elementAttrs, children: [], text: '' };
        const parent = stack[stack.length - 1];
        if (parent) parent.children.push(el);
        else tree = el;
        if (!selfClosing) {
          stack.push(el);
          scopes.push(scope);
        }
      }
    }
    markParent();
    if (!selfClosing) {
      names.push(name);
      openedAt.push(lt);
      markup.push(false);
      textStart.push(p);
      textLen.push(0);
      if (names.length > limits.maxDepth) {
        return fail('xml-too-deep', `The XML nests elements more than ${limits.maxDepth} levels deep (line ${lineAt(text, lt)}); the file was refused.`);
      }
    } else if (names.length === 0) {
      rootClosed = true;
    }
    i = p;
  }

  if (!sawRoot) return fail('xml-malformed', 'The XML is not well-formed: there is no root element (empty file?).');
  if (names.length > 0) {
    const open = names[names.length - 1] ?? '';
    const at = openedAt[openedAt.length - 1] ?? 0;
    return fail(
      'xml-malformed',
      `The XML is not well-formed: the file ends at line ${lastLine(text)} before <${open}> (opened on line ${lineAt(text, at)}) is closed — the file looks truncated.`,
    );
  }
  if (!rootInfo) return fail('xml-malformed', 'The XML is not well-formed: there is no root element.');
  const bulkLeafNames = [...bulk].filter((n) => !withMarkup.has(n));
  let mixedText = 0;
  for (const [name, chars] of largeText) if (withMarkup.has(name) || name.includes('.')) mixedText += chars;
  if (mixedText > MAX_MIXED_TEXT_CHARS) {
    return fail('xml-text-too-large', `The XML holds ${(mixedText / (1024 * 1024)).toFixed(1)} MB of text mixed with comments or elements, which invoices and bank statements never have; the file was refused.`);
  }
  if (buildWhen && bulkLeafNames.some((n) => !n.includes('.') && FXP_POSITION_SUFFIX.test(n))) legacy = true;
  return { ok: true, rootInfo, elements, bulkLeafNames, findings, tree: legacy ? null : tree, legacy };
}

// ---------------------------------------------------------------------------------------------
// Tree building by fast-xml-parser (preserveOrder) with namespace resolution: the reference the
// scan's own tree follows, used for the documents scanXml marks `legacy`
// ---------------------------------------------------------------------------------------------

type OrderedNode = Record<string, unknown>;
const ATTRS_KEY = ':@';
const TEXT_KEY = '#text';

function buildElement(node: OrderedNode, parentScope: Readonly<Record<string, string>>, stopNames: ReadonlySet<string>): XmlElement | null {
  let tag: string | null = null;
  for (const key of Object.keys(node)) {
    if (key !== ATTRS_KEY) {
      tag = key;
      break;
    }
  }
  if (tag === null || tag === TEXT_KEY) return null;
  const rawAttrs = (node[ATTRS_KEY] ?? {}) as Record<string, unknown>;
  const attrs: Record<string, string> = Object.create(null) as Record<string, string>;
  let scope = parentScope;
  let copied = false;
  for (const [name, value] of Object.entries(rawAttrs)) {
    const v = typeof value === 'string' ? value : String(value);
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      if (!copied) {
        scope = { ...parentScope };
        copied = true;
      }
      (scope as Record<string, string>)[name === 'xmlns' ? '' : name.slice(6)] = v;
    } else {
      attrs[name] = v;
    }
  }
  const { prefix, local } = splitQName(tag);
  const children: XmlElement[] = [];
  const texts: string[] = [];
  const content = node[tag];
  if (Array.isArray(content)) {
    for (const item of content as OrderedNode[]) {
      if (item === null || typeof item !== 'object') continue;
      if (TEXT_KEY in item) {
        const t = item[TEXT_KEY];
        if (t !== undefined && t !== null) texts.push(String(t));
        continue;
      }
      const child = buildElement(item, scope, stopNames);
      if (child) children.push(child);
    }
  }
  let text = texts.length === 1 ? (texts[0] ?? '') : texts.join('');
  // Stop nodes come back raw (not trimmed, entities not decoded); the scan proved they hold no markup.
  if (stopNames.has(tag)) text = decodeXmlEntities(text.trim());
  return { name: tag, local, ns: resolveNs(prefix, scope), attrs, children, text };
}

function parseChecked(text: string, limits: XmlLimits, bulkLeafNames: readonly string[]): XmlElement {
  const stopNames = new Set(bulkLeafNames.filter((n) => !n.includes('.')));
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    removeNSPrefix: false,
    allowBooleanAttributes: false,
    processEntities: true,
    htmlEntities: false,
    entityDecoder: xmlOnlyEntityDecoder(),
    maxNestedTags: limits.maxDepth + 1,
    // `..name` matches below the root, `name` the root itself.
    stopNodes: [...stopNames].flatMap((n) => [`..${n}`, n]),
  });
  const ordered = parser.parse(text) as unknown;
  if (!Array.isArray(ordered)) throw new Error('unexpected parser output');
  for (const node of ordered as OrderedNode[]) {
    const el = buildElement(node, {}, stopNames);
    if (el) return el;
  }
  throw new Error('no root element');
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/** A document that passed every safety and well-formedness check, before any tree is built. */
export interface XmlChecked {
  ok: true;
  rootInfo: XmlRootInfo;
  encoding: string;
  findings: Finding[];
  /** The decoded document text. */
  text: string;
  /** Number of elements. */
  elements: number;
  /** Internal: leaf elements read as raw stop nodes when the tree is built by fast-xml-parser. */
  bulkLeafNames: readonly string[];
  limits: XmlLimits;
  /** Internal: the tree, when the check built it (see `buildIf`); buildXmlTree hands it out. */
  tree?: XmlElement | null;
  /** Internal: the tree must be built by fast-xml-parser (see scanXml). */
  legacy?: boolean;
}

export type XmlCheckResult = XmlChecked | Extract<SafeXmlResult, { ok: false }>;

/**
 * Which documents the check should also build the tree of, decided on the root element (the tree
 * is built in the same pass, so a document that will be read is scanned only once).
 */
export type BuildTreeIf = (root: XmlRootInfo) => boolean;

const ALWAYS: BuildTreeIf = () => true;

function refused(error: Finding, rootInfo: XmlRootInfo | null, encoding: string | null, earlier: readonly Finding[] = []): Extract<SafeXmlResult, { ok: false }> {
  return { ok: false, root: null, rootInfo, encoding, findings: [...earlier, error], error };
}

function checkText(text: string, limits: XmlLimits, encoding: string, buildIf: BuildTreeIf | null): XmlCheckResult {
  const scan = scanXml(text, limits, buildIf);
  if (!scan.ok) return { ok: false, root: null, rootInfo: scan.rootInfo, encoding, findings: scan.findings, error: scan.error };
  const checked: XmlChecked = { ok: true, rootInfo: scan.rootInfo, encoding, findings: scan.findings, text, elements: scan.elements, bulkLeafNames: scan.bulkLeafNames, limits };
  if (buildIf) {
    checked.tree = scan.tree;
    checked.legacy = scan.legacy;
  }
  return checked;
}

/**
 * Checks XML text (already decoded) without building a tree: DTD refusal, limits, well-formedness,
 * root element. Cheap (one linear scan); enough to classify a document by its root. With `buildIf`,
 * the same scan also builds the tree of documents whose root it accepts (for buildXmlTree).
 */
export function checkXmlText(text: string, limitsIn?: Partial<XmlLimits>, encoding = 'text', buildIf?: BuildTreeIf): XmlCheckResult {
  const limits = mergeLimits(limitsIn);
  if (text.length > limits.maxBytes) {
    return refused(finding('xml-too-large', 'fatal', `The XML is ${formatBytes(text.length)}, more than the ${formatBytes(limits.maxBytes)} limit; the file was refused.`), null, encoding);
  }
  return checkText(text, limits, encoding, buildIf ?? null);
}

/** Like {@link checkXmlText} for bytes: size check first, then BOM / UTF-16 / declared encoding. */
export function checkXmlBytes(bytes: Uint8Array, limitsIn?: Partial<XmlLimits>, buildIf?: BuildTreeIf): XmlCheckResult {
  const limits = mergeLimits(limitsIn);
  if (bytes.length > limits.maxBytes) {
    return refused(finding('xml-too-large', 'fatal', `The XML is ${formatBytes(bytes.length)}, more than the ${formatBytes(limits.maxBytes)} limit; the file was refused.`), null, null);
  }
  const decoded = decodeXmlBytes(bytes);
  if (decoded.error) return refused(decoded.error, null, decoded.encoding, decoded.findings.filter((f) => f !== decoded.error));
  const result = checkXmlText(decoded.text, { ...limits, maxBytes: Number.MAX_SAFE_INTEGER }, decoded.encoding, buildIf);
  if (decoded.findings.length > 0) result.findings.unshift(...decoded.findings);
  if (result.ok) result.limits = limits;
  return result;
}

/** The namespace-aware tree of a checked document (built by the check, or now). Never throws. */
export function buildXmlTree(checked: XmlChecked): SafeXmlResult {
  if (checked.elements > checked.limits.maxElements) {
    const message = `The XML has ${checked.elements.toLocaleString('en')} elements, more than the ${checked.limits.maxElements.toLocaleString('en')} that are read; the file was refused.`;
    return refused(finding('xml-too-many-elements', 'fatal', message), checked.rootInfo, checked.encoding, checked.findings);
  }
  let root = checked.tree ?? null;
  if (!root && !checked.legacy) {
    const scan = scanXml(checked.text, checked.limits, ALWAYS);
    if (scan.ok) root = scan.tree;
  }
  if (root) return { ok: true, root, rootInfo: checked.rootInfo, encoding: checked.encoding, findings: checked.findings, text: checked.text };
  try {
    root = parseChecked(checked.text, checked.limits, checked.bulkLeafNames);
    return { ok: true, root, rootInfo: checked.rootInfo, encoding: checked.encoding, findings: checked.findings, text: checked.text };
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    return refused(finding('xml-malformed', 'fatal', `The XML could not be read: ${detail.slice(0, 200)}.`), checked.rootInfo, checked.encoding, checked.findings);
  }
}

/** Parses XML text (already decoded) into a tree. Never throws; problems come back as findings. */
export function parseXmlText(text: string, limitsIn?: Partial<XmlLimits>, encoding = 'text'): SafeXmlResult {
  const checked = checkXmlText(text, limitsIn, encoding, ALWAYS);
  return checked.ok ? buildXmlTree(checked) : checked;
}

/** Parses XML bytes into a tree: size, encoding, safety and well-formedness checks first. */
export function parseXmlBytes(bytes: Uint8Array, limitsIn?: Partial<XmlLimits>): SafeXmlResult {
  const checked = checkXmlBytes(bytes, limitsIn, ALWAYS);
  return checked.ok ? buildXmlTree(checked) : checked;
}

/**
 * The root element of an XML document from its first bytes only (for files too large to parse):
 * skips the declaration, comments and processing instructions, refuses to look past a DOCTYPE.
 */
export function sniffXmlRoot(head: string): XmlRootInfo | null {
  let i = head.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    const lt = head.indexOf('<', i);
    if (lt === -1) return null;
    if (/\S/.test(head.slice(i, lt))) return null;
    if (head.startsWith('<?', lt)) {
      const end = head.indexOf('?>', lt);
      if (end === -1) return null;
      i = end + 2;
    } else if (head.startsWith('<!--', lt)) {
      const end = head.indexOf('-->', lt);
      if (end === -1) return null;
      i = end + 3;
    } else if (head.startsWith('<!', lt)) {
      return null;
    } else {
      const end = head.indexOf('>', lt);
      if (end === -1) return null;
      const tag = head.slice(lt + 1, end);
      const name = /^[^\s/>]+/.exec(tag)?.[0];
      if (!name || !QNAME.test(name)) return null;
      const decl: Record<string, string> = {};
      for (const m of tag.matchAll(/\s(xmlns(?::[^\s=]+)?)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        const attrName = m[1] ?? '';
        decl[attrName === 'xmlns' ? '' : attrName.slice(6)] = decodeXmlEntities(m[2] ?? m[3] ?? '');
      }
      const { prefix, local } = splitQName(name);
      return { name, local, ns: resolveNs(prefix, decl) };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Navigation helpers
// ---------------------------------------------------------------------------------------------

export function childElement(el: XmlElement | null | undefined, ns: string, local: string): XmlElement | null {
  if (!el) return null;
  for (const c of el.children) if (c.local === local && c.ns === ns) return c;
  return null;
}

export function childElements(el: XmlElement | null | undefined, ns: string, local: string): XmlElement[] {
  if (!el) return [];
  return el.children.filter((c) => c.local === local && c.ns === ns);
}

/** Follows a path of [namespace, local name] steps, taking the first match at each step. */
export function pathElement(el: XmlElement | null | undefined, ...steps: ReadonlyArray<readonly [string, string]>): XmlElement | null {
  let current: XmlElement | null = el ?? null;
  for (const [ns, local] of steps) {
    current = childElement(current, ns, local);
    if (!current) return null;
  }
  return current;
}

/** Trimmed text of an element, or null when absent or empty. */
export function elementText(el: XmlElement | null | undefined): string | null {
  if (!el) return null;
  const t = el.text.trim();
  return t === '' ? null : t;
}
