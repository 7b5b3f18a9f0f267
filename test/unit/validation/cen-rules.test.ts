/**
 * Generated edge cases for the CEN EN16931 rules: for every BR-CO rule and every VAT category
 * family, a document that breaks the rule and one that keeps it, with the rounding and tolerance
 * edges of the official tests (round half towards +infinity, `x.xx5`, the ±1 tolerances).
 */
import { describe, expect, it } from 'vitest';
import { cenErrors, cenFindings, cenReport, invoiceXml, type Category, type InvoiceSpec } from './cen-fixtures.ts';

/** `xml` with `from` replaced (the test fails if `from` is not there, so a fixture change cannot silently empty a test). */
function replace(xml: string, from: string, to: string): string {
  if (!xml.includes(from)) throw new Error(`fixture does not contain ${from}`);
  return xml.replace(from, to);
}

/** Applies `fn` to the VAT breakdown group (cac:TaxSubtotal) of a category. */
function group(xml: string, cat: string, fn: (subtotal: string) => string): string {
  let found = false;
  const out = xml.replace(/<cac:TaxSubtotal>[\s\S]*?<\/cac:TaxSubtotal>/g, (st) => {
    if (found || !st.includes(`<cac:TaxCategory><cbc:ID>${cat}</cbc:ID>`)) return st;
    found = true;
    return fn(st);
  });
  if (!found) throw new Error(`no ${cat} group`);
  return out;
}

/** The whole VAT breakdown group of a category. */
function groupXml(xml: string, cat: string): string {
  let out = '';
  group(xml, cat, (st) => (out = st));
  return out;
}

interface Case {
  rule: string;
  what: string;
  fail: string;
  /** Defaults to the base document the failing one was made from. */
  pass?: string;
}

const BASE = invoiceXml();

function check(cases: Case[]): void {
  for (const c of cases) {
    it(`${c.rule}: ${c.what}`, () => {
      expect(cenFindings(c.fail), 'the failing document').toContain(c.rule);
      expect(cenFindings(c.pass ?? BASE), 'the passing document').not.toContain(c.rule);
    });
  }
}

const spec = (s: InvoiceSpec): string => invoiceXml(s);

describe('CEN base documents', () => {
  const categories: Category[] = ['S', 'Z', 'E', 'AE', 'K', 'G', 'O', 'L', 'M'];
  for (const cat of categories) {
    for (const creditNote of [false, true]) {
      it(`a ${creditNote ? 'credit note' : 'invoice'} in VAT category ${cat} with lines, an allowance and a charge breaks no CEN rule`, () => {
        const xml = spec({
          creditNote,
          lines: [{ amount: '100.00', category: cat }, { amount: '50.55', category: cat }],
          allowanceCharges: [{ charge: false, amount: '10.00', category: cat }, { charge: true, amount: '5.25', category: cat }],
        });
        const report = cenReport(xml);
        expect(report.errors).toEqual([]);
        expect(report.warnings).toEqual([]);
      });
    }
  }
  it('a document mixing S at two rates, Z and E breaks no CEN rule', () => {
    expect(cenFindings(spec({ lines: [{ amount: '100.00' }, { amount: '12.34', rate: '6' }, { amount: '40.00', category: 'Z' }, { amount: '30.00', category: 'E' }] }))).toEqual([]);
  });
});

