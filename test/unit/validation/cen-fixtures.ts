/**
 * Builds small, valid EN16931 UBL invoices and credit notes for the CEN rule tests: lines and
 * document-level allowances/charges by VAT category and rate; the VAT breakdown and the totals are
 * computed (exactly, with the decimal helpers) unless a test overrides them. Every element a rule
 * family needs (exemption reasons, VAT identifiers, delivery for K) is added according to the
 * categories used, so the base document breaks no CEN rule and the tests break exactly one thing.
 */
import { add, format, mul, parseDecimal, round, shift, sub, trimZeros, ZERO, type Decimal } from '../../../src/main/understanding/decimal.ts';
import { RULESETS } from '../../../src/main/understanding/validation/rulesets.ts';
import type { ValidationReport } from '../../../src/main/understanding/validation/types.ts';
import { validateFile } from './validate-file.ts';

export type Category = 'S' | 'Z' | 'E' | 'AE' | 'K' | 'G' | 'O' | 'L' | 'M';

export interface LineSpec {
  amount: string;
  category?: Category;
  /** Omitted for O. */
  rate?: string;
  /** Extra XML inside the line. */
  extra?: string;
}

export interface AllowanceChargeSpec {
  charge: boolean;
  amount: string;
  category?: Category;
  rate?: string;
  reason?: string | null;
  extra?: string;
}

export interface InvoiceSpec {
  creditNote?: boolean;
  lines?: LineSpec[];
  allowanceCharges?: AllowanceChargeSpec[];
  /** Totals written instead of the computed ones (null: leave the element out). */
  totals?: Partial<Record<'LineExtensionAmount' | 'TaxExclusiveAmount' | 'TaxInclusiveAmount' | 'AllowanceTotalAmount' | 'ChargeTotalAmount' | 'PrepaidAmount' | 'PayableRoundingAmount' | 'PayableAmount', string | null>>;
  /** The total VAT amount (BT-110) written instead of the computed one. */
  taxAmount?: string;
  /** Replaces the computed VAT breakdown (the cac:TaxSubtotal elements). */
  subtotals?: string;
  sellerVat?: string | null;
  buyerVat?: string | null;
  /** XML added to the root (e.g. cbc:Note, cac:InvoicePeriod, cac:PaymentMeans). */
  extra?: string;
  /** XML added inside the seller's cac:Party. */
  sellerExtra?: string;
}

const EXEMPTION: Partial<Record<Category, string>> = {
  E: 'VATEX-EU-132',
  AE: 'VATEX-EU-AE',
  K: 'VATEX-EU-IC',
  G: 'VATEX-EU-G',
  O: 'VATEX-EU-O',
};

const dec = (s: string): Decimal => {
  const d = parseDecimal(s);
  if (!d) throw new Error(`not a decimal: ${s}`);
  return d;
};
const money = (d: Decimal): string => format(trimZeros(d), 2);

function category(cat: Category, rate: string | undefined, tag = 'TaxCategory', withReason = false): string {
  const percent = cat === 'O' || rate === undefined ? '' : `<cbc:Percent>${rate}</cbc:Percent>`;
  const reason = withReason && EXEMPTION[cat] ? `<cbc:TaxExemptionReasonCode>${EXEMPTION[cat]}</cbc:TaxExemptionReasonCode>` : '';
  return `<cac:${tag}><cbc:ID>${cat}</cbc:ID>${percent}${reason}<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:${tag}>`;
}

function defaultRate(cat: Category): string | undefined {
  if (cat === 'O') return undefined;
  if (cat === 'S') return '21';
  if (cat === 'L') return '7';
  if (cat === 'M') return '4';
  return '0';
}

