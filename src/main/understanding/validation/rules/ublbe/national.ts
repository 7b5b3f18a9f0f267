/**
 * The national Peppol rules GLOBALUBL.BE 1.31 embeds (its own copy): Norway (NO-R-*), Denmark
 * (DK-R-*), Italy (IT-R-*), Sweden (SE-R-*) and Greece (GR-R-*, GR-S-*). They only apply when the
 * seller (and for some, the buyer) is in that country, so a Belgian UBL.BE export rarely meets them,
 * but the official validator runs them on every UBL.BE document and so do we.
 */
import type { XmlElement } from '../../../safe-xml.ts';
import type { UblDocument } from '../../document.ts';
import type { Rule, RuleSeverity } from '../../types.ts';
import { validMod11 } from './peppol.ts';
import { kids, normalizeSpace, perDocument, rule, select, shown, stringValue, textsAt } from './xpath.ts';
import { xpathNumber } from './numbers.ts';

// ------------------------------------------------------------------------------------------------
// Country variables ($supplierCountry, $customerCountry, …)
// ------------------------------------------------------------------------------------------------

function chars(value: string): string[] {
  return Array.from(value);
}

/** XPath substring(value, start, length) for the simple cases used here (1-based start). */
function substring(value: string, start: number, length?: number): string {
  const c = chars(value);
  return c.slice(start - 1, length === undefined ? undefined : start - 1 + length).join('');
}

/** `…/cac:PartyTaxScheme[cac:TaxScheme/cbc:ID = 'VAT']` below a path from the root. */
function vatSchemes(doc: UblDocument, from: XmlElement | null, partyPath: string): XmlElement[] {
  return doc.all(from, `${partyPath}/cac:PartyTaxScheme`).filter((s) => textsAt(doc, s, 'cac:TaxScheme/cbc:ID').includes('VAT'));
}

/** The first two letters of the VAT identifier (several registrations: the first non-empty one). */
function vatPrefix(doc: UblDocument, partyPath: string): string {
  for (const scheme of vatSchemes(doc, doc.root, partyPath)) {
    const prefix = substring(stringValue(kids(scheme, 'cbc:CompanyID')[0] ?? null), 1, 2);
    if (prefix !== '') return normalizeSpace(prefix).toUpperCase();
  }
  return '';
}

function postalCountry(doc: UblDocument, partyPath: string): string {
  return normalizeSpace(doc.text(doc.root, `${partyPath}/cac:PostalAddress/cac:Country/cbc:IdentificationCode`) ?? '').toUpperCase();
}

const SUPPLIER = 'cac:AccountingSupplierParty/cac:Party';
const CUSTOMER = 'cac:AccountingCustomerParty/cac:Party';

/** `$supplierCountry`: seller VAT prefix, else tax representative VAT prefix, else seller country, else XX. */
function supplierCountry(doc: UblDocument): string {
  return perDocument(doc, 'supplierCountry', () => vatPrefix(doc, SUPPLIER) || vatPrefix(doc, 'cac:TaxRepresentativeParty') || postalCountry(doc, SUPPLIER) || 'XX');
}

/** `$customerCountry`: buyer VAT prefix, else buyer country, else XX. */
function customerCountry(doc: UblDocument): string {
  return perDocument(doc, 'customerCountry', () => vatPrefix(doc, CUSTOMER) || postalCountry(doc, CUSTOMER) || 'XX');
}

/** `$accountingSupplierCountry` (Greek rules): seller VAT prefix, else seller country, else XX. */
function accountingSupplierCountry(doc: UblDocument): string {
  return perDocument(doc, 'accountingSupplierCountry', () => vatPrefix(doc, SUPPLIER) || postalCountry(doc, SUPPLIER) || 'XX');
}

/** `$DKSupplierCountry` / `$DKCustomerCountry`: the postal country code as written. */
function dkCountry(doc: UblDocument, partyPath: string): string {
  return perDocument(doc, `dkCountry:${partyPath}`, () => stringValue(doc.first(doc.root, `${partyPath}/cac:PostalAddress/cac:Country/cbc:IdentificationCode`)));
}

/** The supplier party elements matched by `cac:AccountingSupplierParty/cac:Party` (anywhere). */
function supplierParties(doc: UblDocument): readonly XmlElement[] {
  return select(doc, 'cac:AccountingSupplierParty/cac:Party');
}

