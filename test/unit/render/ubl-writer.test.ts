/**
 * The UBL writers on synthetic documents (no corpus needed): round trips, what each target format
 * adds or leaves out, element order differences between Invoice and CreditNote, tax category
 * mapping, escaping, determinism, and the conversion entry point.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CUSTOMIZATION_IDS, classifyBytes } from '../../../src/main/understanding/classify.ts';
import { readInvoiceModel } from '../../../src/main/understanding/render/model.ts';
import type { InvoiceModel, TaxCategory } from '../../../src/main/understanding/render/model.ts';
import { toPeppolCategory, toUblBeCategory } from '../../../src/main/understanding/render/tax-codes.ts';
import { LEDGERDROP_PRODUCER, UBL_BE_CUSTOMIZATION_ID, convertUbl, writeUbl } from '../../../src/main/understanding/render/ubl-writer.ts';
import type { XmlElement } from '../../../src/main/understanding/safe-xml.ts';
import { invoiceWithLines, line } from './fixtures.ts';
import { xsdSequenceProblems } from './ubl-order.ts';

const FAKE_PDF = Buffer.from('%PDF-1.4\n% test\n%%EOF\n');

function parse(xml: Buffer): { root: XmlElement; model: InvoiceModel; format: string | null; kind: string } {
  const classified = classifyBytes(xml);
  if (!classified.ubl) throw new Error(`not UBL: ${JSON.stringify(classified.findings)}`);
  return { root: classified.ubl, model: readInvoiceModel(classified.ubl).model, format: classified.format, kind: classified.kind };
}

function kids(el: XmlElement | undefined, local: string): XmlElement[] {
  return el?.children.filter((c) => c.local === local) ?? [];
}
function kid(el: XmlElement | undefined, local: string): XmlElement | undefined {
  return kids(el, local)[0];
}

function category(id: string, percent: string | null, extra: Partial<TaxCategory> = {}): TaxCategory {
  return { id, name: null, percent, exemptionReasonCode: null, exemptionReason: null, taxSchemeId: 'VAT', ...extra };
}

describe('writeUbl: Peppol BIS Billing 3.0', () => {
  it('round-trips the model and is classified as Peppol BIS 3.0', () => {
    const model = invoiceWithLines(3, { notes: ['Thank you'], orderReference: { id: 'PO-1', salesOrderId: 'SO-9' }, projectId: 'PRJ' });
    const written = writeUbl(model, 'peppol-bis-3');
    expect(written.format).toBe('peppol-bis-3');
    const out = parse(written.xml);
    expect(out.format).toBe('peppol-bis-3');
    expect(out.kind).toBe('invoice');
    expect(out.model).toEqual({ ...model, customizationId: CUSTOMIZATION_IDS.peppolBis3 });
    expect(xsdSequenceProblems(out.root)).toEqual([]);
  });

  it('joins several notes into one (PEPPOL-EN16931-R002), but not between two German parties', () => {
    const model = invoiceWithLines(1, { notes: ['First', 'Second'] });
    const written = writeUbl(model, 'peppol-bis-3');
    expect(kids(parse(written.xml).root, 'Note').map((n) => n.text)).toEqual(['First\nSecond']);
    expect(written.findings.map((f) => f.code)).toContain('notes-merged');
    const german = { ...model.supplier!, address: { ...model.supplier!.address!, countryCode: 'DE' } };
    const de = writeUbl({ ...model, supplier: german, customer: { ...model.customer!, address: german.address } }, 'peppol-bis-3');
    expect(kids(parse(de.xml).root, 'Note')).toHaveLength(2);
  });

  it('leaves out the UBL.BE parts and turns BETE exemption codes into VATEX codes or text', () => {
    const model = invoiceWithLines(1, {
      customerAccountId: 'CUST-1',
      additionalDocuments: [{ id: { value: 'UBL.BE', schemeId: null }, typeCode: null, description: 'Some software 1.0', attachment: null, externalUri: null }],
      paymentTerms: [{ notes: ['8 days'], settlementDiscountPercent: '2', amount: '98.00', paymentDueDate: '2025-03-22' }],
    });
    model.lines[0]!.taxAmount = '21.00';
    model.lines[0]!.item.taxCategory = category('AE', '0', { name: '45', exemptionReasonCode: 'BETE-45', exemptionReason: 'Reverse charge - Contractor' });
    model.taxTotals[0]!.subtotals[0]!.category = category('E', '0', { name: 'NA', exemptionReasonCode: 'BETE-EX', exemptionReason: 'Exempt' });
    const out = parse(writeUbl(model, 'peppol-bis-3').xml);
    const line1 = kid(out.root, 'InvoiceLine');
    expect(kid(line1, 'TaxTotal')).toBeUndefined();
    // Exemption reasons belong to the VAT breakdown only (UBL-CR-600/601).
    expect(out.model.lines[0]!.item.taxCategory).toEqual(category('AE', '0'));
    expect(out.model.taxTotals[0]!.subtotals[0]!.category).toEqual(category('E', '0', { exemptionReason: 'Exempt' }));
    expect(out.model.additionalDocuments).toEqual([]);
    expect(out.model.customerAccountId).toBeNull();
    expect(out.model.paymentTerms).toEqual([{ notes: ['8 days'], settlementDiscountPercent: null, amount: null, paymentDueDate: null }]);
  });

  it('keeps a self-billed invoice a Peppol self-billing document', () => {
    const model = invoiceWithLines(1, { customizationId: CUSTOMIZATION_IDS.peppolSelfBilling, profileId: 'urn:fdc:peppol.eu:2017:poacc:selfbilling:01:1.0', typeCode: '389' });
    const written = writeUbl(model, 'peppol-bis-3');
    expect(written.format).toBe('peppol-selfbilling');
    const out = parse(written.xml);
    expect(out.format).toBe('peppol-selfbilling');
    expect(out.model.typeCode).toBe('389');
  });

  it('escapes markup characters and drops characters XML cannot carry', () => {
    const model = invoiceWithLines(1, { notes: ['A & B <c> "d" \u0001 ok'] });
    model.lines[0]!.item.name = 'Bolts & nuts <M8>';
    const xml = writeUbl(model, 'peppol-bis-3').xml;
    expect(xml.toString('utf8')).toContain('Bolts &amp; nuts &lt;M8&gt;');
    const out = parse(xml);
    expect(out.model.notes).toEqual(['A & B <c> "d" \uFFFD ok']);
    expect(out.model.lines[0]!.item.name).toBe('Bolts & nuts <M8>');
  });
});

describe('writeUbl: UBL.BE', () => {
  it('adds the UBL.BE and PDF references, line VAT amounts and Belgian tax category codes', () => {
    const model = invoiceWithLines(2);
    model.lines[1] = { ...line(2), lineExtensionAmount: '33.33' };
    const written = writeUbl(model, 'ubl-be', { pdf: { content: FAKE_PDF, filename: 'INV-2025-0042.pdf' } });
    expect(written.format).toBe('ubl-be');
    const out = parse(written.xml);
    expect(out.format).toBe('ubl-be');
    expect(kid(out.root, 'CustomizationID')?.text).toBe(UBL_BE_CUSTOMIZATION_ID);
    expect(kid(out.root, 'ProfileID')?.text).toBe('urn:fdc:peppol.eu:2017:poacc:billing:01:1.0');
    const [producer, copy] = out.model.additionalDocuments;
    expect(producer).toEqual({ id: { value: 'UBL.BE', schemeId: null }, typeCode: null, description: LEDGERDROP_PRODUCER, attachment: null, externalUri: null });
    expect(LEDGERDROP_PRODUCER).toMatch(/^Ledgerdrop \d+\.\d+\.\d+/);
    expect(copy?.id?.value).toBe('INV-2025-0042');
    expect(copy?.description).toBe('CommercialInvoice');
    expect(copy?.attachment?.mimeCode).toBe('application/pdf');
    expect(copy?.attachment?.filename).toBe('INV-2025-0042.pdf');
    expect(copy?.attachment?.content.equals(FAKE_PDF)).toBe(true);
    expect(out.model.lines.map((l) => l.taxAmount)).toEqual(['21.00', '7.00']);
    expect(out.model.lines.map((l) => l.item.taxCategory?.name)).toEqual(['03', '03']);
    expect(out.model.taxTotals[0]?.subtotals[0]?.category.name).toBe('03');
    expect(xsdSequenceProblems(out.root)).toEqual([]);
  });

  it('puts the line TaxTotal after AllowanceCharge in invoice lines and before it in credit note lines (UBL 2.1)', () => {
    const allowance = { isCharge: false, reasonCode: '95', reason: 'Discount', multiplierFactor: null, amount: '10.00', baseAmount: null, taxCategory: null };
    const invoice = invoiceWithLines(1);
    invoice.lines[0]!.allowanceCharges = [allowance];
    const invLine = kid(parse(writeUbl(invoice, 'ubl-be', { pdf: { content: FAKE_PDF, filename: 'a.pdf' } }).xml).root, 'InvoiceLine');
    expect(invLine?.children.map((c) => c.local).filter((n) => n === 'AllowanceCharge' || n === 'TaxTotal')).toEqual(['AllowanceCharge', 'TaxTotal']);

    const credit = { ...invoice, kind: 'credit-note' as const, typeCode: '381' };
    const cn = parse(writeUbl(credit, 'ubl-be', { pdf: { content: FAKE_PDF, filename: 'a.pdf' } }).xml);
    expect(cn.kind).toBe('credit-note');
    const cnLine = kid(cn.root, 'CreditNoteLine');
    expect(cnLine?.children.map((c) => c.local).filter((n) => n === 'AllowanceCharge' || n === 'TaxTotal')).toEqual(['TaxTotal', 'AllowanceCharge']);
    expect(kid(cnLine, 'CreditedQuantity')?.text).toBe('2');
    expect(cn.model.additionalDocuments[1]?.description).toBe('CreditNote');
    expect(xsdSequenceProblems(cn.root)).toEqual([]);
  });

  it('writes a credit note due date in PaymentMeans (UBL 2.1 CreditNote has no DueDate)', () => {
    const credit = invoiceWithLines(1, { kind: 'credit-note', typeCode: '381', taxPointDate: '2025-03-01' });
    const out = parse(writeUbl(credit, 'peppol-bis-3').xml);
    expect(kid(out.root, 'DueDate')).toBeUndefined();
    expect(kid(kid(out.root, 'PaymentMeans'), 'PaymentDueDate')?.text).toBe('2025-04-13');
    expect(out.model.dueDate).toBe('2025-04-13');
    expect(out.root.children.map((c) => c.local).slice(0, 6)).toEqual(['CustomizationID', 'ProfileID', 'ID', 'IssueDate', 'TaxPointDate', 'CreditNoteTypeCode']);
  });

  it('describes every reference and keeps an invoiced object identifier without the 130 code (ubl-BE-04 vs UBL-CR-673)', () => {
    const model = invoiceWithLines(1, {
      additionalDocuments: [
        { id: { value: 'METER-42', schemeId: 'AAA' }, typeCode: '130', description: null, attachment: null, externalUri: null },
        { id: { value: 'TS-1', schemeId: null }, typeCode: null, description: null, attachment: { content: Buffer.from('a;b\n'), mimeCode: 'text/csv', filename: 'timesheet.csv' }, externalUri: null },
      ],
    });
    const written = writeUbl(model, 'ubl-be', { pdf: { content: FAKE_PDF, filename: 'a.pdf' } });
    const docs = parse(written.xml).model.additionalDocuments;
    expect(docs.map((d) => [d.id?.value, d.id?.schemeId, d.typeCode, d.description])).toEqual([
      ['UBL.BE', null, null, LEDGERDROP_PRODUCER],
      ['INV-2025-0042', null, null, 'CommercialInvoice'],
      ['METER-42', null, null, 'Invoiced object identifier'],
      ['TS-1', null, null, 'timesheet.csv'],
    ]);
    expect(written.findings.map((f) => f.code)).toContain('ublbe-invoiced-object');
    const peppol = parse(writeUbl(model, 'peppol-bis-3').xml).model.additionalDocuments;
    expect(peppol[0]).toMatchObject({ id: { value: 'METER-42', schemeId: 'AAA' }, typeCode: '130', description: null });
  });

  it('reuses the PDF embedded by the sender instead of a rendered one, and replaces the producing software', () => {
    const model = invoiceWithLines(1, {
      additionalDocuments: [
        { id: { value: 'UBL.BE', schemeId: null }, typeCode: null, description: 'Other software 5.21', attachment: null, externalUri: null },
        { id: { value: 'copy-1', schemeId: null }, typeCode: null, description: 'Invoice copy', attachment: { content: FAKE_PDF, mimeCode: 'application/octet-stream', filename: null }, externalUri: null },
      ],
    });
    const docs = parse(writeUbl(model, 'ubl-be').xml).model.additionalDocuments;
    expect(docs).toHaveLength(2);
    expect(docs[0]?.description).toBe(LEDGERDROP_PRODUCER);
    expect(docs[1]).toMatchObject({ id: { value: 'copy-1' }, description: 'CommercialInvoice', attachment: { mimeCode: 'application/pdf', filename: 'INV-2025-0042.pdf' } });
  });

  it('writes a self-billed invoice as type 380 with the legal mention "Invoice issued by the receiver"', () => {
    const model = invoiceWithLines(1, { customizationId: CUSTOMIZATION_IDS.peppolSelfBilling, profileId: 'urn:fdc:peppol.eu:2017:poacc:selfbilling:01:1.0', typeCode: '389' });
    const out = parse(writeUbl(model, 'ubl-be', { pdf: { content: FAKE_PDF, filename: 'a.pdf' } }).xml);
    expect(out.model.typeCode).toBe('380');
    expect(out.model.delivery?.terms).toEqual([{ id: 'BELM-006', specialTerms: 'Invoice issued by the receiver' }]);
    expect(kid(out.root, 'ProfileID')?.text).toBe('urn:fdc:peppol.eu:2017:poacc:billing:01:1.0');
  });
});

describe('tax category mapping', () => {
  it('names Belgian rates and categories with BTCC codes and BETE exemption codes (UBL.BE)', () => {
    const be = (c: TaxCategory): [string | null, string | null, string | null] => {
      const m = toUblBeCategory(c).category;
      return [m.name, m.exemptionReasonCode, m.exemptionReason];
    };
    expect(be(category('S', '21'))).toEqual(['03', null, null]);
    expect(be(category('S', '12.00'))).toEqual(['02', null, null]);
    expect(be(category('S', '6'))).toEqual(['01', null, null]);
    expect(be(category('Z', '0'))).toEqual(['00', null, null]);
    expect(be(category('AE', '0', { exemptionReasonCode: 'VATEX-EU-AE', exemptionReason: 'Reverse charge' }))).toEqual(['45', 'BETE-45', 'Reverse charge - Contractor']);
    expect(be(category('K', '0', { exemptionReasonCode: 'VATEX-EU-IC' }))).toEqual(['46/GO', 'BETE-46/GO', 'Intra-community supply - Goods']);
    expect(be(category('G', '0', { exemptionReason: 'Export' }))).toEqual(['47/EX', 'BETE-47/EX', 'Export non E.U.']);
    expect(be(category('O', null, { exemptionReasonCode: 'VATEX-EU-O' }))).toEqual(['NS', 'BETE-NS', 'Not subject to VAT']);
    expect(be(category('E', '0', { exemptionReasonCode: 'VATEX-EU-132' }))).toEqual(['NA', 'BETE-EX', 'Exempt']);
    expect(be(category('E', '0', { exemptionReasonCode: 'VATEX-EU-F' }))).toEqual(['MA', 'BETE-MA', 'Margin']);
    expect(be(category('E', '0', { name: '00/44', exemptionReasonCode: 'BETE-00/44', exemptionReason: '0% Clause 44' }))).toEqual(['00/44', 'BETE-00/44', '0% Clause 44']);
    expect(be(category('S', '16', { name: 'OSS-S' }))).toEqual(['OSS-S', null, null]);
    const foreign = toUblBeCategory(category('S', '25'));
    expect(foreign.category.name).toBe('NA');
    expect(foreign.note).toMatch(/no Belgian tax category code/);
  });

  it('turns BETE codes into VATEX codes where the category matches, else keeps only the text (Peppol)', () => {
    expect(toPeppolCategory(category('AE', '0', { name: '45', exemptionReasonCode: 'BETE-45' })).category).toEqual(category('AE', '0', { exemptionReasonCode: 'VATEX-EU-AE', exemptionReason: 'Reverse charge - Contractor' }));
    expect(toPeppolCategory(category('G', '0', { exemptionReasonCode: 'BETE-47/EX', exemptionReason: 'Export non E.U.' })).category.exemptionReasonCode).toBe('VATEX-EU-G');
    expect(toPeppolCategory(category('O', null, { exemptionReasonCode: 'BETE-NS' })).category.exemptionReasonCode).toBe('VATEX-EU-O');
    expect(toPeppolCategory(category('K', '0', { exemptionReasonCode: 'BETE-44' })).category.exemptionReasonCode).toBe('VATEX-EU-IC');
    const exempt = toPeppolCategory(category('E', '0', { name: 'FD', exemptionReasonCode: 'BETE-FD' }));
    expect(exempt.category).toEqual(category('E', '0', { exemptionReason: 'Financial discount' }));
    expect(exempt.note).toMatch(/no VATEX equivalent/);
    expect(toPeppolCategory(category('E', '0', { exemptionReasonCode: 'VATEX-EU-132' })).category.exemptionReasonCode).toBe('VATEX-EU-132');
  });
});

describe('convertUbl', () => {
  const source = writeUbl(invoiceWithLines(2), 'peppol-bis-3').xml;

  it("returns the original bytes untouched for 'as-received'", async () => {
    const bytes = Buffer.from(`${source.toString('utf8')}\n<!-- trailing comment -->`);
    const result = await convertUbl(bytes, 'as-received');
    expect(result.ok).toBe(true);
    expect(result.xml?.equals(bytes)).toBe(true);
  });

  it('renders the PDF copy for UBL.BE when there is none, deterministically', async () => {
    const first = await convertUbl(source, 'ubl-be');
    const second = await convertUbl(Buffer.from(source), 'ubl-be');
    if (!first.ok || !second.ok) throw new Error('conversion failed');
    expect(first.findings.map((f) => f.code)).toContain('ublbe-pdf-rendered');
    const hash = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
    expect(hash(second.xml)).toBe(hash(first.xml));
    const copy = parse(first.xml).model.additionalDocuments[1];
    expect(copy?.attachment?.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(copy?.attachment?.filename).toBe('INV-2025-0042.pdf');
  });

  it('unwraps a Peppol SBDH envelope', async () => {
    const inner = source.toString('utf8').replace(/^<\?xml[^>]*>\s*/, '');
    const sbdh = `<?xml version="1.0" encoding="UTF-8"?>
<StandardBusinessDocument xmlns="http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader">
  <StandardBusinessDocumentHeader><HeaderVersion>1.0</HeaderVersion></StandardBusinessDocumentHeader>
  ${inner}
</StandardBusinessDocument>`;
    const result = await convertUbl(Buffer.from(sbdh), 'peppol-bis-3');
    if (!result.ok) throw new Error(result.error.message);
    expect(result.findings.map((f) => f.code)).toContain('sbdh-unwrapped');
    expect(parse(result.xml).root.local).toBe('Invoice');
  });

  it('refuses what is not a UBL invoice or credit note', async () => {
    const pdf = await convertUbl(FAKE_PDF, 'peppol-bis-3');
    expect(pdf.ok).toBe(false);
    expect(pdf.ok ? null : pdf.error.code).toBe('conversion-not-ubl');
    const broken = await convertUbl(Buffer.from('<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><cbc:ID'), 'ubl-be');
    expect(broken.ok).toBe(false);
    expect(broken.ok ? null : broken.error.severity).toBe('fatal');
  });
});
