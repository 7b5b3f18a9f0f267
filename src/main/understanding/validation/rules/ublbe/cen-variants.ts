/**
 * GLOBALUBL.BE 1.31's own (older) versions of CEN EN16931 rules whose test, context or flag differs
 * from CEN 2026.5. Same ids as GLOBALUBL.BE spells them, so in the 'ubl-be' rule set they take the
 * place of the CEN 2026.5 version (see the table in ./index.ts).
 */
import { add, canonical, cmp, round, sub, sum, type Decimal } from '../../../decimal.ts';
import type { XmlElement } from '../../../safe-xml.ts';
import type { UblDocument } from '../../document.ts';
import type { Rule, RuleSeverity } from '../../types.ts';
import {
  BR_CL_01_CREDIT_NOTE,
  BR_CL_01_INVOICE,
  BR_CL_03_CURRENCIES,
  BR_CL_07_UNTDID_1153,
  BR_CL_10_ICD,
  BR_CL_11_ICD,
  BR_CL_13_UNTDID_7143,
  BR_CL_15_COUNTRIES,
  BR_CL_16_UNCL4461,
  BR_CL_19_UNCL5189,
  BR_CL_20_UNCL7161,
  BR_CL_25_EAS,
  BR_CO_09_PREFIXES,
} from './codelists.ts';
import { xsDecimal } from './numbers.ts';
import { categoryIs, chargeIs, isNamed, isVatScheme, kids, lineLabel, normalizeSpace, rule, select, shown, stringValue, textsAt } from './xpath.ts';

// ------------------------------------------------------------------------------------------------
// "(cbc:X) != ''" instead of CEN 2026.5's "normalize-space(cbc:X) != ''"
// ------------------------------------------------------------------------------------------------

/**
 * GLOBALUBL.BE compares the element itself with '' (true when ANY of several elements is filled in;
 * a value of only spaces counts as filled in), CEN 2026.5 normalizes a single value first. Our tree
 * trims texts, so a value of only spaces reads as empty here (PEPPOL-EN16931-R008 reports it anyway).
 */
function filledIn(doc: UblDocument, from: XmlElement, path: string): boolean {
  return textsAt(doc, from, path).some((t) => t !== '');
}

function presentAt(id: string, message: string, context: string | null, path: string, where: (doc: UblDocument, el: XmlElement) => string | undefined = () => undefined): Rule {
  return rule(id, 'fatal', message, (doc, fail) => {
    const contexts = context === null ? [doc.root] : select(doc, context);
    for (const el of contexts) if (!filledIn(doc, el, path)) fail(el, where(doc, el));
  });
}

const presence: readonly Rule[] = [
  presentAt('BR-01', 'The invoice has no specification identifier (BT-24, cbc:CustomizationID).', null, 'cbc:CustomizationID'),
  presentAt('BR-02', 'The invoice has no invoice number (BT-1).', null, 'cbc:ID'),
  presentAt('BR-03', 'The invoice has no issue date (BT-2).', null, 'cbc:IssueDate'),
  rule('BR-04', 'fatal', 'The invoice has no invoice type code (BT-3).', (doc, fail) => {
    if (!filledIn(doc, doc.root, 'cbc:InvoiceTypeCode') && !filledIn(doc, doc.root, 'cbc:CreditNoteTypeCode')) fail(doc.root);
  }),
  presentAt('BR-05', 'The invoice has no invoice currency code (BT-5).', null, 'cbc:DocumentCurrencyCode'),
  presentAt('BR-06', 'The seller name (BT-27, legal registration name) is missing.', null, 'cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName'),
  presentAt('BR-07', 'The buyer name (BT-44, legal registration name) is missing.', null, 'cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName'),
  presentAt('BR-09', 'The seller postal address (BG-5) has no country code (BT-40).', 'cac:AccountingSupplierParty/cac:Party/cac:PostalAddress', 'cac:Country/cbc:IdentificationCode'),
  presentAt('BR-11', 'The buyer postal address (BG-8) has no country code (BT-55).', 'cac:AccountingCustomerParty/cac:Party/cac:PostalAddress', 'cac:Country/cbc:IdentificationCode'),
  presentAt('BR-18', 'The seller tax representative (BG-11) has no name (BT-62).', 'cac:TaxRepresentativeParty', 'cac:PartyName/cbc:Name'),
  presentAt('BR-20', 'The postal address of the seller tax representative (BG-12) has no country code (BT-69).', 'cac:TaxRepresentativeParty/cac:PostalAddress', 'cac:Country/cbc:IdentificationCode'),
  presentAt('BR-21', 'An invoice line (BG-25) has no line identifier (BT-126).', 'cac:InvoiceLine | cac:CreditNoteLine', 'cbc:ID'),
  presentAt('BR-25', 'An invoice line (BG-25) has no item name (BT-153).', 'cac:InvoiceLine | cac:CreditNoteLine', 'cac:Item/cbc:Name', lineLabel),
  presentAt('BR-52', 'An additional supporting document (BG-24) has no document reference (BT-122).', 'cac:AdditionalDocumentReference', 'cbc:ID'),
];