/** The XML of an invoice (or credit note) built from the spec. */
export function invoiceXml(spec: InvoiceSpec = {}): string {
  const cn = spec.creditNote === true;
  const root = cn ? 'CreditNote' : 'Invoice';
  const lineTag = cn ? 'CreditNoteLine' : 'InvoiceLine';
  const qtyTag = cn ? 'CreditedQuantity' : 'InvoicedQuantity';
  const lines = spec.lines ?? [{ amount: '100.00' }];
  const acs = spec.allowanceCharges ?? [];
  const used = new Set<Category>([...lines.map((l) => l.category ?? 'S'), ...acs.map((a) => a.category ?? 'S')]);
  const notSubject = used.has('O');

  // VAT breakdown: one group per (category, rate).
  const groups = new Map<string, { cat: Category; rate: string | undefined; taxable: Decimal }>();
  const group = (cat: Category, rate: string | undefined) => {
    const key = `${cat}|${rate ?? ''}`;
    let g = groups.get(key);
    if (!g) {
      g = { cat, rate, taxable: ZERO };
      groups.set(key, g);
    }
    return g;
  };
  let lineTotal = ZERO;
  for (const l of lines) {
    const cat = l.category ?? 'S';
    const g = group(cat, l.rate ?? defaultRate(cat));
    g.taxable = add(g.taxable, dec(l.amount));
    lineTotal = add(lineTotal, dec(l.amount));
  }
  let allowances = ZERO;
  let charges = ZERO;
  for (const a of acs) {
    const cat = a.category ?? 'S';
    const g = group(cat, a.rate ?? defaultRate(cat));
    g.taxable = a.charge ? add(g.taxable, dec(a.amount)) : sub(g.taxable, dec(a.amount));
    if (a.charge) charges = add(charges, dec(a.amount));
    else allowances = add(allowances, dec(a.amount));
  }
  let taxTotal = ZERO;
  const subtotals = [...groups.values()].map((g) => {
    const tax = g.rate === undefined ? ZERO : round(mul(g.taxable, shift(dec(g.rate), -2)), 2, 'half-ceiling');
    taxTotal = add(taxTotal, tax);
    return `<cac:TaxSubtotal><cbc:TaxableAmount currencyID="EUR">${money(g.taxable)}</cbc:TaxableAmount><cbc:TaxAmount currencyID="EUR">${money(tax)}</cbc:TaxAmount>${category(g.cat, g.rate, 'TaxCategory', true)}</cac:TaxSubtotal>`;
  });

  const exclusive = add(sub(lineTotal, allowances), charges);
  const computed: Record<string, string | null> = {
    LineExtensionAmount: money(lineTotal),
    TaxExclusiveAmount: money(exclusive),
    TaxInclusiveAmount: money(add(exclusive, taxTotal)),
    AllowanceTotalAmount: acs.some((a) => !a.charge) ? money(allowances) : null,
    ChargeTotalAmount: acs.some((a) => a.charge) ? money(charges) : null,
    PrepaidAmount: null,
    PayableRoundingAmount: null,
    PayableAmount: money(add(exclusive, taxTotal)),
  };
  const totals: Record<string, string | null | undefined> = { ...computed, ...(spec.totals ?? {}) };
  const totalXml = ['LineExtensionAmount', 'TaxExclusiveAmount', 'TaxInclusiveAmount', 'AllowanceTotalAmount', 'ChargeTotalAmount', 'PrepaidAmount', 'PayableRoundingAmount', 'PayableAmount']
    .filter((k) => totals[k] !== null && totals[k] !== undefined)
    .map((k) => `<cbc:${k} currencyID="EUR">${totals[k]}</cbc:${k}>`)
    .join('');

  const sellerVat = spec.sellerVat === undefined ? (notSubject ? null : 'BE0123456749') : spec.sellerVat;
  const buyerVat = spec.buyerVat === undefined ? (notSubject ? null : 'NL123456789B01') : spec.buyerVat;
  const vatScheme = (id: string | null) => (id ? `<cac:PartyTaxScheme><cbc:CompanyID>${id}</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>` : '');
  const delivery = used.has('K')
    ? '<cac:Delivery><cbc:ActualDeliveryDate>2026-01-10</cbc:ActualDeliveryDate><cac:DeliveryLocation><cac:Address><cac:Country><cbc:IdentificationCode>NL</cbc:IdentificationCode></cac:Country></cac:Address></cac:DeliveryLocation></cac:Delivery>'
    : '';
  const acXml = acs
    .map((a) => {
      const cat = a.category ?? 'S';
      const reason = a.reason === null ? '' : `<cbc:AllowanceChargeReason>${a.reason ?? (a.charge ? 'Freight' : 'Discount')}</cbc:AllowanceChargeReason>`;
      return `<cac:AllowanceCharge><cbc:ChargeIndicator>${a.charge}</cbc:ChargeIndicator>${reason}<cbc:Amount currencyID="EUR">${a.amount}</cbc:Amount>${category(cat, a.rate ?? defaultRate(cat))}${a.extra ?? ''}</cac:AllowanceCharge>`;
    })
    .join('');
  const lineXml = lines
    .map((l, i) => {
      const cat = l.category ?? 'S';
      return `<cac:${lineTag}><cbc:ID>${i + 1}</cbc:ID><cbc:${qtyTag} unitCode="C62">1</cbc:${qtyTag}><cbc:LineExtensionAmount currencyID="EUR">${l.amount}</cbc:LineExtensionAmount>${l.extra ?? ''}<cac:Item><cbc:Name>Item ${i + 1}</cbc:Name>${category(cat, l.rate ?? defaultRate(cat), 'ClassifiedTaxCategory')}</cac:Item><cac:Price><cbc:PriceAmount currencyID="EUR">${l.amount.replace('-', '')}</cbc:PriceAmount></cac:Price></cac:${lineTag}>`;
    })
    .join('');

  return `<?xml version="1.0" encoding="UTF-8"?>
<${root} xmlns="urn:oasis:names:specification:ubl:schema:xsd:${root}-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
<cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
<cbc:ID>TEST-1</cbc:ID>
<cbc:IssueDate>2026-01-15</cbc:IssueDate>
<cbc:${root}TypeCode>${cn ? '381' : '380'}</cbc:${root}TypeCode>
<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
${spec.extra ?? ''}
<cac:AccountingSupplierParty><cac:Party>${spec.sellerExtra ?? ''}<cac:PostalAddress><cac:Country><cbc:IdentificationCode>BE</cbc:IdentificationCode></cac:Country></cac:PostalAddress>${vatScheme(sellerVat)}<cac:PartyLegalEntity><cbc:RegistrationName>Seller NV</cbc:RegistrationName><cbc:CompanyID schemeID="0208">0123456749</cbc:CompanyID></cac:PartyLegalEntity></cac:Party></cac:AccountingSupplierParty>
<cac:AccountingCustomerParty><cac:Party><cac:PostalAddress><cac:Country><cbc:IdentificationCode>NL</cbc:IdentificationCode></cac:Country></cac:PostalAddress>${vatScheme(buyerVat)}<cac:PartyLegalEntity><cbc:RegistrationName>Buyer BV</cbc:RegistrationName></cac:PartyLegalEntity></cac:Party></cac:AccountingCustomerParty>
${delivery}
${acXml}
<cac:TaxTotal><cbc:TaxAmount currencyID="EUR">${spec.taxAmount ?? money(taxTotal)}</cbc:TaxAmount>${spec.subtotals ?? subtotals.join('')}</cac:TaxTotal>
<cac:LegalMonetaryTotal>${totalXml}</cac:LegalMonetaryTotal>
${lineXml}
</${root}>`;
}

/** Validates XML text with the CEN rules only. */
export function cenReport(xml: string): ValidationReport {
  const report = validateFile(xml, RULESETS.en16931);
  if (!report) throw new Error('no report');
  return report;
}

/** The ids of the fatal rules a document breaks. */
export function cenErrors(xml: string): string[] {
  return [...new Set(cenReport(xml).errors.map((e) => e.rule))].sort();
}

/** The ids of every rule (fatal or warning) a document breaks. */
export function cenFindings(xml: string): string[] {
  const r = cenReport(xml);
  return [...new Set([...r.errors, ...r.warnings].map((e) => e.rule))].sort();
}
