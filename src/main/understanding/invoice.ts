/**
 * Key fields of a UBL 2.1 Invoice or CreditNote (Peppol BIS 3.0, UBL.BE, NLCIUS, EN 16931).
 * Amounts stay decimal strings exactly as written (trimmed), never numbers.
 *
 * Due date (BT-9): Invoice `cbc:DueDate`; CreditNote has no DueDate in UBL 2.1, EN 16931 binds BT-9
 * to `cac:PaymentMeans/cbc:PaymentDueDate`. Fallback for both: PaymentMeans/PaymentDueDate, then
 * PaymentTerms/PaymentDueDate (in UBL.BE that is the settlement-discount date, hence last).
 */
import { childElement, childElements, elementText, pathElement } from './safe-xml.ts';
import type { XmlElement } from './safe-xml.ts';
import { UBL_NS, startsWithPdf } from './classify.ts';
import { finding } from './types.ts';
import type { Finding } from './types.ts';

export interface InvoiceParty {
  name: string | null;
  endpointId: string | null;
  endpointScheme: string | null;
  vatId: string | null;
  companyId: string | null;
}

export interface InvoiceAttachment {
  filename: string | null;
  mimeCode: string | null;
  /** Decoded size in bytes. */
  size: number;
  /** The decoded bytes start with %PDF-. */
  isPdf: boolean;
}

export interface InvoiceData {
  number: string | null;
  issueDate: string | null;
  dueDate: string | null;
  typeCode: string | null;
  currency: string | null;
  lineExtensionAmount: string | null;
  payableAmount: string | null;
  taxExclusiveAmount: string | null;
  taxInclusiveAmount: string | null;
  taxAmount: string | null;
  buyerReference: string | null;
  orderReference: string | null;
  billingReference: string | null;
  supplier: InvoiceParty | null;
  customer: InvoiceParty | null;
  attachments: InvoiceAttachment[];
}

export interface InvoiceRead {
  invoice: InvoiceData;
  findings: Finding[];
}

const { cac, cbc } = UBL_NS;
const CAC = (local: string): readonly [string, string] => [cac, local];
const CBC = (local: string): readonly [string, string] => [cbc, local];

function text(el: XmlElement | null, ...steps: ReadonlyArray<readonly [string, string]>): string | null {
  return elementText(steps.length === 0 ? el : pathElement(el, ...steps));
}

function attr(el: XmlElement | null, name: string): string | null {
  const v = el?.attrs[name];
  if (v === undefined) return null;
  const t = v.trim();
  return t === '' ? null : t;
}

function readParty(wrapper: XmlElement | null): InvoiceParty | null {
  const party = childElement(wrapper, cac, 'Party');
  if (!party) return null;
  const endpoint = childElement(party, cbc, 'EndpointID');
  const legal = childElement(party, cac, 'PartyLegalEntity');
  let vatId: string | null = null;
  for (const pts of childElements(party, cac, 'PartyTaxScheme')) {
    const scheme = text(pts, CAC('TaxScheme'), CBC('ID'));
    if (scheme !== null && scheme.toUpperCase() === 'VAT') {
      vatId = text(pts, CBC('CompanyID'));
      if (vatId !== null) break;
    }
  }
  let name: string | null = null;
  for (const pn of childElements(party, cac, 'PartyName')) {
    name = text(pn, CBC('Name'));
    if (name !== null) break;
  }
  name ??= text(legal, CBC('RegistrationName'));
  return {
    name,
    endpointId: elementText(endpoint),
    endpointScheme: attr(endpoint, 'schemeID'),
    vatId,
    companyId: text(legal, CBC('CompanyID')),
  };
}

/** The document-level tax total in the document currency (BT-110), as written. */
function readTaxAmount(doc: XmlElement, currency: string | null): string | null {
  const totals = childElements(doc, cac, 'TaxTotal');
  const amounts = totals.map((t) => ({ total: t, amount: childElement(t, cbc, 'TaxAmount') })).filter((a) => a.amount !== null);
  if (amounts.length === 0) return null;
  const inCurrency = currency === null ? [] : amounts.filter((a) => attr(a.amount, 'currencyID') === currency);
  const pick = inCurrency[0] ?? amounts.find((a) => childElement(a.total, cac, 'TaxSubtotal') !== null) ?? amounts[0];
  return elementText(pick?.amount ?? null);
}

/**
 * Decodes an embedded base64 object in one linear native pass: Node's decoder skips whitespace and
 * line breaks (UBL.BE wraps its payloads) and ignores other stray characters.
 */
export function decodeBase64(payload: string): Buffer {
  return Buffer.from(payload, 'base64');
}

export interface EmbeddedDocument {
  /** cbc:ID of the AdditionalDocumentReference. */
  id: string | null;
  description: string | null;
  filename: string | null;
  mimeCode: string | null;
  element: XmlElement;
}

/** Every AdditionalDocumentReference/Attachment/EmbeddedDocumentBinaryObject, in document order. */
export function embeddedDocuments(doc: XmlElement): EmbeddedDocument[] {
  const out: EmbeddedDocument[] = [];
  for (const ref of childElements(doc, cac, 'AdditionalDocumentReference')) {
    const object = pathElement(ref, CAC('Attachment'), CBC('EmbeddedDocumentBinaryObject'));
    if (!object) continue;
    out.push({
      id: text(ref, CBC('ID')),
      description: text(ref, CBC('DocumentDescription')),
      filename: attr(object, 'filename'),
      mimeCode: attr(object, 'mimeCode'),
      element: object,
    });
  }
  return out;
}

