/**
 * The UBL-CR rules ("a UBL invoice should not include X", ~680 of them), data-driven: the table
 * generated from the schematron (ubl-cr-table.ts) is compiled once into a tree of paths from the
 * document root, and one walk per document follows the tree (only where the document has elements
 * the table names), recording the first offending element and a count per rule. Each rule then only
 * looks up its result.
 */
import type { XmlElement } from '../../../safe-xml.ts';
import type { Rule } from '../../types.ts';
import { cen, type CenState } from './context.ts';
import { parseCrPath, type CrPredicate, type QName } from './ubl-cr-path.ts';
import { UBL_CR_TABLE, type UblCrEntry } from './ubl-cr-table.ts';

interface PathNode {
  /** The element this node matches (namespace and local name); the root node matches the root. */
  ns: string;
  local: string;
  predicate: CrPredicate | null;
  /** Next steps by local name (namespace checked on the node: cheaper than building a combined key). */
  children: Map<string, PathNode[]>;
  /** Rules (table positions) broken when an element reaches this node. */
  hits: number[];
  /** Rules broken when an element reaching this node has the attribute. */
  attributeHits: Array<readonly [string, number]>;
}

function node(name: QName | null, predicate: CrPredicate | null): PathNode {
  return { ns: name?.[0] ?? '', local: name?.[1] ?? '', predicate, children: new Map(), hits: [], attributeHits: [] };
}

function samePredicate(a: CrPredicate | null, b: CrPredicate | null): boolean {
  if (a === null || b === null) return a === b;
  return a.child[0] === b.child[0] && a.child[1] === b.child[1] && a.op === b.op && a.value === b.value && a.orAbsent === b.orAbsent;
}

function childNode(children: Map<string, PathNode[]>, name: QName, predicate: CrPredicate | null): PathNode {
  let list = children.get(name[1]);
  if (!list) {
    list = [];
    children.set(name[1], list);
  }
  let found = list.find((n) => n.ns === name[0] && samePredicate(n.predicate, predicate));
  if (!found) {
    found = node(name, predicate);
    list.push(found);
  }
  return found;
}

/** The compiled table: paths from the root, paths that start anywhere (`//`), and attributes anywhere (`//@x`). */
const fromRoot = node(null, null);
const anywhere = new Map<string, PathNode[]>();
const attributesAnywhere: Array<readonly [string, number]> = [];

UBL_CR_TABLE.forEach((entry, i) => {
  const path = parseCrPath(entry.path);
  if (path.steps.length === 0) {
    if (path.attribute) attributesAnywhere.push([path.attribute, i]);
    return;
  }
  // Union steps `(a|b)` become one branch per name.
  let ends: PathNode[] = [];
  path.steps.forEach((step, s) => {
    const next: PathNode[] = [];
    for (const name of step.names) {
      if (s === 0) next.push(childNode(path.anywhere ? anywhere : fromRoot.children, name, step.predicate));
      else for (const from of ends) next.push(childNode(from.children, name, step.predicate));
    }
    ends = next;
  });
  for (const end of ends) {
    if (path.attribute) end.attributeHits.push([path.attribute, i]);
    else end.hits.push(i);
  }
});

function predicateHolds(el: XmlElement, p: CrPredicate): boolean {
  const values = el.children.filter((c) => c.local === p.child[1] && c.ns === p.child[0]).map((c) => c.text);
  if (values.length === 0) return p.orAbsent;
  return p.op === '=' ? values.includes(p.value) : values.some((v) => v !== p.value);
}

interface Finding {
  first: XmlElement;
  count: number;
  /** allowedValue rules: some match has the allowed value. */
  allowed: boolean;
}

/** One pass over the document for every UBL-CR rule (once per document). */
export function evaluateUblCr(x: CenState): ReadonlyArray<Finding | undefined> {
  return x.memo('ubl-cr', evaluate);
}

