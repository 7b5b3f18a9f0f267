/**
 * The Peppol BIS 3.0 rules GLOBALUBL.BE 1.31 embeds (its own, older copy: PEPPOL-EN16931-*,
 * PEPPOL-COMMON-R040..R042). They differ from the Peppol 2026.5 artefacts: R004 expects the UBL.BE
 * specification identifier, R120 is switched off, P0100 allows fewer invoice types, the code lists
 * (currencies, EAS with 0193, …) are older, and there are no PEPPOL-COMMON-R043+ checks.
 * The 'ubl-be' rule set has no Peppol module, so these live here.
 */
import { add, canonical, cmp, mul, shift, sign, sub, ZERO, type Decimal } from '../../../decimal.ts';
import type { XmlElement } from '../../../safe-xml.ts';
import type { UblDocument } from '../../document.ts';
import type { Rule } from '../../types.ts';
import {
  PEPPOL_EAS,
  PEPPOL_ISO4217,
  PEPPOL_MIME_CODES,
  PEPPOL_P0100_INVOICE_TYPES,
  PEPPOL_P0101_CREDIT_NOTE_TYPES,
  PEPPOL_UNCL2005,
  PEPPOL_UNCL5189,
  PEPPOL_UNCL7161,
} from './codelists.ts';
import { compareUntyped, xsDecimal } from './numbers.ts';
import { isBlank, isNamed, isXsDate, kids, lineLabel, normalizeSpace, rule, select, shown, stringValue, textsAt } from './xpath.ts';

/** The tolerance of PEPPOL-EN16931-R040. */
const TWO_CENTS: Decimal = { units: 2n, scale: 2 };

const UBL_BE_CUSTOMIZATION_ID = 'urn:cen.eu:en16931:2017#conformant#urn:UBL.BE:1.0.0.20180214';

/** `$profile`: the NN of urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0, or 'Unknown'. */
function peppolProfile(doc: UblDocument): string {
  const values = textsAt(doc, doc.root, 'cbc:ProfileID');
  if (values.length !== 1) return 'Unknown';
  const value = normalizeSpace(values[0]);
  if (!/urn:fdc:peppol\.eu:2017:poacc:billing:([0-9]{2}):1\.0/.test(value)) return 'Unknown';
  return value.split(':')[6] ?? '';
}

/** GS1 check digit (u:gln). */
function validGln(value: string): boolean {
  if (!/^[0-9]+$/.test(value)) return false;
  const body = value.slice(0, -1);
  const digits = Array.from(body)
    .reverse()
    .map((c) => c.charCodeAt(0) - 48);
  const sum = digits.reduce((s, d, i) => s + d * (1 + ((i + 1) % 2) * 2), 0);
  return (10 - (sum % 10)) % 10 === Number(value.slice(-1));
}

/** Modulo 11 check of Norwegian organisation numbers (u:mod11). */
export function validMod11(value: string): boolean {
  if (!/^[0-9]+$/.test(value) || Number(value) <= 0) return false;
  const digits = Array.from(value.slice(0, -1))
    .reverse()
    .map((c) => c.charCodeAt(0) - 48);
  const sum = digits.reduce((s, d, i) => s + d * ((i % 6) + 2), 0);
  return (11 - (sum % 11)) % 11 === Number(value.slice(-1));
}

/** Invoice-level and line-level allowances/charges (R040..R043 contexts). */
function allowanceCharges(doc: UblDocument): XmlElement[] {
  const line = doc.isCreditNote ? 'cac:CreditNoteLine' : 'cac:InvoiceLine';
  return select(doc, 'cac:AllowanceCharge').filter((ac) => {
    const parent = doc.parent(ac);
    return parent === doc.root || (parent !== null && isNamed(parent, line) && doc.parent(parent) === doc.root);
  });
}