function check(id: string, severity: RuleSeverity, message: string, fn: Rule['check']): Rule {
  return rule(id, severity, message, fn);
}

// ------------------------------------------------------------------------------------------------
// Norway
// ------------------------------------------------------------------------------------------------

const norway: readonly Rule[] = [
  check(
    'NO-R-002',
    'warning',
    'Norwegian sellers registered in the Register of Business Enterprises should state "Foretaksregisteret" (as tax registration with scheme TAX).',
    (doc, fail) => {
      if (supplierCountry(doc) !== 'NO') return;
      for (const party of supplierParties(doc)) {
        const values = doc.all(party, 'cac:PartyTaxScheme').filter((s) => normalizeSpace(doc.text(s, 'cac:TaxScheme/cbc:ID')) === 'TAX').flatMap((s) => textsAt(doc, s, 'cbc:CompanyID'));
        if (values.length > 1) continue;
        if (normalizeSpace(values[0]) !== 'Foretaksregisteret') fail(party);
      }
    },
  ),
  check('NO-R-001', 'fatal', 'A Norwegian VAT identifier must be NO, a valid 9-digit organisation number and MVA (e.g. NO123456785MVA).', (doc, fail) => {
    if (supplierCountry(doc) !== 'NO') return;
    for (const party of supplierParties(doc)) {
      const ids = doc
        .all(party, 'cac:PartyTaxScheme')
        .filter((s) => normalizeSpace(doc.text(s, 'cac:TaxScheme/cbc:ID')) === 'VAT')
        .map((s) => stringValue(kids(s, 'cbc:CompanyID')[0] ?? null));
      if (!ids.some((v) => substring(v, 1, 2) === 'NO')) continue;
      if (ids.length > 1) continue;
      const id = ids[0]!;
      if (!(/^[0-9]{9}MVA$/.test(substring(id, 3)) && validMod11(substring(id, 3, 9)))) fail(party, `found ${shown(id)}`);
    }
  }),
];

// ------------------------------------------------------------------------------------------------
// Denmark
// ------------------------------------------------------------------------------------------------

function isDkVat(value: string): boolean {
  return /^DK[0-9]{8}$/.test(value);
}

function dkDomestic(doc: UblDocument): boolean {
  return dkCountry(doc, SUPPLIER) === 'DK' && dkCountry(doc, CUSTOMER) === 'DK';
}

function paymentId(doc: UblDocument, means: XmlElement): string {
  return stringValue(kids(means, 'cbc:PaymentID')[0] ?? null);
}

function dkPaymentRule(id: string, message: string, broken: (doc: UblDocument, means: XmlElement, code: string) => boolean): Rule {
  return check(id, 'fatal', message, (doc, fail) => {
    if (doc.isCreditNote || !dkDomestic(doc)) return;
    for (const means of kids(doc.root, 'cac:PaymentMeans')) {
      const codes = textsAt(doc, means, 'cbc:PaymentMeansCode');
      if (codes.length > 1) continue;
      if (broken(doc, means, codes[0] ?? '')) fail(means, `payment means ${shown(codes[0])}`);
    }
  });
}

