/**
 * UBL syntax rules of the CEN EN16931 binding (pattern "UBL-syntax" of CEN-EN16931-UBL.sch 2026.5):
 * UBL-SR-* cardinality restrictions (fatal) and UBL-DT-* data type rules (DT-01/06/07 fatal, the
 * attribute warnings DT-08..28). The UBL-CR rules of the same pattern are in ubl-cr.ts.
 */
import type { XmlElement } from '../../../safe-xml.ts';
import type { Rule, RuleSeverity } from '../../types.ts';
import { cen, type CenState } from './context.ts';
import { contextRule, type Verdict } from './support/define.ts';
import { CAC, CBC, count, decimalsOf, has, is, kids, sel } from './support/xpath.ts';

function rule(id: string, severity: RuleSeverity, message: string, contexts: (x: CenState) => Iterable<XmlElement>, test: (x: CenState, el: XmlElement) => Verdict): Rule {
  return contextRule(cen, id, severity, message, contexts, test);
}

const root = (x: CenState): XmlElement[] => [x.root];
const lines = (x: CenState): XmlElement[] => [...x.all('cac:InvoiceLine'), ...x.all('cac:CreditNoteLine')];

/** `count(<found>) <= 1`: fails at the second element found. */
function atMostOne(found: readonly XmlElement[]): Verdict {
  return found.length <= 1 ? true : { at: found[1] ?? null, detail: `${found.length} found` };
}

/** `cac:TaxScheme/upper-case(cbc:ID) = 'VAT'` (or `!=`), a general comparison over the tax schemes (a scheme without an ID compares as ''). */
function schemeIs(pts: XmlElement, vat: boolean): boolean {
  return kids(pts, CAC, 'TaxScheme').some((s) => {
    const ids = sel(s, 'cbc:ID');
    const value = (ids[0]?.text ?? '').toUpperCase();
    return vat ? value === 'VAT' : value !== 'VAT';
  });
}

function partyTaxIds(x: CenState, party: string, vat: boolean): XmlElement[] {
  return sel(x.root, `${party}/cac:Party/cac:PartyTaxScheme`).filter((p) => schemeIs(p, vat)).flatMap((p) => sel(p, 'cbc:CompanyID'));
}

/** Root-level `count(path) <= 1` rules: id, path below the root, what the document has more than one of. */
const ROOT_SINGLES: ReadonlyArray<readonly [string, string, string]> = [
  ['UBL-SR-01', 'cac:ContractDocumentReference/cbc:ID', 'contract reference (BT-12)'],
  ['UBL-SR-02', 'cac:ReceiptDocumentReference/cbc:ID', 'receiving advice reference (BT-15)'],
  ['UBL-SR-03', 'cac:DespatchDocumentReference/cbc:ID', 'despatch advice reference (BT-16)'],
  ['UBL-SR-05', 'cac:PaymentTerms/cbc:Note', 'payment terms note (BT-20)'],
  ['UBL-SR-08', 'cac:InvoicePeriod', 'invoicing period (BG-14)'],
  ['UBL-SR-09', 'cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName', 'seller name (BT-27)'],
  ['UBL-SR-10', 'cac:AccountingSupplierParty/cac:Party/cac:PartyName/cbc:Name', 'seller trading name (BT-28)'],
  ['UBL-SR-11', 'cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID', 'seller legal registration identifier (BT-30)'],
  ['UBL-SR-14', 'cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyLegalForm', 'seller additional legal information (BT-33)'],
  ['UBL-SR-15', 'cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName', 'buyer name (BT-44)'],
  ['UBL-SR-16', 'cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID', 'buyer identifier (BT-46)'],
  ['UBL-SR-17', 'cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID', 'buyer legal registration identifier (BT-47)'],
  ['UBL-SR-24', 'cac:Delivery', 'delivery (BG-13)'],
  ['UBL-SR-39', 'cac:ProjectReference/cbc:ID', 'project reference (BT-11)'],
  ['UBL-SR-40', 'cac:AccountingCustomerParty/cac:Party/cac:PartyName/cbc:Name', 'buyer trading name (BT-45)'],
  ['UBL-SR-45', 'cac:PaymentMeans/cbc:PaymentDueDate', 'payment due date in the payment means'],
  ['UBL-SR-49', 'cac:InvoicePeriod/cbc:DescriptionCode', 'VAT point date code (BT-8)'],
  ['UBL-SR-54', 'cac:PaymentMeans/cac:CardAccount', 'payment card (BG-18)'],
  ['UBL-SR-55', 'cac:PaymentMeans/cac:PaymentMandate', 'direct debit mandate (BG-19)'],
  ['UBL-SR-56', 'cac:OriginatorDocumentReference/cbc:ID', 'tender or lot reference (BT-17)'],
];

