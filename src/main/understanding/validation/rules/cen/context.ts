/**
 * Per-document state of the CEN rules, built once per document (kept with its UblDocument, so
 * every rule of a validation shares it): the element index, the
 * elements each schematron `<rule context>` selects, and values several rules need (VAT
 * identifiers, lines by VAT category, ...).
 */
import { UBL_NS } from '../../../classify.ts';
import type { XmlElement } from '../../../safe-xml.ts';
import type { UblDocument } from '../../document.ts';
import { parseDecimal, type Decimal } from '../../../decimal.ts';
import { NotCastable } from './support/define.ts';
import { indexXml, type XmlIndex } from './support/xml-index.ts';
import { CAC, CBC, first, is, kids, normalizeSpace, nstr, sel, steps, str, xsBoolean } from './support/xpath.ts';

export type Category = 'S' | 'Z' | 'E' | 'AE' | 'K' | 'G' | 'O' | 'L' | 'M';

/** A line of the document as the VAT rules see it. */
export interface LineFacts {
  line: XmlElement;
  /** normalize-space(cbc:ID) of every cac:Item/cac:ClassifiedTaxCategory. */
  categoryIds: readonly string[];
  /** The Item/ClassifiedTaxCategory elements. */
  categories: readonly XmlElement[];
  amountEl: XmlElement | null;
}

/** A document-level allowance or charge as the VAT rules see it. */
export interface AllowanceChargeFacts {
  ac: XmlElement;
  charge: boolean | null;
  taxCategories: readonly XmlElement[];
  amountEl: XmlElement | null;
}

function shortText(text: string): string {
  const t = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return `"${t}"`;
}

/**
 * Parsed amounts by text (several rules read the same ones; Decimal values are immutable). Bounded, and
 * keyed by text rather than by element so that no document is kept alive by it.
 */
const decimals = new Map<string, Decimal>();
const MAX_CACHED_DECIMALS = 4096;

/** xs:decimal(el); throws NotCastable when XPath would fail. */
export function decimalAt(el: XmlElement, label: string): Decimal {
  let value = decimals.get(el.text);
  if (value) return value;
  value = parseDecimal(el.text) ?? undefined;
  if (!value) throw new NotCastable(el, `${label} ${shortText(el.text)} is not a number`);
  if (decimals.size >= MAX_CACHED_DECIMALS) decimals.clear();
  decimals.set(el.text, value);
  return value;
}

/** xs:decimal(el) of an optional element: null for none (the empty sequence). */
export function decimalOf(el: XmlElement | null | undefined, label: string): Decimal | null {
  return el ? decimalAt(el, label) : null;
}

/** An untyped value compared with a number (XPath casts it to xs:double: an exponent is allowed, kept exact); throws NotCastable when it is not numeric. */
export function numberAt(el: XmlElement, label: string): Decimal {
  const value = parseDecimal(el.text, { exponent: true });
  if (!value) throw new NotCastable(el, `${label} ${shortText(el.text)} is not a number`);
  return value;
}

export class CenState {
  readonly root: XmlElement;
  readonly index: XmlIndex;
  readonly isInvoice: boolean;
  readonly isCreditNote: boolean;
  readonly #patterns = new Map<string, readonly XmlElement[]>();
  readonly #names = new Map<string, readonly XmlElement[]>();
  readonly #memo = new Map<string, unknown>();
  readonly #vat = new Map<XmlElement, boolean>();
  #lineFacts: readonly LineFacts[] | null = null;
  #acFacts: readonly AllowanceChargeFacts[] | null = null;

  constructor(root: XmlElement, index: XmlIndex = indexXml(root)) {
    this.root = root;
    this.index = index;
    this.isInvoice = root.local === 'Invoice' && root.ns === UBL_NS.invoice;
    this.isCreditNote = root.local === 'CreditNote' && root.ns === UBL_NS.creditNote;
  }

  /** Every `cac:X` / `cbc:X` element of the document (XPath `//cac:X`). */
  all(name: string): readonly XmlElement[] {
    let found = this.#names.get(name);
    if (!found) {
      const [ns, local] = steps(name)[0] ?? ['', ''];
      found = this.index.byName(ns, local);
      this.#names.set(name, found);
    }
    return found;
  }