/** Context `cac:PaymentMeans[cbc:PaymentMeansCode='30' or cbc:PaymentMeansCode='58']/cac:PayeeFinancialAccount`. */
const br50 = rule('BR-50', 'fatal', 'A credit transfer (payment means 30 or 58) has no payment account identifier (BT-84, e.g. the IBAN).', (doc, fail) => {
  for (const account of select(doc, 'cac:PaymentMeans/cac:PayeeFinancialAccount')) {
    const means = doc.parent(account)!;
    const codes = textsAt(doc, means, 'cbc:PaymentMeansCode');
    if ((codes.includes('30') || codes.includes('58')) && !filledIn(doc, account, 'cbc:ID')) fail(account);
  }
});

// ------------------------------------------------------------------------------------------------
// Older code lists (BR-CL-*)
// ------------------------------------------------------------------------------------------------

/** `not(contains(normalize-space(v), ' ')) and contains(' LIST ', concat(' ', normalize-space(v), ' '))`. */
function inList(value: string | undefined, list: ReadonlySet<string>): boolean {
  const v = normalizeSpace(value);
  return v !== '' && !v.includes(' ') && list.has(v);
}

function codeListRule(
  id: string,
  message: string,
  context: string,
  list: ReadonlySet<string>,
  read: (el: XmlElement) => string | undefined,
  applies: (doc: UblDocument, el: XmlElement) => boolean = () => true,
  alsoAllowed: (doc: UblDocument, el: XmlElement, value: string) => boolean = () => false,
): Rule {
  return rule(id, 'fatal', message, (doc, fail) => {
    for (const el of select(doc, context)) {
      if (!applies(doc, el)) continue;
      const value = read(el);
      if (!inList(value, list) && !alsoAllowed(doc, el, normalizeSpace(value))) fail(el, `found ${shown(normalizeSpace(value))}`);
    }
  });
}

const text = (el: XmlElement): string => stringValue(el);
const attr =
  (name: string) =>
  (el: XmlElement): string | undefined =>
    el.attrs[name];
const hasAttr = (name: string) => (_doc: UblDocument, el: XmlElement) => el.attrs[name] !== undefined;

function ancestorNamed(doc: UblDocument, el: XmlElement, qnames: readonly string[]): boolean {
  for (let node = doc.parent(el); node; node = doc.parent(node)) if (qnames.some((q) => isNamed(node!, q))) return true;
  return false;
}