describe('BR-CO calculations and structure', () => {
  const withAllowance = spec({ allowanceCharges: [{ charge: false, amount: '10.00' }] });
  const withCharge = spec({ allowanceCharges: [{ charge: true, amount: '10.00' }] });
  const lineAc = (charge: boolean, reason: string) =>
    `<cac:AllowanceCharge><cbc:ChargeIndicator>${charge}</cbc:ChargeIndicator>${reason}<cbc:Amount currencyID="EUR">1.00</cbc:Amount></cac:AllowanceCharge>`;
  check([
    { rule: 'BR-CO-03', what: 'VAT point date and VAT point date code together', fail: spec({ extra: '<cbc:TaxPointDate>2026-01-15</cbc:TaxPointDate><cac:InvoicePeriod><cbc:DescriptionCode>3</cbc:DescriptionCode></cac:InvoicePeriod>' }), pass: spec({ extra: '<cbc:TaxPointDate>2026-01-15</cbc:TaxPointDate>' }) },
    { rule: 'BR-CO-04', what: 'a line whose tax category is not in the VAT scheme', fail: replace(BASE, '<cbc:Percent>21</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>', '<cbc:Percent>21</cbc:Percent><cac:TaxScheme><cbc:ID>GST</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>') },
    { rule: 'BR-CO-04', what: 'the VAT scheme is compared after upper-casing and trimming', fail: replace(BASE, '<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>', '<cac:TaxScheme><cbc:ID>V AT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>'), pass: replace(BASE, '<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>', '<cac:TaxScheme><cbc:ID> vat </cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>') },
    { rule: 'BR-CO-09', what: 'a VAT identifier without a country prefix', fail: spec({ sellerVat: 'XX0123456749' }), pass: spec({ sellerVat: 'EL123456789' }) },
    { rule: 'BR-CO-09', what: 'a buyer VAT identifier is checked too; an empty one passes (substring semantics of the official test)', fail: spec({ buyerVat: '12345678' }), pass: spec({ buyerVat: '' }) },
    { rule: 'BR-CO-10', what: 'the sum of line net amounts differs from the lines', fail: spec({ totals: { LineExtensionAmount: '99.99' } }) },
    { rule: 'BR-CO-10', what: 'x.xx5 rounds up: lines 10.005 give 10.01, not 10.00', fail: spec({ lines: [{ amount: '10.005' }], totals: { LineExtensionAmount: '10.00' } }), pass: spec({ lines: [{ amount: '10.005' }], totals: { LineExtensionAmount: '10.01' } }) },
    { rule: 'BR-CO-10', what: 'negative halves round towards +infinity: -10.005 gives -10.00', fail: spec({ lines: [{ amount: '-10.005' }], totals: { LineExtensionAmount: '-10.01' } }), pass: spec({ lines: [{ amount: '-10.005' }], totals: { LineExtensionAmount: '-10.00' } }) },
    { rule: 'BR-CO-10', what: 'no sum of line net amounts at all', fail: spec({ totals: { LineExtensionAmount: null } }) },
    { rule: 'BR-CO-11', what: 'the sum of allowances differs', fail: spec({ allowanceCharges: [{ charge: false, amount: '10.00' }], totals: { AllowanceTotalAmount: '9.00' } }), pass: withAllowance },
    { rule: 'BR-CO-11', what: 'allowances without a sum of allowances', fail: spec({ allowanceCharges: [{ charge: false, amount: '10.00' }], totals: { AllowanceTotalAmount: null } }), pass: spec({ totals: { AllowanceTotalAmount: '0.00' } }) },
    { rule: 'BR-CO-11', what: 'allowances of 2.005 round to 2.01', fail: spec({ allowanceCharges: [{ charge: false, amount: '2.005' }], totals: { AllowanceTotalAmount: '2.00' } }), pass: spec({ allowanceCharges: [{ charge: false, amount: '2.005' }], totals: { AllowanceTotalAmount: '2.01' } }) },
    { rule: 'BR-CO-12', what: 'the sum of charges differs', fail: spec({ allowanceCharges: [{ charge: true, amount: '10.00' }], totals: { ChargeTotalAmount: '10.01' } }), pass: withCharge },
    { rule: 'BR-CO-12', what: 'charges without a sum of charges', fail: spec({ allowanceCharges: [{ charge: true, amount: '10.00' }], totals: { ChargeTotalAmount: null } }), pass: spec({ totals: { ChargeTotalAmount: '0' } }) },
    { rule: 'BR-CO-13', what: 'with allowances and charges: total without VAT differs', fail: spec({ allowanceCharges: [{ charge: false, amount: '10.00' }, { charge: true, amount: '5.00' }], totals: { TaxExclusiveAmount: '96.00' } }), pass: spec({ allowanceCharges: [{ charge: false, amount: '10.00' }, { charge: true, amount: '5.00' }] }) },
    { rule: 'BR-CO-13', what: 'with allowances only', fail: spec({ allowanceCharges: [{ charge: false, amount: '10.00' }], totals: { TaxExclusiveAmount: '100.00' } }), pass: withAllowance },
    { rule: 'BR-CO-13', what: 'with charges only', fail: spec({ allowanceCharges: [{ charge: true, amount: '10.00' }], totals: { TaxExclusiveAmount: '100.00' } }), pass: withCharge },
    { rule: 'BR-CO-13', what: 'without allowances or charges the comparison is exact (no rounding)', fail: spec({ lines: [{ amount: '100.005' }], totals: { LineExtensionAmount: '100.005', TaxExclusiveAmount: '100.01' } }), pass: spec({ lines: [{ amount: '100.005' }], totals: { LineExtensionAmount: '100.005', TaxExclusiveAmount: '100.005' } }) },
    { rule: 'BR-CO-13', what: 'with a zero allowance total the result is rounded: 100.005 gives 100.01', fail: spec({ lines: [{ amount: '100.005' }], totals: { LineExtensionAmount: '100.005', AllowanceTotalAmount: '0', TaxExclusiveAmount: '100.00' } }), pass: spec({ lines: [{ amount: '100.005' }], totals: { LineExtensionAmount: '100.005', AllowanceTotalAmount: '0', TaxExclusiveAmount: '100.01' } }) },
    { rule: 'BR-CO-14', what: 'the total VAT amount differs from the breakdown', fail: spec({ taxAmount: '21.01' }) },
    { rule: 'BR-CO-14', what: 'a breakdown of 10.005 rounds to 10.01', fail: replace(spec({ taxAmount: '10.00' }), '<cbc:TaxAmount currencyID="EUR">21.00</cbc:TaxAmount><cac:TaxCategory>', '<cbc:TaxAmount currencyID="EUR">10.005</cbc:TaxAmount><cac:TaxCategory>'), pass: replace(spec({ taxAmount: '10.01' }), '<cbc:TaxAmount currencyID="EUR">21.00</cbc:TaxAmount><cac:TaxCategory>', '<cbc:TaxAmount currencyID="EUR">10.005</cbc:TaxAmount><cac:TaxCategory>') },
    { rule: 'BR-CO-15', what: 'the total with VAT differs', fail: spec({ totals: { TaxInclusiveAmount: '121.01' } }) },
    { rule: 'BR-CO-15', what: 'two total VAT amounts in the document currency', fail: spec({ extra: '<cac:TaxTotal><cbc:TaxAmount currencyID="EUR">21.00</cbc:TaxAmount></cac:TaxTotal>' }), pass: spec({ extra: '<cbc:TaxCurrencyCode>USD</cbc:TaxCurrencyCode><cac:TaxTotal><cbc:TaxAmount currencyID="USD">25.00</cbc:TaxAmount></cac:TaxTotal>' }) },
    { rule: 'BR-CO-15', what: '100.00 + 21.005 rounds to 121.01', fail: spec({ taxAmount: '21.005', totals: { TaxInclusiveAmount: '121.00', PayableAmount: '121.00' } }), pass: spec({ taxAmount: '21.005', totals: { TaxInclusiveAmount: '121.01', PayableAmount: '121.01' } }) },
    { rule: 'BR-CO-15', what: '-100.00 + -21.005 rounds towards +infinity to -121.00', fail: spec({ lines: [{ amount: '-100.00' }], taxAmount: '-21.005', totals: { TaxInclusiveAmount: '-121.01', PayableAmount: '-121.01' } }), pass: spec({ lines: [{ amount: '-100.00' }], taxAmount: '-21.005', totals: { TaxInclusiveAmount: '-121.00', PayableAmount: '-121.00' } }) },
    { rule: 'BR-CO-16', what: 'no paid amount, no rounding: the amount due equals the total with VAT exactly', fail: spec({ totals: { PayableAmount: '121.001' } }) },
    { rule: 'BR-CO-16', what: 'with a paid amount', fail: spec({ totals: { PrepaidAmount: '21.00', PayableAmount: '101.00' } }), pass: spec({ totals: { PrepaidAmount: '21.00', PayableAmount: '100.00' } }) },
    { rule: 'BR-CO-16', what: 'with a rounding amount only', fail: spec({ totals: { PayableRoundingAmount: '0.50', PayableAmount: '121.00' } }), pass: spec({ totals: { PayableRoundingAmount: '0.50', PayableAmount: '121.50' } }) },
    { rule: 'BR-CO-16', what: 'with a paid amount and a rounding amount, both sides rounded to cents', fail: spec({ totals: { PrepaidAmount: '20.995', PayableRoundingAmount: '0.30', PayableAmount: '100.30' } }), pass: spec({ totals: { PrepaidAmount: '20.995', PayableRoundingAmount: '0.30', PayableAmount: '100.305' } }) },
    { rule: 'BR-CO-17', what: 'a VAT amount 1.00 away from taxable × rate', fail: group(BASE, 'S', (st) => replace(st, '>21.00<', '>22.00<')), pass: group(BASE, 'S', (st) => replace(st, '>21.00<', '>21.99<')) },
    { rule: 'BR-CO-17', what: 'the product is rounded before the ±1 tolerance: 4.76 × 21 % = 0.9996 -> 1.00, so 0.00 fails', fail: spec({ lines: [{ amount: '4.76' }], taxAmount: '0.00', totals: { TaxInclusiveAmount: '4.76', PayableAmount: '4.76' }, subtotals: '<cac:TaxSubtotal><cbc:TaxableAmount currencyID="EUR">4.76</cbc:TaxableAmount><cbc:TaxAmount currencyID="EUR">0.00</cbc:TaxAmount><cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>21</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:TaxSubtotal>' }), pass: spec({ lines: [{ amount: '4.76' }] }) },
    { rule: 'BR-CO-17', what: 'x.xx5 rounds up: 0.50 × 1 % = 0.005 -> 0.01, so 1.005 is within the tolerance (it would not be with 0.00) and 1.01 is not', fail: replace(spec({ lines: [{ amount: '0.50', rate: '1' }], taxAmount: '1.01' }), '<cbc:TaxAmount currencyID="EUR">0.01</cbc:TaxAmount><cac:TaxCategory>', '<cbc:TaxAmount currencyID="EUR">1.01</cbc:TaxAmount><cac:TaxCategory>'), pass: replace(spec({ lines: [{ amount: '0.50', rate: '1' }], taxAmount: '1.01' }), '<cbc:TaxAmount currencyID="EUR">0.01</cbc:TaxAmount><cac:TaxCategory>', '<cbc:TaxAmount currencyID="EUR">1.005</cbc:TaxAmount><cac:TaxCategory>') },
    { rule: 'BR-CO-17', what: 'a rate that rounds to 0 (0.4) needs a VAT amount that rounds to 0', fail: group(spec({ lines: [{ amount: '100.00', rate: '0.4' }], taxAmount: '0.50' }), 'S', (st) => replace(st, '>0.40<', '>0.50<')), pass: group(spec({ lines: [{ amount: '100.00', rate: '0.4' }], taxAmount: '0.49' }), 'S', (st) => replace(st, '>0.40<', '>0.49<')) },
    { rule: 'BR-CO-17', what: 'no VAT amount in the group', fail: group(BASE, 'S', (st) => replace(st, '<cbc:TaxAmount currencyID="EUR">21.00</cbc:TaxAmount>', '')) },
    { rule: 'BR-CO-18', what: 'no VAT breakdown', fail: spec({ subtotals: '' }) },
    { rule: 'BR-CO-19', what: 'an empty invoicing period', fail: spec({ extra: '<cac:InvoicePeriod><cbc:Description>January</cbc:Description></cac:InvoicePeriod>' }), pass: spec({ extra: '<cac:InvoicePeriod><cbc:EndDate>2026-01-31</cbc:EndDate></cac:InvoicePeriod>' }) },
    { rule: 'BR-CO-20', what: 'an empty line period', fail: spec({ lines: [{ amount: '100.00', extra: '<cac:InvoicePeriod><cbc:DescriptionCode>3</cbc:DescriptionCode></cac:InvoicePeriod>' }] }), pass: spec({ lines: [{ amount: '100.00', extra: '<cac:InvoicePeriod><cbc:StartDate>2026-01-01</cbc:StartDate></cac:InvoicePeriod>' }] }) },
    { rule: 'BR-CO-21', what: 'a document-level allowance without reason or reason code', fail: spec({ allowanceCharges: [{ charge: false, amount: '10.00', reason: null }] }), pass: spec({ allowanceCharges: [{ charge: false, amount: '10.00', reason: null, extra: '<cbc:AllowanceChargeReasonCode>95</cbc:AllowanceChargeReasonCode>' }] }) },
    { rule: 'BR-CO-22', what: 'a document-level charge without reason or reason code', fail: spec({ allowanceCharges: [{ charge: true, amount: '10.00', reason: null }] }), pass: withCharge },
    { rule: 'BR-CO-23', what: 'a line allowance without reason', fail: spec({ lines: [{ amount: '100.00', extra: lineAc(false, '') }] }), pass: spec({ lines: [{ amount: '100.00', extra: lineAc(false, '<cbc:AllowanceChargeReason>Discount</cbc:AllowanceChargeReason>') }] }) },
    { rule: 'BR-CO-24', what: 'a line charge without reason', fail: spec({ lines: [{ amount: '100.00', extra: lineAc(true, '') }] }), pass: spec({ lines: [{ amount: '100.00', extra: lineAc(true, '<cbc:AllowanceChargeReasonCode>FC</cbc:AllowanceChargeReasonCode>') }] }) },
    { rule: 'BR-CO-26', what: 'a seller without any identifier', fail: replace(spec({ sellerVat: null }), '<cbc:CompanyID schemeID="0208">0123456749</cbc:CompanyID>', ''), pass: replace(spec({ sellerVat: null, sellerExtra: '<cac:PartyIdentification><cbc:ID>12345</cbc:ID></cac:PartyIdentification>' }), '<cbc:CompanyID schemeID="0208">0123456749</cbc:CompanyID>', '') },
    { rule: 'BR-CO-26', what: 'a SEPA creditor identifier does not identify the seller', fail: replace(spec({ sellerVat: null, sellerExtra: '<cac:PartyIdentification><cbc:ID schemeID="SEPA">BE12ZZZ123</cbc:ID></cac:PartyIdentification>' }), '<cbc:CompanyID schemeID="0208">0123456749</cbc:CompanyID>', '') },
  ]);

  it('BR-CO-05..08 (reason code and reason describe the same thing) never fail, as in the official rules', () => {
    const xml = spec({ allowanceCharges: [{ charge: false, amount: '10.00', reason: 'Freight', extra: '<cbc:AllowanceChargeReasonCode>95</cbc:AllowanceChargeReasonCode>' }] });
    expect(cenFindings(xml)).toEqual([]);
  });

  it('a value that is not a number fails the rule that reads it, with a message saying so', () => {
    const report = cenReport(spec({ totals: { LineExtensionAmount: '1OO.00' } }));
    const issue = report.errors.find((e) => e.rule === 'BR-CO-10');
    expect(issue?.message).toContain('"1OO.00" is not a number');
    expect(issue?.path).toBe('/Invoice/cac:LegalMonetaryTotal/cbc:LineExtensionAmount');
  });

  it('reports the compared values and points at the element', () => {
    const issue = cenReport(spec({ totals: { LineExtensionAmount: '900.00' } })).errors.find((e) => e.rule === 'BR-CO-10');
    expect(issue).toMatchObject({ severity: 'fatal', path: '/Invoice/cac:LegalMonetaryTotal/cbc:LineExtensionAmount' });
    expect(issue?.message).toContain('the lines add up to 100.00, the document says 900.00');
  });
});

