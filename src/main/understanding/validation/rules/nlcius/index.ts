/**
 * SI-UBL 2.0 / NLCIUS rules, release 2.0.3.13: the version check of si-ubl-2.0.3.13.sch
 * (BII2-T10-R001, SI-V20-INV-R000, SI-INV-R000) and the NLCIUS pattern si-ubl-2.0-nlcius.sch
 * (BR-NL-1..35 and SI-UBL-2). The EN 16931 rules the official validator bundles are the CEN module's.
 *
 * As in the official artefact, all NLCIUS rules sit in ONE schematron pattern, so each element is
 * checked only by the first rule whose context it matches. Consequences kept on purpose:
 * - every allowance/charge reason code (document or line level) is reported as BR-NL-32-1; the
 *   line-level variants BR-NL-32-2/-3 (and the BR-NL-34 texts, which reuse the BR-NL-32-* ids) are
 *   shadowed and never fire;
 * - an empty element that another NLCIUS rule already looks at (e.g. an empty cbc:TaxPointDate of a
 *   Dutch seller, reported as BR-NL-20) is not also reported as SI-UBL-2.
 * Most rules only apply to Dutch sellers ($s: seller country NL and an NLCIUS CustomizationID);
 * BR-NL-13 applies to every NLCIUS document; SI-UBL-2 to every document.
 */
import { parseDecimal } from '../../../decimal.ts';
import type { XmlElement } from '../../../safe-xml.ts';
import type { Rule, RuleModule } from '../../types.ts';
import { at, at1, is, kid, kids, nsText, stringValue, txt, type DocFacts } from '../peppol/context.ts';
import { defineRule, quote } from '../peppol/define.ts';
import { normalizeSpace } from '../peppol/xpath.ts';
import { kvkOrOin } from '../peppol/national-rules.ts';

const NLCIUS_CUSTOMIZATION = 'urn:cen.eu:en16931:2017#compliant#urn:fdc:nen.nl:nlcius:v1.0';

/** $si: the CustomizationID names NLCIUS (or its g-account extension). */
function isSiUbl(f: DocFacts): boolean {
  return f.once('nl:si', () => {
    const id = nsText(f.root, 'cbc:CustomizationID');
    return id.includes('#compliant#urn:fdc:nen.nl:nlcius:v1.0') || id.includes('#conformant#urn:fdc:nen.nl:gaccount:v1.0');
  });
}

/** $s: NLCIUS document from a seller in the Netherlands. */
function isDutchSeller(f: DocFacts): boolean {
  return f.once('nl:s', () => isSiUbl(f) && f.supplierPostalCountry() === 'NL');
}

interface Context {
  id: string;
  matches: (el: XmlElement, f: DocFacts) => boolean;
  /** The rule applies only when $s (Dutch seller) — otherwise only when $si, or always (SI-UBL-2). */
  when: 's' | 'si' | 'always';
}

const path = (ancestors: readonly string[], self: string) => (el: XmlElement, f: DocFacts): boolean => is(el, self) && f.under(el, ancestors);

