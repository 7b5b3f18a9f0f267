/**
 * The small path language of the UBL-CR ("should not include") rules, as the CEN schematron writes
 * their tests, e.g.
 *   cac:AccountingSupplierParty/cac:Party/cac:Language
 *   (cac:InvoiceLine|cac:CreditNoteLine)/cac:Item/cbc:PackQuantity
 *   //cac:PartyTaxScheme/cbc:CompanyID/@schemeID
 *   //cac:AdditionalDocumentReference[cbc:DocumentTypeCode = '130']/cac:Attachment
 *   //@unitCodeListID
 * Paths are relative to the document root unless they start with `//` (anywhere). Anything outside
 * this grammar throws, so a new release with a new kind of test is noticed by the extraction script.
 */
import { PREFIXES } from '../../document.ts';

export type QName = readonly [ns: string, local: string];

/** `[cbc:X = 'v']`, `[cbc:X != 'v']`, `[cbc:X != 'v' or not(cbc:X)]` (XPath general comparisons). */
export interface CrPredicate {
  child: QName;
  op: '=' | '!=';
  value: string;
  /** The predicate also holds when the element has no such child. */
  orAbsent: boolean;
}

export interface CrStep {
  /** One name, or the alternatives of a union step `(a|b)`. */
  names: readonly QName[];
  predicate: CrPredicate | null;
}

export interface CrPath {
  /** Starts with `//`: the first step matches at any depth. */
  anywhere: boolean;
  steps: readonly CrStep[];
  /** A final `@name` step: the rule is about an attribute on the last element (or on any element when there are no steps). */
  attribute: string | null;
}

function qname(text: string, path: string): QName {
  const m = /^([a-z]+):([A-Za-z0-9]+)$/.exec(text.trim());
  const ns = m ? PREFIXES[m[1] ?? ''] : undefined;
  if (!m || !ns) throw new Error(`UBL-CR path "${path}": "${text}" is not a cac:/cbc:/ext: element name`);
  return [ns, m[2] ?? ''];
}

function predicate(text: string, path: string): CrPredicate {
  const orAbsent = /^(\S+)\s*!=\s*'([^']*)'\s+or\s+not\(\s*(\S+)\s*\)$/.exec(text);
  if (orAbsent && orAbsent[1] === orAbsent[3]) return { child: qname(orAbsent[1] ?? '', path), op: '!=', value: orAbsent[2] ?? '', orAbsent: true };
  const simple = /^(\S+)\s*(!=|=)\s*'([^']*)'$/.exec(text);
  if (simple) return { child: qname(simple[1] ?? '', path), op: simple[2] === '=' ? '=' : '!=', value: simple[3] ?? '', orAbsent: false };
  throw new Error(`UBL-CR path "${path}": unsupported predicate [${text}]`);
}

/** Splits on `/` outside brackets and parentheses. */
function split(path: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < path.length; i += 1) {
    const c = path[i];
    if (c === '[' || c === '(') depth += 1;
    else if (c === ']' || c === ')') depth -= 1;
    else if (c === '/' && depth === 0) {
      parts.push(path.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(path.slice(start));
  return parts;
}

export function parseCrPath(path: string): CrPath {
  const anywhere = path.startsWith('//');
  const parts = split(anywhere ? path.slice(2) : path);
  let attribute: string | null = null;
  const last = parts[parts.length - 1] ?? '';
  if (last.startsWith('@')) {
    attribute = last.slice(1);
    if (!/^[A-Za-z]+$/.test(attribute)) throw new Error(`UBL-CR path "${path}": unsupported attribute step ${last}`);
    parts.pop();
  }
  const steps = parts.map((part): CrStep => {
    if (part === '') throw new Error(`UBL-CR path "${path}": empty step`);
    const union = /^\(([^()]+)\)$/.exec(part);
    if (union) return { names: (union[1] ?? '').split('|').map((n) => qname(n, path)), predicate: null };
    const withPredicate = /^([^[\]]+)\[(.+)\]$/.exec(part);
    if (withPredicate) return { names: [qname(withPredicate[1] ?? '', path)], predicate: predicate((withPredicate[2] ?? '').trim(), path) };
    return { names: [qname(part, path)], predicate: null };
  });
  if (steps.length === 0 && !(anywhere && attribute)) throw new Error(`UBL-CR path "${path}": no steps`);
  return { anywhere, steps, attribute };
}
