/**
 * Writes the document model as UBL 2.1 in the format an accounting package wants:
 *
 * - `peppol-bis-3`: Peppol BIS Billing 3.0 (formats.md §1). A self-billed invoice stays a Peppol
 *   self-billing document (its type codes 389/527/261 are not allowed in the billing profile).
 *   UBL.BE-only parts are left out (line TaxTotal, tax category names, the "UBL.BE" document
 *   reference, delivery terms, settlement discount terms, customer account number) and Belgian
 *   BETE exemption codes become VATEX codes (or their text).
 * - `ubl-be`: UBL.BE / e-FFF 3.0 (formats.md §2): the "UBL.BE" reference naming Ledgerdrop as the
 *   producing software, the PDF copy (the sender's when there is one, else one rendered by
 *   ./pdf.ts) described as CommercialInvoice / CreditNote, a VAT amount on every line, Belgian
 *   tax category codes (BTCC) and BETE exemption codes. Self-billing type codes (389/527/261),
 *   which UBL.BE's profile does not allow, become 380/383/381 with the legal mention BELM-006
 *   "Invoice issued by the receiver".
 *
 * Elements follow the UBL 2.1 XSD sequence of Invoice and CreditNote (they differ: TaxPointDate,
 * DueDate, OriginatorDocumentReference, ProjectReference, and TaxTotal/AllowanceCharge in lines).
 * Every amount carries the document currency, except the VAT total in accounting currency (BT-111).
 * Credit notes stay credit notes; amounts and identifiers are copied as written.
 */
import { APP_VERSION } from '../../engine/version.ts';
import { CUSTOMIZATION_IDS, UBL_NS, classifyBytes, ublFormatFor } from '../classify.ts';
import { format, mul, parseDecimal, round, shift } from '../decimal.ts';
import { finding } from '../types.ts';
import type { Finding, UblFormat } from '../types.ts';
import { firstPdfAttachment, MODEL_NUMBER, readInvoiceModel } from './model.ts';
import type {
  AdditionalDocument,
  AllowanceCharge,
  Delivery,
  Identifier,
  InvoiceLine,
  InvoiceModel,
  Party,
  PaymentMeans,
  PaymentTerms,
  Period,
  PostalAddress,
  TaxCategory,
} from './model.ts';
import { renderInvoicePdf } from './pdf.ts';
import { toPeppolCategory, toUblBeCategory } from './tax-codes.ts';
import { group, leaf, serializeXml } from './xml-out.ts';
import type { XNode } from './xml-out.ts';

export type UblTarget = 'peppol-bis-3' | 'ubl-be';
export type ConversionTarget = UblTarget | 'as-received';

export const UBL_BE_CUSTOMIZATION_ID = 'urn:cen.eu:en16931:2017#conformant#urn:UBL.BE:1.0.0.20180214';
export const PEPPOL_BILLING_PROFILE_ID = 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0';
export const PEPPOL_SELFBILLING_PROFILE_ID = 'urn:fdc:peppol.eu:2017:poacc:selfbilling:01:1.0';
const BILLING_PROFILE = /^urn:fdc:peppol\.eu:2017:poacc:billing:\d{2}:1\.0$/;
const SELFBILLING_PROFILE = /^urn:fdc:peppol\.eu:2017:poacc:selfbilling:\d{2}:1\.0$/;

/** What UBL.BE names as the producing software (ubl-BE-03). */
export const LEDGERDROP_PRODUCER = `Ledgerdrop ${APP_VERSION}`;

/** UBL.BE legal mention for self-billing (BELM-006, "Invoice issued by the receiver"). */
const BELM_SELF_BILLING = { id: 'BELM-006', specialTerms: 'Invoice issued by the receiver' } as const;
/** Self-billing type codes and the UBL.BE (profile 01) type that carries the same document. */
const SELF_BILLING_TYPES: Readonly<Record<string, string>> = { '389': '380', '527': '383', '261': '381' };

export interface WriteOptions {
  /** UBL.BE: the PDF copy to embed when the model has none (convertUbl renders one). */
  pdf?: { content: Uint8Array; filename: string } | null;
  /** UBL.BE: the producing software named in the "UBL.BE" document reference. */
  producer?: string;
}

