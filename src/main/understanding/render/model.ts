/**
 * The document model used for rendering and conversion: everything of a UBL 2.1 Invoice or
 * CreditNote that EN 16931 (and the Belgian UBL.BE extension) gives a meaning to, enough to write
 * the document again in another UBL format or as a PDF.
 *
 * - Amounts, quantities, rates and dates stay strings exactly as written (trimmed), never numbers.
 * - Elements EN 16931 does not use (UBL extensions, signatures, sub-lines, …) are not kept; the
 *   Belgian extras UBL.BE uses (line VAT amount, tax category names, settlement discount terms,
 *   delivery terms, the customer account number) are kept so a UBL.BE document survives a round trip.
 * - Embedded attachments are kept as decoded bytes.
 */
import type { DecimalSyntax } from '../decimal.ts';
import { childElement, childElements, elementText, pathElement } from '../safe-xml.ts';
import type { XmlElement } from '../safe-xml.ts';
import { UBL_NS, startsWithPdf } from '../classify.ts';
import { decodeBase64 } from '../invoice.ts';
import { finding } from '../types.ts';
import type { Finding } from '../types.ts';

/**
 * How the renderers read the model's amounts, quantities and rates as numbers (../decimal.ts): a
 * plain decimal, spaces around it ignored, of any length (no 80-character limit as in the
 * validation rules). A text that is not one is shown as written.
 */
export const MODEL_NUMBER: DecimalSyntax = { maxChars: Infinity };

export interface Identifier {
  value: string;
  schemeId: string | null;
}

export interface PostalAddress {
  streetName: string | null;
  additionalStreetName: string | null;
  cityName: string | null;
  postalZone: string | null;
  countrySubentity: string | null;
  /** cac:AddressLine/cbc:Line (BT-162 and friends), lines joined with a line break. */
  addressLine: string | null;
  /** ISO 3166-1 alpha-2. */
  countryCode: string | null;
}

export interface PartyTaxScheme {
  companyId: string | null;
  /** "VAT" for the VAT identifier, anything else for a tax registration. */
  taxSchemeId: string | null;
}

export interface LegalEntity {
  registrationName: string | null;
  companyId: Identifier | null;
  companyLegalForm: string | null;
}

export interface Contact {
  name: string | null;
  telephone: string | null;
  email: string | null;
}

export interface Party {
  endpoint: Identifier | null;
  identifiers: Identifier[];
  /** cac:PartyName/cbc:Name (trading name). */
  tradingName: string | null;
  address: PostalAddress | null;
  taxSchemes: PartyTaxScheme[];
  legalEntity: LegalEntity | null;
  contact: Contact | null;
}

export interface TaxCategory {
  /** UNCL5305 subset: S, Z, E, AE, K, G, O, L, M. */
  id: string | null;
  /** UBL.BE: the Belgian tax category code (BTCC), e.g. "03" for 21 %. */
  name: string | null;
  percent: string | null;
  exemptionReasonCode: string | null;
  exemptionReason: string | null;
  /** Normally "VAT". */
  taxSchemeId: string | null;
}

export interface AllowanceCharge {
  isCharge: boolean;
  reasonCode: string | null;
  reason: string | null;
  multiplierFactor: string | null;
  amount: string | null;
  baseAmount: string | null;
  taxCategory: TaxCategory | null;
}

export interface TaxSubtotal {
  taxableAmount: string | null;
  taxAmount: string | null;
  category: TaxCategory;
}

export interface TaxTotal {
  taxAmount: string | null;
  /** currencyID of the tax amount (the VAT accounting currency for BT-111). */
  currency: string | null;
  subtotals: TaxSubtotal[];
}

export interface MonetaryTotals {
  lineExtensionAmount: string | null;
  taxExclusiveAmount: string | null;
  taxInclusiveAmount: string | null;
  allowanceTotalAmount: string | null;
  chargeTotalAmount: string | null;
  prepaidAmount: string | null;
  payableRoundingAmount: string | null;
  payableAmount: string | null;
}

export interface Period {
  startDate: string | null;
  endDate: string | null;
  descriptionCode: string | null;
}

export interface BillingReference {
  id: string | null;
  issueDate: string | null;
}

export interface Attachment {
  content: Buffer;
  mimeCode: string | null;
  filename: string | null;
}

export interface AdditionalDocument {
  id: Identifier | null;
  typeCode: string | null;
  description: string | null;
  attachment: Attachment | null;
  externalUri: string | null;
}

