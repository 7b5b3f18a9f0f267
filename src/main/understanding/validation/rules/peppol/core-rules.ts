/**
 * The rules PEPPOL-EN16931-UBL.sch (Peppol BIS Billing 3.0) and PEPPOL-EN16931-UBL-SB.sch (Peppol
 * self-billing) share, release 2026.5: PEPPOL-EN16931-R*, -P*, -CL*, -F001 and PEPPOL-COMMON-R*.
 * The two artefacts differ only in the specification / profile identifiers, the allowed type codes,
 * P0112 (billing only) and which tax amounts R051 looks at; `variant` selects them.
 *
 * Schematron semantics kept on purpose: within one <pattern> a node is checked only by the FIRST
 * <rule> whose context matches it (e.g. an allowance with a percentage but no base amount gets
 * R041 and is not checked by R040/R043; a CompanyID with schemeID 0088 is checked as a GLN and not
 * by R056-2), comparisons are on the element's text as written (trimmed) unless the rule uses
 * normalize-space(), and numbers are exact decimals.
 */
import { add, canonical, cmp, format, mul, ONE, parseDecimal, round, shift, sub, ZERO, type Decimal } from '../../../decimal.ts';
import type { XmlElement } from '../../../safe-xml.ts';
import type { Rule } from '../../types.ts';
import { abnOk, codiceFiscaleOk, codiceIpaOk, gs1CheckDigitOk, mod11Ok, mod97Be, partitaIvaOk, swedishOrgNumberOk } from './checksums.ts';
import { at, at1, is, kid, kids, nsText, stringValue, txt, type DocFacts, type Variant } from './context.ts';
import { defineRule, quote, type Fail } from './define.ts';
import { BILLING_CODE_LISTS, SELFBILLING_CODE_LISTS, type PeppolCodeLists } from './support/codelists.ts';
import { compareDates, isXPathNumber, normalizeSpace, parseXsDate, withinSlack, xpathDiv, xpathNumber } from './xpath.ts';

const CUSTOMIZATION: Record<Variant, string> = {
  billing: 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0',
  selfbilling: 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:selfbilling:3.0',
};

const TWO_CENTS: Decimal = { units: 2n, scale: 2 };

/** The elements `ubl-invoice:Invoice | ubl-creditnote:CreditNote` (in practice: the root). */
function docElements(f: DocFacts): XmlElement[] {
  return [...f.named('inv:Invoice'), ...f.named('cn:CreditNote')];
}

/** Lines of a document element: `ubl-invoice:Invoice/cac:InvoiceLine` or `ubl-creditnote:CreditNote/cac:CreditNoteLine`. */
function linesOf(docEl: XmlElement): XmlElement[] {
  return is(docEl, 'inv:Invoice') ? kids(docEl, 'cac:InvoiceLine') : kids(docEl, 'cac:CreditNoteLine');
}

/** The allowances/charges R040..R043 look at (document and line level), in document order. */
function allowanceCharges(f: DocFacts): XmlElement[] {
  return f.once('peppol:allowanceCharges', () => {
    const out: XmlElement[] = [];
    for (const d of docElements(f)) {
      out.push(...kids(d, 'cac:AllowanceCharge'));
      for (const line of linesOf(d)) out.push(...kids(line, 'cac:AllowanceCharge'));
    }
    return out;
  });
}

type AllowanceKind = 'R041' | 'R042' | 'R040';

function allowanceKind(ac: XmlElement): AllowanceKind {
  const pct = kid(ac, 'cbc:MultiplierFactorNumeric') !== null;
  const base = kid(ac, 'cbc:BaseAmount') !== null;
  if (pct && !base) return 'R041';
  if (!pct && base) return 'R042';
  return 'R040';
}