const codeLists: readonly Rule[] = [
  rule('BR-CL-01', 'fatal', 'The document type code (BT-3) is not an invoice or credit note code of UNTDID 1001 (as listed in GLOBALUBL.BE 1.31).', (doc, fail) => {
    for (const el of select(doc, 'cbc:InvoiceTypeCode | cbc:CreditNoteTypeCode')) {
      const list = isNamed(el, 'cbc:InvoiceTypeCode') ? BR_CL_01_INVOICE : BR_CL_01_CREDIT_NOTE;
      if (!inList(text(el), list)) fail(el, `found ${shown(normalizeSpace(text(el)))}`);
    }
  }),
  codeListRule(
    'BR-CL-03',
    'An amount has a currency (currencyID) that is not an ISO 4217 code known to GLOBALUBL.BE 1.31.',
    'cbc:Amount | cbc:BaseAmount | cbc:PriceAmount | cbc:TaxAmount | cbc:TaxableAmount | cbc:LineExtensionAmount | cbc:TaxExclusiveAmount | cbc:TaxInclusiveAmount | cbc:AllowanceTotalAmount | cbc:ChargeTotalAmount | cbc:PrepaidAmount | cbc:PayableRoundingAmount | cbc:PayableAmount',
    BR_CL_03_CURRENCIES,
    attr('currencyID'),
  ),
  codeListRule('BR-CL-04', 'The invoice currency code (BT-5) is not an ISO 4217 code known to GLOBALUBL.BE 1.31.', 'cbc:DocumentCurrencyCode', BR_CL_03_CURRENCIES, text),
  codeListRule('BR-CL-05', 'The VAT accounting currency code (BT-6) is not an ISO 4217 code known to GLOBALUBL.BE 1.31.', 'cbc:TaxCurrencyCode', BR_CL_03_CURRENCIES, text),
  codeListRule(
    'BR-CL-07',
    'The scheme of the invoiced object identifier (BT-18) is not in the UNTDID 1153 list of GLOBALUBL.BE 1.31.',
    "cac:AdditionalDocumentReference/cbc:ID | cac:DocumentReference/cbc:ID",
    BR_CL_07_UNTDID_1153,
    attr('schemeID'),
    (doc, el) => el.attrs['schemeID'] !== undefined && textsAt(doc, doc.parent(el), 'cbc:DocumentTypeCode').includes('130'),
  ),
  codeListRule(
    'BR-CL-10',
    'The scheme of a party identifier (BT-29, BT-46, BT-60) is not in the ISO 6523 ICD list of GLOBALUBL.BE 1.31 (SEPA is allowed only for the seller and the payee).',
    'cac:PartyIdentification/cbc:ID',
    BR_CL_10_ICD,
    attr('schemeID'),
    hasAttr('schemeID'),
    (doc, el, value) => value === 'SEPA' && ancestorNamed(doc, el, ['cac:AccountingSupplierParty', 'cac:PayeeParty']),
  ),
  codeListRule(
    'BR-CL-11',
    'The scheme of a legal registration identifier (BT-30, BT-47, BT-61) is not in the ISO 6523 ICD list of GLOBALUBL.BE 1.31.',
    'cac:PartyLegalEntity/cbc:CompanyID',
    BR_CL_11_ICD,
    attr('schemeID'),
    hasAttr('schemeID'),
  ),
  codeListRule(
    'BR-CL-13',
    'The scheme of an item classification code (BT-158) is not in the UNTDID 7143 list of GLOBALUBL.BE 1.31.',
    'cac:CommodityClassification/cbc:ItemClassificationCode',
    BR_CL_13_UNTDID_7143,
    attr('listID'),
    hasAttr('listID'),
  ),
  codeListRule('BR-CL-15', 'The item country of origin (BT-159) is not an ISO 3166-1 country code known to GLOBALUBL.BE 1.31.', 'cac:OriginCountry/cbc:IdentificationCode', BR_CL_15_COUNTRIES, text),
  codeListRule('BR-CL-16', 'The payment means code (BT-81) is not in the UNCL 4461 list of GLOBALUBL.BE 1.31.', 'cac:PaymentMeans/cbc:PaymentMeansCode', BR_CL_16_UNCL4461, text),
  codeListRule(
    'BR-CL-19',
    'An allowance reason code (BT-98, BT-140) is not in the UNCL 5189 list of GLOBALUBL.BE 1.31.',
    'cac:AllowanceCharge/cbc:AllowanceChargeReasonCode',
    BR_CL_19_UNCL5189,
    text,
    (doc, el) => chargeIs(doc, doc.parent(el)!, false),
  ),
  codeListRule(
    'BR-CL-20',
    'A charge reason code (BT-105, BT-145) is not in the UNCL 7161 list of GLOBALUBL.BE 1.31.',
    'cac:AllowanceCharge/cbc:AllowanceChargeReasonCode',
    BR_CL_20_UNCL7161,
    text,
    (doc, el) => chargeIs(doc, doc.parent(el)!, true),
  ),
  codeListRule(
    'BR-CL-21',
    'The scheme of an item standard identifier (BT-157) is not in the ISO 6523 ICD list of GLOBALUBL.BE 1.31.',
    'cac:StandardItemIdentification/cbc:ID',
    BR_CL_10_ICD,
    attr('schemeID'),
    hasAttr('schemeID'),
  ),
  codeListRule(
    'BR-CL-25',
    'The scheme of an electronic address (BT-34, BT-49) is not in the EAS list of GLOBALUBL.BE 1.31.',
    'cbc:EndpointID',
    BR_CL_25_EAS,
    attr('schemeID'),
    hasAttr('schemeID'),
  ),
  codeListRule(
    'BR-CL-26',
    'The scheme of a delivery location identifier (BT-71) is not in the ISO 6523 ICD list of GLOBALUBL.BE 1.31.',
    'cac:DeliveryLocation/cbc:ID',
    BR_CL_10_ICD,
    attr('schemeID'),
    hasAttr('schemeID'),
  ),
];