/** Line-level `count(path) <= 1` rules. */
const LINE_SINGLES: ReadonlyArray<readonly [string, string, string]> = [
  ['UBL-SR-34', 'cbc:Note', 'line note (BT-127)'],
  ['UBL-SR-35', 'cac:OrderLineReference/cbc:LineID', 'referenced purchase order line (BT-132)'],
  ['UBL-SR-36', 'cac:InvoicePeriod', 'line period (BG-26)'],
  ['UBL-SR-37', 'cac:Price/cac:AllowanceCharge/cbc:Amount', 'item price discount (BT-147)'],
  ['UBL-SR-50', 'cac:Item/cbc:Description', 'item description (BT-154)'],
  ['UBL-SR-52', 'cac:DocumentReference', 'line object identifier (BT-128)'],
];

/** `count(//X[not(preceding::X/. = .)]) <= 1`: at most one distinct value. */
function distinctValues(found: readonly XmlElement[]): Verdict {
  const values = new Set<string>();
  for (const el of found) {
    values.add(el.text);
    if (values.size > 1) return { at: el, detail: [...values].map((v) => `"${v}"`).join(', ') };
  }
  return true;
}

/** `(cac:PartyName/cbc:Name) != (../cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName)`: some pair differs. */
function payeeNameDiffers(x: CenState, payee: XmlElement): boolean {
  const names = sel(payee, 'cac:PartyName/cbc:Name').map((n) => n.text);
  const seller = sel(x.parent(payee), 'cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName').map((n) => n.text);
  return names.some((n) => seller.some((s) => n !== s));
}

function payeeRule(id: string, message: string, counted: (payee: XmlElement) => readonly XmlElement[]): Rule {
  return rule(id, 'fatal', message, (x) => x.all('cac:PayeeParty'), (x, payee) => {
    const found = counted(payee);
    if (found.length > 1) return { at: found[1] ?? null, detail: `${found.length} found` };
    return payeeNameDiffers(x, payee) ? true : { at: payee, detail: 'the payee has no name of its own, or the same name as the seller' };
  });
}

/** UBL-DT-01 context: `//*[ends-with(name(), 'Amount') and not(ends-with(name(), 'PriceAmount')) and not(ancestor::cac:Price/cac:AllowanceCharge)]`. */
function amountElements(x: CenState): readonly XmlElement[] {
  return x.memo('syntax:amounts', findAmountElements);
}

function findAmountElements(x: CenState): XmlElement[] {
  return x.index.elements.filter((el) => {
    if (!el.local.endsWith('Amount') || el.local.endsWith('PriceAmount')) return false;
    for (let p = x.parent(el); p; p = x.parent(p)) if (is(p, CAC, 'Price') && kids(p, CAC, 'AllowanceCharge').length > 0) return false;
    return true;
  });
}

const findBinaryObjects = (x: CenState): XmlElement[] => x.index.elements.filter((el) => el.local.endsWith('BinaryObject'));
const binaryObjects = (x: CenState): readonly XmlElement[] => x.memo('syntax:binaryObjects', findBinaryObjects);