/** The rule contexts of the nlcius pattern, in the order of the official file. */
const CONTEXTS: readonly Context[] = [
  { id: 'BR-NL-1', when: 's', matches: path(['cac:AccountingSupplierParty'], 'cac:Party') },
  { id: 'BR-NL-2', when: 's', matches: (el, f) => el === f.root },
  { id: 'BR-NL-3', when: 's', matches: path(['cac:AccountingSupplierParty', 'cac:Party'], 'cac:PostalAddress') },
  { id: 'BR-NL-4', when: 's', matches: path(['cac:AccountingCustomerParty', 'cac:Party'], 'cac:PostalAddress') },
  { id: 'BR-NL-5', when: 's', matches: path(['cac:TaxRepresentativeParty'], 'cac:PostalAddress') },
  { id: 'BR-NL-7', when: 's', matches: (el) => is(el, 'cbc:InvoiceTypeCode') || is(el, 'cbc:CreditNoteTypeCode') },
  { id: 'BR-NL-10', when: 's', matches: path(['cac:AccountingCustomerParty', 'cac:Party'], 'cac:PartyLegalEntity') },
  { id: 'BR-NL-11', when: 's', matches: (el, f) => is(el, 'cac:LegalMonetaryTotal') && f.parent(el) === f.root && f.isInvoice },
  { id: 'BR-NL-12', when: 's', matches: (el) => is(el, 'cac:PaymentMeans') },
  { id: 'BR-NL-13', when: 'si', matches: path(['cac:OrderLineReference'], 'cbc:LineID') },
  { id: 'BR-NL-19', when: 's', matches: (el) => is(el, 'cbc:TaxCurrencyCode') },
  { id: 'BR-NL-20', when: 's', matches: (el) => is(el, 'cbc:TaxPointDate') },
  { id: 'BR-NL-21', when: 's', matches: path(['cac:InvoicePeriod'], 'cbc:DescriptionCode') },
  { id: 'BR-NL-24', when: 's', matches: path(['cac:BillingReference', 'cac:InvoiceDocumentReference'], 'cbc:IssueDate') },
  { id: 'BR-NL-25', when: 's', matches: path(['cac:AccountingSupplierParty', 'cac:Party'], 'cac:PartyTaxScheme') },
  { id: 'BR-NL-26', when: 's', matches: path(['cac:AccountingSupplierParty', 'cac:Party', 'cac:PartyLegalEntity'], 'cbc:CompanyLegalForm') },
  { id: 'BR-NL-27-1', when: 's', matches: path(['cac:AccountingSupplierParty', 'cac:Party', 'cac:PostalAddress', 'cac:AddressLine'], 'cbc:Line') },
  { id: 'BR-NL-27-2', when: 's', matches: path(['cac:AccountingCustomerParty', 'cac:Party', 'cac:PostalAddress', 'cac:AddressLine'], 'cbc:Line') },
  { id: 'BR-NL-27-3', when: 's', matches: path(['cac:TaxRepresentativeParty', 'cac:PostalAddress', 'cac:AddressLine'], 'cbc:Line') },
  { id: 'BR-NL-27-4', when: 's', matches: path(['cac:Delivery', 'cac:DeliveryLocation', 'cac:Address', 'cac:AddressLine'], 'cbc:Line') },
  { id: 'BR-NL-28-1', when: 's', matches: path(['cac:AccountingSupplierParty', 'cac:Party', 'cac:PostalAddress'], 'cbc:CountrySubentity') },
  { id: 'BR-NL-28-2', when: 's', matches: path(['cac:AccountingCustomerParty', 'cac:Party', 'cac:PostalAddress'], 'cbc:CountrySubentity') },
  { id: 'BR-NL-28-3', when: 's', matches: path(['cac:TaxRepresentativeParty', 'cac:PostalAddress'], 'cbc:CountrySubentity') },
  { id: 'BR-NL-28-4', when: 's', matches: path(['cac:Delivery', 'cac:DeliveryLocation', 'cac:Address'], 'cbc:CountrySubentity') },
  { id: 'BR-NL-29', when: 's', matches: path(['cac:PaymentMeans'], 'cbc:PaymentMeansCode') },
  { id: 'BR-NL-30', when: 's', matches: path(['cac:PaymentMeans', 'cac:PayeeFinancialAccount'], 'cbc:Name') },
  { id: 'BR-NL-32-1', when: 's', matches: path(['cac:AllowanceCharge'], 'cbc:AllowanceChargeReasonCode') },
  { id: 'BR-NL-32-2', when: 's', matches: path(['cac:InvoiceLine', 'cac:AllowanceCharge'], 'cbc:AllowanceChargeReasonCode') },
  { id: 'BR-NL-32-3', when: 's', matches: path(['cac:CreditNoteLine', 'cac:AllowanceCharge'], 'cbc:AllowanceChargeReasonCode') },
  { id: 'BR-NL-33', when: 's', matches: path(['cac:TaxTotal'], 'cbc:TaxAmount') },
  { id: 'BR-NL-35', when: 's', matches: path(['cac:TaxTotal', 'cac:TaxSubtotal', 'cac:TaxCategory'], 'cbc:TaxExemptionReasonCode') },
  // normalize-space(.) = '' is trim() = '' (no new string, even for a large attachment).
  { id: 'SI-UBL-2', when: 'always', matches: (el) => el.children.length === 0 && el.text.trim() === '' },
];