// ------------------------------------------------------------------------------------------------
// Calculations and other BR-* / BR-CO-* differences
// ------------------------------------------------------------------------------------------------

/** The single xs:decimal at a path: 'absent' when there is none, null when it is unreadable or repeated. */
function oneDecimal(doc: UblDocument, from: XmlElement, path: string): Decimal | null | 'absent' {
  const values = textsAt(doc, from, path);
  if (values.length === 0) return 'absent';
  if (values.length > 1) return null;
  return xsDecimal(values[0]);
}

/** Sum of xs:decimal values; null when one is not a number (an XPath error). */
function sumOf(values: readonly string[]): Decimal | null {
  const decimals = values.map((v) => xsDecimal(v));
  if (decimals.some((d) => d === null)) return null;
  return sum(decimals as Decimal[]);
}

const CATEGORY_NAMES: Readonly<Record<string, string>> = {
  AE: 'Reverse charge',
  G: 'Export outside the EU',
  K: 'Intra-community supply',
  O: 'Not subject to VAT',
  Z: 'Zero rated',
};

/**
 * BR-AE-08, BR-G-08, BR-IC-08, BR-O-08, BR-Z-08 as GLOBALUBL.BE words them: the taxable amount of
 * the VAT breakdown is compared with the sum of the LINE VAT breakdowns (UBL.BE's cac:TaxTotal per
 * line), not with the line net amounts, and the rule does not apply when no invoice line has a VAT
 * breakdown (so never to credit notes).
 */
function taxableFromLineBreakdowns(id: string, severity: RuleSeverity, code: string): Rule {
  const name = CATEGORY_NAMES[code] ?? code;
  return rule(
    id,
    severity,
    `In the VAT breakdown (BG-23) for category ${code} ("${name}"), the taxable amount (BT-116) must equal the sum of the taxable amounts of the line VAT breakdowns in that category, plus document level charges (BT-99) minus document level allowances (BT-92) in that category.`,
    (doc, fail) => {
      if (select(doc, 'cac:InvoiceLine/cac:TaxTotal/cac:TaxSubtotal').length === 0) return;
      for (const category of doc.all(doc.root, 'cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory')) {
        if (!categoryIs(doc, category, code) || !isVatScheme(doc, category)) continue;
        const subtotal = doc.parent(category)!;
        const taxable = oneDecimal(doc, subtotal, 'cbc:TaxableAmount');
        if (taxable === null) continue;
        const allowanceCharges = kids(doc.root, 'cac:AllowanceCharge').filter((ac) => doc.all(ac, 'cac:TaxCategory').some((c) => categoryIs(doc, c, code)));
        const charges = sumOf(allowanceCharges.filter((ac) => chargeIs(doc, ac, true)).flatMap((ac) => textsAt(doc, ac, 'cbc:Amount')));
        const allowances = sumOf(allowanceCharges.filter((ac) => chargeIs(doc, ac, false)).flatMap((ac) => textsAt(doc, ac, 'cbc:Amount')));
        if (charges === null || allowances === null) continue;
        const expectedFor = (linePath: string): Decimal | null => {
          const subtotals = doc.all(doc.root, `${linePath}/cac:TaxTotal/cac:TaxSubtotal`).filter((s) => doc.all(s, 'cac:TaxCategory').some((c) => categoryIs(doc, c, code)));
          const lines = sumOf(subtotals.flatMap((s) => textsAt(doc, s, 'cbc:TaxableAmount')));
          return lines === null ? null : sub(add(lines, charges), allowances);
        };
        const candidates: (Decimal | null)[] = [];
        if (select(doc, 'cac:InvoiceLine').length > 0) candidates.push(expectedFor('cac:InvoiceLine'));
        if (select(doc, 'cac:CreditNoteLine').length > 0) candidates.push(expectedFor('cac:CreditNoteLine'));
        if (candidates.some((c) => c === null)) continue;
        const ok = taxable !== 'absent' && candidates.some((c) => cmp(taxable, c!) === 0);
        if (!ok) {
          const detail = taxable === 'absent' ? 'no taxable amount' : `taxable amount ${canonical(taxable)}, expected ${candidates.map((c) => canonical(c!)).join(' or ') || 'a sum of lines'}`;
          fail(doc.first(subtotal, 'cbc:TaxableAmount') ?? subtotal, detail);
        }
      }
    },
  );
}

