/**
 * Per-document facts the Peppol (and SI-UBL) rules share, computed once per UblDocument and kept
 * with it (UblDocument.state): every element in document order with its parent, elements grouped by
 * name (the document's shared index), the schematron's global variables ($profile,
 * $supplierCountry, …). Rules then only walk the groups they need, so a document costs one tree
 * walk whatever the number of rules.
 */
import { UBL_NS } from '../../../classify.ts';
import type { XmlElement } from '../../../safe-xml.ts';
import type { UblDocument } from '../../document.ts';
import { PREFIXES } from '../../document.ts';
import type { XmlIndex } from '../cen/support/xml-index.ts';
import { normalizeSpace } from './xpath.ts';

const PREFIX_OF = new Map<string, string>(Object.entries(PREFIXES).map(([prefix, ns]) => [ns, prefix]));
PREFIX_OF.set(UBL_NS.invoice, 'inv');
PREFIX_OF.set(UBL_NS.creditNote, 'cn');

interface Name {
  ns: string;
  local: string;
}
const names = new Map<string, Name>();
function nameOf(key: string): Name {
  let n = names.get(key);
  if (!n) {
    const colon = key.indexOf(':');
    const ns = colon > 0 ? ({ ...PREFIXES, inv: UBL_NS.invoice, cn: UBL_NS.creditNote } as Record<string, string>)[key.slice(0, colon)] : undefined;
    if (!ns) throw new Error(`unknown element key ${key}`);
    n = { ns, local: key.slice(colon + 1) };
    names.set(key, n);
  }
  return n;
}

/** Is `el` the element named by `key` (e.g. "cbc:ID")? */
export function is(el: XmlElement | null | undefined, key: string): el is XmlElement {
  if (!el) return false;
  const n = nameOf(key);
  return el.local === n.local && el.ns === n.ns;
}

/** Child elements named `key`. */
export function kids(el: XmlElement | null | undefined, key: string): XmlElement[] {
  if (!el) return [];
  const n = nameOf(key);
  const out: XmlElement[] = [];
  for (const c of el.children) if (c.local === n.local && c.ns === n.ns) out.push(c);
  return out;
}

/** First child element named `key`. */
export function kid(el: XmlElement | null | undefined, key: string): XmlElement | null {
  if (!el) return null;
  const n = nameOf(key);
  for (const c of el.children) if (c.local === n.local && c.ns === n.ns) return c;
  return null;
}

/** Every element reached by a `/`-separated path of keys (all matches at every step), like XPath `a/b/c`. */
const splitPaths = new Map<string, readonly Name[]>();

export function at(el: XmlElement | null | undefined, path: string): XmlElement[] {
  if (!el) return [];
  let steps = splitPaths.get(path);
  if (!steps) splitPaths.set(path, (steps = path.split('/').map(nameOf)));
  let current: XmlElement[] = [el];
  for (const n of steps) {
    const next: XmlElement[] = [];
    for (const c of current) for (const k of c.children) if (k.local === n.local && k.ns === n.ns) next.push(k);
    if (next.length === 0) return next;
    current = next;
  }
  return current;
}

/** First element reached by the path (document order), or null. */
export function at1(el: XmlElement | null | undefined, path: string): XmlElement | null {
  return at(el, path)[0] ?? null;
}

/** The (trimmed) text of an element, '' when absent. */
export function txt(el: XmlElement | null | undefined): string {
  return el?.text ?? '';
}

/** XPath string(.): the element's text and that of all descendants. */
export function stringValue(el: XmlElement | null | undefined): string {
  if (!el) return '';
  if (el.children.length === 0) return el.text;
  let s = el.text;
  for (const c of el.children) s += stringValue(c);
  return s;
}

/** normalize-space() of the first element at the path ('' when absent). */
export function nsText(el: XmlElement | null | undefined, path: string): string {
  return normalizeSpace(stringValue(at1(el, path)));
}

export type Variant = 'billing' | 'selfbilling';

export class DocFacts {
  readonly doc: UblDocument;
  readonly root: XmlElement;
  /** The root is `ubl-invoice:Invoice` (schematron `/ubl-invoice:Invoice`). */
  readonly isInvoice: boolean;
  /** The root is `ubl-creditnote:CreditNote`. */
  readonly isCreditNote: boolean;
  /** Every element, document order (root first). */
  readonly all: readonly XmlElement[];
  /** The document's shared element index (one walk per document, see UblDocument.index). */
  private readonly index: XmlIndex;
  /** Elements by key (`cbc:Amount`), filled on first request from the index. */
  private readonly byKey = new Map<string, readonly XmlElement[]>();
  private readonly memo = new Map<string, unknown>();

  constructor(doc: UblDocument) {
    this.doc = doc;
    this.root = doc.root;
    this.isInvoice = this.root.ns === UBL_NS.invoice && this.root.local === 'Invoice';
    this.isCreditNote = this.root.ns === UBL_NS.creditNote && this.root.local === 'CreditNote';
    this.index = doc.index;
    this.all = this.index.elements;
  }

  /** Elements named `key` anywhere in the document (document order). */
  named(key: string): readonly XmlElement[] {
    let list = this.byKey.get(key);
    if (!list) {
      const n = nameOf(key);
      list = this.index.byName(n.ns, n.local);
      this.byKey.set(key, list);
    }
    return list;
  }

