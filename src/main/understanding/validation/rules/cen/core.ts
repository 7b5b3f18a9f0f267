/**
 * CEN EN16931 business rules BR-01..BR-65 and the structural BR-CO rules (pattern "UBL-model" of
 * CEN-EN16931-UBL.sch 2026.5, apart from the VAT categories, totals and code lists, which have their
 * own modules). Each rule follows its schematron context and test; comments quote the test where
 * XPath semantics are not obvious.
 */
import type { XmlElement } from '../../../safe-xml.ts';
import type { Rule } from '../../types.ts';
import { cen, numberAt, type CenState } from './context.ts';
import { cmp, ZERO } from '../../../decimal.ts';
import { contextRule, NotCastable, type Verdict } from './support/define.ts';
import { CAC, CBC, first, has, is, kids, normalizeSpace, nstr, parseXsDate, sel, stringLength } from './support/xpath.ts';

function fatal(id: string, message: string, contexts: (x: CenState) => Iterable<XmlElement>, test: (x: CenState, el: XmlElement) => Verdict): Rule {
  return contextRule(cen, id, 'fatal', message, contexts, test);
}

const root = (x: CenState): XmlElement[] => [x.root];
/** Document-level allowances (false) or charges (true): `/ubl:Invoice/cac:AllowanceCharge[cbc:ChargeIndicator = …]`. */
const documentAc = (charge: boolean) => (x: CenState) => x.match('/cac:AllowanceCharge').filter((ac) => x.chargeIndicator(ac) === charge);
/** Line allowances (false) or charges (true): `//cac:InvoiceLine/cac:AllowanceCharge[…] | //cac:CreditNoteLine/cac:AllowanceCharge[…]`. */
const lineAc = (charge: boolean) => (x: CenState) =>
  x.all('cac:AllowanceCharge').filter((ac) => {
    const p = x.parent(ac);
    return (is(p, CAC, 'InvoiceLine') || is(p, CAC, 'CreditNoteLine')) && x.chargeIndicator(ac) === charge;
  });
/** `cac:InvoiceLine | cac:CreditNoteLine` (wherever they are). */
const lines = (x: CenState): XmlElement[] => [...x.all('cac:InvoiceLine'), ...x.all('cac:CreditNoteLine')];
/** Line periods take the line rule: `cac:InvoiceLine/cac:InvoicePeriod | cac:CreditNoteLine/cac:InvoicePeriod`. */
const isLinePeriod = (x: CenState, period: XmlElement): boolean => {
  const p = x.parent(period);
  return is(p, CAC, 'InvoiceLine') || is(p, CAC, 'CreditNoteLine');
};
/** Neither a reason (text) nor a reason code. */
const hasReason = (ac: XmlElement): boolean => has(ac, 'cbc:AllowanceChargeReason') || has(ac, 'cbc:AllowanceChargeReasonCode');
/** `exists(cac:TaxCategory[cac:TaxScheme/normalize-space(upper-case(cbc:ID))='VAT']/cbc:ID)`. */
const hasVatCategoryId = (x: CenState, el: XmlElement, name = 'TaxCategory'): boolean => kids(el, CAC, name).some((c) => x.isVat(c) && has(c, 'cbc:ID'));

/** `(exists(cbc:EndDate) and exists(cbc:StartDate) and xs:date(cbc:EndDate) >= xs:date(cbc:StartDate)) or not(exists(cbc:StartDate)) or not(exists(cbc:EndDate))`. */
function periodInOrder(period: XmlElement, what: string): Verdict {
  const start = first(period, 'cbc:StartDate');
  const end = first(period, 'cbc:EndDate');
  if (!start || !end) return true;
  const s = parseXsDate(start.text);
  if (s === null) throw new NotCastable(start, `the ${what} start date "${start.text}" is not a valid date (YYYY-MM-DD)`);
  const e = parseXsDate(end.text);
  if (e === null) throw new NotCastable(end, `the ${what} end date "${end.text}" is not a valid date (YYYY-MM-DD)`);
  return e >= s ? true : { at: end, detail: `${start.text} to ${end.text}` };
}