const denmark: readonly Rule[] = [
  check('DK-R-002', 'fatal', 'Danish sellers must give their legal entity number (CVR number, BT-30).', (doc, fail) => {
    if (dkCountry(doc, SUPPLIER) !== 'DK') return;
    const ids = doc.all(doc.root, `${SUPPLIER}/cac:PartyLegalEntity/cbc:CompanyID`);
    if (ids.length > 1) return;
    if (normalizeSpace(ids[0]?.text) === '') fail(doc.root);
  }),
  check('DK-R-014', 'fatal', 'For Danish sellers, the legal entity number (BT-30) must use scheme 0184 (DK CVR number).', (doc, fail) => {
    if (dkCountry(doc, SUPPLIER) !== 'DK') return;
    const ids = doc.all(doc.root, `${SUPPLIER}/cac:PartyLegalEntity/cbc:CompanyID`);
    if (ids.length !== 1) return;
    if (normalizeSpace(ids[0]!.attrs['schemeID']) !== '0184') fail(ids[0]!, `scheme ${shown(ids[0]!.attrs['schemeID'])}`);
  }),
  check('DK-R-015', 'fatal', 'For Danish sellers, the VAT identifier (BT-31) must be DK followed by 8 digits.', (doc, fail) => {
    if (dkCountry(doc, SUPPLIER) !== 'DK') return;
    const schemes = doc.all(doc.root, `${SUPPLIER}/cac:PartyTaxScheme`);
    const broken = [0, 1].some((i) => {
      const scheme = schemes[i];
      if (!scheme || normalizeSpace(doc.text(scheme, 'cac:TaxScheme/cbc:ID')) !== 'VAT') return false;
      return !isDkVat(stringValue(kids(scheme, 'cbc:CompanyID')[0] ?? null));
    });
    if (broken) fail(doc.root);
  }),
  check('DK-R-016', 'fatal', 'For Danish sellers, a credit note to a Danish buyer cannot have a negative amount due (BT-115).', (doc, fail) => {
    if (dkCountry(doc, SUPPLIER) !== 'DK' || !doc.isCreditNote || dkCountry(doc, CUSTOMER) !== 'DK') return;
    const amounts = doc.all(doc.root, 'cac:LegalMonetaryTotal/cbc:PayableAmount');
    if (amounts.some((a) => xpathNumber(a.text) < 0)) fail(amounts[0]!, amounts[0]!.text);
  }),
  check('DK-R-013', 'fatal', 'For Danish sellers and buyers, a party identifier (BT-29, BT-46) must state its scheme.', (doc, fail) => {
    if (!dkDomestic(doc)) return;
    for (const path of [SUPPLIER, CUSTOMER]) {
      for (const ident of doc.all(doc.root, `${path}/cac:PartyIdentification`)) {
        const ids = kids(ident, 'cbc:ID');
        if (ids.length === 1 && normalizeSpace(ids[0]!.attrs['schemeID']) === '') fail(ids[0]!);
      }
    }
  }),
  dkPaymentRule('DK-R-005', 'For Danish sellers and buyers, the payment means code (BT-81) must be 1, 10, 31, 42, 48, 49, 50, 58, 59, 93 or 97.', (_doc, _m, code) => !' 1 10 31 42 48 49 50 58 59 93 97 '.includes(` ${code} `)),
  dkPaymentRule('DK-R-006', 'For Danish sellers, payment means 31 or 42 require the bank account (BT-84) and the bank registration number.', (doc, means, code) => {
    if (code !== '31' && code !== '42') return false;
    return !(normalizeSpace(doc.text(means, 'cac:PayeeFinancialAccount/cbc:ID')) !== '' && normalizeSpace(doc.text(means, 'cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID')) !== '');
  }),
  dkPaymentRule('DK-R-007', 'For Danish sellers, payment means 49 requires the mandate reference (BT-89) and the debited account (BT-91).', (doc, means, code) => {
    if (code !== '49') return false;
    return !(normalizeSpace(doc.text(means, 'cac:PaymentMandate/cbc:ID')) !== '' && normalizeSpace(doc.text(means, 'cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID')) !== '');
  }),
  dkPaymentRule('DK-R-008', 'For Danish sellers, giro payment (50) requires a payment id starting with 01#, 04# or 15# and a 7-character giro account.', (doc, means, code) => {
    if (code !== '50') return false;
    const prefix = substring(paymentId(doc, means), 1, 3);
    return !(['01#', '04#', '15#'].includes(prefix) && chars(doc.text(means, 'cac:PayeeFinancialAccount/cbc:ID') ?? '').length === 7);
  }),
  dkPaymentRule('DK-R-009', 'For Danish sellers, a giro payment id starting with 04# or 15# must be followed by the 16-digit instruction id.', (doc, means, code) => {
    const id = paymentId(doc, means);
    return code === '50' && ['04#', '15#'].includes(substring(id, 1, 3)) && chars(id).length !== 19;
  }),
  dkPaymentRule('DK-R-010', 'For Danish sellers, FIK payment (93) requires a payment id starting with 71#, 73# or 75# and an 8-character creditor number.', (doc, means, code) => {
    if (code !== '93') return false;
    const prefix = substring(paymentId(doc, means), 1, 3);
    return !(['71#', '73#', '75#'].includes(prefix) && chars(doc.text(means, 'cac:PayeeFinancialAccount/cbc:ID') ?? '').length === 8);
  }),
  dkPaymentRule('DK-R-011', 'For Danish sellers, a FIK payment id starting with 71# or 75# must be followed by the 15-16 digit instruction id.', (doc, means, code) => {
    const id = paymentId(doc, means);
    return code === '93' && ['71#', '75#'].includes(substring(id, 1, 3)) && ![18, 19].includes(chars(id).length);
  }),
  check('DK-R-003', 'warning', 'Danish sellers classifying items with UNSPSC (TST) should use version 19.0501.', (doc, fail) => {
    if (!dkDomestic(doc)) return;
    for (const line of doc.lines()) {
      const codes = doc.all(line, 'cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode');
      if (codes.some((c) => c.attrs['listID'] === 'TST') && !codes.some((c) => c.attrs['listVersionID'] === '19.05.01' || c.attrs['listVersionID'] === '19.0501')) fail(line);
    }
  }),
  check('DK-R-004', 'fatal', 'For Danish sellers, a non-VAT tax (reason code ZZZ) must give its 4-digit tax category as the reason text.', (doc, fail) => {
    if (!dkDomestic(doc)) return;
    for (const ac of select(doc, 'cac:AllowanceCharge')) {
      if (!textsAt(doc, ac, 'cbc:AllowanceChargeReasonCode').includes('ZZZ')) continue;
      const reasons = textsAt(doc, ac, 'cbc:AllowanceChargeReason');
      if (reasons.length > 1) continue;
      const n = xpathNumber(reasons[0]);
      if (!(normalizeSpace(reasons[0]).length === 4 && n >= 0 && n <= 9999)) fail(ac, `reason ${shown(reasons[0])}`);
    }
  }),
];