/** UBL-DT-08..28: attributes UBL allows but EN 16931 does not use. */
const UNUSED_ATTRIBUTES: ReadonlyArray<readonly [string, string]> = [
  ['UBL-DT-08', 'schemeName'],
  ['UBL-DT-09', 'schemeAgencyName'],
  ['UBL-DT-10', 'schemeDataURI'],
  ['UBL-DT-11', 'schemeURI'],
  ['UBL-DT-12', 'format'],
  ['UBL-DT-13', 'unitCodeListIdentifier'],
  ['UBL-DT-14', 'unitCodeListAgencyIdentifier'],
  ['UBL-DT-15', 'unitCodeListAgencyName'],
  ['UBL-DT-16', 'listAgencyName'],
  ['UBL-DT-17', 'listName'],
  ['UBL-DT-19', 'languageID'],
  ['UBL-DT-20', 'listURI'],
  ['UBL-DT-21', 'listSchemeURI'],
  ['UBL-DT-22', 'languageLocaleID'],
  ['UBL-DT-23', 'uri'],
  ['UBL-DT-24', 'currencyCodeListVersionID'],
  ['UBL-DT-25', 'characterSetCode'],
  ['UBL-DT-26', 'encodingCode'],
  ['UBL-DT-27', 'schemeAgencyID'],
  ['UBL-DT-28', 'listAgencyID'],
];