const calculations: readonly Rule[] = [
  taxableFromLineBreakdowns('BR-AE-08', 'fatal', 'AE'),
  taxableFromLineBreakdowns('BR-G-08', 'fatal', 'G'),
  taxableFromLineBreakdowns('BR-IC-08', 'warning', 'K'),
  taxableFromLineBreakdowns('BR-O-08', 'fatal', 'O'),
  taxableFromLineBreakdowns('BR-Z-08', 'fatal', 'Z'),
  rule(
    'BR-CO-15',
    'fatal',
    'The invoice total with VAT (BT-112) must equal the total without VAT (BT-109) plus the total VAT amount (BT-110), rounded to 2 decimals.',
    // GLOBALUBL.BE does not require exactly one VAT total in the invoice currency (CEN 2026.5 does).
    (doc, fail) => {
      for (const currency of kids(doc.root, 'cbc:DocumentCurrencyCode')) {
        const code = stringValue(currency);
        const taxAmounts = doc.all(doc.root, 'cac:TaxTotal/cbc:TaxAmount').filter((a) => a.attrs['currencyID'] === code);
        const totals = kids(doc.root, 'cac:LegalMonetaryTotal');
        if (taxAmounts.length > 1 || totals.length > 1) continue;
        const total = totals[0] ?? null;
        const inclusive = total ? oneDecimal(doc, total, 'cbc:TaxInclusiveAmount') : 'absent';
        const exclusive = total ? oneDecimal(doc, total, 'cbc:TaxExclusiveAmount') : 'absent';
        const tax = taxAmounts[0] ? xsDecimal(stringValue(taxAmounts[0])) : 'absent';
        if (inclusive === null || exclusive === null || tax === null) continue;
        if (inclusive === 'absent' || exclusive === 'absent' || tax === 'absent') {
          fail(total ?? doc.root, tax === 'absent' ? `no VAT total in ${code || 'the invoice currency'}` : 'a total is missing');
          continue;
        }
        const expected = round(add(exclusive, tax), 2, 'half-ceiling');
        if (cmp(inclusive, expected) !== 0) fail(doc.first(total, 'cbc:TaxInclusiveAmount'), `${canonical(inclusive)}, expected ${canonical(exclusive)} + ${canonical(tax)} = ${canonical(expected)}`);
      }
    },
  ),
  rule(
    'BR-CO-26',
    'fatal',
    'The seller must be identifiable: give a seller identifier (BT-29), a legal registration identifier (BT-30) or a VAT identifier (BT-31).',
    // Unlike CEN 2026.5, a party identifier with scheme SEPA (a creditor id) also counts.
    (doc, fail) => {
      for (const supplier of select(doc, 'cac:AccountingSupplierParty')) {
        const vat = doc.all(supplier, 'cac:Party/cac:PartyTaxScheme').some((s) => isVatScheme(doc, s) && doc.exists(s, 'cbc:CompanyID'));
        if (!vat && !doc.exists(supplier, 'cac:Party/cac:PartyIdentification/cbc:ID') && !doc.exists(supplier, 'cac:Party/cac:PartyLegalEntity/cbc:CompanyID')) fail(supplier);
      }
    },
  ),
  rule(
    'BR-CO-09',
    'fatal',
    'A VAT identifier (BT-31, BT-48, BT-63) must start with the ISO 3166-1 country code of the country that issued it (Greece: EL), as listed in GLOBALUBL.BE 1.31.',
    // The official test is a plain substring search in the list (no word boundaries), kept as is.
    (doc, fail) => {
      for (const scheme of select(doc, 'cac:PartyTaxScheme')) {
        if (!isVatScheme(doc, scheme)) continue;
        const ids = kids(scheme, 'cbc:CompanyID');
        if (ids.length > 1) continue;
        const prefix = Array.from(stringValue(ids[0] ?? null)).slice(0, 2).join('');
        if (!BR_CO_09_PREFIXES.includes(prefix)) fail(ids[0]!, `prefix ${shown(prefix)}`);
      }
    },
  ),
  rule(
    'BR-51',
    'fatal',
    'When payment card information (BG-18) is given, it must contain the last 4 to 6 digits of the card number (BT-87), never the full number.',
    // GLOBALUBL.BE: fatal, 4 to 6 characters required; CEN 2026.5: a warning above 10 characters.
    (doc, fail) => {
      for (const card of select(doc, 'cac:PaymentMeans/cac:CardAccount')) {
        const numbers = kids(card, 'cbc:PrimaryAccountNumberID');
        if (numbers.length > 1) continue;
        const length = Array.from(stringValue(numbers[0] ?? null)).length;
        if (length < 4 || length > 6) fail(numbers[0] ?? card, numbers.length === 0 ? 'no card number' : `${length} characters`);
      }
    },
  ),
];