// ------------------------------------------------------------------------------------------------
// Italy
// ------------------------------------------------------------------------------------------------

const italy: readonly Rule[] = [
  check('IT-R-001', 'fatal', 'For Italian sellers the tax registration identifier (BT-32) must be 11 to 16 letters or digits.', (doc, fail) => {
    if (supplierCountry(doc) !== 'IT') return;
    for (const party of supplierParties(doc)) {
      for (const scheme of kids(party, 'cac:PartyTaxScheme')) {
        const ids = textsAt(doc, scheme, 'cac:TaxScheme/cbc:ID');
        if (ids.length > 1 || normalizeSpace(ids[0]) === 'VAT') continue;
        const companyIds = textsAt(doc, scheme, 'cbc:CompanyID');
        if (companyIds.length > 1) continue;
        if (!/^[A-Z0-9]{11,16}$/.test(normalizeSpace(companyIds[0]))) fail(scheme, `found ${shown(companyIds[0])}`);
      }
    }
  }),
  ...(
    [
      ['IT-R-002', 'cbc:StreetName', 'address line 1 (BT-35)'],
      ['IT-R-003', 'cbc:CityName', 'city (BT-37)'],
      ['IT-R-004', 'cbc:PostalZone', 'post code (BT-38)'],
    ] as const
  ).map(([id, path, what]) =>
    check(id, 'fatal', `Italian sellers must give the ${what} of their postal address.`, (doc, fail) => {
      if (supplierCountry(doc) !== 'IT') return;
      for (const party of supplierParties(doc)) if (!doc.exists(party, `cac:PostalAddress/${path}`)) fail(party);
    }),
  ),
];

// ------------------------------------------------------------------------------------------------
// Sweden
// ------------------------------------------------------------------------------------------------

function swedishSupplier(doc: UblDocument, party: XmlElement): boolean {
  return textsAt(doc, party, 'cac:PostalAddress/cac:Country/cbc:IdentificationCode').includes('SE');
}

function swedishVatSupplier(doc: UblDocument, party: XmlElement): boolean {
  return swedishSupplier(doc, party) && vatPrefixesOf(doc, party).includes('SE');
}

function vatPrefixesOf(doc: UblDocument, party: XmlElement): string[] {
  return kids(party, 'cac:PartyTaxScheme')
    .filter((s) => textsAt(doc, s, 'cac:TaxScheme/cbc:ID').includes('VAT'))
    .map((s) => substring(stringValue(kids(s, 'cbc:CompanyID')[0] ?? null), 1, 2));
}

function vatIdOf(doc: UblDocument, party: XmlElement): string | null {
  const ids = kids(party, 'cac:PartyTaxScheme')
    .filter((s) => textsAt(doc, s, 'cac:TaxScheme/cbc:ID').includes('VAT'))
    .flatMap((s) => kids(s, 'cbc:CompanyID'));
  return ids.length === 1 ? stringValue(ids[0]!) : null;
}

const isNumber = (value: string | null | undefined): boolean => !Number.isNaN(xpathNumber(value));