/** The decoded bytes of an embedded document (e.g. the PDF copy of a UBL.BE invoice). */
export function embeddedDocumentBytes(doc: EmbeddedDocument): Buffer {
  return decodeBase64(doc.element.text);
}

/** Reused for attachments read only for their size and first bytes (no new buffer per invoice). */
let scratch: Buffer | null = null;
const SCRATCH_MAX = 8 * 1024 * 1024;

/**
 * The decoded size of an embedded document and whether it is a PDF, exactly as
 * {@link embeddedDocumentBytes} would give them, without keeping the decoded bytes: the payload is
 * decoded into a reused buffer (Node's base64 decoder, the same one Buffer.from uses, never writes
 * more than Buffer.byteLength estimates).
 */
function embeddedDocumentSummary(doc: EmbeddedDocument): { size: number; isPdf: boolean } {
  const payload = doc.element.text;
  const capacity = Buffer.byteLength(payload, 'base64') + 8;
  if (capacity <= SCRATCH_MAX) {
    if (!scratch || scratch.length < capacity) scratch = Buffer.allocUnsafe(Math.max(capacity, 64 * 1024));
    const size = scratch.write(payload, 'base64');
    // Fewer bytes than room for: the whole payload was decoded.
    if (size < capacity) return { size, isPdf: startsWithPdf(scratch.subarray(0, size)) };
  }
  const bytes = embeddedDocumentBytes(doc);
  return { size: bytes.length, isPdf: startsWithPdf(bytes) };
}

function readDueDate(doc: XmlElement, isCreditNote: boolean, findings: Finding[]): string | null {
  const direct = text(doc, CBC('DueDate'));
  if (direct !== null) return direct;
  for (const pm of childElements(doc, cac, 'PaymentMeans')) {
    const d = text(pm, CBC('PaymentDueDate'));
    if (d !== null) return d;
  }
  for (const pt of childElements(doc, cac, 'PaymentTerms')) {
    const d = text(pt, CBC('PaymentDueDate'));
    if (d !== null) {
      findings.push(
        finding(
          'due-date-from-payment-terms',
          'info',
          `No ${isCreditNote ? 'payment due date' : 'DueDate'} is given; the due date was taken from the payment terms (which may be a settlement-discount date).`,
        ),
      );
      return d;
    }
  }
  return null;
}

/** Reads the key fields of a UBL Invoice or CreditNote element (as returned by safe-xml / classify). */
export function readInvoice(doc: XmlElement): InvoiceRead {
  const findings: Finding[] = [];
  const isCreditNote = doc.local === 'CreditNote';
  const currency = text(doc, CBC('DocumentCurrencyCode'));
  const totals = childElement(doc, cac, 'LegalMonetaryTotal');
  const attachments: InvoiceAttachment[] = [];
  for (const embedded of embeddedDocuments(doc)) {
    const { size, isPdf } = embeddedDocumentSummary(embedded);
    attachments.push({ filename: embedded.filename, mimeCode: embedded.mimeCode, size, isPdf });
    if (embedded.mimeCode === 'application/pdf' && !isPdf) {
      findings.push(
        finding('attachment-not-pdf', 'warning', `The attachment "${embedded.filename ?? embedded.id ?? '(unnamed)'}" claims to be a PDF but its content is not a PDF.`),
      );
    }
  }
  const invoice: InvoiceData = {
    number: text(doc, CBC('ID')),
    issueDate: text(doc, CBC('IssueDate')),
    dueDate: readDueDate(doc, isCreditNote, findings),
    typeCode: text(doc, CBC(isCreditNote ? 'CreditNoteTypeCode' : 'InvoiceTypeCode')),
    currency,
    lineExtensionAmount: text(totals, CBC('LineExtensionAmount')),
    payableAmount: text(totals, CBC('PayableAmount')),
    taxExclusiveAmount: text(totals, CBC('TaxExclusiveAmount')),
    taxInclusiveAmount: text(totals, CBC('TaxInclusiveAmount')),
    taxAmount: readTaxAmount(doc, currency),
    buyerReference: text(doc, CBC('BuyerReference')),
    orderReference: text(doc, CAC('OrderReference'), CBC('ID')),
    billingReference: text(doc, CAC('BillingReference'), CAC('InvoiceDocumentReference'), CBC('ID')),
    supplier: readParty(childElement(doc, cac, 'AccountingSupplierParty')),
    customer: readParty(childElement(doc, cac, 'AccountingCustomerParty')),
    attachments,
  };
  const what = isCreditNote ? 'credit note' : 'invoice';
  const missing: string[] = [];
  if (invoice.number === null) missing.push('number (cbc:ID)');
  if (invoice.issueDate === null) missing.push('issue date');
  if (invoice.supplier === null) missing.push('supplier');
  if (invoice.customer === null) missing.push('customer');
  if (invoice.payableAmount === null) missing.push('amount due (PayableAmount)');
  if (missing.length > 0) {
    findings.push(finding('invoice-incomplete', 'warning', `This ${what} has no ${missing.join(', ')}.`));
  }
  return { invoice, findings };
}
