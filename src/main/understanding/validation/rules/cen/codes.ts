/**
 * CEN EN16931 code list rules (BR-CL-*, pattern "Codesmodel", plus BR-CL-08 and BR-CO-09 of
 * "UBL-model"), checked against the lists as the 2026.5 schematron writes them (generated into
 * support/codelists.ts).
 */
import type { XmlElement } from '../../../safe-xml.ts';
import type { Rule } from '../../types.ts';
import { cen, type CenState } from './context.ts';
import { CEN_CODE_LISTS, CEN_RAW_LISTS } from './support/codelists.ts';
import { contextRule, type Verdict } from './support/define.ts';
import { CAC, CBC, first, inTokenList, kids, normalizeSpace, stringLength, substring, substringAfter, substringBefore } from './support/xpath.ts';

function fatal(id: string, message: string, contexts: (x: CenState) => Iterable<XmlElement>, test: (x: CenState, el: XmlElement) => Verdict): Rule {
  return contextRule(cen, id, 'fatal', message, contexts, test);
}

type ListKey = keyof typeof CEN_CODE_LISTS;
const sets = new Map<ListKey, ReadonlySet<string>>();
function list(key: ListKey): ReadonlySet<string> {
  let set = sets.get(key);
  if (!set) {
    set = new Set<string>(CEN_CODE_LISTS[key]);
    sets.set(key, set);
  }
  return set;
}

/** A value checked against a list: passes when it is a token of the list, else fails showing the value. */
function member(key: ListKey, value: string, at: XmlElement, shown = value): Verdict {
  return inTokenList(list(key), value) ? true : { at, detail: shown === '' ? 'no code given' : `"${shown}"` };
}

/** Elements with an attribute, checked against a list (`p:X[@attr]` contexts). */
function attributeRule(id: string, message: string, key: ListKey, attr: string, contexts: (x: CenState) => readonly XmlElement[]): Rule {
  return fatal(id, message, (x) => contexts(x).filter((el) => attr in el.attrs), (_x, el) => member(key, el.attrs[attr] ?? '', el));
}

/** Elements whose text is checked against a list. */
function textRule(id: string, message: string, key: ListKey, contexts: (x: CenState) => readonly XmlElement[]): Rule {
  return fatal(id, message, contexts, (_x, el) => member(key, el.text, el));
}

const AMOUNT_NAMES = ['Amount', 'BaseAmount', 'PriceAmount', 'TaxAmount', 'TaxableAmount', 'LineExtensionAmount', 'TaxExclusiveAmount', 'TaxInclusiveAmount', 'AllowanceTotalAmount', 'ChargeTotalAmount', 'PrepaidAmount', 'PayableRoundingAmount', 'PayableAmount'];
const MIME_CODES: ReadonlySet<string> = new Set(CEN_CODE_LISTS['BR-CL-24']);

/** `cac:AllowanceCharge[cbc:ChargeIndicator = …]/cbc:AllowanceChargeReasonCode`. */
const reasonCodes = (charge: boolean) => (x: CenState) => x.match('cac:AllowanceCharge/cbc:AllowanceChargeReasonCode').filter((c) => x.chargeIndicator(x.parent(c) as XmlElement) === charge);
/** `X[cbc:DocumentTypeCode = '130']/cbc:ID` */
const objectIdentifiers = (x: CenState): XmlElement[] =>
  [...x.match('cac:AdditionalDocumentReference/cbc:ID'), ...x.match('cac:DocumentReference/cbc:ID')].filter((id) => kids(x.parent(id), CBC, 'DocumentTypeCode').some((c) => c.text === '130'));