function swedishGiro(id: string, severity: RuleSeverity, branch: string, message: string, ok: (value: string) => boolean): Rule {
  return check(id, severity, message, (doc, fail) => {
    if (!select(doc, SUPPLIER).some((p) => swedishSupplier(doc, p))) return;
    for (const means of select(doc, 'cac:PaymentMeans')) {
      if (normalizeSpace(doc.text(means, 'cbc:PaymentMeansCode')) !== '30' || normalizeSpace(doc.text(means, 'cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID')) !== branch) continue;
      for (const account of doc.all(means, 'cac:PayeeFinancialAccount/cbc:ID')) if (!ok(normalizeSpace(account.text))) fail(account, `found ${shown(account.text)}`);
    }
  });
}

const sweden: readonly Rule[] = [
  check('SE-R-001', 'fatal', 'For Swedish sellers, the Swedish VAT identifier (BT-31) must have 14 characters (SE + 12 digits).', (doc, fail) => {
    for (const party of select(doc, SUPPLIER).filter((p) => swedishVatSupplier(doc, p))) {
      const id = vatIdOf(doc, party);
      if (id !== null && normalizeSpace(id).length !== 14) fail(party, `found ${shown(id)}`);
    }
  }),
  check('SE-R-002', 'fatal', 'For Swedish sellers, the last 12 characters of the Swedish VAT identifier (BT-31) must be digits.', (doc, fail) => {
    for (const party of select(doc, SUPPLIER).filter((p) => swedishVatSupplier(doc, p))) {
      const id = vatIdOf(doc, party);
      if (id !== null && !isNumber(substring(id, 3, 12))) fail(party, `found ${shown(id)}`);
    }
  }),
  ...(
    [
      ['SE-R-003', 'Swedish organisation numbers (BT-30) should be numeric.', (v: string) => isNumber(v)],
      ['SE-R-004', 'Swedish organisation numbers (BT-30) should have 10 characters.', (v: string) => normalizeSpace(v).length === 10],
    ] as const
  ).map(([id, message, ok]) =>
    check(id, 'warning', message, (doc, fail) => {
      for (const entity of select(doc, `${SUPPLIER}/cac:PartyLegalEntity`)) {
        const party = doc.parent(entity)!;
        const ids = kids(entity, 'cbc:CompanyID');
        if (!swedishSupplier(doc, party) || ids.length !== 1) continue;
        if (!ok(stringValue(ids[0]!))) fail(ids[0]!, `found ${shown(ids[0]!.text)}`);
      }
    }),
  ),
  check('SE-R-005', 'fatal', "For Swedish sellers, a tax registration identifier (BT-32) must read 'Godkänd för F-skatt'.", (doc, fail) => {
    for (const party of select(doc, SUPPLIER)) {
      if (!swedishSupplier(doc, party) || !doc.exists(party, 'cac:PartyLegalEntity/cbc:CompanyID')) continue;
      for (const scheme of kids(party, 'cac:PartyTaxScheme')) {
        if (normalizeSpace((doc.text(scheme, 'cac:TaxScheme/cbc:ID') ?? '').toUpperCase()) === 'VAT') continue;
        for (const id of kids(scheme, 'cbc:CompanyID')) if (normalizeSpace(id.text.toUpperCase()) !== 'GODKÄND FÖR F-SKATT') fail(id, `found ${shown(id.text)}`);
      }
    }
  }),
  check('SE-R-006', 'fatal', 'Swedish sellers may only use the standard VAT rates 25, 12 or 6 % for category S.', (doc, fail) => {
    if (!select(doc, SUPPLIER).some((p) => swedishVatSupplier(doc, p))) return;
    for (const category of select(doc, 'cac:TaxCategory | cac:ClassifiedTaxCategory')) {
      if (!textsAt(doc, category, 'cbc:ID').includes('S')) continue;
      const rate = xpathNumber(doc.text(category, 'cbc:Percent'));
      if (rate !== 25 && rate !== 12 && rate !== 6) fail(category, `rate ${shown(doc.text(category, 'cbc:Percent'))}`);
    }
  }),
  swedishGiro('SE-R-007', 'warning', 'SE:PLUSGIRO', 'For Swedish sellers using Plusgiro, the account (BT-84) should be numeric.', (v) => isNumber(v)),
  swedishGiro('SE-R-010', 'warning', 'SE:PLUSGIRO', 'For Swedish sellers using Plusgiro, the account (BT-84) should have 2 to 8 characters.', (v) => v.length >= 2 && v.length <= 8),
  swedishGiro('SE-R-008', 'warning', 'SE:BANKGIRO', 'For Swedish sellers using Bankgiro, the account (BT-84) should be numeric.', (v) => isNumber(v)),
  swedishGiro('SE-R-009', 'warning', 'SE:BANKGIRO', 'For Swedish sellers using Bankgiro, the account (BT-84) should have 7 or 8 characters.', (v) => v.length === 7 || v.length === 8),
  check(
    'SE-R-011',
    'warning',
    'Swedish sellers should indicate Bankgiro or Plusgiro with payment means code 30 and the branch SE:BANKGIRO or SE:PLUSGIRO, not with code 50 or 56.',
    (doc, fail) => {
      if (!select(doc, SUPPLIER).some((p) => swedishSupplier(doc, p))) return;
      for (const means of select(doc, 'cac:PaymentMeans')) {
        const codes = textsAt(doc, means, 'cbc:PaymentMeansCode');
        if (codes.includes('50') || codes.includes('56')) fail(means);
      }
    },
  ),
  check('SE-R-012', 'warning', 'Between Swedish trading partners, credit transfer should use payment means code 30 (not 31).', (doc, fail) => {
    if (!select(doc, SUPPLIER).some((p) => swedishSupplier(doc, p)) || !select(doc, CUSTOMER).some((p) => swedishSupplier(doc, p))) return;
    for (const means of select(doc, 'cac:PaymentMeans')) if (textsAt(doc, means, 'cbc:PaymentMeansCode').includes('31')) fail(means);
  }),
];