/** Which rule looks at each element (first matching context), computed once per document. */
function contextsOf(f: DocFacts): Map<string, XmlElement[]> {
  return f.once('nl:contexts', () => {
    const s = isDutchSeller(f);
    const si = isSiUbl(f);
    const active = CONTEXTS.filter((c) => c.when === 'always' || (c.when === 's' ? s : si));
    const out = new Map<string, XmlElement[]>();
    for (const el of f.all) {
      for (const c of active) {
        if (!c.matches(el, f)) continue;
        let list = out.get(c.id);
        if (!list) out.set(c.id, (list = []));
        list.push(el);
        break;
      }
    }
    return out;
  });
}

function nodes(f: DocFacts, id: string): readonly XmlElement[] {
  return contextsOf(f).get(id) ?? [];
}

/** A rule checked on the elements its context gets; `ok` decides each. */
function nl(id: string, severity: 'fatal' | 'warning', message: string, ok: (el: XmlElement, f: DocFacts) => boolean | null, detail?: (el: XmlElement, f: DocFacts) => string, context = id): Rule {
  return defineRule(id, severity, message, (f, fail) => {
    for (const el of nodes(f, context)) if (ok(el, f) === false) fail(el, detail?.(el, f));
  });
}

/** A "not recommended" element: its presence is the warning. */
function discouraged(id: string, message: string): Rule {
  return nl(id, 'warning', message, () => false, (el) => (el.text ? `found ${quote(el.text)}` : ''));
}

const hasAll = (el: XmlElement, keys: readonly string[]): boolean => keys.every((k) => kid(el, k) !== null);
const ADDRESS = ['cbc:StreetName', 'cbc:CityName', 'cbc:PostalZone'] as const;
const missingAddress = (el: XmlElement): string => `missing ${ADDRESS.filter((k) => !kid(el, k)).map((k) => k.slice(4)).join(', ')}`;
/** `cac:Country/cbc:IdentificationCode != 'NL' or (street and city and zone)` */
const dutchAddressOk = (el: XmlElement): boolean => at(el, 'cac:Country/cbc:IdentificationCode').some((c) => txt(c) !== 'NL') || hasAll(el, ADDRESS);

const PAYMENT_MEANS = new Set(['30', '48', '49', '57', '58', '59']);
const TYPE_CODES = new Set(['380', '381', '384', '389']);

const versionRules: Rule[] = [
  defineRule('BII2-T10-R001', 'fatal', 'The document must have a specification identifier (BT-24, cbc:CustomizationID).', (f, fail) => {
    for (const d of [...f.named('inv:Invoice'), ...f.named('cn:CreditNote')]) if (!kid(d, 'cbc:CustomizationID')) fail(d);
  }),
  defineRule('SI-V20-INV-R000', 'fatal', `The specification identifier (BT-24) must start with ${NLCIUS_CUSTOMIZATION} for an SI-UBL 2.0 (NLCIUS) invoice or credit note.`, (f, fail) => {
    for (const el of f.named('cbc:CustomizationID')) {
      const v = normalizeSpace(stringValue(el));
      if (!v.startsWith(NLCIUS_CUSTOMIZATION)) fail(el, `found ${quote(v, 100)}`);
    }
  }),
  defineRule('SI-INV-R000', 'fatal', 'The document must be a UBL Invoice or CreditNote to be validated as SI-UBL 2.0.', (f, fail) => {
    if (!f.isInvoice && !f.isCreditNote) fail(f.root, `root element ${f.root.name}`);
  }),
];