  /** A value computed once per document under `key` (for selections several rules share). */
  memo<T>(key: string, compute: (x: CenState) => T): T {
    if (this.#memo.has(key)) return this.#memo.get(key) as T;
    const value = compute(this);
    this.#memo.set(key, value);
    return value;
  }

  parent(el: XmlElement): XmlElement | null {
    return this.index.parent(el);
  }

  /**
   * The elements a schematron rule context selects: `a/b/c` = every c whose parent is a b whose
   * parent is an a; a leading `/` anchors the first step on the root element (`/ubl:Invoice/cac:X`
   * is written `/cac:X`). Cached.
   */
  match(pattern: string): readonly XmlElement[] {
    let found = this.#patterns.get(pattern);
    if (found) return found;
    const anchored = pattern.startsWith('/');
    const chain = steps(anchored ? pattern.slice(1) : pattern);
    const [ns, local] = chain[chain.length - 1] ?? ['', ''];
    found = this.index.byName(ns, local).filter((el) => {
      let node: XmlElement | null = el;
      for (let i = chain.length - 2; i >= 0; i -= 1) {
        node = node ? this.index.parent(node) : null;
        const [pns, plocal] = chain[i] ?? ['', ''];
        if (!is(node, pns, plocal)) return false;
      }
      return !anchored || (node !== null && this.index.parent(node) === this.root);
    });
    this.#patterns.set(pattern, found);
    return found;
  }

  /** cbc:ChargeIndicator as XPath compares it with true()/false(); null when absent or not a boolean. */
  chargeIndicator(ac: XmlElement): boolean | null {
    const ci = first(ac, 'cbc:ChargeIndicator');
    return ci ? xsBoolean(ci.text) : null;
  }

  /** `[cac:TaxScheme/normalize-space(upper-case(cbc:ID))='VAT']` on a (Classified)TaxCategory or PartyTaxScheme. */
  isVat(el: XmlElement): boolean {
    let v = this.#vat.get(el);
    if (v === undefined) {
      v = kids(el, CAC, 'TaxScheme').some((scheme) => normalizeSpace(str(scheme, 'cbc:ID').toUpperCase()) === 'VAT');
      this.#vat.set(el, v);
    }
    return v;
  }

  /** normalize-space(cbc:ID) of a tax category equals `code` (any cbc:ID child, as a general comparison). */
  hasId(category: XmlElement, code: string): boolean {
    for (const c of category.children) if (c.local === 'ID' && c.ns === CBC && normalizeSpace(c.text) === code) return true;
    return false;
  }

  /** `//cac:AllowanceCharge[cbc:ChargeIndicator = indicator]` (any level: document, line, price). */
  allowanceCharges(indicator: boolean): XmlElement[] {
    return this.all('cac:AllowanceCharge').filter((ac) => this.chargeIndicator(ac) === indicator);
  }

  /** The document's lines (`../../../cac:InvoiceLine` and `../../../cac:CreditNoteLine` from the VAT breakdown: children of the root). */
  get lines(): readonly LineFacts[] {
    if (!this.#lineFacts) {
      this.#lineFacts = this.root.children
        .filter((c) => c.ns === CAC && (c.local === 'InvoiceLine' || c.local === 'CreditNoteLine'))
        .map((line) => {
          const categories = sel(line, 'cac:Item/cac:ClassifiedTaxCategory');
          return { line, categories, categoryIds: categories.map((c) => nstr(c, 'cbc:ID')), amountEl: first(line, 'cbc:LineExtensionAmount') };
        });
    }
    return this.#lineFacts;
  }

  /** The document-level allowances and charges (children of the root). */
  get documentAllowanceCharges(): readonly AllowanceChargeFacts[] {
    if (!this.#acFacts) {
      this.#acFacts = kids(this.root, CAC, 'AllowanceCharge').map((ac) => ({
        ac,
        charge: this.chargeIndicator(ac),
        taxCategories: kids(ac, CAC, 'TaxCategory'),
        amountEl: first(ac, 'cbc:Amount'),
      }));
    }
    return this.#acFacts;
  }

  /** `exists(//<party path>/cac:PartyTaxScheme[VAT]/cbc:CompanyID)` (or without the VAT condition). */
  partyTaxId(partyPath: string, vatOnly: boolean): boolean {
    return this.match(`${partyPath}/cac:PartyTaxScheme`).some((pts) => (!vatOnly || this.isVat(pts)) && kids(pts, CBC, 'CompanyID').length > 0);
  }

  /** Seller VAT identifier (BT-31) in any PartyTaxScheme, whatever its scheme. */
  get sellerTaxIdAnyScheme(): boolean {
    return this.partyTaxId('cac:AccountingSupplierParty/cac:Party', false);
  }

  /** Seller VAT identifier (BT-31) in a PartyTaxScheme whose scheme is VAT. */
  get sellerVatId(): boolean {
    return this.partyTaxId('cac:AccountingSupplierParty/cac:Party', true);
  }

  /** Seller tax representative VAT identifier (BT-63). */
  get taxRepresentativeVatId(): boolean {
    return this.partyTaxId('cac:TaxRepresentativeParty', true);
  }

  /** Buyer VAT identifier (BT-48). */
  get buyerVatId(): boolean {
    return this.partyTaxId('cac:AccountingCustomerParty/cac:Party', true);
  }

  /** Buyer legal registration identifier (BT-47). */
  get buyerLegalId(): boolean {
    return this.match('cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID').length > 0;
  }

  /** The deepest element that exists along `path` from `from` (where to point when something below is missing). */
  nearest(from: XmlElement, path: string): XmlElement {
    let node = from;
    for (const [ns, local] of steps(path)) {
      const next = node.children.find((c) => c.local === local && c.ns === ns);
      if (!next) return node;
      node = next;
    }
    return node;
  }
}

const createState = (doc: UblDocument): CenState => new CenState(doc.root, doc.index);

/** The CEN state of a document (built on first use, then kept with the document). */
export function cen(doc: UblDocument): CenState {
  return doc.state(createState, createState);
}
