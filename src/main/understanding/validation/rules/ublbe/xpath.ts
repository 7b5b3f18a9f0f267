/**
 * Small XPath-like helpers for the GLOBALUBL.BE rules: schematron rule contexts ("every
 * cac:Party whose parent is cac:AccountingSupplierParty, anywhere"), normalize-space, the
 * xs:boolean reading of cbc:ChargeIndicator, xs:date, and the rule constructor.
 *
 * Our XML tree keeps each element's own text trimmed, so differences the schematron makes
 * between "" and "   " are not visible here (PEPPOL-EN16931-R008 reports both as empty).
 */
import type { XmlElement } from '../../../safe-xml.ts';
import { UBL_NS } from '../../../classify.ts';
import { PREFIXES, type UblDocument } from '../../document.ts';
import type { Rule, RuleSeverity } from '../../types.ts';

export function rule(id: string, severity: RuleSeverity, message: string, check: Rule['check']): Rule {
  return { id, severity, message, check };
}

/** Every element of the document (root included), in document order. */
export function everyElement(doc: UblDocument): readonly XmlElement[] {
  return doc.index.elements;
}

interface Step {
  ns: string | null;
  local: string;
}

const stepCache = new Map<string, Step>();

function step(qname: string): Step {
  let s = stepCache.get(qname);
  if (s) return s;
  if (qname === '*') s = { ns: null, local: '*' };
  else {
    const colon = qname.indexOf(':');
    const prefix = qname.slice(0, colon);
    const ns = prefix === 'inv' ? UBL_NS.invoice : prefix === 'cn' ? UBL_NS.creditNote : PREFIXES[prefix];
    if (colon < 0 || !ns) throw new Error(`Unknown step "${qname}"`);
    s = { ns, local: qname.slice(colon + 1) };
  }
  stepCache.set(qname, s);
  return s;
}

function stepMatches(el: XmlElement, s: Step): boolean {
  return s.local === '*' || (el.local === s.local && el.ns === s.ns);
}

/** True when the element has this qualified name (`cbc:ID`, `cac:Party`, `inv:Invoice`, `cn:CreditNote`, `*`). */
export function isNamed(el: XmlElement, qname: string): boolean {
  return stepMatches(el, step(qname));
}

interface Alternative {
  /** A leading `/`: the first step is the root element. */
  anchored: boolean;
  steps: readonly Step[];
}

const patterns = new Map<string, readonly Alternative[]>();

function compilePattern(pattern: string): readonly Alternative[] {
  let alternatives = patterns.get(pattern);
  if (alternatives) return alternatives;
  alternatives = pattern
    .split('|')
    .map((p) => p.trim())
    .map((alt) => ({ anchored: alt.startsWith('/') && !alt.startsWith('//'), steps: alt.replace(/^\/+/, '').split('/').map(step) }));
  patterns.set(pattern, alternatives);
  return alternatives;
}

/** The elements one alternative matches, in document order (from the shared per-document index). */
function selectAlternative(doc: UblDocument, alt: Alternative): readonly XmlElement[] {
  const index = doc.index;
  const { steps, anchored } = alt;
  const last = steps[steps.length - 1]!;
  const candidates = last.local === '*' ? index.elements : index.byName(last.ns, last.local);
  if (steps.length === 1 && !anchored) return candidates;
  const out: XmlElement[] = [];
  for (const el of candidates) {
    let node: XmlElement | null = el;
    for (let i = steps.length - 2; i >= 0 && node; i -= 1) {
      node = index.parent(node);
      if (node && !stepMatches(node, steps[i]!)) node = null;
    }
    if (node && (!anchored || node === doc.root)) out.push(el);
  }
  return out;
}

const newSelections = (): Map<string, readonly XmlElement[]> => new Map();

/**
 * The elements a schematron context pattern matches, in document order. `a/b/c` matches every
 * `c` whose parent is a `b` whose parent is an `a`, anywhere; a leading `/` anchors the first
 * step at the root element (`/inv:Invoice/cac:TaxTotal`). Alternatives are written `a | b`.
 * Computed once per document and pattern (from the document's element index); do not modify.
 */