const nlciusPatternRules: Rule[] = [
  nl(
    'BR-NL-1',
    'fatal',
    "A Dutch seller must give a KVK number (scheme 0106) or OIN (scheme 0190) as its legal registration identifier (BT-30).",
    (party) => {
      const ids = at(party, 'cac:PartyLegalEntity/cbc:CompanyID');
      const schemes = ids.map((i) => i.attrs['schemeID']).filter((s): s is string => s !== undefined);
      return kvkOrOin(schemes.join(' ')) && ids.some((i) => normalizeSpace(stringValue(i)) !== '');
    },
    (party) => {
      const id = at1(party, 'cac:PartyLegalEntity/cbc:CompanyID');
      return id ? `${quote(stringValue(id))} with scheme ${id.attrs['schemeID'] ?? '(none)'}` : 'no legal registration identifier';
    },
  ),
  nl('BR-NL-2', 'fatal', 'A Dutch seller must give the buyer reference (BT-10) or the purchase order reference (BT-13).', (root) => kid(root, 'cbc:BuyerReference') !== null || at1(root, 'cac:OrderReference/cbc:ID') !== null),
  nl('BR-NL-3', 'fatal', "A Dutch seller's address must give street (BT-35), city (BT-37) and post code (BT-38).", (a) => hasAll(a, ADDRESS), missingAddress),
  nl('BR-NL-4', 'fatal', "When a Dutch seller invoices a buyer in the Netherlands, the buyer's address must give street (BT-50), city (BT-52) and post code (BT-53).", dutchAddressOk, missingAddress),
  nl('BR-NL-5', 'fatal', "When a Dutch seller has a tax representative in the Netherlands, the representative's address must give street (BT-64), city (BT-66) and post code (BT-67).", dutchAddressOk, missingAddress),
  nl(
    'BR-NL-7',
    'fatal',
    'The invoice or credit note type code (BT-3) must be 380, 381, 384 or 389.',
    (el) => TYPE_CODES.has(stringValue(el)),
    (el) => `type code ${quote(stringValue(el))}`,
  ),
  defineRule('BR-NL-8', 'fatal', 'Type code 381 (credit note) must be sent as a UBL CreditNote, and 380, 384 and 389 as a UBL Invoice.', (f, fail) => {
    for (const el of nodes(f, 'BR-NL-7')) {
      const v = stringValue(el);
      if (v === '381' && !f.isCreditNote) fail(el, 'type code 381 in an Invoice document');
      if (v !== '381' && !f.isInvoice) fail(el, `type code ${quote(v)} in a CreditNote document`);
    }
  }),
  nl(
    'BR-NL-9',
    'fatal',
    'A corrected invoice (type code 384) from a Dutch seller must refer to the invoice it corrects (BT-25, cac:BillingReference).',
    (el, f) => stringValue(el) !== '384' || at1(f.root, 'cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID') !== null,
    undefined,
    'BR-NL-7',
  ),
  nl(
    'BR-NL-10',
    'fatal',
    "When a Dutch seller invoices a buyer in the Netherlands, the buyer's legal registration identifier (BT-47) must be a KVK number (scheme 0106) or OIN (scheme 0190).",
    (le, f) => {
      const buyerNL = f.named('cbc:IdentificationCode').some((c) => txt(c) === 'NL' && f.under(c, ['cac:AccountingCustomerParty', 'cac:Party', 'cac:PostalAddress', 'cac:Country']));
      const schemes = f.named('cbc:CompanyID')
        .filter((c) => f.under(c, ['cac:AccountingCustomerParty', 'cac:Party', 'cac:PartyLegalEntity']) && c.attrs['schemeID'] !== undefined)
        .map((c) => c.attrs['schemeID'] ?? '');
      const ids = kids(le, 'cbc:CompanyID');
      return (!buyerNL || kvkOrOin(schemes.join(' '))) && (ids.length === 0 || ids.some((i) => normalizeSpace(stringValue(i)) !== ''));
    },
    (le) => {
      const id = kid(le, 'cbc:CompanyID');
      return id ? `${quote(stringValue(id))} with scheme ${id.attrs['schemeID'] ?? '(none)'}` : 'no legal registration identifier';
    },
  ),
  nl(
    'BR-NL-11',
    'fatal',
    'A Dutch seller must give payment instructions (cac:PaymentMeans) when the buyer has to pay (amount due BT-115 above zero).',
    (lmt, f) => {
      if (f.named('cac:PaymentMeans').length > 0) return true;
      const payableEl = kid(lmt, 'cbc:PayableAmount');
      if (!payableEl) return false;
      const payable = parseDecimal(stringValue(payableEl));
      return payable === null ? null : payable.units <= 0n;
    },
    (lmt) => `amount due ${stringValue(kid(lmt, 'cbc:PayableAmount')) || '(none)'}`,
  ),
  nl(
    'BR-NL-12',
    'fatal',
    "A Dutch seller's payment means code (BT-81) must be 30, 48, 49, 57, 58 or 59.",
    (pm) => PAYMENT_MEANS.has(nsText(pm, 'cbc:PaymentMeansCode')),
    (pm) => `code ${quote(nsText(pm, 'cbc:PaymentMeansCode'))}`,
  ),
  nl('BR-NL-13', 'fatal', 'A reference to an order line (BT-132) needs the purchase order reference (BT-13) on the document.', (_el, f) => at1(f.root, 'cac:OrderReference/cbc:ID') !== null),
  nl(
    'BR-NL-31',
    'warning',
    'A payment service provider identifier (BT-86) is not recommended for SEPA payments (payment means 58 or 59).',
    (pm) => {
      const code = nsText(pm, 'cbc:PaymentMeansCode');
      return !(code === '58' || code === '59') || !at1(pm, 'cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID');
    },
    undefined,
    'BR-NL-12',
  ),
  discouraged('BR-NL-19', 'A VAT accounting currency (BT-6, cbc:TaxCurrencyCode) is not recommended for a Dutch seller.'),
  discouraged('BR-NL-20', 'A VAT point date (BT-7, cbc:TaxPointDate) is not recommended for a Dutch seller; its value will be ignored.'),
  discouraged('BR-NL-21', 'A VAT point date code (BT-8, invoice period description code) is not recommended for a Dutch seller; its value will be ignored.'),
  discouraged('BR-NL-24', 'The issue date of the preceding invoice (BT-26) is not recommended for a Dutch seller.'),
  nl(
    'BR-NL-25',
    'warning',
    'A seller tax registration identifier (BT-32) with a tax scheme other than VAT is not recommended for a Dutch seller.',
    (pts) => !kid(pts, 'cbc:CompanyID') || at(pts, 'cac:TaxScheme/cbc:ID').some((id) => txt(id) === 'VAT'),
    (pts) => `tax scheme ${quote(nsText(pts, 'cac:TaxScheme/cbc:ID'))}`,
  ),
  discouraged('BR-NL-26', "The seller's additional legal information (BT-33, cbc:CompanyLegalForm) is not recommended for a Dutch seller."),
  discouraged('BR-NL-27-1', "A third address line (BT-162) in the seller's address is not recommended."),
  discouraged('BR-NL-27-2', "A third address line (BT-163) in the buyer's address is not recommended."),
  discouraged('BR-NL-27-3', "A third address line (BT-164) in the tax representative's address is not recommended."),
  discouraged('BR-NL-27-4', 'A third address line (BT-165) in the delivery address is not recommended.'),
  discouraged('BR-NL-28-1', "A country subdivision (BT-39) in the seller's address is not recommended."),
  discouraged('BR-NL-28-2', "A country subdivision (BT-54) in the buyer's address is not recommended."),
  discouraged('BR-NL-28-3', "A country subdivision (BT-68) in the tax representative's address is not recommended."),
  discouraged('BR-NL-28-4', 'A country subdivision (BT-79) in the delivery address is not recommended.'),
  nl('BR-NL-29', 'warning', 'A payment means text (BT-82, the name attribute of the payment means code) is not recommended.', (el) => el.attrs['name'] === undefined, (el) => `name ${quote(el.attrs['name'] ?? '')}`),
  discouraged('BR-NL-30', 'A payment account name (BT-85) is not recommended.'),
  discouraged('BR-NL-32-1', 'An allowance or charge reason code (BT-98 / BT-105, also on lines: BT-140 / BT-145) is not recommended.'),
  discouraged('BR-NL-32-2', 'An invoice line allowance or charge reason code (BT-140 / BT-145) is not recommended.'),
  discouraged('BR-NL-32-3', 'A credit note line allowance or charge reason code (BT-140 / BT-145) is not recommended.'),
  nl(
    'BR-NL-33',
    'warning',
    'A VAT total in accounting currency (BT-111, a tax total in another currency than the invoice currency) is not recommended.',
    (el, f) => {
      const c = el.attrs['currencyID'];
      return c !== undefined && f.named('cbc:DocumentCurrencyCode').some((d) => stringValue(d) === c);
    },
    (el) => (el.attrs['currencyID'] === undefined ? 'no currencyID' : `currencyID ${quote(el.attrs['currencyID'])}`),
  ),
  discouraged('BR-NL-35', 'A VAT exemption reason code (BT-121) is not recommended.'),
  nl('SI-UBL-2', 'warning', 'The document should not contain empty elements.', () => false, (el) => `<${el.name}> is empty`),
];

function orderBySeverity(rules: Rule[]): Rule[] {
  return [...rules.filter((r) => r.severity === 'fatal'), ...rules.filter((r) => r.severity === 'warning')];
}

/** SI-UBL 2.0 / NLCIUS rules (BR-NL-*), release 2.0.3.13. */
export const nlciusRules: RuleModule = { source: 'nlcius', rules: orderBySeverity([...versionRules, ...nlciusPatternRules]) };
