/**
 * "Should not be used" warnings (ubl-CR-*) whose path GLOBALUBL.BE 1.31 spells differently from
 * CEN 2026.5: older element names (cbc:Xpath, CorporationStockAmount, ValidationPeriod,
 * PromisedDeliveryPeriod, IssuerNumberID, JurisdiccionRegionAddress, BareCodeSymbologyID, …) and
 * price details looked for under cac:Item/cac:Price instead of cac:Price. Most of these paths never
 * occur in a real UBL document, so GLOBALUBL.BE in effect does not warn where CEN 2026.5 does.
 * ubl-CR-631 exists only in GLOBALUBL.BE (same path as ubl-CR-628).
 */
import type { XmlElement } from '../../../safe-xml.ts';
import { PREFIXES, type UblDocument } from '../../document.ts';
import type { Rule } from '../../types.ts';
import { rule, select } from './xpath.ts';

const LINES = '(cac:InvoiceLine|cac:CreditNoteLine)/';

/** [id, path from the document element as GLOBALUBL.BE writes it]. */
const CR_VARIANTS: readonly (readonly [string, string])[] = [
  ['ubl-CR-001', 'ext:ublExtensions'],
  ['ubl-CR-022', 'cac:OrderReference/cbc:DocumentReference'],
  ['ubl-CR-028', 'cac:BillingReference/cac:InvoiceDocumentReference/cbc:Xpath'],
  ['ubl-CR-051', 'cac:DespatchDocumentReference/cbc:Xpath'],
  ['ubl-CR-067', 'cac:ReceiptDocumentReference/cbc:Xpath'],
  ['ubl-CR-084', 'cac:OriginatorDocumentReference/cbc:Xpath'],
  ['ubl-CR-100', 'cac:ContractDocumentReference/cbc:Xpath'],
  ['ubl-CR-115', 'cac:AdditionalDocumentReference/cbc:Xpath'],
  ['ubl-CR-183', 'cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CorporationStockAmount'],
  ['ubl-CR-247', 'cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CorporationStockAmount'],
  ['ubl-CR-282', 'cac:PayeeParty/cac:PartyLegalEntity/cbc:CorporationStockAmount'],
  ['ubl-CR-358', 'cac:Delivery/cac:DeliveryLocation/cac:ValidationPeriod'],
  ['ubl-CR-384', 'cac:Delivery/cac:PromisedDeliveryPeriod'],
  ['ubl-CR-419', 'cac:PaymentMeans/cac:CardAccount/cbc:IssuerNumberID'],
  ['ubl-CR-487', 'cac:AllowanceCharge/cac:TaxCategory/cac:TaxScheme/cac:JurisdiccionRegionAddress'],
  ['ubl-CR-512', 'cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cac:TaxScheme/cac:JurisdiccionRegionAddress'],
  ['ubl-CR-538', `${LINES}cac:DocumentReference/cbc:Xpath`],
  ['ubl-CR-572', `${LINES}cac:Item/cac:BuyersItemIdentification/cbc:BareCodeSymbologyID`],
  ['ubl-CR-577', `${LINES}cac:Item/cac:SellersItemIdentification/cbc:BareCodeSymbologyID`],
  ['ubl-CR-583', `${LINES}cac:Item/cac:StandardItemIdentification/cbc:BareCodeSymbologyID`],
  ['ubl-CR-607', `${LINES}cac:Item/cac:ClassifiedTaxCategory/cac:TaxScheme/cac:JurisdiccionRegionAddress`],
  ['ubl-CR-625', `${LINES}cac:Item/cac:Price/cbc:PriceChangeReason`],
  ['ubl-CR-626', `${LINES}cac:Item/cac:Price/cbc:PriceTypeCode`],
  ['ubl-CR-627', `${LINES}cac:Item/cac:Price/cbc:PriceType`],
  ['ubl-CR-628', `${LINES}cac:Item/cac:Price/cbc:OrderableUnitFactorRate`],
  ['ubl-CR-629', `${LINES}cac:Item/cac:Price/cbc:ValidityPeriod`],
  ['ubl-CR-630', `${LINES}cac:Item/cac:Price/cbc:PriceList`],
  ['ubl-CR-631', `${LINES}cac:Item/cac:Price/cbc:OrderableUnitFactorRate`],
  ['ubl-CR-632', `${LINES}cac:Item/cac:Price/cac:AllowanceCharge/cbc:ID`],
  ['ubl-CR-633', `${LINES}cac:Item/cac:Price/cac:AllowanceCharge/cbc:AllowanceChargeReasonCode`],
  ['ubl-CR-634', `${LINES}cac:Item/cac:Price/cac:AllowanceCharge/cbc:AllowanceChargeReason`],
  ['ubl-CR-635', `${LINES}cac:Item/cac:Price/cac:AllowanceCharge/cbc:MultiplierFactorNumeric`],
  ['ubl-CR-636', `${LINES}cac:Item/cac:Price/cac:AllowanceCharge/cbc:PrepaidIndicator`],
  ['ubl-CR-637', `${LINES}cac:Item/cac:Price/cac:AllowanceCharge/cbc:SequenceNumeric`],
  ['ubl-CR-638', `${LINES}cac:Item/cac:Price/cac:AllowanceCharge/cbc:AccountingCostCode`],
  ['ubl-CR-639', `${LINES}cac:Item/cac:Price/cac:AllowanceCharge/cbc:AccountingCost`],
  ['ubl-CR-640', `${LINES}cac:Item/cac:Price/cac:AllowanceCharge/cbc:PerUnitAmount`],
  ['ubl-CR-641', `${LINES}cac:Item/cac:Price/cac:AllowanceCharge/cac:TaxCategory`],
  ['ubl-CR-642', `${LINES}cac:Item/cac:Price/cac:AllowanceCharge/cac:TaxTotal`],
  ['ubl-CR-643', `${LINES}cac:Item/cac:Price/cac:AllowanceCharge/cac:PaymentMeans`],
  ['ubl-CR-644', `${LINES}cac:Item/cac:Price/cac:PricingExchangeRate`],
];

