/**
 * CEN-style rules GLOBALUBL.BE 1.31 has and CEN 2026.5 no longer has (BR-66, BR-67, BR-CO-25,
 * the old Canary Islands / Ceuta-Melilla rules BR-IG-01..04 and BR-IP-01..04, UBL-SR-38). The CEN
 * rules GLOBALUBL.BE 1.31 comments out are simply not in its id list, so the ubl-be set leaves them out.
 */
import type { XmlElement } from '../../../safe-xml.ts';
import type { UblDocument } from '../../document.ts';
import type { Rule } from '../../types.ts';
import { compareUntyped } from './numbers.ts';
import { categoryIs, chargeIs, isVatScheme, lineLabel, rule, select, textsAt } from './xpath.ts';

/** `cac:TaxCategory`-like elements with `normalize-space(cbc:ID) = code` and a VAT tax scheme. */
function vatCategories(doc: UblDocument, elements: readonly XmlElement[], code: string): XmlElement[] {
  return elements.filter((c) => categoryIs(doc, c, code) && isVatScheme(doc, c));
}

/** The seller VAT identifier or the tax representative VAT identifier, as BR-IG-02..04 test them. */
function sellerHasTaxId(doc: UblDocument): boolean {
  return (
    select(doc, 'cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID').length > 0 ||
    select(doc, 'cac:TaxRepresentativeParty/cac:PartyTaxScheme').some((s) => isVatScheme(doc, s) && doc.exists(s, 'cbc:CompanyID'))
  );
}

/** BR-IG-01..04 (code L, IGIC) and BR-IP-01..04 (code M, IPSI). */
function spanishIndirectTaxRules(prefix: 'BR-IG' | 'BR-IP', code: 'L' | 'M', tax: string): Rule[] {
  const docLevel = (doc: UblDocument, charge: boolean | null): XmlElement[] =>
    select(doc, 'cac:AllowanceCharge/cac:TaxCategory').filter((c) => charge === null || chargeIs(doc, doc.parent(c)!, charge));
  return [
    rule(
      `${prefix}-01`,
      'fatal',
      `When an invoice line, a document level allowance or a document level charge uses VAT category "${tax}" (${code}), the VAT breakdown (BG-23) must contain that category.`,
      (doc, fail) => {
        const used = vatCategories(doc, docLevel(doc, null), code).length + vatCategories(doc, select(doc, 'cac:ClassifiedTaxCategory'), code).length;
        const breakdown = doc.all(doc.root, 'cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory');
        // The "used" branch compares cbc:ID without normalize-space (IGIC) or also requires the VAT scheme (IPSI).
        const listed = breakdown.filter((c) => textsAt(doc, c, 'cbc:ID').includes(code) && (code === 'L' || isVatScheme(doc, c))).length;
        const listedVat = vatCategories(doc, breakdown, code).length;
        if (!((used > 0 && listed > 0) || (used === 0 && listedVat === 0))) fail(doc.root, used > 0 ? `category ${code} used but not in the VAT breakdown` : `category ${code} in the VAT breakdown but not used`);
      },
    ),
    rule(
      `${prefix}-02`,
      'fatal',
      `An invoice line with VAT category "${tax}" (${code}) requires the seller VAT identifier (BT-31), the seller tax registration identifier (BT-32) or the tax representative VAT identifier (BT-63).`,
      (doc, fail) => {
        if (vatCategories(doc, select(doc, 'cac:ClassifiedTaxCategory'), code).length > 0 && !sellerHasTaxId(doc)) fail(doc.root);
      },
    ),
    rule(
      `${prefix}-03`,
      'fatal',
      `A document level allowance with VAT category "${tax}" (${code}) requires the seller VAT identifier (BT-31), the seller tax registration identifier (BT-32) or the tax representative VAT identifier (BT-63).`,
      (doc, fail) => {
        if (vatCategories(doc, docLevel(doc, false), code).length > 0 && !sellerHasTaxId(doc)) fail(doc.root);
      },
    ),
    rule(
      `${prefix}-04`,
      'fatal',
      `A document level charge with VAT category "${tax}" (${code}) requires the seller VAT identifier (BT-31), the seller tax registration identifier (BT-32) or the tax representative VAT identifier (BT-63).`,
      (doc, fail) => {
        if (vatCategories(doc, docLevel(doc, true), code).length > 0 && !sellerHasTaxId(doc)) fail(doc.root);
      },
    ),
  ];
}

export const onlyInUblbeRules: readonly Rule[] = [
  rule('BR-66', 'fatal', 'An invoice may contain at most one payment card (BG-18).', (doc, fail) => {
    const cards = doc.all(doc.root, 'cac:PaymentMeans/cac:CardAccount');
    if (cards.length > 1) fail(cards[1]!, `${cards.length} payment cards`);
  }),
  rule('BR-67', 'fatal', 'An invoice may contain at most one direct debit mandate (BG-19).', (doc, fail) => {
    const mandates = doc.all(doc.root, 'cac:PaymentMeans/cac:PaymentMandate');
    if (mandates.length > 1) fail(mandates[1]!, `${mandates.length} mandates`);
  }),
  rule(
    'BR-CO-25',
    'fatal',
    'When an amount is due for payment (BT-115 positive), the invoice must give a payment due date (BT-9) or payment terms (BT-20).',
    // Invoices only (context /ubl:Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount), as in GLOBALUBL.BE.
    (doc, fail) => {
      if (doc.isCreditNote) return;
      const hasTerms = select(doc, 'cbc:DueDate').length > 0 || select(doc, 'cac:PaymentTerms/cbc:Note').length > 0;
      for (const amount of doc.all(doc.root, 'cac:LegalMonetaryTotal/cbc:PayableAmount')) {
        if (compareUntyped(amount.text, '0') === 1 && !hasTerms) fail(amount, `amount due ${amount.text}`);
      }
    },
  ),
  ...spanishIndirectTaxRules('BR-IG', 'L', 'IGIC (Canary Islands)'),
  ...spanishIndirectTaxRules('BR-IP', 'M', 'IPSI (Ceuta and Melilla)'),
  rule('UBL-SR-38', 'fatal', 'The VAT exemption reason text of an item (cac:ClassifiedTaxCategory/cbc:TaxExemptionReason) may occur only once per line.', (doc, fail) => {
    for (const line of select(doc, 'cac:InvoiceLine | cac:CreditNoteLine')) {
      const reasons = doc.all(line, 'cac:Item/cac:ClassifiedTaxCategory/cbc:TaxExemptionReason');
      if (reasons.length > 1) fail(reasons[1]!, lineLabel(doc, line));
    }
  }),
];