  parent(el: XmlElement): XmlElement | null {
    return this.index.parent(el);
  }

  /** Is the parent of `el` named `key`? */
  parentIs(el: XmlElement, key: string): boolean {
    return is(this.index.parent(el), key);
  }

  /** Does `el` sit at the end of the key path, e.g. under(el, ['cac:AccountingSupplierParty', 'cac:Party'])? */
  under(el: XmlElement, ancestors: readonly string[]): boolean {
    let node: XmlElement | null = el;
    for (let i = ancestors.length - 1; i >= 0; i -= 1) {
      node = node ? this.index.parent(node) : null;
      if (!is(node, ancestors[i]!)) return false;
    }
    return true;
  }

  /** Cached value for this document. */
  once<T>(key: string, compute: () => T): T {
    if (this.memo.has(key)) return this.memo.get(key) as T;
    const value = compute();
    this.memo.set(key, value);
    return value;
  }

  // -------------------------------------------------------------------------------------------
  // The schematron's global variables
  // -------------------------------------------------------------------------------------------

  /** upper-case(normalize-space(/*\/cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode)) */
  supplierPostalCountry(): string {
    return this.once('supplierPostalCountry', () => nsText(this.root, 'cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode').toUpperCase());
  }

  customerPostalCountry(): string {
    return this.once('customerPostalCountry', () => nsText(this.root, 'cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode').toUpperCase());
  }

  taxRepresentativePostalCountry(): string {
    return this.once('taxRepPostalCountry', () => nsText(this.root, 'cac:TaxRepresentativeParty/cac:PostalAddress/cac:Country/cbc:IdentificationCode').toUpperCase());
  }

  /** $supplierCountryIsDE and $customerCountryIsDE */
  bothGerman(): boolean {
    return this.supplierPostalCountry() === 'DE' && this.customerPostalCountry() === 'DE';
  }

  /**
   * The schematron's $supplierCountry: the first two letters of the seller's VAT identifier, else
   * of the tax representative's, else the seller's country code, else 'XX'. With
   * `withTaxRepresentative` false it is $accountingSupplierCountry (Greek rules).
   */
  supplierCountry(withTaxRepresentative = true): string {
    return this.once(`supplierCountry:${withTaxRepresentative}`, () => {
      const seller = vatPrefix(this.root, 'cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme');
      if (seller !== null) return seller;
      if (withTaxRepresentative) {
        const rep = vatPrefix(this.root, 'cac:TaxRepresentativeParty/cac:PartyTaxScheme');
        if (rep !== null) return rep;
      }
      if (at1(this.root, 'cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode')) return this.supplierPostalCountry();
      return 'XX';
    });
  }

  /** The schematron's $customerCountry. */
  customerCountry(): string {
    return this.once('customerCountry', () => {
      const buyer = vatPrefix(this.root, 'cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme');
      if (buyer !== null) return buyer;
      if (at1(this.root, 'cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode')) return this.customerPostalCountry();
      return 'XX';
    });
  }

  /** The schematron's $profile for the billing or the self-billing artefact: '01', '02' or 'Unknown'. */
  profile(variant: Variant): '01' | '02' | 'Unknown' {
    return this.once(`profile:${variant}`, () => {
      const p = nsText(this.root, 'cbc:ProfileID');
      const first = variant === 'billing' ? 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0' : 'urn:fdc:peppol.eu:2017:poacc:selfbilling:01:1.0';
      if (p === first || p === 'urn:peppol:france:billing:regulated' || p === 'urn:peppol:france:billing:non-regulated') return '01';
      if (p === 'urn:peppol:bis:billing_with_response') return '02';
      return 'Unknown';
    });
  }

  /** String values of /*\/cbc:DocumentCurrencyCode ($documentCurrencyCode; compared with `=` to any of them). */
  documentCurrencies(): readonly string[] {
    return this.once('documentCurrencies', () => kids(this.root, 'cbc:DocumentCurrencyCode').map((el) => stringValue(el)));
  }
}

/**
 * `if (P/cac:PartyTaxScheme[cac:TaxScheme/cbc:ID = 'VAT']/substring(cbc:CompanyID, 1, 2)) then
 * upper-case(normalize-space(…))`: the VAT prefix, or null when the condition is false (no such
 * scheme, or its CompanyID is empty or absent).
 */
function vatPrefix(root: XmlElement, schemesPath: string): string | null {
  const prefixes: string[] = [];
  for (const scheme of at(root, schemesPath)) {
    if (!at(scheme, 'cac:TaxScheme/cbc:ID').some((id) => txt(id) === 'VAT')) continue;
    prefixes.push(stringValue(kid(scheme, 'cbc:CompanyID')).slice(0, 2));
  }
  // One string: true when not empty. Several: the official artefact stops with an error; we use the first.
  const first = prefixes[0];
  if (first === undefined || (prefixes.length === 1 && first === '')) return null;
  return normalizeSpace(first).toUpperCase();
}

const createFacts = (doc: UblDocument): DocFacts => new DocFacts(doc);

/** The cached facts of a document. */
export function factsOf(doc: UblDocument): DocFacts {
  return doc.state(createFacts, createFacts);
}