/** The elements at a path from the root; `(a|b)/rest` tries both first steps. */
function found(doc: UblDocument, path: string): XmlElement[] {
  // Most of these elements are in no document: the index says so at once.
  const last = path.slice(path.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  if (doc.index.byName(PREFIXES[last.slice(0, colon)] ?? null, last.slice(colon + 1)).length === 0) return [];
  if (path.startsWith(LINES)) {
    const rest = path.slice(LINES.length);
    return [...doc.all(doc.root, `cac:InvoiceLine/${rest}`), ...doc.all(doc.root, `cac:CreditNoteLine/${rest}`)];
  }
  return doc.all(doc.root, path);
}

/** "cac:Delivery/cac:PromisedDeliveryPeriod" -> "Delivery / PromisedDeliveryPeriod". */
function readable(path: string): string {
  return path
    .replace(LINES, 'InvoiceLine/')
    .split('/')
    .map((s) => s.slice(s.indexOf(':') + 1))
    .join(' / ');
}

function notUsed(id: string, path: string): Rule {
  return rule(
    id,
    'warning',
    `The document contains ${readable(path)}, which the European e-invoice standard (EN 16931) does not use; the receiver's software may ignore it.`,
    (doc, fail) => {
      for (const el of found(doc, path)) fail(el);
    },
  );
}

export const crVariantRules: readonly Rule[] = [
  ...CR_VARIANTS.map(([id, path]) => notUsed(id, path)),
  rule(
    'UBL-CR-674',
    'warning',
    'The document contains a scheme on a card number (PrimaryAccountNumber/@schemeID), which the European e-invoice standard (EN 16931) does not use.',
    // GLOBALUBL.BE looks for cbc:PrimaryAccountNumber (CEN 2026.5: cbc:PrimaryAccountNumberID).
    (doc, fail) => {
      for (const el of select(doc, 'cbc:PrimaryAccountNumber')) if (el.attrs['schemeID'] !== undefined) fail(el);
    },
  ),
];