// ------------------------------------------------------------------------------------------------
// Greece
// ------------------------------------------------------------------------------------------------

/** u:TinVerification: Greek tax number (AFM) check digit, on the first 9 characters. */
function validGreekTin(value: string | null | undefined): boolean {
  const c = chars(value ?? '');
  if (c.length < 9 || !c.slice(0, 9).every((d) => d >= '0' && d <= '9')) return false;
  const n = c.slice(0, 9).map(Number);
  const checksum = n.slice(0, 8).reduce((s, d, i) => s + d * 2 ** (8 - i), 0);
  return (checksum % 11) % 10 === n[8];
}

const GREEK_DOCUMENT_TYPES = new Set('1.1 1.2 1.3 1.4 1.5 1.6 2.1 2.2 2.3 2.4 3.1 3.2 4 5.1 5.2 6.1 6.2 7.1 8.1 8.2 11.1 11.2 11.3 11.4 11.5'.split(' '));
const GREEK_DATE = /^(0?[1-9]|[12][0-9]|3[01])[-\\/ ]?(0?[1-9]|1[0-2])[-\\/ ]?(19|20)[0-9]{2}/;

const isGreek = (country: string): boolean => country === 'GR' || country === 'EL';
const greekSender = (doc: UblDocument): boolean => isGreek(supplierCountry(doc));
const greekSenderAndReceiver = (doc: UblDocument): boolean => greekSender(doc) && isGreek(customerCountry(doc));

/** XPath tokenize(value, '\|') (no tokens for an empty value). */
function tokenize(value: string, separator: string): string[] {
  return value === '' ? [] : value.split(separator);
}

function invoiceIdRule(id: string, message: string, ok: (doc: UblDocument, segments: string[]) => boolean): Rule {
  return check(id, 'fatal', message, (doc, fail) => {
    if (!greekSender(doc)) return;
    for (const el of kids(doc.root, 'cbc:ID')) {
      const segments = tokenize(stringValue(el), '|');
      if (!ok(doc, segments)) fail(el, `invoice number ${shown(el.text)}`);
    }
  });
}

function greekVatIds(doc: UblDocument, party: XmlElement): XmlElement[] {
  return kids(party, 'cac:PartyTaxScheme')
    .filter((s) => normalizeSpace(doc.text(s, 'cac:TaxScheme/cbc:ID')) === 'VAT')
    .flatMap((s) => kids(s, 'cbc:CompanyID'));
}

/** Exactly one VAT identifier, EL + valid TIN. */
function validGreekVat(doc: UblDocument, party: XmlElement): boolean {
  const ids = greekVatIds(doc, party);
  if (ids.length !== 1) return false;
  const v = stringValue(ids[0]!);
  return substring(v, 1, 2) === 'EL' && validGreekTin(substring(v, 3));
}