// --- VAT category families ---------------------------------------------------------------------

interface FamilyCase {
  prefix: string;
  code: Category;
  /** Rate used on lines/allowances and one that breaks -05..-07. */
  rate: string | undefined;
  badRate: string | null;
  /** -08/-09: exact zero-tax families or per-rate ±1 families. */
  perRate: boolean;
  exemptionRequired: boolean;
  exactlyOne: boolean;
}

const FAMILIES: FamilyCase[] = [
  { prefix: 'S', code: 'S', rate: '21', badRate: '0', perRate: true, exemptionRequired: false, exactlyOne: false },
  { prefix: 'Z', code: 'Z', rate: '0', badRate: '6', perRate: false, exemptionRequired: false, exactlyOne: true },
  { prefix: 'E', code: 'E', rate: '0', badRate: '6', perRate: false, exemptionRequired: true, exactlyOne: true },
  { prefix: 'AE', code: 'AE', rate: '0', badRate: '21', perRate: false, exemptionRequired: true, exactlyOne: true },
  { prefix: 'IC', code: 'K', rate: '0', badRate: '21', perRate: false, exemptionRequired: true, exactlyOne: true },
  { prefix: 'G', code: 'G', rate: '0', badRate: '21', perRate: false, exemptionRequired: true, exactlyOne: true },
  { prefix: 'O', code: 'O', rate: undefined, badRate: '0', perRate: false, exemptionRequired: true, exactlyOne: true },
  { prefix: 'AF', code: 'L', rate: '7', badRate: '-1', perRate: true, exemptionRequired: false, exactlyOne: false },
  { prefix: 'AG', code: 'M', rate: '4', badRate: '-1', perRate: true, exemptionRequired: false, exactlyOne: false },
];