function evaluate(x: CenState): ReadonlyArray<Finding | undefined> {
  const found: Array<Finding | undefined> = new Array<Finding | undefined>(UBL_CR_TABLE.length);
  const record = (i: number, el: XmlElement, count = 1): void => {
    const entry = UBL_CR_TABLE[i] as UblCrEntry;
    const allowed = entry.allowedValue !== undefined && el.text === entry.allowedValue;
    const f = found[i];
    if (f) {
      f.count += count;
      f.allowed ||= allowed;
    } else {
      found[i] = { first: el, count, allowed };
    }
  };
  const apply = (el: XmlElement, n: PathNode): void => {
    for (const i of n.hits) record(i, el);
    for (const [attr, i] of n.attributeHits) if (attr in el.attrs) record(i, el);
    if (n.children.size === 0) return;
    for (const child of el.children) {
      const next = n.children.get(child.local);
      if (!next) continue;
      for (const m of next) if (m.ns === child.ns && (!m.predicate || predicateHolds(child, m.predicate))) apply(child, m);
    }
  };
  apply(x.root, fromRoot);
  for (const nodes of anywhere.values()) {
    for (const m of nodes) for (const el of x.index.byName(m.ns, m.local)) if (!m.predicate || predicateHolds(el, m.predicate)) apply(el, m);
  }
  for (const [attr, i] of attributesAnywhere) {
    const owner = x.index.attrOwner(attr);
    if (owner) record(i, owner, x.index.attrCount(attr));
  }
  return found;
}

// --- Messages --------------------------------------------------------------------------------------

const PLACES: Readonly<Record<string, string>> = {
  AccountingSupplierParty: 'Seller details',
  AccountingCustomerParty: 'Buyer details',
  PayeeParty: 'Payee details',
  TaxRepresentativeParty: "Tax representative's details",
  Delivery: 'Delivery details',
  DeliveryTerms: 'Delivery terms',
  PaymentMeans: 'Payment instructions',
  PaymentTerms: 'Payment terms',
  AllowanceCharge: 'Document-level allowance or charge',
  TaxTotal: 'VAT totals',
  LegalMonetaryTotal: 'Document totals',
  InvoiceLine: 'Line',
  CreditNoteLine: 'Line',
  BillingReference: 'Preceding invoice reference',
  DespatchDocumentReference: 'Despatch advice reference',
  ReceiptDocumentReference: 'Receiving advice reference',
  OriginatorDocumentReference: 'Tender or lot reference',
  ContractDocumentReference: 'Contract reference',
  AdditionalDocumentReference: 'Supporting document',
  ProjectReference: 'Project reference',
  OrderReference: 'Order reference',
  InvoicePeriod: 'Invoicing period',
  PartyTaxScheme: 'Tax registration',
  Price: 'Item price',
  Country: 'Country',
  PaymentMandate: 'Direct debit mandate',
  CardAccount: 'Payment card',
  TaxCategory: 'VAT category',
  ClassifiedTaxCategory: 'Line VAT category',
  BuyersItemIdentification: "Buyer's item identifier",
  SellersItemIdentification: "Seller's item identifier",
  PayerFinancialAccount: "Payer's account",
  FinancialInstitution: 'Financial institution',
};

/** "TaxLevelCode" -> "tax level code", "UBLExtensions" -> "UBL extensions". */
function words(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(' ')
    .map((w) => (/^[A-Z0-9]{2,}$/.test(w) ? w : w.toLowerCase()))
    .join(' ');
}

const SPECIAL: Readonly<Record<string, string>> = {
  'UBL-CR-002': 'The UBL version (cbc:UBLVersionID) should be 2.1 when it is given.',
  'UBL-CR-412': 'The payment instructions carry a payment due date (cac:PaymentMeans/cbc:PaymentDueDate), which EN 16931 does not use in invoices: give the due date in cbc:DueDate (BT-9).',
  'UBL-CR-666': 'An invoiced object identifier (BT-18, supporting document with type code 130) must not carry an attachment.',
  'UBL-CR-673': 'An invoiced object identifier (BT-18, supporting document with type code 130) must not carry a description.',
};

function messageFor(entry: UblCrEntry): string {
  const special = SPECIAL[entry.id];
  if (special) return special;
  const path = parseCrPath(entry.path);
  const names = path.steps.map((s) => s.names[0]?.[1] ?? '');
  const place = path.steps.length > 1 || (path.attribute && path.steps.length > 0) ? (PLACES[names[0] ?? ''] ?? words(names[0] ?? '')) : 'Document';
  const last = names[names.length - 1] ?? '';
  const subject = path.attribute ? `the "${path.attribute}" attribute${last ? ` on "${words(last)}"` : ''}` : `"${words(last)}"`;
  const text = `${place}: ${subject} (${entry.path}) is not used by EN 16931; the receiver may ignore it.`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export const ublCrRules: readonly Rule[] = UBL_CR_TABLE.map((entry, i): Rule => ({
  id: entry.id,
  severity: entry.flag,
  message: messageFor(entry),
  check(doc, fail) {
    const x = cen(doc);
    const f = evaluateUblCr(x)[i];
    if (!f || f.allowed || (entry.invoiceOnly && x.isCreditNote)) return;
    fail(f.first, f.count > 1 ? `found ${f.count} times` : undefined);
  },
}));