function amountContexts(f: DocFacts, variant: Variant, includeAllTaxAmounts: boolean): XmlElement[] {
  const out: XmlElement[] = [];
  for (const key of [
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
  ]) {
    out.push(...f.named(key));
  }
  for (const el of f.named('cbc:TaxAmount')) {
    if (includeAllTaxAmounts) {
      out.push(el);
      continue;
    }
    const parent = f.parent(el);
    // R051: cac:TaxTotal[cac:TaxSubtotal]/cbc:TaxAmount, plus (billing only) cac:TaxSubtotal/cbc:TaxAmount.
    if (is(parent, 'cac:TaxTotal') && kid(parent, 'cac:TaxSubtotal')) out.push(el);
    else if (variant === 'billing' && is(parent, 'cac:TaxSubtotal')) out.push(el);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Identifier checks (PEPPOL-COMMON-R040..R057): one pattern, first matching rule wins.
// ---------------------------------------------------------------------------------------------

interface IcdEntry {
  id: string;
  scheme: string | null;
  endpointOnly?: boolean;
}

const ICD_ORDER: Record<Variant, readonly IcdEntry[]> = {
  billing: [
    { id: 'PEPPOL-COMMON-R040', scheme: '0088' },
    { id: 'PEPPOL-COMMON-R041', scheme: '0192' },
    { id: 'PEPPOL-COMMON-R042', scheme: '0184' },
    { id: 'PEPPOL-COMMON-R052', scheme: '0096' },
    { id: 'PEPPOL-COMMON-R053', scheme: '0198' },
    { id: 'PEPPOL-COMMON-R043', scheme: '0208' },
    { id: 'PEPPOL-COMMON-R044', scheme: '0201' },
    { id: 'PEPPOL-COMMON-R045', scheme: '0210' },
    { id: 'PEPPOL-COMMON-R046', scheme: '9907', endpointOnly: true },
    { id: 'PEPPOL-COMMON-R047', scheme: '0211' },
    { id: 'PEPPOL-COMMON-R049', scheme: '0007' },
    { id: 'PEPPOL-COMMON-R050', scheme: '0151' },
    { id: 'PEPPOL-COMMON-R054', scheme: '0106' },
    { id: 'PEPPOL-COMMON-R055', scheme: '0190' },
    { id: 'PEPPOL-COMMON-R056-1', scheme: '9944' },
    { id: 'PEPPOL-COMMON-R056-2', scheme: null },
    { id: 'PEPPOL-COMMON-R057', scheme: '0217' },
  ],
  selfbilling: [
    { id: 'PEPPOL-COMMON-R040', scheme: '0088' },
    { id: 'PEPPOL-COMMON-R041', scheme: '0192' },
    { id: 'PEPPOL-COMMON-R042', scheme: '0184' },
    { id: 'PEPPOL-COMMON-R043', scheme: '0208' },
    { id: 'PEPPOL-COMMON-R044', scheme: '0201' },
    { id: 'PEPPOL-COMMON-R045', scheme: '0210' },
    { id: 'PEPPOL-COMMON-R046', scheme: '9907', endpointOnly: true },
    { id: 'PEPPOL-COMMON-R047', scheme: '0211' },
    { id: 'PEPPOL-COMMON-R049', scheme: '0007' },
    { id: 'PEPPOL-COMMON-R050', scheme: '0151' },
    { id: 'PEPPOL-COMMON-R052', scheme: '0096' },
    { id: 'PEPPOL-COMMON-R053', scheme: '0198' },
    { id: 'PEPPOL-COMMON-R054', scheme: '0106' },
    { id: 'PEPPOL-COMMON-R055', scheme: '0190' },
    { id: 'PEPPOL-COMMON-R056-1', scheme: '9944' },
    { id: 'PEPPOL-COMMON-R056-2', scheme: null },
    { id: 'PEPPOL-COMMON-R057', scheme: '0217' },
  ],
};

/** `cac:PartyTaxScheme[normalize-space(cac:TaxScheme/cbc:ID) = 'VAT']/cbc:CompanyID[starts-with(normalize-space(.), 'NL')]` */
function isDutchVatCompanyId(f: DocFacts, el: XmlElement): boolean {
  if (!is(el, 'cbc:CompanyID')) return false;
  const scheme = f.parent(el);
  if (!is(scheme, 'cac:PartyTaxScheme') || nsText(scheme, 'cac:TaxScheme/cbc:ID') !== 'VAT') return false;
  return normalizeSpace(stringValue(el)).startsWith('NL');
}

/** Which PEPPOL-COMMON rule checks each identifier element (first matching rule of the pattern). */
function identifierChecks(f: DocFacts, variant: Variant): Map<string, XmlElement[]> {
  return f.once(`peppol:icd:${variant}`, () => {
    const out = new Map<string, XmlElement[]>();
    const candidates: XmlElement[] = [...f.named('cbc:EndpointID'), ...f.named('cbc:CompanyID'), ...f.named('cbc:ID').filter((el) => f.parentIs(el, 'cac:PartyIdentification'))];
    for (const el of candidates) {
      const scheme = el.attrs['schemeID'];
      const endpoint = is(el, 'cbc:EndpointID');
      for (const entry of ICD_ORDER[variant]) {
        const hit = entry.scheme === null ? isDutchVatCompanyId(f, el) : scheme === entry.scheme && (!entry.endpointOnly || endpoint);
        if (!hit) continue;
        let list = out.get(entry.id);
        if (!list) out.set(entry.id, (list = []));
        list.push(el);
        break;
      }
    }
    return out;
  });
}

const where = (el: XmlElement): string => (is(el, 'cbc:EndpointID') ? 'electronic address' : is(el, 'cbc:CompanyID') ? 'company identifier' : 'party identifier');

function identifierRule(variant: Variant, id: string, severity: 'fatal' | 'warning', message: string, ok: (el: XmlElement) => boolean | null): Rule {
  return defineRule(id, severity, message, (f, fail) => {
    for (const el of identifierChecks(f, variant).get(id) ?? []) {
      const scheme = el.attrs['schemeID'];
      if (ok(el) === false) fail(el, `${where(el)} ${quote(stringValue(el))}${scheme === undefined ? '' : ` with scheme ${scheme}`}`);
    }
  });
}

const normalized = (el: XmlElement): string => normalizeSpace(stringValue(el));
const onlyDigits = (s: string): boolean => /^[0-9]*$/.test(s);

function identifierRules(variant: Variant): Rule[] {
  return [
    identifierRule(variant, 'PEPPOL-COMMON-R040', 'fatal', 'A GLN (scheme 0088) must consist of digits with a valid GS1 check digit.', (el) => {
      const v = normalized(el);
      return /^[0-9]+$/.test(v) && gs1CheckDigitOk(v);
    }),
    identifierRule(variant, 'PEPPOL-COMMON-R041', 'fatal', 'A Norwegian organisation number (scheme 0192) must be 9 digits with a valid mod-11 check digit.', (el) => {
      const v = normalized(el);
      return /^[0-9]{9}$/.test(v) && mod11Ok(v);
    }),
    identifierRule(variant, 'PEPPOL-COMMON-R042', 'fatal', 'A Danish CVR number (scheme 0184) must be 8 digits, or "DK" followed by 8 digits.', (el) => {
      const s = stringValue(el);
      return (s.length === 10 && s.startsWith('DK') && onlyDigits(s.slice(2, 10))) || (s.length === 8 && onlyDigits(s.slice(0, 8)));
    }),
    identifierRule(variant, 'PEPPOL-COMMON-R052', 'fatal', 'A Danish P-number (scheme 0096) must be 10 digits.', (el) => {
      const s = stringValue(el);
      return s.length === 10 && onlyDigits(s);
    }),
    identifierRule(variant, 'PEPPOL-COMMON-R053', 'fatal', 'A Danish SE number (scheme 0198) must be "DK" followed by 8 digits.', (el) => {
      const s = stringValue(el);
      return s.length === 10 && s.startsWith('DK') && onlyDigits(s.slice(2, 10));
    }),
    identifierRule(variant, 'PEPPOL-COMMON-R043', 'fatal', 'A Belgian enterprise number (scheme 0208) must be 10 digits whose last two are 97 minus the first eight modulo 97.', (el) => {
      const v = normalized(el);
      return /^[0-9]{10}$/.test(v) && mod97Be(v);
    }),
    identifierRule(variant, 'PEPPOL-COMMON-R044', 'warning', 'An Italian IPA code (scheme 0201) should be 6 letters or digits.', (el) => codiceIpaOk(normalized(el))),
    identifierRule(variant, 'PEPPOL-COMMON-R045', 'warning', 'An Italian tax code (Codice Fiscale, scheme 0210) should be 16 characters in the personal format or 11 digits.', (el) => codiceFiscaleOk(normalized(el))),
    identifierRule(variant, 'PEPPOL-COMMON-R046', 'warning', 'An Italian tax code used as electronic address (scheme 9907) should be 16 characters in the personal format or 11 digits.', (el) => codiceFiscaleOk(normalized(el))),
    identifierRule(variant, 'PEPPOL-COMMON-R047', 'warning', 'An Italian VAT number (Partita IVA, scheme 0211) starting with IT should be followed by 11 digits with a valid check digit.', (el) => partitaIvaOk(normalized(el))),
    identifierRule(variant, 'PEPPOL-COMMON-R049', 'fatal', 'A Swedish organisation number (scheme 0007) must be 10 digits with a valid Luhn check digit.', (el) => {
      const v = normalized(el);
      return [...v].length === 10 && isXPathNumber(v) && swedishOrgNumberOk(v);
    }),
    identifierRule(variant, 'PEPPOL-COMMON-R050', 'fatal', 'An Australian Business Number (scheme 0151) must be 11 digits that pass the ABN check.', (el) => {
      const v = normalized(el);
      return /^[0-9]{11}$/.test(v) && abnOk(v);
    }),
    identifierRule(variant, 'PEPPOL-COMMON-R054', 'warning', 'A Dutch Chamber of Commerce (KVK) number (scheme 0106) should be 8 digits, e.g. 12345678.', (el) => /^[0-9]{8}$/.test(normalized(el))),
    identifierRule(variant, 'PEPPOL-COMMON-R055', 'warning', 'A Dutch government organisation number (OIN, scheme 0190) should be 20 digits.', (el) => /^[0-9]{20}$/.test(normalized(el))),
    identifierRule(variant, 'PEPPOL-COMMON-R056-1', 'warning', 'A Dutch VAT number (scheme 9944) should look like NL123456789B12.', (el) => /^NL[0-9]{9}B[0-9]{2}$/.test(normalized(el))),
    identifierRule(variant, 'PEPPOL-COMMON-R056-2', 'warning', 'A Dutch VAT identifier (BT-31 / BT-48 / BT-63 starting with NL) should look like NL123456789B12.', (el) => /^NL[0-9]{9}B[0-9]{2}$/.test(normalized(el))),
    identifierRule(variant, 'PEPPOL-COMMON-R057', 'warning', 'A Dutch Chamber of Commerce establishment number (scheme 0217) should be 12 digits.', (el) => /^[0-9]{12}$/.test(normalized(el))),
  ];
}

// ---------------------------------------------------------------------------------------------
// Transaction rules
// ---------------------------------------------------------------------------------------------

function transactionRules(variant: Variant): Rule[] {
  const customization = CUSTOMIZATION[variant];
  return [
    defineRule('PEPPOL-EN16931-R008', 'fatal', 'The document must not contain empty elements; leave an element out instead of sending it empty.', (f, fail) => {
      // normalize-space(.) = '' is trim() = '' (no new string, even for a large attachment).
      for (const el of f.all) if (el.children.length === 0 && el.text.trim() === '') fail(el, `<${el.name}> is empty`);
    }),
    defineRule('PEPPOL-EN16931-R080', 'fatal', 'A credit note may carry at most one project reference (additional document with type code 50).', (f, fail) => {
      for (const d of f.named('cn:CreditNote')) {
        const refs = kids(d, 'cac:AdditionalDocumentReference').filter((r) => kids(r, 'cbc:DocumentTypeCode').some((c) => txt(c) === '50'));
        if (refs.length > 1) fail(refs[1] ?? d, `${refs.length} project references`);
      }
    }),
    defineRule('PEPPOL-EN16931-R001', 'fatal', 'The business process (BT-23, cbc:ProfileID) must be given.', (f, fail) => {
      for (const d of docElements(f)) if (!kid(d, 'cbc:ProfileID')) fail(d);
    }),
    defineRule(
      'PEPPOL-EN16931-R007',
      'fatal',
      variant === 'billing'
        ? 'The business process (BT-23) must be an approved Peppol identifier, e.g. urn:fdc:peppol.eu:2017:poacc:billing:01:1.0.'
        : 'The business process (BT-23) must be an approved Peppol self-billing identifier, e.g. urn:fdc:peppol.eu:2017:poacc:selfbilling:01:1.0.',
      (f, fail) => {
        if (f.profile(variant) !== 'Unknown') return;
        for (const d of docElements(f)) {
          const p = kid(d, 'cbc:ProfileID');
          fail(p ?? d, p ? `found ${quote(normalizeSpace(stringValue(p)), 80)}` : 'no ProfileID');
        }
      },
    ),
    defineRule('PEPPOL-EN16931-R002', 'fatal', 'At most one invoice note (BT-22) is allowed, unless both seller and buyer are in Germany.', (f, fail) => {
      if (f.bothGerman()) return;
      for (const d of docElements(f)) {
        const notes = kids(d, 'cbc:Note');
        if (notes.length > 1) fail(notes[1] ?? d, `${notes.length} notes`);
      }
    }),
    defineRule('PEPPOL-EN16931-R003', 'fatal', 'A buyer reference (BT-10) or a purchase order reference (BT-13) must be given.', (f, fail) => {
      for (const d of docElements(f)) if (!kid(d, 'cbc:BuyerReference') && !at1(d, 'cac:OrderReference/cbc:ID')) fail(d);
    }),
    defineRule(
      'PEPPOL-EN16931-R004',
      'fatal',
      variant === 'billing'
        ? `The specification identifier (BT-24, cbc:CustomizationID) must start with ${customization}.`
        : `The specification identifier (BT-24, cbc:CustomizationID) must start with ${customization} (Peppol self-billing).`,
      (f, fail) => {
        for (const d of docElements(f)) {
          const c = kid(d, 'cbc:CustomizationID');
          const v = normalizeSpace(txt(c));
          if (!v.startsWith(customization) || v.includes('::')) fail(c ?? d, c ? `found ${quote(v, 100)}` : 'no CustomizationID');
        }
      },
    ),
    defineRule('PEPPOL-EN16931-R053', 'fatal', 'The document must have exactly one VAT total (cac:TaxTotal) with a VAT breakdown.', (f, fail) => {
      for (const d of docElements(f)) {
        const n = kids(d, 'cac:TaxTotal').filter((t) => kid(t, 'cac:TaxSubtotal')).length;
        if (n !== 1) fail(d, `${n} found`);
      }
    }),
    defineRule('PEPPOL-EN16931-R054', 'fatal', 'A second VAT total without breakdown (the VAT total in accounting currency, BT-111) must be given when, and only when, a VAT accounting currency (BT-6) is given.', (f, fail) => {
      for (const d of docElements(f)) {
        const n = kids(d, 'cac:TaxTotal').filter((t) => !kid(t, 'cac:TaxSubtotal')).length;
        const expected = kid(d, 'cbc:TaxCurrencyCode') ? 1 : 0;
        if (n !== expected) fail(d, `${n} VAT totals without breakdown, ${expected} expected`);
      }
    }),
    defineRule('PEPPOL-EN16931-R055', 'fatal', 'The invoice total VAT amount (BT-110) and the total VAT amount in accounting currency (BT-111) must have the same sign.', (f, fail) => {
      for (const d of docElements(f)) {
        const taxCurrency = kid(d, 'cbc:TaxCurrencyCode');
        if (!taxCurrency) continue;
        const amounts = at(d, 'cac:TaxTotal/cbc:TaxAmount');
        // cac:TaxTotal/cbc:TaxAmount[@currencyID = normalize-space(../../cbc:TaxCurrencyCode)] <= 0, general comparisons as xs:double.
        const values = (code: string): number[] =>
          amounts.filter((a) => a.attrs['currencyID'] === code).map((a) => xpathNumber(stringValue(a)));
        const inTax = values(normalizeSpace(stringValue(taxCurrency)));
        const inDoc = values(nsText(d, 'cbc:DocumentCurrencyCode'));
        const bothNotPositive = inTax.some((v) => v <= 0) && inDoc.some((v) => v <= 0);
        const bothNotNegative = inTax.some((v) => v >= 0) && inDoc.some((v) => v >= 0);
        if (!bothNotPositive && !bothNotNegative) fail(d);
      }
    }),
    defineRule('PEPPOL-EN16931-R005', 'fatal', 'The VAT accounting currency (BT-6) must differ from the invoice currency (BT-5) when it is given.', (f, fail) => {
      for (const el of f.named('cbc:TaxCurrencyCode')) {
        const parent = f.parent(el);
        const own = normalizeSpace(txt(el));
        if (own === normalizeSpace(txt(kid(parent, 'cbc:DocumentCurrencyCode')))) fail(el, `both are ${own || '(empty)'}`);
      }
    }),
    defineRule('PEPPOL-EN16931-R010', 'fatal', "The buyer's electronic address (BT-49, cbc:EndpointID) must be given.", (f, fail) => {
      for (const p of f.named('cac:Party')) if (f.parentIs(p, 'cac:AccountingCustomerParty') && !kid(p, 'cbc:EndpointID')) fail(p);
    }),
    defineRule('PEPPOL-EN16931-R020', 'fatal', "The seller's electronic address (BT-34, cbc:EndpointID) must be given.", (f, fail) => {
      for (const p of f.named('cac:Party')) if (f.parentIs(p, 'cac:AccountingSupplierParty') && !kid(p, 'cbc:EndpointID')) fail(p);
    }),
    defineRule('PEPPOL-EN16931-R041', 'fatal', 'An allowance or charge with a percentage (BT-94/BT-101) must also give the base amount (BT-93/BT-100).', (f, fail) => {
      for (const ac of allowanceCharges(f)) if (allowanceKind(ac) === 'R041') fail(ac);
    }),
    defineRule('PEPPOL-EN16931-R042', 'fatal', 'An allowance or charge with a base amount (BT-93/BT-100) must also give the percentage (BT-94/BT-101).', (f, fail) => {
      for (const ac of allowanceCharges(f)) if (allowanceKind(ac) === 'R042') fail(ac);
    }),
    defineRule('PEPPOL-EN16931-R040', 'fatal', 'An allowance or charge amount must equal base amount × percentage / 100 (within 0.02) when both are given.', (f, fail) => {
      for (const ac of allowanceCharges(f)) {
        if (allowanceKind(ac) !== 'R040') continue;
        const pctEl = kid(ac, 'cbc:MultiplierFactorNumeric');
        const baseEl = kid(ac, 'cbc:BaseAmount');
        if (!pctEl || !baseEl) continue;
        const amountEl = kid(ac, 'cbc:Amount');
        const amount = amountEl ? parseDecimal(stringValue(amountEl)) : ZERO;
        const base = parseDecimal(stringValue(baseEl));
        const pct = parseDecimal(stringValue(pctEl));
        if (!amount || !base || !pct) continue;
        const expected = shift(mul(base, pct), -2);
        if (!withinSlack(amount, expected, TWO_CENTS)) fail(amountEl ?? ac, `amount ${format(amount)}, base ${format(base)} × ${format(pct)}% = ${format(expected)}`);
      }
    }),
    defineRule('PEPPOL-EN16931-R043', 'fatal', "An allowance or charge indicator (cbc:ChargeIndicator) must be 'true' or 'false'.", (f, fail) => {
      for (const ac of allowanceCharges(f)) {
        if (allowanceKind(ac) !== 'R040') continue;
        const ci = kid(ac, 'cbc:ChargeIndicator');
        const v = normalizeSpace(txt(ci));
        if (v !== 'true' && v !== 'false') fail(ci ?? ac, ci ? `found ${quote(v)}` : 'no ChargeIndicator');
      }
    }),
    defineRule('PEPPOL-EN16931-R061', 'fatal', 'A direct debit (payment means 49 or 59) must give the mandate reference (BT-89).', (f, fail) => {
      for (const pm of f.named('cac:PaymentMeans')) {
        const code = nsText(pm, 'cbc:PaymentMeansCode');
        if ((code === '49' || code === '59') && !at1(pm, 'cac:PaymentMandate/cbc:ID')) fail(pm, `payment means ${code}`);
      }
    }),
    defineRule(
      'PEPPOL-EN16931-R051',
      'fatal',
      'Every amount must be in the invoice currency (BT-5, cbc:DocumentCurrencyCode); only the VAT total in accounting currency (BT-111) may differ.',
      (f, fail) => {
        const currencies = f.documentCurrencies();
        for (const el of amountContexts(f, variant, false)) {
          const c = el.attrs['currencyID'];
          if (c === undefined || !currencies.includes(c)) fail(el, `currencyID ${c === undefined ? '(none)' : quote(c)}, invoice currency ${currencies.length ? quote(currencies[0] ?? '') : '(none)'}`);
        }
      },
    ),
    ...linePeriodRules(),
    ...lineRules(),
    defineRule('PEPPOL-EN16931-R044', 'fatal', "A price allowance (cac:Price/cac:AllowanceCharge) must be an allowance: its charge indicator must be 'false'.", (f, fail) => {
      for (const ac of f.named('cac:AllowanceCharge')) if (f.parentIs(ac, 'cac:Price') && nsText(ac, 'cbc:ChargeIndicator') !== 'false') fail(ac);
    }),
    defineRule('PEPPOL-EN16931-R046', 'fatal', 'The item net price (BT-146) must equal the gross price (BT-148) minus the price discount (BT-147).', (f, fail) => {
      for (const ac of f.named('cac:AllowanceCharge')) {
        const price = f.parent(ac);
        if (!is(price, 'cac:Price') || !kid(ac, 'cbc:BaseAmount')) continue;
        const netEl = kid(price, 'cbc:PriceAmount');
        const grossText = stringValue(kid(ac, 'cbc:BaseAmount'));
        const discountEl = kid(ac, 'cbc:Amount');
        const gross = parseDecimal(grossText);
        const net = netEl ? parseDecimal(stringValue(netEl)) : null;
        const discount = discountEl ? parseDecimal(stringValue(discountEl)) : null;
        if ((netEl && !net) || !gross || (discountEl && !discount)) continue; // not castable: the official artefact stops
        if (!net || !discount || cmp(net, sub(gross, discount)) !== 0) {
          fail(netEl ?? ac, `net ${net ? format(net) : '(none)'}, gross ${format(gross)} − discount ${discount ? format(discount) : '(none)'}`);
        }
      }
    }),
    defineRule('PEPPOL-EN16931-R130', 'fatal', 'The unit of the price base quantity (BT-150) must be the unit of the invoiced quantity (BT-130).', (f, fail) => {
      for (const bq of f.named('cbc:BaseQuantity')) {
        const unit = bq.attrs['unitCode'];
        if (unit === undefined || !f.parentIs(bq, 'cac:Price')) continue;
        const line = f.parent(f.parent(bq)!);
        if (!kid(line, 'cbc:InvoicedQuantity') && !kid(line, 'cbc:CreditedQuantity')) continue;
        const quantities = kids(line, f.isInvoice ? 'cbc:InvoicedQuantity' : 'cbc:CreditedQuantity');
        if (!quantities.some((q) => q.attrs['unitCode'] === unit)) {
          const qUnit = quantities[0]?.attrs['unitCode'];
          fail(bq, `base quantity unit ${quote(unit)}, quantity unit ${qUnit === undefined ? '(none)' : quote(qUnit)}`);
        }
      }
    }),
    ...identifierRules(variant),
  ];
}

function linePeriodRules(): Rule[] {
  const check = (which: 'cbc:StartDate' | 'cbc:EndDate', f: DocFacts, fail: Fail): void => {
    for (const d of docElements(f)) {
      const docDates = at(d, `cac:InvoicePeriod/${which}`);
      if (docDates.length === 0) continue;
      const docDate = docDates.length === 1 ? parseXsDate(stringValue(docDates[0])) : null;
      if (!docDate) continue;
      for (const line of linesOf(d)) {
        for (const el of at(line, `cac:InvoicePeriod/${which}`)) {
          const lineDate = parseXsDate(txt(el));
          if (!lineDate) continue;
          const c = compareDates(lineDate, docDate);
          if (which === 'cbc:StartDate' ? c < 0 : c > 0) fail(el, `line ${which === 'cbc:StartDate' ? 'starts' : 'ends'} ${txt(el)}, invoice period ${which === 'cbc:StartDate' ? 'starts' : 'ends'} ${stringValue(docDates[0])}`);
        }
      }
    }
  };
  return [
    defineRule('PEPPOL-EN16931-R110', 'fatal', 'A line period start date (BT-134) must not be before the invoice period start date (BT-73).', (f, fail) => check('cbc:StartDate', f, fail)),
    defineRule('PEPPOL-EN16931-R111', 'fatal', 'A line period end date (BT-135) must not be after the invoice period end date (BT-74).', (f, fail) => check('cbc:EndDate', f, fail)),
  ];
}

interface LineCalc {
  line: XmlElement;
  /** Null when a value the rule needs is not a decimal (the official artefact stops with an error). */
  net: Decimal | null;
  expected: Decimal | null;
}

/** Sum of the line's allowance (false) or charge (true) amounts, rounded to cents as R120 does. */
function lineAllowanceTotal(line: XmlElement, indicator: 'true' | 'false'): Decimal | null {
  const acs = kids(line, 'cac:AllowanceCharge').filter((ac) => nsText(ac, 'cbc:ChargeIndicator') === indicator);
  if (acs.length === 0) return ZERO;
  let sum = ZERO;
  for (const ac of acs) {
    for (const a of kids(ac, 'cbc:Amount')) {
      const d = parseDecimal(stringValue(a));
      if (!d) return null;
      sum = add(sum, d);
    }
  }
  return round(sum, 2, 'half-ceiling');
}

function lineCalc(f: DocFacts, line: XmlElement): LineCalc {
  const optional = (el: XmlElement | null, absent: Decimal): Decimal | null => (el ? parseDecimal(stringValue(el)) : absent);
  const net = optional(kid(line, 'cbc:LineExtensionAmount'), ZERO);
  const quantity = optional(kid(line, f.isInvoice ? 'cbc:InvoicedQuantity' : 'cbc:CreditedQuantity'), ONE);
  const price = optional(at1(line, 'cac:Price/cbc:PriceAmount'), ZERO);
  const baseEl = at1(line, 'cac:Price/cbc:BaseQuantity');
  let base: Decimal | null = ONE;
  if (baseEl) {
    const b = parseDecimal(stringValue(baseEl));
    base = b === null ? null : b.units !== 0n ? b : ONE;
  }
  const allowances = lineAllowanceTotal(line, 'false');
  const charges = lineAllowanceTotal(line, 'true');
  if (!net || !quantity || !price || !base || !allowances || !charges) return { line, net, expected: null };
  const unitPrice = xpathDiv(price, base);
  if (!unitPrice) return { line, net, expected: null };
  return { line, net, expected: sub(add(mul(quantity, unitPrice), charges), allowances) };
}

function lineRules(): Rule[] {
  const lines = (f: DocFacts): XmlElement[] => f.once('peppol:lines', () => f.all.filter((el) => is(el, 'cac:InvoiceLine') || is(el, 'cac:CreditNoteLine')));
  return [
    defineRule(
      'PEPPOL-EN16931-R120',
      'fatal',
      'The line net amount (BT-131) must equal quantity × (net price / price base quantity) + line charges − line allowances (within 0.02).',
      (f, fail) => {
        for (const line of lines(f)) {
          const c = lineCalc(f, line);
          if (!c.net || !c.expected) continue;
          if (!withinSlack(c.net, c.expected, TWO_CENTS)) fail(kid(line, 'cbc:LineExtensionAmount') ?? line, `line ${nsText(line, 'cbc:ID') || '?'}: net amount ${format(c.net)}, calculated ${roundForMessage(c.expected)}`);
        }
      },
    ),
    defineRule('PEPPOL-EN16931-R121', 'fatal', 'The price base quantity (BT-149) must be greater than zero.', (f, fail) => {
      for (const line of lines(f)) {
        const bq = at1(line, 'cac:Price/cbc:BaseQuantity');
        if (!bq) continue;
        const v = parseDecimal(stringValue(bq));
        if (v && v.units <= 0n) fail(bq, `line ${nsText(line, 'cbc:ID') || '?'}: ${format(v)}`);
      }
    }),
    defineRule('PEPPOL-EN16931-R100', 'fatal', 'A line may refer to at most one invoiced object (BT-128).', (f, fail) => {
      for (const line of lines(f)) {
        const refs = kids(line, 'cac:DocumentReference');
        if (refs.length > 1) fail(refs[1] ?? line, `line ${nsText(line, 'cbc:ID') || '?'}: ${refs.length} document references`);
      }
    }),
    defineRule('PEPPOL-EN16931-R101', 'fatal', 'A line document reference may only be used for the invoiced object identifier (document type code 130).', (f, fail) => {
      for (const line of lines(f)) {
        const refs = kids(line, 'cac:DocumentReference');
        if (refs.length > 0 && !refs.some((r) => kids(r, 'cbc:DocumentTypeCode').some((c) => txt(c) === '130'))) fail(refs[0] ?? line, `line ${nsText(line, 'cbc:ID') || '?'}`);
      }
    }),
  ];
}

/** A computed amount for a message: at most 6 decimals. */
function roundForMessage(d: Decimal): string {
  return d.scale <= 6 ? format(d) : canonical(round(d, 6, 'half-ceiling'));
}

// ---------------------------------------------------------------------------------------------
// Code lists and formats
// ---------------------------------------------------------------------------------------------

const EXEMPTION_CATEGORY: readonly [string, string, string][] = [
  ['PEPPOL-EN16931-P0104', 'VATEX-EU-G', 'G'],
  ['PEPPOL-EN16931-P0105', 'VATEX-EU-O', 'O'],
  ['PEPPOL-EN16931-P0106', 'VATEX-EU-IC', 'K'],
  ['PEPPOL-EN16931-P0107', 'VATEX-EU-AE', 'AE'],
  ['PEPPOL-EN16931-P0108', 'VATEX-EU-D', 'E'],
  ['PEPPOL-EN16931-P0109', 'VATEX-EU-F', 'E'],
  ['PEPPOL-EN16931-P0110', 'VATEX-EU-I', 'E'],
  ['PEPPOL-EN16931-P0111', 'VATEX-EU-J', 'E'],
];

const DATE_KEYS = ['cbc:IssueDate', 'cbc:DueDate', 'cbc:TaxPointDate', 'cbc:StartDate', 'cbc:EndDate', 'cbc:ActualDeliveryDate'] as const;

function codeListRules(variant: Variant): Rule[] {
  const lists: PeppolCodeLists = variant === 'billing' ? BILLING_CODE_LISTS : SELFBILLING_CODE_LISTS;
  const reasonCodes = (f: DocFacts, indicator: 'true' | 'false'): XmlElement[] =>
    f.named('cbc:AllowanceChargeReasonCode').filter((el) => {
      const ac = f.parent(el);
      if (!is(ac, 'cac:AllowanceCharge')) return false;
      const indicators = kids(ac, 'cbc:ChargeIndicator').map((c) => stringValue(c));
      // CL002 (allowance) comes first in the pattern, so an element matching both is checked as an allowance.
      return indicator === 'false' ? indicators.includes('false') : indicators.includes('true') && !indicators.includes('false');
    });
  const typeCodeAllowed = (f: DocFacts): boolean => (variant === 'billing' ? f.profile(variant) !== '01' && f.profile(variant) !== '02' : f.profile(variant) !== '01');
  const rules: Rule[] = [
    defineRule('PEPPOL-EN16931-CL001', 'fatal', 'An attachment (BT-125) must have a MIME code from the Peppol list: PDF, PNG, JPEG, CSV, XLSX or ODS.', (f, fail) => {
      for (const el of f.named('cbc:EmbeddedDocumentBinaryObject')) {
        const mime = el.attrs['mimeCode'];
        if (mime !== undefined && !lists.mimeCodes.has(mime)) fail(el, `mimeCode ${quote(mime)}`);
      }
    }),
    defineRule('PEPPOL-EN16931-CL002', 'fatal', 'An allowance reason code (BT-98 / BT-140) must come from the UNCL 5189 subset.', (f, fail) => {
      for (const el of reasonCodes(f, 'false')) {
        const v = normalizeSpace(txt(el));
        if (!lists.allowanceReasonCodes.has(v)) fail(el, `code ${quote(v)}`);
      }
    }),
    defineRule('PEPPOL-EN16931-CL003', 'fatal', 'A charge reason code (BT-105 / BT-145) must come from UNCL 7161.', (f, fail) => {
      for (const el of reasonCodes(f, 'true')) {
        const v = normalizeSpace(txt(el));
        if (!lists.chargeReasonCodes.has(v)) fail(el, `code ${quote(v)}`);
      }
    }),
    defineRule('PEPPOL-EN16931-CL006', 'fatal', 'The VAT point date code (BT-8, invoice period description code) must be 3, 35 or 432.', (f, fail) => {
      for (const el of f.named('cbc:DescriptionCode')) {
        if (!f.parentIs(el, 'cac:InvoicePeriod')) continue;
        const v = normalizeSpace(txt(el));
        if (!lists.invoicePeriodDescriptionCodes.has(v)) fail(el, `code ${quote(v)}`);
      }
    }),
    defineRule('PEPPOL-EN16931-CL007', 'fatal', 'Every amount must carry an ISO 4217 currency code (currencyID).', (f, fail) => {
      for (const el of amountContexts(f, variant, true)) {
        const c = el.attrs['currencyID'];
        if (c === undefined || !lists.currencies.has(c)) fail(el, `currencyID ${c === undefined ? '(none)' : quote(c)}`);
      }
    }),
    defineRule(
      'PEPPOL-EN16931-P0100',
      'fatal',
      variant === 'billing'
        ? 'The invoice type code (BT-3) must be one the Peppol billing profile allows (e.g. 380 commercial invoice, 383 debit note, 386 prepayment); 389 (self-billing) is not allowed.'
        : 'The invoice type code (BT-3) of a self-billed invoice must be 389 or 527.',
      (f, fail) => {
        if (typeCodeAllowed(f)) return;
        for (const el of f.named('cbc:InvoiceTypeCode')) {
          const v = normalizeSpace(txt(el));
          if (!lists.invoiceTypeCodes.has(v)) fail(el, `type code ${quote(v)}`);
        }
      },
    ),
    defineRule(
      'PEPPOL-EN16931-P0101',
      'fatal',
      variant === 'billing' ? 'The credit note type code (BT-3) must be one the Peppol billing profile allows (381, 396, 81, 83 or 532).' : 'The credit note type code (BT-3) of a self-billed credit note must be 261.',
      (f, fail) => {
        if (typeCodeAllowed(f)) return;
        for (const el of f.named('cbc:CreditNoteTypeCode')) {
          const v = normalizeSpace(txt(el));
          if (!lists.creditNoteTypeCodes.has(v)) fail(el, `type code ${quote(v)}`);
        }
      },
    ),
  ];
  if (variant === 'billing') {
    rules.push(
      defineRule('PEPPOL-EN16931-P0112', 'fatal', 'Invoice type codes 326 (partial invoice) and 384 (corrected invoice) are only allowed when both seller and buyer are in Germany.', (f, fail) => {
        if (f.bothGerman()) return;
        for (const el of f.named('cbc:InvoiceTypeCode')) {
          const v = normalizeSpace(stringValue(el));
          if (v === '326' || v === '384') fail(el, `type code ${v}`);
        }
      }),
    );
  }
  rules.push(
    defineRule('PEPPOL-EN16931-F001', 'fatal', 'A date must be written YYYY-MM-DD.', (f, fail) => {
      for (const key of DATE_KEYS) {
        for (const el of f.named(key)) {
          const t = txt(el);
          if (t.length !== 10 || !parseXsDate(stringValue(el))) fail(el, `${el.local} ${quote(t)}`);
        }
      }
    }),
    defineRule('PEPPOL-EN16931-CL008', 'fatal', 'An electronic address (BT-34 / BT-49) must use a scheme from the Peppol EAS code list.', (f, fail) => {
      for (const el of f.named('cbc:EndpointID')) {
        const s = el.attrs['schemeID'];
        if (s !== undefined && !lists.endpointSchemes.has(s)) fail(el, `schemeID ${quote(s)}`);
      }
    }),
  );
  for (const [id, reason, category] of EXEMPTION_CATEGORY) {
    rules.push(
      defineRule(id, 'fatal', `VAT exemption reason code ${reason} (BT-121) requires VAT category ${category} (BT-118).`, (f, fail) => {
        for (const tc of f.named('cac:TaxCategory')) {
          const reasons = kids(tc, 'cbc:TaxExemptionReasonCode');
          if (reasons.length !== 1 || stringValue(reasons[0]).toUpperCase() !== reason) continue;
          const cat = nsText(tc, 'cbc:ID');
          if (cat !== category) fail(kid(tc, 'cbc:ID') ?? tc, `category ${quote(cat)}`);
        }
      }),
    );
  }
  return rules;
}

/** Every rule of the shared part, fatal first then warnings (the runner reports them in this order). */
export function coreRules(variant: Variant): Rule[] {
  const all = [...transactionRules(variant), ...codeListRules(variant)];
  return [...all.filter((r) => r.severity === 'fatal'), ...all.filter((r) => r.severity === 'warning')];
}