for (const f of FAMILIES) {
  describe(`VAT category ${f.code} (BR-${f.prefix}-*)`, () => {
    const id = (n: number) => `BR-${f.prefix}-${String(n).padStart(2, '0')}`;
    const lines = [{ amount: '100.00', category: f.code }, { amount: '40.50', category: f.code }];
    const base = spec({ lines });
    const withAc = (charge: boolean, extra: Partial<InvoiceSpec> = {}) => spec({ lines, allowanceCharges: [{ charge, amount: '10.00', category: f.code }], ...extra });
    // Seller (and buyer) identifiers removed, or for O, added.
    const idsBroken: Partial<InvoiceSpec> = f.code === 'O' ? { sellerVat: 'BE0123456749' } : { sellerVat: null, buyerVat: null };
    const noLegalId = (xml: string) => replace(xml, '<cbc:CompanyID schemeID="0208">0123456749</cbc:CompanyID>', '');

    it('the base document keeps every rule of the family', () => {
      expect(cenFindings(base)).toEqual([]);
      expect(cenFindings(withAc(false))).toEqual([]);
      expect(cenFindings(withAc(true))).toEqual([]);
    });

    if (f.exactlyOne) {
      check([
        { rule: id(1), what: 'used on a line but missing from the VAT breakdown', fail: spec({ lines: [{ amount: '100.00', category: f.code }], subtotals: groupXml(spec({ lines: [{ amount: '100.00' }] }), 'S').replace('>100.00<', '>100.00<') }), pass: base },
        { rule: id(1), what: 'two groups of the category in the VAT breakdown', fail: group(base, f.code, (st) => st + st), pass: base },
      ]);
    } else {
      check([
        { rule: id(1), what: 'used on a line but missing from the VAT breakdown', fail: spec({ lines: [{ amount: '100.00', category: f.code }, { amount: '10.00', category: 'Z' }], subtotals: groupXml(spec({ lines: [{ amount: '10.00', category: 'Z' }] }), 'Z') }), pass: base },
        { rule: id(1), what: 'in the VAT breakdown but not used anywhere', fail: spec({ lines: [{ amount: '100.00', category: 'Z' }], subtotals: groupXml(spec({ lines: [{ amount: '100.00', category: 'Z' }] }), 'Z') + groupXml(base, f.code) }), pass: base },
      ]);
    }

    check([
      { rule: id(2), what: f.code === 'O' ? 'a line with a seller VAT identifier' : 'a line without the required identifiers', fail: noLegalId(spec({ lines, ...idsBroken })), pass: base },
      { rule: id(3), what: f.code === 'O' ? 'an allowance with a seller VAT identifier' : 'an allowance without the required identifiers', fail: noLegalId(withAc(false, idsBroken)), pass: withAc(false) },
      { rule: id(4), what: f.code === 'O' ? 'a charge with a seller VAT identifier' : 'a charge without the required identifiers', fail: noLegalId(withAc(true, idsBroken)), pass: withAc(true) },
    ]);

    const badRate = (xml: string, tag: string) =>
      f.rate === undefined
        ? replace(xml, `<cac:${tag}><cbc:ID>O</cbc:ID>`, `<cac:${tag}><cbc:ID>O</cbc:ID><cbc:Percent>${f.badRate}</cbc:Percent>`)
        : replace(xml, `<cac:${tag}><cbc:ID>${f.code}</cbc:ID><cbc:Percent>${f.rate}</cbc:Percent>`, `<cac:${tag}><cbc:ID>${f.code}</cbc:ID><cbc:Percent>${f.badRate}</cbc:Percent>`);
    const acTag = (charge: boolean) => (xml: string) => {
      // The allowance/charge category is the first cac:TaxCategory after its ChargeIndicator.
      const start = xml.indexOf(`<cbc:ChargeIndicator>${charge}</cbc:ChargeIndicator>`);
      return xml.slice(0, start) + badRate(xml.slice(start), 'TaxCategory');
    };
    check([
      { rule: id(5), what: `a line with rate ${f.badRate}`, fail: badRate(base, 'ClassifiedTaxCategory'), pass: base },
      { rule: id(6), what: `an allowance with rate ${f.badRate}`, fail: acTag(false)(withAc(false)), pass: withAc(false) },
      { rule: id(7), what: `a charge with rate ${f.badRate}`, fail: acTag(true)(withAc(true)), pass: withAc(true) },
    ]);

    const taxable = (xml: string, to: string, from = '140.50') => group(xml, f.code, (st) => replace(st, `>${from}</cbc:TaxableAmount>`, `>${to}</cbc:TaxableAmount>`));
    if (f.perRate) {
      check([
        { rule: id(8), what: 'a taxable amount 1.00 away from the lines', fail: taxable(base, '141.50'), pass: taxable(base, '141.49') },
        { rule: id(8), what: 'lines at another rate do not count', fail: spec({ lines: [...lines, { amount: '20.00', category: f.code, rate: '99' }], subtotals: groupXml(base, f.code) + groupXml(spec({ lines: [{ amount: '20.00', category: f.code, rate: '99' }] }), f.code).replace('>20.00</cbc:TaxableAmount>', '>120.00</cbc:TaxableAmount>') }), pass: spec({ lines: [...lines, { amount: '20.00', category: f.code, rate: '99' }] }) },
      ]);
    } else {
      check([
        { rule: id(8), what: 'a taxable amount 0.01 away from the lines (no tolerance)', fail: taxable(base, '140.51'), pass: base },
        { rule: id(8), what: 'allowances and charges in the category count', fail: taxable(withAc(true), '140.50', '150.50'), pass: withAc(true) },
      ]);
    }
    if (f.perRate) {
      const tax = (to: string) => group(base, f.code, (st) => st.replace(/(<cbc:TaxAmount currencyID="EUR">)[^<]*(<\/cbc:TaxAmount>)/, `$1${to}$2`));
      const expected = groupXml(base, f.code).match(/<cbc:TaxAmount currencyID="EUR">([^<]*)</)?.[1] ?? '';
      const plus = (d: string, n: string) => (Number(d) + Number(n)).toFixed(2); // test-side display only
      check([{ rule: id(9), what: 'a VAT amount 1.00 away from taxable × rate', fail: tax(plus(expected, '1')), pass: tax(plus(expected, '0.99')) }]);
    } else {
      check([{ rule: id(9), what: 'a VAT amount that is not 0', fail: group(base, f.code, (st) => replace(st, '>0.00</cbc:TaxAmount>', '>0.01</cbc:TaxAmount>')), pass: base }]);
    }
    if (f.exemptionRequired) {
      check([{ rule: id(10), what: 'no exemption reason', fail: group(base, f.code, (st) => st.replace(/<cbc:TaxExemptionReasonCode>[^<]*<\/cbc:TaxExemptionReasonCode>/, '')), pass: group(base, f.code, (st) => st.replace(/<cbc:TaxExemptionReasonCode>[^<]*<\/cbc:TaxExemptionReasonCode>/, '<cbc:TaxExemptionReason>Exempt</cbc:TaxExemptionReason>')) }]);
    } else {
      check([{ rule: id(10), what: 'an exemption reason', fail: group(base, f.code, (st) => replace(st, '<cac:TaxScheme>', '<cbc:TaxExemptionReason>Why</cbc:TaxExemptionReason><cac:TaxScheme>')), pass: base }]);
    }
  });
}