export interface DeliveryTerms {
  id: string | null;
  specialTerms: string | null;
}

export interface Delivery {
  actualDeliveryDate: string | null;
  locationId: Identifier | null;
  address: PostalAddress | null;
  partyName: string | null;
  /** UBL.BE legal mentions (BELM codes). */
  terms: DeliveryTerms[];
}

export interface FinancialAccount {
  /** IBAN or other account number. */
  id: string | null;
  name: string | null;
  /** BIC or other branch identifier. */
  branchId: string | null;
}

export interface PaymentMeans {
  code: string | null;
  /** The name attribute of PaymentMeansCode (payment means text). */
  codeName: string | null;
  paymentIds: string[];
  card: { primaryAccountNumber: string | null; networkId: string | null; holderName: string | null } | null;
  payeeAccount: FinancialAccount | null;
  mandate: { id: string | null; payerAccountId: string | null } | null;
}

export interface PaymentTerms {
  notes: string[];
  settlementDiscountPercent: string | null;
  amount: string | null;
  paymentDueDate: string | null;
}

export interface ItemClassification {
  code: string;
  listId: string | null;
  listVersionId: string | null;
}

export interface Item {
  name: string | null;
  description: string | null;
  buyersItemId: string | null;
  sellersItemId: string | null;
  standardItemId: Identifier | null;
  originCountry: string | null;
  classifications: ItemClassification[];
  taxCategory: TaxCategory | null;
  properties: Array<{ name: string | null; value: string | null }>;
}

export interface Price {
  amount: string | null;
  baseQuantity: string | null;
  baseQuantityUnitCode: string | null;
  /** Price discount (BT-147) with the gross price (BT-148) as base amount. */
  allowance: { amount: string | null; baseAmount: string | null } | null;
}

export interface InvoiceLine {
  id: string | null;
  note: string | null;
  quantity: string | null;
  unitCode: string | null;
  lineExtensionAmount: string | null;
  accountingCost: string | null;
  period: Period | null;
  orderLineId: string | null;
  /** Invoiced object identifier of the line (BT-128). */
  documentReference: { id: Identifier; typeCode: string | null } | null;
  allowanceCharges: AllowanceCharge[];
  /** UBL.BE line VAT amount (cac:TaxTotal/cbc:TaxAmount of the line). */
  taxAmount: string | null;
  item: Item;
  price: Price | null;
}

export type DocumentKindModel = 'invoice' | 'credit-note';

export interface InvoiceModel {
  kind: DocumentKindModel;
  customizationId: string | null;
  profileId: string | null;
  id: string | null;
  issueDate: string | null;
  /** BT-9: Invoice cbc:DueDate, or (credit notes, and invoices without it) PaymentMeans/PaymentDueDate. */
  dueDate: string | null;
  typeCode: string | null;
  notes: string[];
  taxPointDate: string | null;
  currency: string | null;
  taxCurrency: string | null;
  accountingCost: string | null;
  buyerReference: string | null;
  invoicePeriod: Period | null;
  orderReference: { id: string | null; salesOrderId: string | null } | null;
  billingReferences: BillingReference[];
  despatchDocumentId: string | null;
  receiptDocumentId: string | null;
  originatorDocumentId: string | null;
  contractDocumentId: string | null;
  /** cac:ProjectReference (invoices; credit notes carry it as an additional document of type 50). */
  projectId: string | null;
  additionalDocuments: AdditionalDocument[];
  supplier: Party | null;
  customer: Party | null;
  /** AccountingCustomerParty/SupplierAssignedAccountID (UBL.BE customer number). */
  customerAccountId: string | null;
  payee: Party | null;
  taxRepresentative: Party | null;
  delivery: Delivery | null;
  paymentMeans: PaymentMeans[];
  paymentTerms: PaymentTerms[];
  allowanceCharges: AllowanceCharge[];
  taxTotals: TaxTotal[];
  totals: MonetaryTotals;
  lines: InvoiceLine[];
}