export const syntaxRules: readonly Rule[] = [
  ...ROOT_SINGLES.map(([id, path, what]) => rule(id, 'fatal', `The document has more than one ${what}.`, root, (x) => atMostOne(sel(x.root, path)))),
  rule('UBL-SR-04', 'fatal', 'The document has more than one invoiced object identifier (BT-18, a supporting document with type code 130).', root, (x) =>
    atMostOne(kids(x.root, CAC, 'AdditionalDocumentReference').filter((adr) => sel(adr, 'cbc:DocumentTypeCode').some((c) => c.text === '130')).flatMap((adr) => sel(adr, 'cbc:ID'))),
  ),
  rule('UBL-SR-12', 'fatal', 'The document has more than one seller VAT identifier (BT-31).', root, (x) => atMostOne(partyTaxIds(x, 'cac:AccountingSupplierParty', true))),
  rule('UBL-SR-13', 'fatal', 'The document has more than one seller tax registration identifier (BT-32).', root, (x) => atMostOne(partyTaxIds(x, 'cac:AccountingSupplierParty', false))),
  rule('UBL-SR-18', 'fatal', 'The document has more than one buyer VAT identifier (BT-48).', root, (x) => atMostOne(partyTaxIds(x, 'cac:AccountingCustomerParty', true))),
  rule('UBL-SR-29', 'fatal', 'The document has more than one bank assigned creditor identifier (BT-90, party identifier with scheme SEPA).', root, (x) =>
    atMostOne(x.match('cac:PartyIdentification/cbc:ID').filter((id) => (id.attrs['schemeID'] ?? '').toUpperCase() === 'SEPA')),
  ),
  rule('UBL-SR-44', 'fatal', 'The payment instructions give different payment identifiers (remittance information, BT-83); there may be only one.', root, (x) => distinctValues(x.all('cbc:PaymentID'))),
  rule('UBL-SR-46', 'fatal', 'The document has more than one payment means text (BT-82, the name of the payment means code).', root, (x) =>
    atMostOne(sel(x.root, 'cac:PaymentMeans/cbc:PaymentMeansCode').filter((c) => 'name' in c.attrs)),
  ),
  rule('UBL-SR-47', 'fatal', 'The payment instructions use different payment means codes (BT-81); all must be the same.', root, (x) => distinctValues(x.all('cbc:PaymentMeansCode'))),

  ...LINE_SINGLES.map(([id, path, what]) => rule(id, 'fatal', `A line has more than one ${what}.`, lines, (_x, line) => atMostOne(sel(line, path)))),
  rule('UBL-SR-48', 'fatal', 'A line must have exactly one VAT category (cac:Item/cac:ClassifiedTaxCategory).', lines, (_x, line) => {
    const n = count(line, 'cac:Item/cac:ClassifiedTaxCategory');
    return n === 1 ? true : `${n} found`;
  }),

  rule('UBL-SR-06', 'fatal', 'A preceding invoice reference (BG-3) may refer to only one invoice.', (x) => x.all('cac:BillingReference'), (_x, br) => atMostOne(sel(br, 'cac:InvoiceDocumentReference'))),
  rule('UBL-SR-07', 'fatal', 'A preceding invoice reference (BG-3) must give the invoice number (BT-25).', (x) => x.all('cac:BillingReference'), (_x, br) => has(br, 'cac:InvoiceDocumentReference/cbc:ID')),
  payeeRule('UBL-SR-19', 'The payee (BG-10) may have only one name (BT-59), and it must differ from the seller name (BT-27).', (p) => sel(p, 'cac:PartyName/cbc:Name')),
  payeeRule('UBL-SR-20', 'The payee (BG-10) may have only one identifier (BT-60, besides a SEPA creditor identifier), and its name must differ from the seller name (BT-27).', (p) =>
    sel(p, 'cac:PartyIdentification/cbc:ID').filter((id) => (id.attrs['schemeID'] ?? '').toUpperCase() !== 'SEPA'),
  ),
  payeeRule('UBL-SR-21', 'The payee (BG-10) may have only one legal registration identifier (BT-61), and its name must differ from the seller name (BT-27).', (p) => sel(p, 'cac:PartyLegalEntity/cbc:CompanyID')),
  rule('UBL-SR-22', 'fatal', "The seller's tax representative (BG-11) may have only one name (BT-62).", (x) => x.all('cac:TaxRepresentativeParty'), (_x, p) => atMostOne(sel(p, 'cac:PartyName/cbc:Name'))),
  rule('UBL-SR-23', 'fatal', "The seller's tax representative (BG-11) may have only one VAT identifier (BT-63).", (x) => x.all('cac:TaxRepresentativeParty'), (_x, p) => atMostOne(sel(p, 'cac:PartyTaxScheme/cbc:CompanyID'))),
  rule('UBL-SR-25', 'fatal', 'The delivery (BG-13) may have only one deliver-to party name (BT-70).', (x) => x.all('cac:Delivery'), (_x, d) => atMostOne(sel(d, 'cac:DeliveryParty/cac:PartyName/cbc:Name'))),
  rule('UBL-SR-26', 'fatal', 'A payment instruction may have only one remittance information (BT-83).', (x) => x.all('cac:PaymentMeans'), (_x, pm) => atMostOne(sel(pm, 'cbc:PaymentID'))),
  rule('UBL-SR-27', 'fatal', 'A payment instruction may have only one payment means code (BT-81).', (x) => x.all('cac:PaymentMeans'), (_x, pm) => atMostOne(sel(pm, 'cbc:PaymentMeansCode'))),
  rule('UBL-SR-28', 'fatal', 'A payment instruction may have only one mandate reference (BT-89).', (x) => x.all('cac:PaymentMeans'), (_x, pm) => atMostOne(sel(pm, 'cac:PaymentMandate/cbc:ID'))),
  rule('UBL-SR-30', 'fatal', 'An allowance may have only one reason text (BT-97 / BT-139).', (x) => x.allowanceCharges(false), (_x, ac) => atMostOne(sel(ac, 'cbc:AllowanceChargeReason'))),
  rule('UBL-SR-31', 'fatal', 'A charge may have only one reason text (BT-104 / BT-144).', (x) => x.allowanceCharges(true), (_x, ac) => atMostOne(sel(ac, 'cbc:AllowanceChargeReason'))),
  rule('UBL-SR-32', 'fatal', 'A VAT breakdown group may have only one exemption reason text (BT-120).', (x) => x.all('cac:TaxSubtotal'), (_x, st) => atMostOne(sel(st, 'cac:TaxCategory/cbc:TaxExemptionReason'))),
  rule('UBL-SR-33', 'fatal', 'A supporting document (BG-24) may have only one description (BT-123).', (x) => x.all('cac:AdditionalDocumentReference'), (_x, adr) => atMostOne(sel(adr, 'cbc:DocumentDescription'))),
  rule('UBL-SR-42', 'fatal', 'The seller may have at most two tax registrations (cac:PartyTaxScheme): a VAT identifier (BT-31) and a tax registration identifier (BT-32).', (x) => x.match('cac:AccountingSupplierParty/cac:Party'), (_x, party) => {
    const n = kids(party, CAC, 'PartyTaxScheme');
    return n.length <= 2 ? true : { at: n[2] ?? null, detail: `${n.length} found` };
  }),
  // (cbc:DocumentTypeCode='130') or (local-name(/*) = 'CreditNote' and cbc:DocumentTypeCode='50') or (not(cbc:ID/@schemeID) and not(cbc:DocumentTypeCode))
  rule('UBL-SR-43', 'fatal', 'A supporting document (BG-24) may only have the document type code 130 (invoiced object identifier, or 50 in a credit note), and a scheme on its reference only with that code.', (x) => x.all('cac:AdditionalDocumentReference'), (x, adr) => {
    const codes = sel(adr, 'cbc:DocumentTypeCode');
    if (codes.some((c) => c.text === '130')) return true;
    if (x.root.local === 'CreditNote' && codes.some((c) => c.text === '50')) return true;
    if (codes.length === 0 && !sel(adr, 'cbc:ID').some((id) => 'schemeID' in id.attrs)) return true;
    return { at: codes[0] ?? adr, detail: codes[0] ? `type code ${codes[0].text}` : 'a scheme identifier without type code 130' };
  }),
  rule('UBL-SR-51', 'fatal', 'An address may have only one address line (cac:AddressLine, BT-162/165/164).', (x) => [...x.all('cac:PostalAddress'), ...x.all('cac:Address')], (_x, a) => atMostOne(kids(a, CAC, 'AddressLine'))),
  rule('UBL-SR-53', 'fatal', 'A tax registration (cac:PartyTaxScheme) needs both a tax scheme identifier and a company identifier.', (x) => x.all('cac:PartyTaxScheme'), (_x, pts) => has(pts, 'cac:TaxScheme/cbc:ID') && has(pts, 'cbc:CompanyID')),

  rule('UBL-DT-01', 'fatal', 'An amount has more than 2 decimals.', amountElements, (_x, el) => (decimalsOf(el.text) <= 2 ? true : el.text)),
  rule('UBL-DT-06', 'fatal', 'An attached document (binary object) has no file type (mimeCode).', binaryObjects, (_x, el) => 'mimeCode' in el.attrs),
  rule('UBL-DT-07', 'fatal', 'An attached document (binary object) has no file name (filename).', binaryObjects, (_x, el) => 'filename' in el.attrs),

  ...UNUSED_ATTRIBUTES.map(([id, attr]) =>
    rule(id, 'warning', `The document uses the attribute "${attr}", which EN 16931 does not use; the receiver may ignore it.`, root, (x) => {
      const owner = x.index.attrOwner(attr);
      if (!owner) return true;
      const n = x.index.attrCount(attr);
      return { at: owner, detail: n > 1 ? `${n} times` : undefined };
    }),
  ),
  // count(//@name) - count(//cbc:PaymentMeansCode/@name) <= 0
  rule('UBL-DT-18', 'warning', 'The document uses the attribute "name" (other than on the payment means code), which EN 16931 does not use; the receiver may ignore it.', root, (x) => {
    if (x.index.attrCount('name') === 0) return true;
    const owner = x.index.elements.find((el) => 'name' in el.attrs && !is(el, CBC, 'PaymentMeansCode'));
    return owner ? { at: owner } : true;
  }),
];