const AMOUNTS = [
  'cbc:Amount',
  'cbc:BaseAmount',
  'cbc:PriceAmount',
  'cbc:TaxableAmount',
  'cbc:LineExtensionAmount',
  'cbc:TaxExclusiveAmount',
  'cbc:TaxInclusiveAmount',
  'cbc:AllowanceTotalAmount',
  'cbc:ChargeTotalAmount',
  'cbc:PrepaidAmount',
  'cbc:PayableRoundingAmount',
  'cbc:PayableAmount',
];

function periodRule(id: string, which: 'StartDate' | 'EndDate', message: string): Rule {
  return rule(id, 'fatal', message, (doc, fail) => {
    const docDates = doc.all(doc.root, `cac:InvoicePeriod/cbc:${which}`);
    if (docDates.length !== 1 || !isXsDate(docDates[0]!.text)) return;
    const limit = docDates[0]!.text;
    for (const line of doc.lines()) {
      for (const date of doc.all(line, `cac:InvoicePeriod/cbc:${which}`)) {
        if (!isXsDate(date.text)) continue;
        const outside = which === 'StartDate' ? date.text < limit : date.text > limit;
        if (outside) fail(date, `${lineLabel(doc, line)}: ${date.text}, invoice period ${which === 'StartDate' ? 'starts' : 'ends'} ${limit}`);
      }
    }
  });
}

function vatexRule(id: string, reason: string, category: string): Rule {
  return rule(id, 'fatal', `A VAT exemption reason code ${reason} requires VAT category ${category}.`, (doc, fail) => {
    for (const cat of select(doc, 'cac:TaxCategory')) {
      if (!textsAt(doc, cat, 'cbc:TaxExemptionReasonCode').some((t) => t.toUpperCase() === reason)) continue;
      if (normalizeSpace(stringValue(kids(cat, 'cbc:ID')[0] ?? null)) !== category) fail(cat, `category ${shown(doc.text(cat, 'cbc:ID'))}`);
    }
  });
}

function identifierRule(id: string, scheme: string, message: string, valid: (el: XmlElement) => boolean): Rule {
  return rule(id, 'fatal', message, (doc, fail) => {
    for (const el of select(doc, 'cbc:EndpointID | cac:PartyIdentification/cbc:ID | cbc:CompanyID')) {
      if (el.attrs['schemeID'] === scheme && !valid(el)) fail(el, `found ${shown(el.text)}`);
    }
  });
}