export interface ModelRead {
  model: InvoiceModel;
  findings: Finding[];
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

const { cac, cbc } = UBL_NS;

function c(el: XmlElement | null | undefined, local: string): XmlElement | null {
  return childElement(el, cac, local);
}
function cs(el: XmlElement | null | undefined, local: string): XmlElement[] {
  return childElements(el, cac, local);
}
function b(el: XmlElement | null | undefined, local: string): string | null {
  return elementText(childElement(el, cbc, local));
}
function bs(el: XmlElement | null | undefined, local: string): string[] {
  return childElements(el, cbc, local)
    .map((e) => elementText(e))
    .filter((t): t is string => t !== null);
}
function attr(el: XmlElement | null | undefined, name: string): string | null {
  const v = el?.attrs[name];
  if (v === undefined) return null;
  const t = v.trim();
  return t === '' ? null : t;
}
function identifier(el: XmlElement | null | undefined): Identifier | null {
  const value = elementText(el);
  return value === null || !el ? null : { value, schemeId: attr(el, 'schemeID') };
}
function joined(values: string[]): string | null {
  return values.length === 0 ? null : values.join('\n');
}

function readAddress(el: XmlElement | null): PostalAddress | null {
  if (!el) return null;
  const lines = cs(el, 'AddressLine').flatMap((l) => bs(l, 'Line'));
  const address: PostalAddress = {
    streetName: b(el, 'StreetName'),
    additionalStreetName: b(el, 'AdditionalStreetName'),
    cityName: b(el, 'CityName'),
    postalZone: b(el, 'PostalZone'),
    countrySubentity: b(el, 'CountrySubentity'),
    addressLine: joined(lines),
    countryCode: b(c(el, 'Country'), 'IdentificationCode'),
  };
  return Object.values(address).some((v) => v !== null) ? address : null;
}

function readParty(party: XmlElement | null): Party | null {
  if (!party) return null;
  const legal = c(party, 'PartyLegalEntity');
  const contact = c(party, 'Contact');
  const contactModel: Contact | null = contact ? { name: b(contact, 'Name'), telephone: b(contact, 'Telephone'), email: b(contact, 'ElectronicMail') } : null;
  const legalModel: LegalEntity | null = legal
    ? { registrationName: b(legal, 'RegistrationName'), companyId: identifier(childElement(legal, cbc, 'CompanyID')), companyLegalForm: b(legal, 'CompanyLegalForm') }
    : null;
  return {
    endpoint: identifier(childElement(party, cbc, 'EndpointID')),
    identifiers: cs(party, 'PartyIdentification')
      .map((pi) => identifier(childElement(pi, cbc, 'ID')))
      .filter((i): i is Identifier => i !== null),
    tradingName: cs(party, 'PartyName').map((pn) => b(pn, 'Name')).find((n) => n !== null) ?? null,
    address: readAddress(c(party, 'PostalAddress')),
    taxSchemes: cs(party, 'PartyTaxScheme')
      .map((pts) => ({ companyId: b(pts, 'CompanyID'), taxSchemeId: b(c(pts, 'TaxScheme'), 'ID') }))
      .filter((t) => t.companyId !== null || t.taxSchemeId !== null),
    legalEntity: legalModel && Object.values(legalModel).some((v) => v !== null) ? legalModel : null,
    contact: contactModel && Object.values(contactModel).some((v) => v !== null) ? contactModel : null,
  };
}

function readTaxCategory(el: XmlElement | null): TaxCategory | null {
  if (!el) return null;
  return {
    id: b(el, 'ID'),
    name: b(el, 'Name'),
    percent: b(el, 'Percent'),
    exemptionReasonCode: b(el, 'TaxExemptionReasonCode'),
    exemptionReason: joined(bs(el, 'TaxExemptionReason')),
    taxSchemeId: b(c(el, 'TaxScheme'), 'ID'),
  };
}

function readChargeIndicator(el: XmlElement): boolean {
  return (b(el, 'ChargeIndicator') ?? '').toLowerCase() === 'true';
}

function readAllowanceCharge(el: XmlElement): AllowanceCharge {
  return {
    isCharge: readChargeIndicator(el),
    reasonCode: b(el, 'AllowanceChargeReasonCode'),
    reason: joined(bs(el, 'AllowanceChargeReason')),
    multiplierFactor: b(el, 'MultiplierFactorNumeric'),
    amount: b(el, 'Amount'),
    baseAmount: b(el, 'BaseAmount'),
    taxCategory: readTaxCategory(cs(el, 'TaxCategory')[0] ?? null),
  };
}

function readPeriod(el: XmlElement | null): Period | null {
  if (!el) return null;
  const period = { startDate: b(el, 'StartDate'), endDate: b(el, 'EndDate'), descriptionCode: b(el, 'DescriptionCode') };
  return Object.values(period).some((v) => v !== null) ? period : null;
}

function readTaxTotal(el: XmlElement): TaxTotal {
  const amount = childElement(el, cbc, 'TaxAmount');
  return {
    taxAmount: elementText(amount),
    currency: attr(amount, 'currencyID'),
    subtotals: cs(el, 'TaxSubtotal').map((st) => ({
      taxableAmount: b(st, 'TaxableAmount'),
      taxAmount: b(st, 'TaxAmount'),
      category: readTaxCategory(c(st, 'TaxCategory')) ?? { id: null, name: null, percent: null, exemptionReasonCode: null, exemptionReason: null, taxSchemeId: null },
    })),
  };
}

function readAdditionalDocument(el: XmlElement): AdditionalDocument {
  const attachment = c(el, 'Attachment');
  const object = childElement(attachment, cbc, 'EmbeddedDocumentBinaryObject');
  return {
    id: identifier(childElement(el, cbc, 'ID')),
    typeCode: b(el, 'DocumentTypeCode'),
    description: joined(bs(el, 'DocumentDescription')),
    attachment: object ? { content: decodeBase64(object.text), mimeCode: attr(object, 'mimeCode'), filename: attr(object, 'filename') } : null,
    externalUri: b(c(attachment, 'ExternalReference'), 'URI'),
  };
}

function readDelivery(el: XmlElement | null): Delivery | null {
  if (!el) return null;
  const location = c(el, 'DeliveryLocation');
  const delivery: Delivery = {
    actualDeliveryDate: b(el, 'ActualDeliveryDate'),
    locationId: identifier(childElement(location, cbc, 'ID')),
    address: readAddress(c(location, 'Address')),
    partyName: b(c(c(el, 'DeliveryParty'), 'PartyName'), 'Name'),
    terms: cs(el, 'DeliveryTerms')
      .map((t) => ({ id: b(t, 'ID'), specialTerms: joined(bs(t, 'SpecialTerms')) }))
      .filter((t) => t.id !== null || t.specialTerms !== null),
  };
  const empty = delivery.actualDeliveryDate === null && delivery.locationId === null && delivery.address === null && delivery.partyName === null && delivery.terms.length === 0;
  return empty ? null : delivery;
}

function readPaymentMeans(el: XmlElement): PaymentMeans {
  const codeEl = childElement(el, cbc, 'PaymentMeansCode');
  const card = c(el, 'CardAccount');
  const payee = c(el, 'PayeeFinancialAccount');
  const mandate = c(el, 'PaymentMandate');
  return {
    code: elementText(codeEl),
    codeName: attr(codeEl, 'name'),
    paymentIds: bs(el, 'PaymentID'),
    card: card ? { primaryAccountNumber: b(card, 'PrimaryAccountNumberID'), networkId: b(card, 'NetworkID'), holderName: b(card, 'HolderName') } : null,
    payeeAccount: payee ? { id: b(payee, 'ID'), name: b(payee, 'Name'), branchId: b(c(payee, 'FinancialInstitutionBranch'), 'ID') } : null,
    mandate: mandate ? { id: b(mandate, 'ID'), payerAccountId: b(c(mandate, 'PayerFinancialAccount'), 'ID') } : null,
  };
}

function readLine(el: XmlElement, isCreditNote: boolean): InvoiceLine {
  const quantity = childElement(el, cbc, isCreditNote ? 'CreditedQuantity' : 'InvoicedQuantity');
  const docRef = c(el, 'DocumentReference');
  const docRefId = identifier(childElement(docRef, cbc, 'ID'));
  const item = c(el, 'Item');
  const price = c(el, 'Price');
  const baseQuantity = childElement(price, cbc, 'BaseQuantity');
  const priceAllowance = c(price, 'AllowanceCharge');
  const lineTaxTotal = c(el, 'TaxTotal');
  return {
    id: b(el, 'ID'),
    note: joined(bs(el, 'Note')),
    quantity: elementText(quantity),
    unitCode: attr(quantity, 'unitCode'),
    lineExtensionAmount: b(el, 'LineExtensionAmount'),
    accountingCost: b(el, 'AccountingCost'),
    period: readPeriod(c(el, 'InvoicePeriod')),
    orderLineId: b(c(el, 'OrderLineReference'), 'LineID'),
    documentReference: docRefId ? { id: docRefId, typeCode: b(docRef, 'DocumentTypeCode') } : null,
    allowanceCharges: cs(el, 'AllowanceCharge').map(readAllowanceCharge),
    taxAmount: b(lineTaxTotal, 'TaxAmount'),
    item: {
      name: b(item, 'Name'),
      description: joined(bs(item, 'Description')),
      buyersItemId: b(c(item, 'BuyersItemIdentification'), 'ID'),
      sellersItemId: b(c(item, 'SellersItemIdentification'), 'ID'),
      standardItemId: identifier(childElement(c(item, 'StandardItemIdentification'), cbc, 'ID')),
      originCountry: b(c(item, 'OriginCountry'), 'IdentificationCode'),
      classifications: cs(item, 'CommodityClassification').flatMap((cc) => {
        const code = childElement(cc, cbc, 'ItemClassificationCode');
        const value = elementText(code);
        return value === null ? [] : [{ code: value, listId: attr(code, 'listID'), listVersionId: attr(code, 'listVersionID') }];
      }),
      taxCategory: readTaxCategory(cs(item, 'ClassifiedTaxCategory')[0] ?? null),
      properties: cs(item, 'AdditionalItemProperty')
        .map((p) => ({ name: b(p, 'Name'), value: b(p, 'Value') }))
        .filter((p) => p.name !== null || p.value !== null),
    },
    price: price
      ? {
          amount: b(price, 'PriceAmount'),
          baseQuantity: elementText(baseQuantity),
          baseQuantityUnitCode: attr(baseQuantity, 'unitCode'),
          allowance: priceAllowance ? { amount: b(priceAllowance, 'Amount'), baseAmount: b(priceAllowance, 'BaseAmount') } : null,
        }
      : null,
  };
}

/**
 * Reads a UBL Invoice or CreditNote element (as returned by safe-xml / classify, SBDH already
 * unwrapped) into the document model.
 */
export function readInvoiceModel(doc: XmlElement): ModelRead {
  const findings: Finding[] = [];
  const isCreditNote = doc.local === 'CreditNote' && doc.ns === UBL_NS.creditNote;
  if (!isCreditNote && !(doc.local === 'Invoice' && doc.ns === UBL_NS.invoice)) {
    findings.push(finding('model-not-ubl', 'warning', `The element ${doc.name} is not a UBL Invoice or CreditNote; the model is probably empty.`));
  }
  const totals = c(doc, 'LegalMonetaryTotal');
  const paymentMeansEls = cs(doc, 'PaymentMeans');
  const paymentMeansDueDate = paymentMeansEls.map((pm) => b(pm, 'PaymentDueDate')).find((d) => d !== null) ?? null;
  const order = c(doc, 'OrderReference');
  const orderReference = order ? { id: b(order, 'ID'), salesOrderId: b(order, 'SalesOrderID') } : null;
  const customerWrapper = c(doc, 'AccountingCustomerParty');

  const extras: string[] = [];
  for (const child of doc.children) {
    if (child.local === 'UBLExtensions' || child.local === 'Signature') extras.push(child.local);
  }
  if (pathElement(doc, [cac, 'InvoiceLine'], [cac, 'SubInvoiceLine']) || pathElement(doc, [cac, 'CreditNoteLine'], [cac, 'SubCreditNoteLine'])) extras.push('sub-lines');
  if (extras.length > 0) {
    findings.push(finding('model-elements-dropped', 'info', `Parts of the document that EN 16931 does not define were not carried over: ${[...new Set(extras)].join(', ')}.`));
  }

  const model: InvoiceModel = {
    kind: isCreditNote ? 'credit-note' : 'invoice',
    customizationId: b(doc, 'CustomizationID'),
    profileId: b(doc, 'ProfileID'),
    id: b(doc, 'ID'),
    issueDate: b(doc, 'IssueDate'),
    dueDate: b(doc, 'DueDate') ?? paymentMeansDueDate,
    typeCode: b(doc, isCreditNote ? 'CreditNoteTypeCode' : 'InvoiceTypeCode'),
    notes: bs(doc, 'Note'),
    taxPointDate: b(doc, 'TaxPointDate'),
    currency: b(doc, 'DocumentCurrencyCode'),
    taxCurrency: b(doc, 'TaxCurrencyCode'),
    accountingCost: b(doc, 'AccountingCost'),
    buyerReference: b(doc, 'BuyerReference'),
    invoicePeriod: readPeriod(c(doc, 'InvoicePeriod')),
    orderReference: orderReference && (orderReference.id !== null || orderReference.salesOrderId !== null) ? orderReference : null,
    billingReferences: cs(doc, 'BillingReference')
      .map((br) => c(br, 'InvoiceDocumentReference'))
      .filter((r): r is XmlElement => r !== null)
      .map((r) => ({ id: b(r, 'ID'), issueDate: b(r, 'IssueDate') }))
      .filter((r) => r.id !== null || r.issueDate !== null),
    despatchDocumentId: b(c(doc, 'DespatchDocumentReference'), 'ID'),
    receiptDocumentId: b(c(doc, 'ReceiptDocumentReference'), 'ID'),
    originatorDocumentId: b(c(doc, 'OriginatorDocumentReference'), 'ID'),
    contractDocumentId: b(c(doc, 'ContractDocumentReference'), 'ID'),
    projectId: b(c(doc, 'ProjectReference'), 'ID'),
    additionalDocuments: cs(doc, 'AdditionalDocumentReference').map(readAdditionalDocument),
    supplier: readParty(c(c(doc, 'AccountingSupplierParty'), 'Party')),
    customer: readParty(c(customerWrapper, 'Party')),
    customerAccountId: b(customerWrapper, 'SupplierAssignedAccountID'),
    payee: readParty(c(doc, 'PayeeParty')),
    taxRepresentative: readParty(c(doc, 'TaxRepresentativeParty')),
    delivery: readDelivery(c(doc, 'Delivery')),
    paymentMeans: paymentMeansEls.map(readPaymentMeans),
    paymentTerms: cs(doc, 'PaymentTerms')
      .map((pt) => ({ notes: bs(pt, 'Note'), settlementDiscountPercent: b(pt, 'SettlementDiscountPercent'), amount: b(pt, 'Amount'), paymentDueDate: b(pt, 'PaymentDueDate') }))
      .filter((pt) => pt.notes.length > 0 || pt.settlementDiscountPercent !== null || pt.amount !== null || pt.paymentDueDate !== null),
    allowanceCharges: cs(doc, 'AllowanceCharge').map(readAllowanceCharge),
    taxTotals: cs(doc, 'TaxTotal').map(readTaxTotal),
    totals: {
      lineExtensionAmount: b(totals, 'LineExtensionAmount'),
      taxExclusiveAmount: b(totals, 'TaxExclusiveAmount'),
      taxInclusiveAmount: b(totals, 'TaxInclusiveAmount'),
      allowanceTotalAmount: b(totals, 'AllowanceTotalAmount'),
      chargeTotalAmount: b(totals, 'ChargeTotalAmount'),
      prepaidAmount: b(totals, 'PrepaidAmount'),
      payableRoundingAmount: b(totals, 'PayableRoundingAmount'),
      payableAmount: b(totals, 'PayableAmount'),
    },
    lines: cs(doc, isCreditNote ? 'CreditNoteLine' : 'InvoiceLine').map((l) => readLine(l, isCreditNote)),
  };
  return { model, findings };
}

// ---------------------------------------------------------------------------------------------
// Queries used by the writers and the PDF
// ---------------------------------------------------------------------------------------------

/** The VAT identifier of a party (PartyTaxScheme with TaxScheme "VAT"). */
export function partyVatId(party: Party | null): string | null {
  return party?.taxSchemes.find((t) => (t.taxSchemeId ?? '').toUpperCase() === 'VAT' && t.companyId !== null)?.companyId ?? null;
}

/** The name to show for a party: trading name, else registration name. */
export function partyName(party: Party | null): string | null {
  return party?.tradingName ?? party?.legalEntity?.registrationName ?? null;
}

/** The tax total in the document currency (the one with the VAT breakdown), as in readInvoice. */
export function documentTaxTotal(model: InvoiceModel): TaxTotal | null {
  const withAmount = model.taxTotals.filter((t) => t.taxAmount !== null);
  return (
    withAmount.find((t) => model.currency !== null && t.currency === model.currency) ??
    withAmount.find((t) => t.subtotals.length > 0) ??
    withAmount[0] ??
    null
  );
}

/** The first additional document whose attachment really is a PDF (starts with %PDF-). */
export function firstPdfAttachment(model: InvoiceModel): AdditionalDocument | null {
  return model.additionalDocuments.find((d) => d.attachment !== null && startsWithPdf(d.attachment.content)) ?? null;
}