describe('VAT rules outside the common shape', () => {
  const k = spec({ lines: [{ amount: '100.00', category: 'K' }] });
  const o = spec({ lines: [{ amount: '100.00', category: 'O' }] });
  check([
    { rule: 'BR-IC-11', what: 'intra-community supply without delivery date or invoicing period', fail: replace(k, '<cbc:ActualDeliveryDate>2026-01-10</cbc:ActualDeliveryDate>', ''), pass: replace(k, '<cbc:ActualDeliveryDate>2026-01-10</cbc:ActualDeliveryDate>', '').replace('<cac:AccountingSupplierParty>', '<cac:InvoicePeriod><cbc:StartDate>2026-01-01</cbc:StartDate></cac:InvoicePeriod><cac:AccountingSupplierParty>') },
    { rule: 'BR-IC-12', what: 'intra-community supply without deliver-to country', fail: replace(k, '<cac:DeliveryLocation><cac:Address><cac:Country><cbc:IdentificationCode>NL</cbc:IdentificationCode></cac:Country></cac:Address></cac:DeliveryLocation>', ''), pass: k },
    { rule: 'BR-O-11', what: 'an O group next to an S group', fail: spec({ lines: [{ amount: '100.00', category: 'O' }], sellerVat: null, buyerVat: null, subtotals: groupXml(o, 'O') + groupXml(BASE, 'S') }), pass: o },
    { rule: 'BR-O-12', what: 'an O group with an S line', fail: spec({ lines: [{ amount: '100.00', category: 'O' }, { amount: '10.00' }], sellerVat: null, buyerVat: null }), pass: o },
    { rule: 'BR-O-13', what: 'an O group with an S allowance', fail: spec({ lines: [{ amount: '100.00', category: 'O' }], allowanceCharges: [{ charge: false, amount: '1.00' }], sellerVat: null, buyerVat: null }), pass: o },
    { rule: 'BR-O-14', what: 'an O group with an S charge', fail: spec({ lines: [{ amount: '100.00', category: 'O' }], allowanceCharges: [{ charge: true, amount: '1.00' }], sellerVat: null, buyerVat: null }), pass: o },
    { rule: 'BR-B-01', what: 'split payment (B) outside Italy', fail: replace(BASE, '<cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID>', '<cac:ClassifiedTaxCategory><cbc:ID>B</cbc:ID>'), pass: replace(BASE, '<cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID>', '<cac:ClassifiedTaxCategory><cbc:ID>B</cbc:ID>').replaceAll('<cbc:IdentificationCode>BE</cbc:IdentificationCode>', '<cbc:IdentificationCode>IT</cbc:IdentificationCode>').replaceAll('<cbc:IdentificationCode>NL</cbc:IdentificationCode>', '<cbc:IdentificationCode>IT</cbc:IdentificationCode>') },
    { rule: 'BR-B-02', what: 'split payment (B) together with standard rate (S)', fail: replace(spec({ lines: [{ amount: '100.00' }, { amount: '10.00' }] }), '<cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID>', '<cac:ClassifiedTaxCategory><cbc:ID>B</cbc:ID>'), pass: BASE },
  ]);

  it('BR-S-08 needs a line or allowance/charge at the group rate, not just a matching amount', () => {
    // A 6 % group of 0.00 with no 6 % line: the S-08 "exists" condition fails even though the amounts agree.
    const xml = spec({ subtotals: groupXml(BASE, 'S') + '<cac:TaxSubtotal><cbc:TaxableAmount currencyID="EUR">0.00</cbc:TaxableAmount><cbc:TaxAmount currencyID="EUR">0.00</cbc:TaxAmount><cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>6</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:TaxSubtotal>' });
    expect(cenErrors(xml)).toContain('BR-S-08');
    expect(cenErrors(BASE)).not.toContain('BR-S-08');
  });

  it('BR-S-02 fails for a category S outside the VAT scheme even with a seller VAT identifier', () => {
    const xml = replace(BASE, '<cbc:Percent>21</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>', '<cbc:Percent>21</cbc:Percent><cac:TaxScheme><cbc:ID>GST</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>');
    expect(cenErrors(xml)).toContain('BR-S-02');
  });

  it('BR-E-08 compares a credit note with its credit note lines', () => {
    const cn = spec({ creditNote: true, lines: [{ amount: '40.00', category: 'E' }] });
    expect(cenErrors(cn)).toEqual([]);
    expect(cenErrors(group(cn, 'E', (st) => replace(st, '>40.00</cbc:TaxableAmount>', '>41.00</cbc:TaxableAmount>')))).toContain('BR-E-08');
  });
});