export const coreRules: readonly Rule[] = [
  // --- The document ---------------------------------------------------------------------------
  fatal('BR-01', 'The document has no specification identifier (BT-24, cbc:CustomizationID).', root, (x) => nstr(x.root, 'cbc:CustomizationID') !== ''),
  fatal('BR-02', 'The document has no invoice number (BT-1).', root, (x) => nstr(x.root, 'cbc:ID') !== ''),
  fatal('BR-03', 'The document has no issue date (BT-2).', root, (x) => nstr(x.root, 'cbc:IssueDate') !== ''),
  fatal('BR-04', 'The document has no type code (BT-3, e.g. 380 invoice, 381 credit note).', root, (x) => nstr(x.root, 'cbc:InvoiceTypeCode') !== '' || nstr(x.root, 'cbc:CreditNoteTypeCode') !== ''),
  fatal('BR-05', 'The document has no currency code (BT-5).', root, (x) => nstr(x.root, 'cbc:DocumentCurrencyCode') !== ''),
  fatal('BR-06', 'The document has no seller name (BT-27).', root, (x) =>
    nstr(x.root, 'cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName') !== '' ? true : { at: x.nearest(x.root, 'cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity') },
  ),
  fatal('BR-07', 'The document has no buyer name (BT-44).', root, (x) =>
    nstr(x.root, 'cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName') !== '' ? true : { at: x.nearest(x.root, 'cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity') },
  ),
  fatal('BR-08', 'The document has no seller postal address (BG-5).', root, (x) =>
    has(x.root, 'cac:AccountingSupplierParty/cac:Party/cac:PostalAddress') ? true : { at: x.nearest(x.root, 'cac:AccountingSupplierParty/cac:Party') },
  ),
  fatal('BR-10', 'The document has no buyer postal address (BG-8).', root, (x) =>
    has(x.root, 'cac:AccountingCustomerParty/cac:Party/cac:PostalAddress') ? true : { at: x.nearest(x.root, 'cac:AccountingCustomerParty/cac:Party') },
  ),
  fatal('BR-16', 'The document has no lines (BG-25): at least one invoice line is required.', root, (x) => has(x.root, 'cac:InvoiceLine') || has(x.root, 'cac:CreditNoteLine')),
  // every $taxcurrency in cbc:TaxCurrencyCode satisfies exists(//cac:TaxTotal/cbc:TaxAmount[@currencyID=$taxcurrency])
  fatal('BR-53', 'The document has a VAT accounting currency (BT-6) but no total VAT amount in that currency (BT-111).', root, (x) => {
    const amounts = x.match('cac:TaxTotal/cbc:TaxAmount');
    for (const code of kids(x.root, CBC, 'TaxCurrencyCode')) {
      if (!amounts.some((a) => a.attrs['currencyID'] === code.text)) return { at: code, detail: `no TaxTotal/TaxAmount in ${code.text}` };
    }
    return true;
  }),
  fatal('BR-CO-03', 'The document gives both a VAT point date (BT-7) and a VAT point date code (BT-8); only one of them may be used.', root, (x) => {
    const date = first(x.root, 'cbc:TaxPointDate');
    return date && has(x.root, 'cac:InvoicePeriod/cbc:DescriptionCode') ? { at: date } : true;
  }),
  fatal('BR-CO-18', 'The document has no VAT breakdown (BG-23): at least one cac:TaxSubtotal is required.', root, (x) =>
    has(x.root, 'cac:TaxTotal/cac:TaxSubtotal') ? true : { at: first(x.root, 'cac:TaxTotal') },
  ),

  // --- Parties --------------------------------------------------------------------------------
  fatal('BR-09', 'The seller postal address has no country code (BT-40).', (x) => x.match('cac:AccountingSupplierParty/cac:Party/cac:PostalAddress'), (_x, pa) => nstr(pa, 'cac:Country/cbc:IdentificationCode') !== ''),
  fatal('BR-11', 'The buyer postal address has no country code (BT-55).', (x) => x.match('cac:AccountingCustomerParty/cac:Party/cac:PostalAddress'), (_x, pa) => nstr(pa, 'cac:Country/cbc:IdentificationCode') !== ''),
  fatal('BR-62', 'The seller electronic address (BT-34) has no scheme identifier (schemeID).', (x) => x.match('cac:AccountingSupplierParty/cac:Party/cbc:EndpointID'), (_x, el) => 'schemeID' in el.attrs),
  fatal('BR-63', 'The buyer electronic address (BT-49) has no scheme identifier (schemeID).', (x) => x.match('cac:AccountingCustomerParty/cac:Party/cbc:EndpointID'), (_x, el) => 'schemeID' in el.attrs),
  // exists(cac:Party/cac:PartyTaxScheme[VAT]/cbc:CompanyID) or exists(cac:Party/cac:PartyIdentification/cbc:ID[not(@schemeID = 'SEPA')]) or exists(cac:Party/cac:PartyLegalEntity/cbc:CompanyID)
  fatal('BR-CO-26', 'The seller has no identifier: give a seller identifier (BT-29), a legal registration identifier (BT-30) or a VAT identifier (BT-31).', (x) => x.all('cac:AccountingSupplierParty'), (x, asp) =>
    sel(asp, 'cac:Party/cac:PartyTaxScheme').some((pts) => x.isVat(pts) && has(pts, 'cbc:CompanyID')) ||
    sel(asp, 'cac:Party/cac:PartyIdentification/cbc:ID').some((id) => id.attrs['schemeID'] !== 'SEPA') ||
    has(asp, 'cac:Party/cac:PartyLegalEntity/cbc:CompanyID'),
  ),
  // exists(cac:PartyName/cbc:Name) and not(cac:PartyName/cbc:Name = ../cac:AccountingSupplierParty/cac:Party/cac:PartyName/cbc:Name)
  //   and not(cac:PartyIdentification/cbc:ID = ../cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID)
  fatal('BR-17', 'The payee (BG-10) needs a name (BT-59) and must be a party other than the seller (same name or identifier as the seller).', (x) => x.all('cac:PayeeParty'), (x, payee) => {
    const names = sel(payee, 'cac:PartyName/cbc:Name');
    if (names.length === 0) return 'the payee has no name';
    const seller = sel(x.parent(payee), 'cac:AccountingSupplierParty/cac:Party');
    const sellerNames = new Set(seller.flatMap((p) => sel(p, 'cac:PartyName/cbc:Name').map((e) => e.text)));
    const sellerIds = new Set(seller.flatMap((p) => sel(p, 'cac:PartyIdentification/cbc:ID').map((e) => e.text)));
    const sameName = names.find((n) => sellerNames.has(n.text));
    if (sameName) return { at: sameName, detail: `"${sameName.text}" is also the seller's name` };
    const sameId = sel(payee, 'cac:PartyIdentification/cbc:ID').find((id) => sellerIds.has(id.text));
    if (sameId) return { at: sameId, detail: `"${sameId.text}" is also the seller's identifier` };
    return true;
  }),
  fatal('BR-18', "The seller's tax representative (BG-11) has no name (BT-62).", (x) => x.all('cac:TaxRepresentativeParty'), (_x, p) => nstr(p, 'cac:PartyName/cbc:Name') !== ''),
  fatal('BR-19', "The seller's tax representative (BG-11) has no postal address (BG-12).", (x) => x.all('cac:TaxRepresentativeParty'), (_x, p) => has(p, 'cac:PostalAddress')),
  fatal('BR-20', "The tax representative's postal address has no country code (BT-69).", (x) => x.match('cac:TaxRepresentativeParty/cac:PostalAddress'), (_x, pa) => nstr(pa, 'cac:Country/cbc:IdentificationCode') !== ''),
  fatal('BR-56', "The seller's tax representative (BG-11) has no VAT identifier (BT-63).", (x) => x.all('cac:TaxRepresentativeParty'), (x, p) => kids(p, CAC, 'PartyTaxScheme').some((pts) => x.isVat(pts) && has(pts, 'cbc:CompanyID'))),

  // --- Lines ----------------------------------------------------------------------------------
  fatal('BR-21', 'A line has no line identifier (BT-126).', lines, (_x, line) => nstr(line, 'cbc:ID') !== ''),
  fatal('BR-22', 'A line has no invoiced quantity (BT-129).', lines, (_x, line) => has(line, 'cbc:InvoicedQuantity') || has(line, 'cbc:CreditedQuantity')),
  fatal('BR-23', 'A line quantity has no unit of measure (BT-130, unitCode).', lines, (_x, line) =>
    sel(line, 'cbc:InvoicedQuantity').some((q) => 'unitCode' in q.attrs) || sel(line, 'cbc:CreditedQuantity').some((q) => 'unitCode' in q.attrs)
      ? true
      : { at: first(line, 'cbc:InvoicedQuantity') ?? first(line, 'cbc:CreditedQuantity') ?? line },
  ),
  fatal('BR-24', 'A line has no net amount (BT-131).', lines, (_x, line) => has(line, 'cbc:LineExtensionAmount')),
  fatal('BR-25', 'A line has no item name (BT-153).', lines, (_x, line) => nstr(line, 'cac:Item/cbc:Name') !== ''),
  fatal('BR-26', 'A line has no item net price (BT-146).', lines, (_x, line) => has(line, 'cac:Price/cbc:PriceAmount')),
  // (cac:Price/cbc:PriceAmount) >= 0
  fatal('BR-27', 'A line has a negative or no item net price (BT-146); prices may not be negative (use a negative quantity instead).', lines, (_x, line) => {
    const prices = sel(line, 'cac:Price/cbc:PriceAmount');
    if (prices.length === 0) return 'the line has no price';
    if (prices.some((p) => cmp(numberAt(p, 'the item net price'), ZERO) >= 0)) return true;
    return { at: prices[0] ?? null, detail: `price ${prices[0]?.text ?? ''}` };
  }),
  // (cac:Price/cac:AllowanceCharge/cbc:BaseAmount) >= 0 or not(exists(cac:Price/cac:AllowanceCharge/cbc:BaseAmount))
  fatal('BR-28', 'A line has a negative item gross price (BT-148).', lines, (_x, line) => {
    const gross = sel(line, 'cac:Price/cac:AllowanceCharge/cbc:BaseAmount');
    if (gross.length === 0) return true;
    return gross.some((g) => cmp(numberAt(g, 'the item gross price'), ZERO) >= 0) ? true : { at: gross[0] ?? null, detail: `gross price ${gross[0]?.text ?? ''}` };
  }),
  fatal('BR-CO-04', 'A line has no VAT category code (BT-151) in a VAT tax category (cac:Item/cac:ClassifiedTaxCategory with scheme VAT).', lines, (x, line) =>
    kids(line, CAC, 'Item').some((item) => hasVatCategoryId(x, item, 'ClassifiedTaxCategory')) ? true : { at: first(line, 'cac:Item') ?? line },
  ),
  fatal('BR-54', 'An item attribute (BG-32) needs both a name (BT-160) and a value (BT-161).', (x) => x.all('cac:AdditionalItemProperty'), (_x, p) => has(p, 'cbc:Name') && has(p, 'cbc:Value')),
  fatal('BR-64', 'An item standard identifier (BT-157) has no scheme identifier (schemeID).', (x) => [...x.match('cac:InvoiceLine/cac:Item/cac:StandardItemIdentification/cbc:ID'), ...x.match('cac:CreditNoteLine/cac:Item/cac:StandardItemIdentification/cbc:ID')], (_x, id) => 'schemeID' in id.attrs),
  fatal('BR-65', 'An item classification identifier (BT-158) has no scheme identifier (listID).', (x) => [...x.match('cac:InvoiceLine/cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode'), ...x.match('cac:CreditNoteLine/cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode')], (_x, code) => 'listID' in code.attrs),

  // --- Periods --------------------------------------------------------------------------------
  fatal('BR-29', 'The invoicing period (BG-14) ends before it starts (BT-74 / BT-73).', (x) => x.all('cac:InvoicePeriod').filter((p) => !isLinePeriod(x, p)), (_x, p) => periodInOrder(p, 'invoicing period')),
  fatal('BR-30', 'A line period (BG-26) ends before it starts (BT-135 / BT-134).', (x) => x.all('cac:InvoicePeriod').filter((p) => isLinePeriod(x, p)), (_x, p) => periodInOrder(p, 'line period')),
  fatal('BR-CO-19', 'The invoicing period (BG-14) is empty: give a start date (BT-73), an end date (BT-74) or a VAT point date code (BT-8).', (x) => x.all('cac:InvoicePeriod').filter((p) => !isLinePeriod(x, p)), (_x, p) =>
    has(p, 'cbc:StartDate') || has(p, 'cbc:EndDate') || has(p, 'cbc:DescriptionCode'),
  ),
  fatal('BR-CO-20', 'A line period (BG-26) is empty: give a start date (BT-134) or an end date (BT-135).', (x) => x.all('cac:InvoicePeriod').filter((p) => isLinePeriod(x, p)), (_x, p) => has(p, 'cbc:StartDate') || has(p, 'cbc:EndDate')),

  // --- Document-level allowances and charges --------------------------------------------------
  fatal('BR-31', 'A document-level allowance (BG-20) has no amount (BT-92).', documentAc(false), (_x, ac) => has(ac, 'cbc:Amount')),
  fatal('BR-32', 'A document-level allowance (BG-20) has no VAT category code (BT-95).', documentAc(false), (x, ac) => hasVatCategoryId(x, ac)),
  fatal('BR-33', 'A document-level allowance (BG-20) has neither a reason (BT-97) nor a reason code (BT-98).', documentAc(false), (_x, ac) => hasReason(ac)),
  // test="true()": the official rule never fails (the reason and its code cannot be compared mechanically).
  fatal('BR-CO-05', 'The allowance reason code (BT-98) and the reason (BT-97) must describe the same allowance.', () => [], () => true),
  fatal('BR-CO-21', 'A document-level allowance (BG-20) needs a reason (BT-97), a reason code (BT-98), or both.', documentAc(false), (_x, ac) => hasReason(ac)),
  fatal('BR-36', 'A document-level charge (BG-21) has no amount (BT-99).', documentAc(true), (_x, ac) => has(ac, 'cbc:Amount')),
  fatal('BR-37', 'A document-level charge (BG-21) has no VAT category code (BT-102).', documentAc(true), (x, ac) => hasVatCategoryId(x, ac)),
  fatal('BR-38', 'A document-level charge (BG-21) has neither a reason (BT-104) nor a reason code (BT-105).', documentAc(true), (_x, ac) => hasReason(ac)),
  fatal('BR-CO-06', 'The charge reason code (BT-105) and the reason (BT-104) must describe the same charge.', () => [], () => true),
  fatal('BR-CO-22', 'A document-level charge (BG-21) needs a reason (BT-104), a reason code (BT-105), or both.', documentAc(true), (_x, ac) => hasReason(ac)),

  // --- Line allowances and charges ------------------------------------------------------------
  fatal('BR-41', 'A line allowance (BG-27) has no amount (BT-136).', lineAc(false), (_x, ac) => has(ac, 'cbc:Amount')),
  fatal('BR-42', 'A line allowance (BG-27) has neither a reason (BT-139) nor a reason code (BT-140).', lineAc(false), (_x, ac) => hasReason(ac)),
  fatal('BR-CO-07', 'The line allowance reason code (BT-140) and the reason (BT-139) must describe the same allowance.', () => [], () => true),
  fatal('BR-CO-23', 'A line allowance (BG-27) needs a reason (BT-139), a reason code (BT-140), or both.', lineAc(false), (_x, ac) => hasReason(ac)),
  fatal('BR-43', 'A line charge (BG-28) has no amount (BT-141).', lineAc(true), (_x, ac) => has(ac, 'cbc:Amount')),
  fatal('BR-44', 'A line charge (BG-28) has neither a reason (BT-144) nor a reason code (BT-145).', lineAc(true), (_x, ac) => hasReason(ac)),
  fatal('BR-CO-08', 'The line charge reason code (BT-145) and the reason (BT-144) must describe the same charge.', () => [], () => true),
  fatal('BR-CO-24', 'A line charge (BG-28) needs a reason (BT-144), a reason code (BT-145), or both.', lineAc(true), (_x, ac) => hasReason(ac)),

  // --- VAT breakdown --------------------------------------------------------------------------
  fatal('BR-45', 'A VAT breakdown (BG-23) has no taxable amount (BT-116).', (x) => x.match('cac:TaxTotal/cac:TaxSubtotal'), (_x, st) => has(st, 'cbc:TaxableAmount')),
  fatal('BR-46', 'A VAT breakdown (BG-23) has no VAT amount (BT-117).', (x) => x.match('cac:TaxTotal/cac:TaxSubtotal'), (_x, st) => has(st, 'cbc:TaxAmount')),
  fatal('BR-47', 'A VAT breakdown (BG-23) has no VAT category code (BT-118).', (x) => x.match('cac:TaxTotal/cac:TaxSubtotal'), (x, st) => hasVatCategoryId(x, st)),
  // exists(cac:TaxCategory[VAT]/cbc:Percent) or (cac:TaxCategory[VAT]/normalize-space(cbc:ID)='O')
  fatal('BR-48', 'A VAT breakdown (BG-23) has no VAT rate (BT-119); only category O (not subject to VAT) may leave it out.', (x) => x.match('cac:TaxTotal/cac:TaxSubtotal'), (x, st) => {
    const cats = kids(st, CAC, 'TaxCategory').filter((c) => x.isVat(c));
    return cats.some((c) => has(c, 'cbc:Percent')) || cats.some((c) => x.hasId(c, 'O'));
  }),

  // --- Payment --------------------------------------------------------------------------------
  fatal('BR-49', 'A payment instruction (BG-16) has no payment means type code (BT-81).', (x) => x.all('cac:PaymentMeans'), (_x, pm) => has(pm, 'cbc:PaymentMeansCode')),
  // context cac:PaymentMeans[cbc:PaymentMeansCode='30' or cbc:PaymentMeansCode='58']/cac:PayeeFinancialAccount
  fatal('BR-50', 'A credit transfer (payment means 30 or 58) has a payee account without an account identifier (BT-84, e.g. the IBAN).', (x) =>
    x.match('cac:PaymentMeans/cac:PayeeFinancialAccount').filter((acc) => sel(x.parent(acc), 'cbc:PaymentMeansCode').some((c) => c.text === '30' || c.text === '58')),
    (_x, acc) => nstr(acc, 'cbc:ID') !== '',
  ),
  // (exists(cac:PayeeFinancialAccount/cbc:ID) and (normalize-space(PMC) = '30' or '58')) or (normalize-space(PMC) != '30' and != '58')
  fatal('BR-61', 'A credit transfer (payment means 30 or 58) has no payment account identifier (BT-84, e.g. the IBAN).', (x) => x.all('cac:PaymentMeans'), (_x, pm) => {
    const code = nstr(pm, 'cbc:PaymentMeansCode');
    if (code !== '30' && code !== '58') return true;
    return has(pm, 'cac:PayeeFinancialAccount/cbc:ID') ? true : `payment means ${code}`;
  }),

  // --- References -----------------------------------------------------------------------------
  fatal('BR-52', 'A supporting document (BG-24) has no reference (BT-122).', (x) => x.all('cac:AdditionalDocumentReference'), (_x, adr) => nstr(adr, 'cbc:ID') !== ''),
  fatal('BR-55', 'A preceding invoice reference (BG-3) has no invoice number (BT-25).', (x) => x.all('cac:BillingReference'), (_x, br) => has(br, 'cac:InvoiceDocumentReference/cbc:ID')),
  fatal('BR-57', 'The deliver-to address (BG-15) has no country code (BT-80).', (x) => x.match('cac:Delivery/cac:DeliveryLocation/cac:Address'), (_x, a) => has(a, 'cac:Country/cbc:IdentificationCode')),
];

/** BR-51 is a warning: the card number check, separate because its severity differs. */
export const cardNumberRule: Rule = contextRule(
  cen,
  'BR-51',
  'warning',
  'A card number (BT-87) should never be complete: show at most the first 6 and the last 4 digits.',
  (x) => x.match('cac:PaymentMeans/cac:CardAccount/cbc:PrimaryAccountNumberID'),
  (_x, pan) => stringLength(normalizeSpace(pan.text)) <= 10,
);