export const peppolCopyRules: readonly Rule[] = [
  // --- Empty elements
  rule('PEPPOL-EN16931-R008', 'fatal', 'The document contains an empty element; leave out elements that have no value.', (doc, fail) => {
    for (const el of select(doc, '*')) if (el.children.length === 0 && isBlank(el.text)) fail(el);
  }),
  // --- Document level
  rule('PEPPOL-EN16931-R001', 'warning', 'The business process (BT-23, cbc:ProfileID) should be given.', (doc, fail) => {
    if (kids(doc.root, 'cbc:ProfileID').length === 0) fail(doc.root);
  }),
  rule('PEPPOL-EN16931-R007', 'fatal', "The business process (BT-23) must have the form 'urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0'.", (doc, fail) => {
    if (peppolProfile(doc) === 'Unknown') fail(kids(doc.root, 'cbc:ProfileID')[0] ?? doc.root, `found ${shown(doc.text(doc.root, 'cbc:ProfileID'))}`);
  }),
  rule('PEPPOL-EN16931-R002', 'fatal', 'The invoice may have at most one note (BT-22) at document level.', (doc, fail) => {
    const notes = kids(doc.root, 'cbc:Note');
    if (notes.length > 1) fail(notes[1]!, `${notes.length} notes`);
  }),
  rule('PEPPOL-EN16931-R003', 'fatal', 'The invoice must give a buyer reference (BT-10) or a purchase order reference (BT-13).', (doc, fail) => {
    if (kids(doc.root, 'cbc:BuyerReference').length === 0 && !doc.exists(doc.root, 'cac:OrderReference/cbc:ID')) fail(doc.root);
  }),
  rule('PEPPOL-EN16931-R004', 'fatal', `The specification identifier (BT-24) of a UBL.BE document must be '${UBL_BE_CUSTOMIZATION_ID}'.`, (doc, fail) => {
    const ids = kids(doc.root, 'cbc:CustomizationID');
    if (ids.length > 1) return;
    if (!normalizeSpace(ids[0]?.text).startsWith(UBL_BE_CUSTOMIZATION_ID)) fail(ids[0] ?? doc.root, `found ${shown(ids[0]?.text)}`);
  }),
  rule('PEPPOL-EN16931-R053', 'fatal', 'The invoice must have exactly one VAT total with a VAT breakdown (cac:TaxTotal with cac:TaxSubtotal).', (doc, fail) => {
    const n = kids(doc.root, 'cac:TaxTotal').filter((t) => kids(t, 'cac:TaxSubtotal').length > 0).length;
    if (n !== 1) fail(doc.root, `found ${n}`);
  }),
  rule(
    'PEPPOL-EN16931-R054',
    'fatal',
    'A VAT total without VAT breakdown is only allowed, exactly once, for the VAT total in accounting currency (BT-111) when a VAT accounting currency (BT-6) is given.',
    (doc, fail) => {
      const n = kids(doc.root, 'cac:TaxTotal').filter((t) => kids(t, 'cac:TaxSubtotal').length === 0).length;
      const expected = kids(doc.root, 'cbc:TaxCurrencyCode').length > 0 ? 1 : 0;
      if (n !== expected) fail(doc.root, `found ${n}, expected ${expected}`);
    },
  ),
  rule(
    'PEPPOL-EN16931-R055',
    'fatal',
    'The total VAT amount (BT-110) and the total VAT amount in accounting currency (BT-111) must have the same sign.',
    (doc, fail) => {
      const taxCurrency = kids(doc.root, 'cbc:TaxCurrencyCode');
      if (taxCurrency.length === 0) return;
      const amounts = doc.all(doc.root, 'cac:TaxTotal/cbc:TaxAmount');
      const inCurrency = (code: string): XmlElement[] => amounts.filter((a) => a.attrs['currencyID'] === code);
      const taxValues = inCurrency(normalizeSpace(taxCurrency[0]!.text));
      const docValues = inCurrency(normalizeSpace(doc.text(doc.root, 'cbc:DocumentCurrencyCode')));
      const some = (els: XmlElement[], want: (c: -1 | 0 | 1) => boolean): boolean =>
        els.some((a) => {
          const c = compareUntyped(a.text, '0');
          return c !== null && want(c);
        });
      const negative = some(taxValues, (c) => c <= 0) && some(docValues, (c) => c <= 0);
      const positive = some(taxValues, (c) => c >= 0) && some(docValues, (c) => c >= 0);
      if (!negative && !positive) fail(taxValues[0] ?? doc.root);
    },
  ),
  rule('PEPPOL-EN16931-R006', 'fatal', 'The invoice may reference at most one invoiced object (additional document with type code 130).', (doc, fail) => {
    const refs = kids(doc.root, 'cac:AdditionalDocumentReference').filter((r) => textsAt(doc, r, 'cbc:DocumentTypeCode').includes('130'));
    if (refs.length > 1) fail(refs[1]!, `${refs.length} invoiced objects`);
  }),
  rule('PEPPOL-EN16931-R080', 'fatal', 'The invoice may have at most one project reference (additional document with type code 50).', (doc, fail) => {
    const refs = kids(doc.root, 'cac:AdditionalDocumentReference').filter((r) => textsAt(doc, r, 'cbc:DocumentTypeCode').includes('50'));
    if (refs.length > 1) fail(refs[1]!, `${refs.length} project references`);
  }),
  rule('PEPPOL-EN16931-R005', 'fatal', 'The VAT accounting currency (BT-6) must differ from the invoice currency (BT-5) when it is given.', (doc, fail) => {
    for (const code of select(doc, 'cbc:TaxCurrencyCode')) {
      const parent = doc.parent(code);
      const docCurrency = kids(parent, 'cbc:DocumentCurrencyCode');
      if (docCurrency.length > 1) continue;
      if (normalizeSpace(code.text) === normalizeSpace(docCurrency[0]?.text)) fail(code, `both ${shown(code.text)}`);
    }
  }),
  // --- Parties
  rule('PEPPOL-EN16931-R010', 'fatal', 'The buyer electronic address (BT-49, cbc:EndpointID) must be given.', (doc, fail) => {
    for (const party of select(doc, 'cac:AccountingCustomerParty/cac:Party')) if (kids(party, 'cbc:EndpointID').length === 0) fail(party);
  }),
  rule('PEPPOL-EN16931-R020', 'fatal', 'The seller electronic address (BT-34, cbc:EndpointID) must be given.', (doc, fail) => {
    for (const party of select(doc, 'cac:AccountingSupplierParty/cac:Party')) if (kids(party, 'cbc:EndpointID').length === 0) fail(party);
  }),
  // --- Allowances and charges (R041/R042 take the elements they match away from R040/R043)
  rule('PEPPOL-EN16931-R041', 'fatal', 'An allowance or charge with a percentage must also give the base amount it applies to.', (doc, fail) => {
    for (const ac of allowanceCharges(doc)) if (kids(ac, 'cbc:MultiplierFactorNumeric').length > 0 && kids(ac, 'cbc:BaseAmount').length === 0) fail(ac);
  }),
  rule('PEPPOL-EN16931-R042', 'fatal', 'An allowance or charge with a base amount must also give the percentage applied to it.', (doc, fail) => {
    for (const ac of allowanceCharges(doc)) if (kids(ac, 'cbc:MultiplierFactorNumeric').length === 0 && kids(ac, 'cbc:BaseAmount').length > 0) fail(ac);
  }),
  rule(
    'PEPPOL-EN16931-R040',
    'fatal',
    'The allowance or charge amount must equal base amount × percentage / 100 (within 0.02) when both are given.',
    (doc, fail) => {
      for (const ac of allowanceCharges(doc)) {
        const factors = kids(ac, 'cbc:MultiplierFactorNumeric');
        const bases = kids(ac, 'cbc:BaseAmount');
        if (factors.length === 0 || bases.length === 0 || factors.length > 1 || bases.length > 1) continue;
        const amounts = kids(ac, 'cbc:Amount');
        const amount = amounts.length === 0 ? ZERO : amounts.length === 1 ? xsDecimal(amounts[0]!.text) : null;
        const base = xsDecimal(bases[0]!.text);
        const factor = xsDecimal(factors[0]!.text);
        if (amount === null || base === null || factor === null) continue;
        const expected = shift(mul(base, factor), -2);
        if (cmp(add(amount, TWO_CENTS), expected) < 0 || cmp(sub(amount, TWO_CENTS), expected) > 0) {
          fail(amounts[0] ?? ac, `amount ${canonical(amount)}, expected ${canonical(base)} × ${canonical(factor)} / 100 = ${canonical(expected)}`);
        }
      }
    },
  ),
  rule('PEPPOL-EN16931-R043', 'fatal', "The charge indicator of an allowance or charge must be 'true' (charge) or 'false' (allowance).", (doc, fail) => {
    for (const ac of allowanceCharges(doc)) {
      if (kids(ac, 'cbc:MultiplierFactorNumeric').length > 0 !== kids(ac, 'cbc:BaseAmount').length > 0) continue;
      const indicators = kids(ac, 'cbc:ChargeIndicator');
      if (indicators.length > 1) continue;
      const value = normalizeSpace(indicators[0]?.text);
      if (value !== 'true' && value !== 'false') fail(indicators[0] ?? ac, `found ${shown(value)}`);
    }
  }),
  // --- Payment
  rule('PEPPOL-EN16931-R061', 'fatal', 'A direct debit (payment means 49 or 59) must give the mandate reference (BT-89).', (doc, fail) => {
    for (const means of select(doc, 'cac:PaymentMeans')) {
      const codes = kids(means, 'cbc:PaymentMeansCode');
      if (codes.length !== 1 || !['49', '59'].includes(normalizeSpace(codes[0]!.text))) continue;
      if (!doc.exists(means, 'cac:PaymentMandate/cbc:ID')) fail(means);
    }
  }),
  // --- Currency
  rule(
    'PEPPOL-EN16931-R051',
    'fatal',
    'Every amount must be in the invoice currency (BT-5); only the VAT total in accounting currency (BT-111) may use another currency.',
    (doc, fail) => {
      const currencies = kids(doc.root, 'cbc:DocumentCurrencyCode').map((c) => stringValue(c));
      for (const el of select(doc, AMOUNTS.join(' | '))) {
        if (!currencies.includes(el.attrs['currencyID'] ?? '\u0000')) fail(el, `currency ${shown(el.attrs['currencyID'])}`);
      }
      for (const total of select(doc, 'cac:TaxTotal')) {
        if (kids(total, 'cac:TaxSubtotal').length === 0) continue;
        for (const el of kids(total, 'cbc:TaxAmount')) if (!currencies.includes(el.attrs['currencyID'] ?? '\u0000')) fail(el, `currency ${shown(el.attrs['currencyID'])}`);
      }
    },
  ),
  // --- Lines
  periodRule('PEPPOL-EN16931-R110', 'StartDate', 'The start of a line period (BT-134) must lie within the invoice period (BT-73).'),
  periodRule('PEPPOL-EN16931-R111', 'EndDate', 'The end of a line period (BT-135) must lie within the invoice period (BT-74).'),
  rule('PEPPOL-EN16931-R121', 'fatal', 'The price base quantity (BT-149) must be greater than zero.', (doc, fail) => {
    for (const line of select(doc, 'cac:InvoiceLine | cac:CreditNoteLine')) {
      const bases = doc.all(line, 'cac:Price/cbc:BaseQuantity');
      if (bases.length !== 1) continue;
      const quantity = xsDecimal(bases[0]!.text);
      if (quantity !== null && sign(quantity) <= 0) fail(bases[0]!, `${lineLabel(doc, line)}: ${canonical(quantity)}`);
    }
  }),
  rule('PEPPOL-EN16931-R100', 'fatal', 'An invoice line may reference at most one invoiced object (BT-128).', (doc, fail) => {
    for (const line of select(doc, 'cac:InvoiceLine | cac:CreditNoteLine')) if (kids(line, 'cac:DocumentReference').length > 1) fail(line, lineLabel(doc, line));
  }),
  rule('PEPPOL-EN16931-R101', 'fatal', 'A document reference on an invoice line may only be the invoiced object (document type code 130).', (doc, fail) => {
    for (const line of select(doc, 'cac:InvoiceLine | cac:CreditNoteLine')) {
      if (kids(line, 'cac:DocumentReference').length > 0 && !textsAt(doc, line, 'cac:DocumentReference/cbc:DocumentTypeCode').includes('130')) fail(line, lineLabel(doc, line));
    }
  }),
  rule('PEPPOL-EN16931-R044', 'fatal', "A price may only carry a discount (charge indicator 'false'), never a charge.", (doc, fail) => {
    for (const ac of select(doc, 'cac:Price/cac:AllowanceCharge')) {
      const indicators = kids(ac, 'cbc:ChargeIndicator');
      if (indicators.length > 1) continue;
      if (normalizeSpace(indicators[0]?.text) !== 'false') fail(ac);
    }
  }),
  rule('PEPPOL-EN16931-R046', 'fatal', 'The item net price (BT-146) must equal the gross price (BT-148) minus the price discount (BT-147) when the gross price is given.', (doc, fail) => {
    for (const ac of select(doc, 'cac:Price/cac:AllowanceCharge')) {
      const bases = kids(ac, 'cbc:BaseAmount');
      if (bases.length === 0) continue;
      const prices = kids(doc.parent(ac), 'cbc:PriceAmount');
      const amounts = kids(ac, 'cbc:Amount');
      if (bases.length > 1 || prices.length > 1 || amounts.length > 1) continue;
      const base = xsDecimal(bases[0]!.text);
      const price = prices[0] ? xsDecimal(prices[0].text) : 'absent';
      const amount = amounts[0] ? xsDecimal(amounts[0].text) : 'absent';
      if (base === null || price === null || amount === null) continue;
      if (price === 'absent' || amount === 'absent' || cmp(price, sub(base, amount)) !== 0) {
        fail(prices[0] ?? ac, price === 'absent' || amount === 'absent' ? 'net price or discount missing' : `net ${canonical(price)}, gross ${canonical(base)} - discount ${canonical(amount)}`);
      }
    }
  }),
  rule('PEPPOL-EN16931-R130', 'fatal', 'The unit of the price base quantity (BT-150) must be the unit of the invoiced quantity (BT-130).', (doc, fail) => {
    for (const base of select(doc, 'cac:Price/cbc:BaseQuantity')) {
      if (base.attrs['unitCode'] === undefined) continue;
      const line = doc.parent(doc.parent(base)!);
      const quantities = [...kids(line, 'cbc:InvoicedQuantity'), ...kids(line, 'cbc:CreditedQuantity')];
      if (quantities.length === 0) continue;
      const own = kids(line, doc.isCreditNote ? 'cbc:CreditedQuantity' : 'cbc:InvoicedQuantity');
      if (!own.some((q) => q.attrs['unitCode'] === base.attrs['unitCode'])) fail(base, `${shown(base.attrs['unitCode'])} against ${shown(own[0]?.attrs['unitCode'])}`);
    }
  }),
  // --- Identifiers
  identifierRule('PEPPOL-COMMON-R040', '0088', 'A GLN (scheme 0088) must be a valid GS1 number (digits with a correct check digit).', (el) => validGln(normalizeSpace(stringValue(el)))),
  identifierRule('PEPPOL-COMMON-R041', '0192', 'A Norwegian organisation number (scheme 0192) must be 9 digits with a correct check digit.', (el) => {
    const v = normalizeSpace(stringValue(el));
    return /^[0-9]{9}$/.test(v) && validMod11(v);
  }),
  identifierRule('PEPPOL-COMMON-R042', '0184', 'A Danish CVR number (scheme 0184) must be DK followed by 8 digits.', (el) => /^DK[0-9]{8}$/.test(el.text)),
  // --- Code lists and formats (GLOBALUBL.BE's older lists)
  rule('PEPPOL-EN16931-CL001', 'fatal', 'An attachment must have one of the accepted MIME types: PDF, PNG, JPEG, CSV, Excel (xlsx) or OpenDocument spreadsheet.', (doc, fail) => {
    for (const el of select(doc, 'cbc:EmbeddedDocumentBinaryObject')) {
      const mime = el.attrs['mimeCode'];
      if (mime !== undefined && !PEPPOL_MIME_CODES.has(mime)) fail(el, `found ${shown(mime)}`);
    }
  }),
  rule('PEPPOL-EN16931-CL002', 'fatal', 'An allowance reason code (BT-98, BT-140) must come from the UNCL 5189 subset.', (doc, fail) => {
    for (const el of select(doc, 'cac:AllowanceCharge/cbc:AllowanceChargeReasonCode')) {
      if (!textsAt(doc, doc.parent(el), 'cbc:ChargeIndicator').includes('false')) continue;
      if (!PEPPOL_UNCL5189.has(normalizeSpace(el.text))) fail(el, `found ${shown(el.text)}`);
    }
  }),
  rule('PEPPOL-EN16931-CL003', 'fatal', 'A charge reason code (BT-105, BT-145) must come from UNCL 7161.', (doc, fail) => {
    for (const el of select(doc, 'cac:AllowanceCharge/cbc:AllowanceChargeReasonCode')) {
      if (!textsAt(doc, doc.parent(el), 'cbc:ChargeIndicator').includes('true')) continue;
      if (!PEPPOL_UNCL7161.has(normalizeSpace(el.text))) fail(el, `found ${shown(el.text)}`);
    }
  }),
  rule('PEPPOL-EN16931-CL006', 'fatal', 'The invoice period description code (BT-8) must be 3, 35 or 432 (UNCL 2005).', (doc, fail) => {
    for (const el of select(doc, 'cac:InvoicePeriod/cbc:DescriptionCode')) if (!PEPPOL_UNCL2005.has(normalizeSpace(el.text))) fail(el, `found ${shown(el.text)}`);
  }),
  rule('PEPPOL-EN16931-CL007', 'fatal', 'The currency of an amount must be an ISO 4217 code known to GLOBALUBL.BE 1.31.', (doc, fail) => {
    for (const el of select(doc, [...AMOUNTS, 'cbc:TaxAmount'].join(' | '))) {
      if (!PEPPOL_ISO4217.has(el.attrs['currencyID'] ?? '')) fail(el, `currency ${shown(el.attrs['currencyID'])}`);
    }
  }),
  rule('PEPPOL-EN16931-P0100', 'fatal', 'The invoice type code (BT-3) is not allowed in the billing process 01 (allowed: 380, 383, 386, 393, 82, 80, 84, 395, 575, 623, 780).', (doc, fail) => {
    if (peppolProfile(doc) !== '01') return;
    for (const el of select(doc, 'cbc:InvoiceTypeCode')) if (!PEPPOL_P0100_INVOICE_TYPES.has(normalizeSpace(el.text))) fail(el, `found ${shown(el.text)}`);
  }),
  rule('PEPPOL-EN16931-P0101', 'fatal', 'The credit note type code (BT-3) is not allowed in the billing process 01 (allowed: 381, 396, 81, 83, 532).', (doc, fail) => {
    if (peppolProfile(doc) !== '01') return;
    for (const el of select(doc, 'cbc:CreditNoteTypeCode')) if (!PEPPOL_P0101_CREDIT_NOTE_TYPES.has(normalizeSpace(el.text))) fail(el, `found ${shown(el.text)}`);
  }),
  rule('PEPPOL-EN16931-F001', 'fatal', 'A date must be written YYYY-MM-DD (for example 2024-03-31).', (doc, fail) => {
    for (const el of select(doc, 'cbc:IssueDate | cbc:DueDate | cbc:TaxPointDate | cbc:StartDate | cbc:EndDate | cbc:ActualDeliveryDate')) {
      if (el.text.length !== 10 || !isXsDate(el.text)) fail(el, `found ${shown(el.text)}`);
    }
  }),
  rule('PEPPOL-EN16931-CL008', 'warning', 'The scheme of an electronic address (BT-34, BT-49) should come from the EAS code list (as known to GLOBALUBL.BE 1.31).', (doc, fail) => {
    for (const el of select(doc, 'cbc:EndpointID')) {
      const scheme = el.attrs['schemeID'];
      if (scheme !== undefined && !PEPPOL_EAS.has(scheme)) fail(el, `found ${shown(scheme)}`);
    }
  }),
  vatexRule('PEPPOL-EN16931-P0104', 'VATEX-EU-G', 'G'),
  vatexRule('PEPPOL-EN16931-P0105', 'VATEX-EU-O', 'O'),
  vatexRule('PEPPOL-EN16931-P0106', 'VATEX-EU-IC', 'K'),
  vatexRule('PEPPOL-EN16931-P0107', 'VATEX-EU-AE', 'AE'),
  vatexRule('PEPPOL-EN16931-P0108', 'VATEX-EU-D', 'E'),
  vatexRule('PEPPOL-EN16931-P0109', 'VATEX-EU-F', 'E'),
  vatexRule('PEPPOL-EN16931-P0110', 'VATEX-EU-I', 'E'),
  vatexRule('PEPPOL-EN16931-P0111', 'VATEX-EU-J', 'E'),
];