export function select(doc: UblDocument, pattern: string): readonly XmlElement[] {
  const cache = doc.state(newSelections, newSelections);
  let found = cache.get(pattern);
  if (found) return found;
  const alternatives = compilePattern(pattern);
  if (alternatives.length === 1) {
    found = selectAlternative(doc, alternatives[0]!);
  } else {
    const matched = new Set<XmlElement>();
    for (const alt of alternatives) for (const el of selectAlternative(doc, alt)) matched.add(el);
    found = doc.index.inDocumentOrder(matched);
  }
  cache.set(pattern, found);
  return found;
}

/** Child elements with this qualified name. */
export function kids(el: XmlElement | null, qname: string): XmlElement[] {
  if (!el) return [];
  const s = step(qname);
  const out: XmlElement[] = [];
  for (const c of el.children) if (stepMatches(c, s)) out.push(c);
  return out;
}

const newMemo = (): Map<string, unknown> => new Map();

/** A value computed once per document (the schematron's global variables: $supplierCountry, …). */
export function perDocument<T>(doc: UblDocument, key: string, compute: () => T): T {
  const memo = doc.state(newMemo, newMemo);
  if (memo.has(key)) return memo.get(key) as T;
  const value = compute();
  memo.set(key, value);
  return value;
}

/** `normalize-space(value) = ''` without building the normalised string (trim removes every space normalize-space collapses). */
export function isBlank(value: string | null | undefined): boolean {
  return value === null || value === undefined || value.trim() === '';
}

/** XPath normalize-space. */
export function normalizeSpace(value: string | null | undefined): string {
  return (value ?? '').replace(/[ \t\r\n]+/g, ' ').trim();
}

/** The string value of an element: its own text and that of its descendants (our texts are trimmed). */
export function stringValue(el: XmlElement | null): string {
  if (!el) return '';
  if (el.children.length === 0) return el.text;
  return el.text + el.children.map((c) => stringValue(c)).join('');
}

/** Texts of the elements at a child path (empty ones included). */
export function textsAt(doc: UblDocument, from: XmlElement | null, path: string): string[] {
  return doc.all(from, path).map((e) => stringValue(e));
}

/** The xs:boolean reading of a value ('true'/'1', 'false'/'0'); null when it is neither (XPath error). */
export function xsBoolean(value: string): boolean | null {
  const v = value.trim();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return null;
}

/** `cac:AllowanceCharge[cbc:ChargeIndicator = true()/false()]`: some indicator reads as that boolean. */
export function chargeIs(doc: UblDocument, allowanceCharge: XmlElement, charge: boolean): boolean {
  return textsAt(doc, allowanceCharge, 'cbc:ChargeIndicator').some((t) => xsBoolean(t) === charge);
}

const DATE = /^(-?\d{4,})-(\d{2})-(\d{2})$/;

/** `castable as xs:date` for a value without time zone (callers check the length where the rule does). */
export function isXsDate(value: string | null | undefined): boolean {
  const m = DATE.exec((value ?? '').trim());
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

/** `cac:TaxScheme/normalize-space(upper-case(cbc:ID)) = 'VAT'` on a tax category. */
export function isVatScheme(doc: UblDocument, category: XmlElement): boolean {
  return textsAt(doc, category, 'cac:TaxScheme/cbc:ID').some((t) => normalizeSpace(t.toUpperCase()) === 'VAT');
}

/** `normalize-space(cbc:ID) = code` on a tax category (several IDs: any of them). */
export function categoryIs(doc: UblDocument, category: XmlElement, code: string): boolean {
  return textsAt(doc, category, 'cbc:ID').some((t) => normalizeSpace(t) === code);
}

/** Short label for a line in messages: "line 3". */
export function lineLabel(doc: UblDocument, line: XmlElement): string {
  const id = doc.text(line, 'cbc:ID');
  return id ? `line ${id}` : 'a line without identifier';
}

/** Quoted value for details, shortened. */
export function shown(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return 'empty';
  const v = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return `"${v}"`;
}