export const codeRules: readonly Rule[] = [
  fatal('BR-CL-01', 'The document type code (BT-3) is not in the UNTDID 1001 list the standard allows for this document.', (x) => [...x.all('cbc:InvoiceTypeCode'), ...x.all('cbc:CreditNoteTypeCode')], (_x, el) =>
    member(el.local === 'InvoiceTypeCode' ? 'BR-CL-01/invoice' : 'BR-CL-01/creditNote', el.text, el),
  ),
  fatal('BR-CL-03', 'An amount has no currency (currencyID) or one that is not an ISO 4217 currency code.', (x) => AMOUNT_NAMES.flatMap((n) => x.all(`cbc:${n}`)), (_x, el) => member('BR-CL-03', el.attrs['currencyID'] ?? '', el)),
  textRule('BR-CL-04', 'The document currency code (BT-5) is not an ISO 4217 currency code.', 'BR-CL-04', (x) => x.all('cbc:DocumentCurrencyCode')),
  textRule('BR-CL-05', 'The VAT accounting currency code (BT-6) is not an ISO 4217 currency code.', 'BR-CL-05', (x) => x.all('cbc:TaxCurrencyCode')),
  textRule('BR-CL-06', 'The VAT point date code (BT-8) is not 3 (invoice date), 35 (delivery date) or 432 (payment date).', 'BR-CL-06', (x) => x.match('cac:InvoicePeriod/cbc:DescriptionCode')),
  attributeRule('BR-CL-07', 'The scheme of an invoiced object identifier (BT-18) is not in the UNTDID 1153 list.', 'BR-CL-07', 'schemeID', objectIdentifiers),
  // (contains(., '#') and string-length(code) = 3 and contains(' AAA AAB … ', code)) or not(contains(., '#')) or not(string-length(code) = 3),
  // code = substring-before(substring-after(., '#'), '#'): a substring test, as in the official rule.
  fatal('BR-CL-08', 'A document note (BT-22) starts with a subject code between # signs that is not in the UNTDID 4451 list.', (x) => x.match('/cbc:Note'), (_x, note) => {
    if (!note.text.includes('#')) return true;
    const code = substringBefore(substringAfter(note.text, '#'), '#');
    if (stringLength(code) !== 3) return true;
    return CEN_RAW_LISTS['BR-CL-08'].includes(code) ? true : `#${code}#`;
  }),
  // In the ICD list, or SEPA for a seller or payee identifier.
  fatal('BR-CL-10', 'The scheme of a party identifier (schemeID) is not in the ISO 6523 ICD list (SEPA is allowed only for the seller or payee creditor identifier).', (x) => x.match('cac:PartyIdentification/cbc:ID').filter((id) => 'schemeID' in id.attrs), (x, id) => {
    const scheme = id.attrs['schemeID'] ?? '';
    if (inTokenList(list('BR-CL-10'), scheme)) return true;
    if (inTokenList(list('BR-CL-10/supplierOrPayee'), scheme) && (x.index.ancestor(id, CAC, 'AccountingSupplierParty') || x.index.ancestor(id, CAC, 'PayeeParty'))) return true;
    return scheme === '' ? 'no scheme given' : `"${scheme}"`;
  }),
  attributeRule('BR-CL-11', 'The scheme of a legal registration identifier (schemeID) is not in the ISO 6523 ICD list.', 'BR-CL-11', 'schemeID', (x) => x.match('cac:PartyLegalEntity/cbc:CompanyID')),
  attributeRule('BR-CL-13', 'The scheme of an item classification identifier (listID) is not in the UNTDID 7143 list.', 'BR-CL-13', 'listID', (x) => x.match('cac:CommodityClassification/cbc:ItemClassificationCode')),
  textRule('BR-CL-14', 'A country code is not an ISO 3166-1 alpha-2 code.', 'BR-CL-14', (x) => x.match('cac:Country/cbc:IdentificationCode')),
  textRule('BR-CL-15', 'The item country of origin (BT-159) is not an ISO 3166-1 alpha-2 code.', 'BR-CL-15', (x) => x.match('cac:OriginCountry/cbc:IdentificationCode')),
  textRule('BR-CL-16', 'The payment means code (BT-81) is not in the UNTDID 4461 list.', 'BR-CL-16', (x) => x.match('cac:PaymentMeans/cbc:PaymentMeansCode')),
  textRule('BR-CL-17', 'A VAT category code is not one of AE, L, M, E, S, Z, G, O, K, B.', 'BR-CL-17', (x) => x.match('cac:TaxCategory/cbc:ID')),
  textRule('BR-CL-18', 'A line VAT category code (BT-151) is not one of AE, L, M, E, S, Z, G, O, K, B.', 'BR-CL-18', (x) => x.match('cac:ClassifiedTaxCategory/cbc:ID')),
  textRule('BR-CL-19', 'An allowance reason code (BT-98 / BT-140) is not in the UNTDID 5189 list.', 'BR-CL-19', reasonCodes(false)),
  textRule('BR-CL-20', 'A charge reason code (BT-105 / BT-145) is not in the UNTDID 7161 list.', 'BR-CL-20', reasonCodes(true)),
  attributeRule('BR-CL-21', 'The scheme of an item standard identifier (schemeID) is not in the ISO 6523 ICD list.', 'BR-CL-21', 'schemeID', (x) => x.match('cac:StandardItemIdentification/cbc:ID')),
  // not(contains(normalize-space(.), ' ')) and contains(' VATEX-… ', concat(' ', normalize-space(upper-case(.)), ' ')): case-insensitive.
  fatal('BR-CL-22', 'A VAT exemption reason code (BT-121) is not in the VATEX list.', (x) => x.all('cbc:TaxExemptionReasonCode'), (_x, el) => {
    const value = normalizeSpace(el.text);
    return !value.includes(' ') && inTokenList(list('BR-CL-22'), value.toUpperCase()) ? true : { at: el, detail: value === '' ? 'no code given' : `"${value}"` };
  }),
  attributeRule('BR-CL-23', 'A unit of measure (unitCode) is not in the UN/ECE Recommendation 20/21 lists.', 'BR-CL-23', 'unitCode', (x) => [...x.all('cbc:InvoicedQuantity'), ...x.all('cbc:BaseQuantity'), ...x.all('cbc:CreditedQuantity')]),
  fatal('BR-CL-24', 'An attached document has a file type (mimeCode) other than PDF, PNG, JPEG, CSV, XLSX or ODS.', (x) => x.all('cbc:EmbeddedDocumentBinaryObject').filter((b) => 'mimeCode' in b.attrs), (_x, el) =>
    MIME_CODES.has(el.attrs['mimeCode'] ?? '') ? true : `"${el.attrs['mimeCode'] ?? ''}"`,
  ),
  attributeRule('BR-CL-25', 'The scheme of an electronic address (schemeID of BT-34 / BT-49) is not in the EAS list.', 'BR-CL-25', 'schemeID', (x) => x.all('cbc:EndpointID')),
  attributeRule('BR-CL-26', 'The scheme of a deliver-to location identifier (BT-71) is not in the ISO 6523 ICD list.', 'BR-CL-26', 'schemeID', (x) => x.match('cac:DeliveryLocation/cbc:ID')),
  // On //cac:PartyTaxScheme[VAT]: contains(' 1A AD AE … ', substring(cbc:CompanyID, 1, 2)), a substring test as in the official rule.
  fatal('BR-CO-09', 'A VAT identifier (BT-31, BT-48 or BT-63) does not start with a country prefix (ISO 3166-1 alpha-2; EL for Greece).', (x) => x.all('cac:PartyTaxScheme').filter((p) => x.isVat(p)), (_x, pts) => {
    const id = first(pts, 'cbc:CompanyID');
    const prefix = substring(id?.text ?? '', 1, 2);
    return CEN_RAW_LISTS['BR-CO-09'].includes(prefix) ? true : { at: id, detail: `"${id?.text ?? ''}"` };
  }),
];