export interface WriteResult {
  xml: Buffer;
  /** The format the output is classified as (peppol-selfbilling for self-billed documents). */
  format: UblFormat;
  findings: Finding[];
}

type Profile = 'peppol' | 'ublbe';

class Notes {
  private readonly seen = new Set<string>();
  readonly findings: Finding[] = [];

  add(code: string, severity: Finding['severity'], message: string): void {
    const key = `${code}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.findings.push(finding(code, severity, message));
  }
}

interface Context {
  profile: Profile;
  isCreditNote: boolean;
  currency: string | null;
  notes: Notes;
}

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

const CBC = (name: string): string => `cbc:${name}`;
const CAC = (name: string): string => `cac:${name}`;

function amount(ctx: Context, name: string, value: string | null, currency: string | null = ctx.currency): XNode | null {
  return leaf(CBC(name), value, [['currencyID', currency]]);
}

function identifierLeaf(name: string, id: Identifier | null): XNode | null {
  return id ? leaf(name, id.value, [['schemeID', id.schemeId]]) : null;
}

function addressNode(name: string, a: PostalAddress | null): XNode | null {
  if (!a) return null;
  return group(CAC(name), [
    leaf(CBC('StreetName'), a.streetName),
    leaf(CBC('AdditionalStreetName'), a.additionalStreetName),
    leaf(CBC('CityName'), a.cityName),
    leaf(CBC('PostalZone'), a.postalZone),
    leaf(CBC('CountrySubentity'), a.countrySubentity),
    group(CAC('AddressLine'), [leaf(CBC('Line'), a.addressLine)]),
    group(CAC('Country'), [leaf(CBC('IdentificationCode'), a.countryCode)]),
  ]);
}

function partyNode(name: string, p: Party | null): XNode | null {
  if (!p) return null;
  return group(CAC(name), [
    identifierLeaf(CBC('EndpointID'), p.endpoint),
    p.identifiers.map((id) => group(CAC('PartyIdentification'), [identifierLeaf(CBC('ID'), id)])),
    group(CAC('PartyName'), [leaf(CBC('Name'), p.tradingName)]),
    addressNode('PostalAddress', p.address),
    p.taxSchemes.map((t) => group(CAC('PartyTaxScheme'), [leaf(CBC('CompanyID'), t.companyId), group(CAC('TaxScheme'), [leaf(CBC('ID'), t.taxSchemeId)])])),
    p.legalEntity
      ? group(CAC('PartyLegalEntity'), [
          leaf(CBC('RegistrationName'), p.legalEntity.registrationName),
          identifierLeaf(CBC('CompanyID'), p.legalEntity.companyId),
          leaf(CBC('CompanyLegalForm'), p.legalEntity.companyLegalForm),
        ])
      : null,
    p.contact ? group(CAC('Contact'), [leaf(CBC('Name'), p.contact.name), leaf(CBC('Telephone'), p.contact.telephone), leaf(CBC('ElectronicMail'), p.contact.email)]) : null,
  ]);
}

function mapCategory(ctx: Context, cat: TaxCategory): TaxCategory {
  const mapped = ctx.profile === 'ublbe' ? toUblBeCategory(cat) : toPeppolCategory(cat);
  if (mapped.note) ctx.notes.add(ctx.profile === 'ublbe' ? 'ublbe-tax-category' : 'peppol-tax-category', 'info', mapped.note);
  return mapped.category;
}

/**
 * Where a tax category is written decides what it may carry: the VAT breakdown has the exemption
 * reason (BT-120/121) and, in UBL.BE, the Belgian code (ubl-BE-10); a line's ClassifiedTaxCategory
 * has neither in Peppol (UBL-CR-597/600/601) but the Belgian code in UBL.BE (ubl-BE-15); an
 * allowance or charge category has neither in both (UBL-CR-477/480/481).
 */
type CategoryPlace = 'breakdown' | 'line' | 'allowance';

function taxCategoryNode(ctx: Context, name: string, cat: TaxCategory | null, place: CategoryPlace): XNode | null {
  if (!cat) return null;
  const full = place === 'breakdown' || (place === 'line' && ctx.profile === 'ublbe');
  const c: TaxCategory = full ? mapCategory(ctx, cat) : { ...cat, name: null, exemptionReasonCode: null, exemptionReason: null };
  return group(CAC(name), [
    leaf(CBC('ID'), c.id),
    leaf(CBC('Name'), c.name),
    leaf(CBC('Percent'), c.percent),
    leaf(CBC('TaxExemptionReasonCode'), c.exemptionReasonCode),
    leaf(CBC('TaxExemptionReason'), c.exemptionReason),
    group(CAC('TaxScheme'), [leaf(CBC('ID'), c.taxSchemeId ?? 'VAT')]),
  ]);
}

function allowanceChargeNode(ctx: Context, ac: AllowanceCharge, withTax: boolean): XNode | null {
  return group(CAC('AllowanceCharge'), [
    leaf(CBC('ChargeIndicator'), ac.isCharge ? 'true' : 'false'),
    leaf(CBC('AllowanceChargeReasonCode'), ac.reasonCode),
    leaf(CBC('AllowanceChargeReason'), ac.reason),
    leaf(CBC('MultiplierFactorNumeric'), ac.multiplierFactor),
    amount(ctx, 'Amount', ac.amount),
    amount(ctx, 'BaseAmount', ac.baseAmount),
    withTax ? taxCategoryNode(ctx, 'TaxCategory', ac.taxCategory, 'allowance') : null,
  ]);
}

function periodNode(name: string, p: Period | null): XNode | null {
  if (!p) return null;
  return group(CAC(name), [leaf(CBC('StartDate'), p.startDate), leaf(CBC('EndDate'), p.endDate), leaf(CBC('DescriptionCode'), p.descriptionCode)]);
}

function referenceNode(name: string, id: string | null): XNode | null {
  return group(CAC(name), [leaf(CBC('ID'), id)]);
}

function additionalDocumentNode(d: AdditionalDocument): XNode | null {
  const attachment = d.attachment
    ? leaf(CBC('EmbeddedDocumentBinaryObject'), Buffer.from(d.attachment.content).toString('base64'), [
        ['mimeCode', d.attachment.mimeCode],
        ['filename', d.attachment.filename],
      ])
    : null;
  return group(CAC('AdditionalDocumentReference'), [
    identifierLeaf(CBC('ID'), d.id),
    leaf(CBC('DocumentTypeCode'), d.typeCode),
    leaf(CBC('DocumentDescription'), d.description),
    group(CAC('Attachment'), [attachment, group(CAC('ExternalReference'), [leaf(CBC('URI'), d.externalUri)])]),
  ]);
}

function deliveryNode(ctx: Context, d: Delivery | null): XNode | null {
  if (!d) return null;
  return group(CAC('Delivery'), [
    leaf(CBC('ActualDeliveryDate'), d.actualDeliveryDate),
    group(CAC('DeliveryLocation'), [identifierLeaf(CBC('ID'), d.locationId), addressNode('Address', d.address)]),
    group(CAC('DeliveryParty'), [group(CAC('PartyName'), [leaf(CBC('Name'), d.partyName)])]),
    ctx.profile === 'ublbe' ? d.terms.map((t) => group(CAC('DeliveryTerms'), [leaf(CBC('ID'), t.id), leaf(CBC('SpecialTerms'), t.specialTerms)])) : null,
  ]);
}

function paymentMeansNode(pm: PaymentMeans, dueDate: string | null): XNode | null {
  return group(CAC('PaymentMeans'), [
    leaf(CBC('PaymentMeansCode'), pm.code, [['name', pm.codeName]]),
    leaf(CBC('PaymentDueDate'), dueDate),
    pm.paymentIds.map((id) => leaf(CBC('PaymentID'), id)),
    pm.card
      ? group(CAC('CardAccount'), [leaf(CBC('PrimaryAccountNumberID'), pm.card.primaryAccountNumber), leaf(CBC('NetworkID'), pm.card.networkId), leaf(CBC('HolderName'), pm.card.holderName)])
      : null,
    pm.payeeAccount
      ? group(CAC('PayeeFinancialAccount'), [
          leaf(CBC('ID'), pm.payeeAccount.id),
          leaf(CBC('Name'), pm.payeeAccount.name),
          group(CAC('FinancialInstitutionBranch'), [leaf(CBC('ID'), pm.payeeAccount.branchId)]),
        ])
      : null,
    pm.mandate ? group(CAC('PaymentMandate'), [leaf(CBC('ID'), pm.mandate.id), group(CAC('PayerFinancialAccount'), [leaf(CBC('ID'), pm.mandate.payerAccountId)])]) : null,
  ]);
}

function paymentTermsNodes(ctx: Context, terms: PaymentTerms[]): Array<XNode | null> {
  if (ctx.profile === 'peppol') {
    // EN 16931 knows one payment terms text (BT-20, UBL-SR-05).
    const notes = terms.flatMap((t) => t.notes);
    return [group(CAC('PaymentTerms'), [leaf(CBC('Note'), notes.length > 0 ? notes.join('\n') : null)])];
  }
  return terms.map((t) =>
    group(CAC('PaymentTerms'), [
      leaf(CBC('Note'), t.notes.length > 0 ? t.notes.join('\n') : null),
      leaf(CBC('SettlementDiscountPercent'), t.settlementDiscountPercent),
      amount(ctx, 'Amount', t.amount),
      leaf(CBC('PaymentDueDate'), t.paymentDueDate),
    ]),
  );
}

function lineTaxAmount(ctx: Context, line: InvoiceLine): string {
  if (line.taxAmount !== null) return line.taxAmount;
  const amount = parseDecimal(line.lineExtensionAmount, MODEL_NUMBER);
  const percent = parseDecimal(line.item.taxCategory?.percent ?? '0', MODEL_NUMBER);
  if (amount === null || percent === null) {
    ctx.notes.add('ublbe-line-tax-unknown', 'warning', `The VAT amount of line ${line.id ?? '?'} could not be computed (net amount "${line.lineExtensionAmount ?? ''}"); 0 was written.`);
    return '0.00';
  }
  // net × rate / 100, rounded half away from zero (commercial rounding, not XPath's) to 2 decimals
  return format(round(shift(mul(amount, percent), -2), 2, 'half-away-from-zero'));
}

function lineNode(ctx: Context, line: InvoiceLine): XNode | null {
  const taxTotal = ctx.profile === 'ublbe' ? group(CAC('TaxTotal'), [amount(ctx, 'TaxAmount', lineTaxAmount(ctx, line))]) : null;
  const allowances = line.allowanceCharges.map((ac) => allowanceChargeNode(ctx, ac, false));
  const item = line.item;
  const price = line.price;
  return group(CAC(ctx.isCreditNote ? 'CreditNoteLine' : 'InvoiceLine'), [
    leaf(CBC('ID'), line.id),
    leaf(CBC('Note'), line.note),
    leaf(CBC(ctx.isCreditNote ? 'CreditedQuantity' : 'InvoicedQuantity'), line.quantity, [['unitCode', line.unitCode]]),
    amount(ctx, 'LineExtensionAmount', line.lineExtensionAmount),
    leaf(CBC('AccountingCost'), line.accountingCost),
    periodNode('InvoicePeriod', line.period),
    group(CAC('OrderLineReference'), [leaf(CBC('LineID'), line.orderLineId)]),
    line.documentReference ? group(CAC('DocumentReference'), [identifierLeaf(CBC('ID'), line.documentReference.id), leaf(CBC('DocumentTypeCode'), line.documentReference.typeCode)]) : null,
    // UBL 2.1: InvoiceLine has AllowanceCharge before TaxTotal, CreditNoteLine the other way round.
    ...(ctx.isCreditNote ? [taxTotal, ...allowances] : [...allowances, taxTotal]),
    group(CAC('Item'), [
      leaf(CBC('Description'), item.description),
      leaf(CBC('Name'), item.name),
      group(CAC('BuyersItemIdentification'), [leaf(CBC('ID'), item.buyersItemId)]),
      group(CAC('SellersItemIdentification'), [leaf(CBC('ID'), item.sellersItemId)]),
      group(CAC('StandardItemIdentification'), [identifierLeaf(CBC('ID'), item.standardItemId)]),
      group(CAC('OriginCountry'), [leaf(CBC('IdentificationCode'), item.originCountry)]),
      item.classifications.map((cl) =>
        group(CAC('CommodityClassification'), [
          leaf(CBC('ItemClassificationCode'), cl.code, [
            ['listID', cl.listId],
            ['listVersionID', cl.listVersionId],
          ]),
        ]),
      ),
      taxCategoryNode(ctx, 'ClassifiedTaxCategory', item.taxCategory, 'line'),
      item.properties.map((p) => group(CAC('AdditionalItemProperty'), [leaf(CBC('Name'), p.name), leaf(CBC('Value'), p.value)])),
    ]),
    price
      ? group(CAC('Price'), [
          amount(ctx, 'PriceAmount', price.amount),
          leaf(CBC('BaseQuantity'), price.baseQuantity, [['unitCode', price.baseQuantityUnitCode]]),
          price.allowance
            ? group(CAC('AllowanceCharge'), [leaf(CBC('ChargeIndicator'), 'false'), amount(ctx, 'Amount', price.allowance.amount), amount(ctx, 'BaseAmount', price.allowance.baseAmount)])
            : null,
        ])
      : null,
  ]);
}

// ---------------------------------------------------------------------------------------------
// Target-specific choices
// ---------------------------------------------------------------------------------------------

function safeFilename(base: string | null): string {
  const cleaned = (base ?? 'invoice').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+|[._]+$/g, '');
  return `${cleaned === '' ? 'invoice' : cleaned.slice(0, 100)}.pdf`;
}

/** The additional document references UBL.BE wants (ubl-BE-01..04), and what became of the others. */
function ublBeDocuments(model: InvoiceModel, notes: Notes, options: WriteOptions): AdditionalDocument[] {
  const description = model.kind === 'credit-note' ? 'CreditNote' : 'CommercialInvoice';
  const out: AdditionalDocument[] = [
    { id: { value: 'UBL.BE', schemeId: null }, typeCode: null, description: options.producer ?? LEDGERDROP_PRODUCER, attachment: null, externalUri: null },
  ];
  const pdf = firstPdfAttachment(model);
  if (pdf?.attachment) {
    out.push({
      ...pdf,
      id: pdf.id ?? { value: model.id ?? 'invoice', schemeId: null },
      typeCode: pdf.typeCode === '130' ? null : pdf.typeCode,
      description,
      attachment: { ...pdf.attachment, mimeCode: 'application/pdf', filename: pdf.attachment.filename ?? safeFilename(model.id) },
    });
  } else if (options.pdf) {
    out.push({
      id: { value: model.id ?? 'invoice', schemeId: null },
      typeCode: null,
      description,
      attachment: { content: Buffer.from(options.pdf.content), mimeCode: 'application/pdf', filename: options.pdf.filename },
      externalUri: null,
    });
  } else {
    notes.add('ublbe-no-pdf', 'warning', 'UBL.BE expects the PDF copy of the document (ubl-BE-02), but none was given or embedded.');
  }
  for (const d of model.additionalDocuments) {
    if (d === pdf || d.id?.value === 'UBL.BE') continue;
    const copy: AdditionalDocument = { ...d };
    if (copy.typeCode === '130') {
      // UBL.BE wants a description on every reference (ubl-BE-04), EN 16931 none on an invoiced
      // object identifier (UBL-CR-673): keep it as a described reference.
      notes.add('ublbe-invoiced-object', 'info', `The invoiced object identifier ${d.id?.value ?? ''} was written as a described document reference (UBL.BE describes every reference).`);
      copy.typeCode = null;
      copy.id = copy.id ? { value: copy.id.value, schemeId: null } : null;
      copy.description ??= 'Invoiced object identifier';
    }
    if (copy.description === 'CommercialInvoice' || copy.description === 'CreditNote') copy.description = 'Supporting document';
    copy.description ??= copy.typeCode === '50' ? 'Project reference' : (copy.attachment?.filename ?? 'Supporting document');
    out.push(copy);
  }
  return out;
}

function bothGerman(model: InvoiceModel): boolean {
  return model.supplier?.address?.countryCode === 'DE' && model.customer?.address?.countryCode === 'DE';
}

interface Header {
  customizationId: string;
  profileId: string;
  format: UblFormat;
  typeCode: string | null;
  delivery: Delivery | null;
}

function headerFor(model: InvoiceModel, target: UblTarget, notes: Notes): Header {
  const source = ublFormatFor(model.customizationId, model.profileId).format;
  const selfBilled = source === 'peppol-selfbilling';
  if (target === 'peppol-bis-3') {
    if (selfBilled) {
      notes.add('peppol-selfbilling-kept', 'info', 'A self-billed document stays a Peppol self-billing document (its type code is not allowed in the billing profile).');
      return {
        customizationId: CUSTOMIZATION_IDS.peppolSelfBilling,
        profileId: model.profileId !== null && SELFBILLING_PROFILE.test(model.profileId) ? model.profileId : PEPPOL_SELFBILLING_PROFILE_ID,
        format: 'peppol-selfbilling',
        typeCode: model.typeCode,
        delivery: model.delivery,
      };
    }
    if (model.typeCode !== null && SELF_BILLING_TYPES[model.typeCode] !== undefined) {
      notes.add('peppol-self-billing-type', 'warning', `Type code ${model.typeCode} is a self-billing type, which Peppol BIS Billing does not allow (PEPPOL-EN16931-P0100/P0101); it was kept as received.`);
    }
    return {
      customizationId: CUSTOMIZATION_IDS.peppolBis3,
      profileId: model.profileId !== null && BILLING_PROFILE.test(model.profileId) ? model.profileId : PEPPOL_BILLING_PROFILE_ID,
      format: 'peppol-bis-3',
      typeCode: model.typeCode,
      delivery: model.delivery,
    };
  }
  let typeCode = model.typeCode;
  let delivery = model.delivery;
  const mapped = typeCode !== null ? SELF_BILLING_TYPES[typeCode] : undefined;
  if (mapped !== undefined) {
    notes.add('ublbe-self-billing', 'info', `Self-billed document: type code ${typeCode ?? ''} was written as ${mapped} with the UBL.BE legal mention BELM-006 "Invoice issued by the receiver".`);
    typeCode = mapped;
    const terms = delivery?.terms ?? [];
    if (!terms.some((t) => t.id === BELM_SELF_BILLING.id)) {
      const base: Delivery = delivery ?? { actualDeliveryDate: null, locationId: null, address: null, partyName: null, terms: [] };
      delivery = { ...base, terms: [...terms, { ...BELM_SELF_BILLING }] };
    }
  }
  return {
    customizationId: UBL_BE_CUSTOMIZATION_ID,
    profileId: model.profileId !== null && BILLING_PROFILE.test(model.profileId) ? model.profileId : PEPPOL_BILLING_PROFILE_ID,
    format: 'ubl-be',
    typeCode,
    delivery,
  };
}

// ---------------------------------------------------------------------------------------------
// The document
// ---------------------------------------------------------------------------------------------

/** Writes the model as Peppol BIS Billing 3.0 or UBL.BE. Never throws. */
export function writeUbl(model: InvoiceModel, target: UblTarget, options: WriteOptions = {}): WriteResult {
  const notes = new Notes();
  const profile: Profile = target === 'ubl-be' ? 'ublbe' : 'peppol';
  const isCreditNote = model.kind === 'credit-note';
  const ctx: Context = { profile, isCreditNote, currency: model.currency, notes };
  const header = headerFor(model, target, notes);

  let docNotes = model.notes;
  if (docNotes.length > 1 && !bothGerman(model)) {
    notes.add('notes-merged', 'info', `The ${docNotes.length} document notes were joined into one (only one is allowed, PEPPOL-EN16931-R002).`);
    docNotes = [docNotes.join('\n')];
  }

  let documents = model.additionalDocuments;
  if (profile === 'ublbe') documents = ublBeDocuments(model, notes, options);
  else documents = documents.filter((d) => !(d.id?.value === 'UBL.BE' && d.attachment === null));
  if (isCreditNote && model.projectId !== null && !documents.some((d) => d.typeCode === '50')) {
    documents = [...documents, { id: { value: model.projectId, schemeId: null }, typeCode: '50', description: profile === 'ublbe' ? 'Project reference' : null, attachment: null, externalUri: null }];
  }

  // BT-9: cbc:DueDate on an invoice, PaymentMeans/PaymentDueDate on a credit note (UBL 2.1 has no CreditNote DueDate).
  if (isCreditNote && model.dueDate !== null && model.paymentMeans.length === 0) {
    notes.add('due-date-not-written', 'warning', `The credit note has a due date (${model.dueDate}) but no payment means to carry it; the due date was left out.`);
  }
  const paymentMeans = model.paymentMeans.map((pm, i) => paymentMeansNode(pm, isCreditNote && i === 0 ? model.dueDate : null));

  const customer =
    model.customer || (profile === 'ublbe' && model.customerAccountId)
      ? group(CAC('AccountingCustomerParty'), [profile === 'ublbe' ? leaf(CBC('SupplierAssignedAccountID'), model.customerAccountId) : null, partyNode('Party', model.customer)])
      : null;

  const references = {
    order: model.orderReference ? group(CAC('OrderReference'), [leaf(CBC('ID'), model.orderReference.id), leaf(CBC('SalesOrderID'), model.orderReference.salesOrderId)]) : null,
    billing: model.billingReferences.map((r) => group(CAC('BillingReference'), [group(CAC('InvoiceDocumentReference'), [leaf(CBC('ID'), r.id), leaf(CBC('IssueDate'), r.issueDate)])])),
    despatch: referenceNode('DespatchDocumentReference', model.despatchDocumentId),
    receipt: referenceNode('ReceiptDocumentReference', model.receiptDocumentId),
    originator: referenceNode('OriginatorDocumentReference', model.originatorDocumentId),
    contract: referenceNode('ContractDocumentReference', model.contractDocumentId),
    additional: documents.map(additionalDocumentNode),
    project: isCreditNote ? null : referenceNode('ProjectReference', model.projectId),
  };

  const taxTotals = model.taxTotals.map((t) =>
    group(CAC('TaxTotal'), [
      amount(ctx, 'TaxAmount', t.taxAmount, t.currency ?? model.currency),
      t.subtotals.map((st) =>
        group(CAC('TaxSubtotal'), [amount(ctx, 'TaxableAmount', st.taxableAmount), amount(ctx, 'TaxAmount', st.taxAmount), taxCategoryNode(ctx, 'TaxCategory', st.category, 'breakdown')]),
      ),
    ]),
  );

  const t = model.totals;
  const totals = group(CAC('LegalMonetaryTotal'), [
    amount(ctx, 'LineExtensionAmount', t.lineExtensionAmount),
    amount(ctx, 'TaxExclusiveAmount', t.taxExclusiveAmount),
    amount(ctx, 'TaxInclusiveAmount', t.taxInclusiveAmount),
    amount(ctx, 'AllowanceTotalAmount', t.allowanceTotalAmount),
    amount(ctx, 'ChargeTotalAmount', t.chargeTotalAmount),
    amount(ctx, 'PrepaidAmount', t.prepaidAmount),
    amount(ctx, 'PayableRoundingAmount', t.payableRoundingAmount),
    amount(ctx, 'PayableAmount', t.payableAmount),
  ]);

  const head = [leaf(CBC('CustomizationID'), header.customizationId), leaf(CBC('ProfileID'), header.profileId), leaf(CBC('ID'), model.id), leaf(CBC('IssueDate'), model.issueDate)];
  const currencies = [leaf(CBC('DocumentCurrencyCode'), model.currency), leaf(CBC('TaxCurrencyCode'), model.taxCurrency), leaf(CBC('AccountingCost'), model.accountingCost), leaf(CBC('BuyerReference'), model.buyerReference), periodNode('InvoicePeriod', model.invoicePeriod)];
  const parties = [
    group(CAC('AccountingSupplierParty'), [partyNode('Party', model.supplier)]),
    customer,
    partyNode('PayeeParty', model.payee),
    partyNode('TaxRepresentativeParty', model.taxRepresentative),
    deliveryNode(ctx, header.delivery),
    paymentMeans,
    paymentTermsNodes(ctx, model.paymentTerms),
    model.allowanceCharges.map((ac) => allowanceChargeNode(ctx, ac, true)),
    taxTotals,
    totals,
    model.lines.map((line) => lineNode(ctx, line)),
  ];

  const children = isCreditNote
    ? [
        ...head,
        leaf(CBC('TaxPointDate'), model.taxPointDate),
        leaf(CBC('CreditNoteTypeCode'), header.typeCode),
        docNotes.map((n) => leaf(CBC('Note'), n)),
        ...currencies,
        references.order,
        references.billing,
        references.despatch,
        references.receipt,
        references.contract,
        references.additional,
        references.originator,
        ...parties,
      ]
    : [
        ...head,
        leaf(CBC('DueDate'), model.dueDate),
        leaf(CBC('InvoiceTypeCode'), header.typeCode),
        docNotes.map((n) => leaf(CBC('Note'), n)),
        leaf(CBC('TaxPointDate'), model.taxPointDate),
        ...currencies,
        references.order,
        references.billing,
        references.despatch,
        references.receipt,
        references.originator,
        references.contract,
        references.additional,
        references.project,
        ...parties,
      ];

  const root = group(isCreditNote ? 'CreditNote' : 'Invoice', children, [
    ['xmlns', isCreditNote ? UBL_NS.creditNote : UBL_NS.invoice],
    ['xmlns:cac', UBL_NS.cac],
    ['xmlns:cbc', UBL_NS.cbc],
  ]);
  // head always has CustomizationID and ProfileID, so root is never null.
  const xml = serializeXml(root ?? { name: 'Invoice', attrs: [], children: [], text: null });
  return { xml, format: header.format, findings: notes.findings };
}

// ---------------------------------------------------------------------------------------------
// Conversion from bytes
// ---------------------------------------------------------------------------------------------

export type ConversionResult =
  | {
      ok: true;
      /** The converted document (for 'as-received': the original bytes, untouched). */
      xml: Buffer;
      /** Format of the output; null for 'as-received' (not looked at). */
      format: UblFormat | null;
      findings: Finding[];
    }
  | { ok: false; xml: null; format: null; findings: Finding[]; error: Finding };

export interface ConvertOptions {
  /** UBL.BE: the producing software named in the "UBL.BE" document reference (default "Ledgerdrop <version>"). */
  producer?: string;
}

/**
 * Converts a received UBL invoice or credit note (SBDH-wrapped or not) to the target format.
 * 'as-received' hands back the original bytes untouched. For UBL.BE without an embedded PDF, the
 * PDF copy is rendered (deterministically) from the document.
 */
export async function convertUbl(bytes: Uint8Array, target: ConversionTarget, options: ConvertOptions = {}): Promise<ConversionResult> {
  if (target === 'as-received') {
    const xml = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return { ok: true, xml, format: null, findings: [] };
  }
  const classified = classifyBytes(bytes);
  if ((classified.kind !== 'invoice' && classified.kind !== 'credit-note') || classified.ubl === null) {
    const error =
      classified.error !== null
        ? finding(classified.error.code, 'fatal', classified.error.message)
        : finding('conversion-not-ubl', 'fatal', 'Only UBL invoices and credit notes can be converted; this file is not one.');
    return { ok: false, xml: null, format: null, findings: [...classified.findings, error], error };
  }
  const { model, findings: modelFindings } = readInvoiceModel(classified.ubl);
  const options2: WriteOptions = { producer: options.producer ?? LEDGERDROP_PRODUCER };
  const findings: Finding[] = [...classified.findings, ...modelFindings];
  if (target === 'ubl-be' && firstPdfAttachment(model) === null) {
    options2.pdf = { content: await renderInvoicePdf(model), filename: safeFilename(model.id) };
    findings.push(finding('ublbe-pdf-rendered', 'info', 'The document had no PDF copy; Ledgerdrop rendered one for UBL.BE.'));
  }
  const written = writeUbl(model, target, options2);
  return { ok: true, xml: written.xml, format: written.format, findings: [...findings, ...written.findings] };
}