// ------------------------------------------------------------------------------------------------
// UBL syntax rules worded differently (UBL-SR-*)
// ------------------------------------------------------------------------------------------------

const syntax: readonly Rule[] = [
  rule('UBL-SR-06', 'fatal', 'The preceding invoice reference may occur only once.', (doc, fail) => {
    // GLOBALUBL.BE evaluates this on the document element, where cac:InvoiceDocumentReference never is
    // (it belongs in cac:BillingReference): in practice it never fires, unlike CEN 2026.5.
    const n = kids(doc.root, 'cac:InvoiceDocumentReference').length;
    if (n > 1) fail(doc.root, `${n} references`);
  }),
  rule('UBL-SR-22', 'fatal', 'The seller tax representative name may occur only once.', (doc, fail) => {
    // GLOBALUBL.BE counts cac:Party/cac:PartyName/cbc:Name below cac:TaxRepresentativeParty (which has no cac:Party).
    for (const rep of select(doc, 'cac:TaxRepresentativeParty')) if (doc.all(rep, 'cac:Party/cac:PartyName/cbc:Name').length > 1) fail(rep);
  }),
  rule('UBL-SR-23', 'fatal', 'The seller tax representative VAT identifier may occur only once.', (doc, fail) => {
    for (const rep of select(doc, 'cac:TaxRepresentativeParty')) if (doc.all(rep, 'cac:Party/cac:PartyTaxScheme/cbc:CompanyID').length > 1) fail(rep);
  }),
  rule('UBL-SR-27', 'fatal', 'A payment means may have only one payment instruction note (cbc:InstructionNote).', (doc, fail) => {
    for (const means of select(doc, 'cac:PaymentMeans')) if (kids(means, 'cbc:InstructionNote').length > 1) fail(kids(means, 'cbc:InstructionNote')[1]!);
  }),
  rule(
    'UBL-SR-43',
    'fatal',
    'An additional document reference may carry a document type code only for the invoiced object (130) or, in a credit note, a project reference (50).',
    // GLOBALUBL.BE tests the attribute "scheme" (not "schemeID"), so a scheme on the reference is not refused.
    (doc, fail) => {
      for (const reference of select(doc, 'cac:AdditionalDocumentReference')) {
        const codes = textsAt(doc, reference, 'cbc:DocumentTypeCode');
        const ok =
          codes.includes('130') || (doc.root.local === 'CreditNote' && codes.includes('50')) || (!kids(reference, 'cbc:ID').some((id) => id.attrs['scheme'] !== undefined) && codes.length === 0);
        if (!ok) fail(reference, `document type code ${shown(codes[0])}`);
      }
    },
  ),
];

export const cenVariantRules: readonly Rule[] = [...presence, br50, ...codeLists, ...calculations, ...syntax];