function greekReferences(doc: UblDocument, description: string): XmlElement[] {
  return kids(doc.root, 'cac:AdditionalDocumentReference').filter((r) => textsAt(doc, r, 'cbc:DocumentDescription').includes(description));
}

const greece: readonly Rule[] = [
  invoiceIdRule('GR-R-001-1', 'For Greek sellers, the invoice number (BT-1) must have 6 segments separated by |.', (_doc, s) => s.length === 6),
  invoiceIdRule('GR-R-001-2', "For Greek sellers, the first segment of the invoice number must be a valid tax number (TIN) of the seller or of the seller's tax representative.", (doc, s) => {
    const first = s[0];
    if (first === undefined || normalizeSpace(first).length !== 9 || !validGreekTin(first)) return false;
    const tins = [...vatSchemes(doc, doc.root, SUPPLIER), ...vatSchemes(doc, doc.root, 'cac:TaxRepresentativeParty')].map((sch) => substring(stringValue(kids(sch, 'cbc:CompanyID')[0] ?? null), 3, 9));
    return tins.includes(first);
  }),
  invoiceIdRule('GR-R-001-3', 'For Greek sellers, the second segment of the invoice number must be the issue date (BT-2), written DD/MM/YYYY.', (doc, s) => {
    const second = s[1] ?? '';
    if (normalizeSpace(second).length === 0 || !GREEK_DATE.test(second)) return false;
    const idDate = second.split('/');
    const issue = (doc.text(doc.root, 'cbc:IssueDate') ?? '').split('-');
    return idDate[0] === issue[2] && idDate[1] === issue[1] && idDate[2] === issue[0];
  }),
  invoiceIdRule('GR-R-001-4', 'For Greek sellers, the third segment of the invoice number must be a positive whole number.', (_doc, s) => {
    const third = s[2] ?? '';
    return normalizeSpace(third).length > 0 && /^\s*[+-]?[0-9]+\s*$/.test(third) && Number(third) >= 0;
  }),
  invoiceIdRule('GR-R-001-5', 'For Greek sellers, the fourth segment of the invoice number must be a valid Greek document type (e.g. 1.1, 2.1, 5.1).', (_doc, s) => {
    const fourth = s[3] ?? '';
    return normalizeSpace(fourth).length > 0 && GREEK_DOCUMENT_TYPES.has(fourth);
  }),
  invoiceIdRule('GR-R-001-6', 'For Greek sellers, the fifth segment of the invoice number must not be empty.', (_doc, s) => (s[4] ?? '').length > 0),
  invoiceIdRule('GR-R-001-7', 'For Greek sellers, the sixth segment of the invoice number must not be empty.', (_doc, s) => (s[5] ?? '').length > 0),
  check('GR-R-002', 'fatal', 'Greek sellers must give their full name (BT-28) as registered.', (doc, fail) => {
    if (!greekSender(doc)) return;
    for (const party of supplierParties(doc)) if ((doc.text(party, 'cac:PartyName/cbc:Name') ?? '').length === 0) fail(party);
  }),
  check('GR-R-007-1', 'fatal', 'A Greek seller without a VAT identifier must have a tax representative (BG-11).', (doc, fail) => {
    if (!greekSender(doc)) return;
    const representatives = doc.isCreditNote ? 0 : kids(doc.root, 'cac:TaxRepresentativeParty').length;
    for (const party of supplierParties(doc)) if (greekVatIds(doc, party).length !== 1 && representatives !== 1) fail(party);
  }),
  check('GR-R-007-2', 'fatal', 'The tax representative of a Greek seller must have a name (BT-62).', (doc, fail) => {
    if (!greekSender(doc)) return;
    for (const rep of select(doc, 'cac:TaxRepresentativeParty')) if (normalizeSpace(doc.text(rep, 'cac:PartyName/cbc:Name')).length === 0) fail(rep);
  }),
  check('GR-R-007-3', 'fatal', 'The tax representative of a Greek seller must have a valid Greek VAT identifier (BT-63, EL + tax number).', (doc, fail) => {
    if (!greekSender(doc)) return;
    for (const rep of select(doc, 'cac:TaxRepresentativeParty')) if (!validGreekVat(doc, rep)) fail(rep);
  }),
  check('GR-R-003', 'fatal', 'The VAT identifier of a Greek seller (BT-31) must start with EL followed by a valid tax number.', (doc, fail) => {
    if (!greekSender(doc)) return;
    for (const party of supplierParties(doc)) {
      for (const id of greekVatIds(doc, party)) {
        const v = stringValue(id);
        if (!(substring(v, 1, 2) === 'EL' && validGreekTin(substring(v, 3)))) fail(id, `found ${shown(v)}`);
      }
    }
  }),
  check('GR-R-004-1', 'fatal', 'An invoice from a Greek seller must carry exactly one MARK number (additional document described ##M.AR.K##).', (doc, fail) => {
    if (greekSender(doc) && greekReferences(doc, '##M.AR.K##').length !== 1) fail(doc.root, `found ${greekReferences(doc, '##M.AR.K##').length}`);
  }),
  check('GR-S-008-1', 'warning', 'An invoice from a Greek seller should carry one invoice URL (additional document described ##INVOICE-URL##).', (doc, fail) => {
    if (greekSender(doc) && greekReferences(doc, '##INVOICE-URL##').length !== 1) fail(doc.root);
  }),
  check('GR-R-008-2', 'fatal', 'An invoice from a Greek seller may carry at most one invoice URL (##INVOICE-URL##).', (doc, fail) => {
    if (greekSender(doc) && greekReferences(doc, '##INVOICE-URL##').length > 1) fail(doc.root);
  }),
  check('GR-R-004-2', 'fatal', 'The MARK number of a Greek invoice must be a positive whole number.', (doc, fail) => {
    if (!greekSender(doc)) return;
    for (const ref of select(doc, 'cac:AdditionalDocumentReference')) {
      if (!textsAt(doc, ref, 'cbc:DocumentDescription').includes('##M.AR.K##')) continue;
      for (const id of kids(ref, 'cbc:ID')) if (!/^[1-9]/.test(stringValue(id))) fail(id, `found ${shown(id.text)}`);
    }
  }),
  check('GR-R-008-3', 'fatal', 'The invoice URL reference of a Greek invoice must give the URL (external reference URI).', (doc, fail) => {
    if (!greekSender(doc)) return;
    for (const ref of select(doc, 'cac:AdditionalDocumentReference')) {
      if (!textsAt(doc, ref, 'cbc:DocumentDescription').includes('##INVOICE-URL##')) continue;
      if (normalizeSpace(doc.text(ref, 'cac:Attachment/cac:ExternalReference/cbc:URI')).length === 0) fail(ref);
    }
  }),
  check('GR-R-005', 'fatal', 'Greek sellers must give the full name of the buyer (BT-45).', (doc, fail) => {
    if (!greekSender(doc)) return;
    for (const party of select(doc, CUSTOMER)) if ((doc.text(party, 'cac:PartyName/cbc:Name') ?? '').length === 0) fail(party);
  }),
  check('GR-R-009', 'fatal', 'A Greek seller must use its tax number (TIN) with scheme 9933 as electronic address (BT-34).', (doc, fail) => {
    if (!isGreek(accountingSupplierCountry(doc))) return;
    for (const endpoint of select(doc, `${SUPPLIER}/cbc:EndpointID`)) {
      if (!(endpoint.attrs['schemeID'] === '9933' && validGreekTin(stringValue(endpoint)))) fail(endpoint, `found ${shown(endpoint.text)}`);
    }
  }),
  check('GR-R-006', 'fatal', 'A Greek seller must give the valid Greek VAT identifier (BT-48, EL + tax number) of a Greek buyer.', (doc, fail) => {
    if (!greekSenderAndReceiver(doc)) return;
    for (const party of select(doc, CUSTOMER)) if (!validGreekVat(doc, party)) fail(party);
  }),
  check('GR-R-010', 'fatal', "A Greek seller must use a Greek buyer's tax number (TIN) with scheme 9933 as the buyer electronic address (BT-49).", (doc, fail) => {
    if (!greekSenderAndReceiver(doc)) return;
    for (const endpoint of select(doc, `${CUSTOMER}/cbc:EndpointID`)) {
      if (!(endpoint.attrs['schemeID'] === '9933' && validGreekTin(stringValue(endpoint)))) fail(endpoint, `found ${shown(endpoint.text)}`);
    }
  }),
];

export const nationalRules: readonly Rule[] = [...norway, ...denmark, ...italy, ...sweden, ...greece];
