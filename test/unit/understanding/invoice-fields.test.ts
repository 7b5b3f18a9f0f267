/**
 * Key fields read from real corpus documents. Expected values were read from the XML by hand
 * (and cross-checked with Python's xml.etree + base64 for the attachment sizes).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectBuffer, inspectFile } from '../../../src/main/understanding/inspect.ts';
import type { InspectResult } from '../../../src/main/understanding/inspect.ts';
import { corpusDir } from '../../helpers/corpus.ts';

const corpus = corpusDir();
if (!corpus) console.warn('Corpus not found (set LEDGERDROP_CORPUS or provide ../shared/corpus): invoice field tests skipped.');
const describeCorpus = corpus ? describe : describe.skip;
const at = (local: string): string => join(corpus ?? '', local);

async function invoiceOf(local: string, clientIds: string[] = []): Promise<InspectResult> {
  const result = await inspectFile(at(local), { clientIds });
  expect(result.error).toBeNull();
  return result;
}

describeCorpus('invoice fields from the corpus', () => {
  it('Peppol BIS 3.0 base example: all fields, amounts as written', async () => {
    const r = await invoiceOf('ubl/peppol_base-example.xml');
    expect(r.kind).toBe('invoice');
    expect(r.invoice).toEqual({
      number: 'Snippet1',
      issueDate: '2017-11-13',
      dueDate: '2017-12-01',
      typeCode: '380',
      currency: 'EUR',
      lineExtensionAmount: '1300',
      payableAmount: '1656.25',
      taxExclusiveAmount: '1325',
      taxInclusiveAmount: '1656.25',
      taxAmount: '331.25',
      buyerReference: '0150abc',
      orderReference: null,
      billingReference: null,
      supplier: { name: 'SupplierTradingName Ltd.', endpointId: '9482348239847239874', endpointScheme: '0088', vatId: 'GB1232434', companyId: 'GB983294' },
      customer: { name: 'BuyerTradingName AS', endpointId: 'FR23342', endpointScheme: '0002', vatId: 'SE4598375937', companyId: '39937423947' },
      attachments: [],
    });
  });

  it('UBL.BE invoice 15000001: Belgian parties and the embedded PDF copy', async () => {
    const r = await invoiceOf('efff/ublbe131_UBLBE_BE0000000196_V01-15000001.xml');
    expect(r.format).toBe('ubl-be');
    expect(r.invoice).toEqual({
      number: 'V01/15000001',
      issueDate: '2018-04-09',
      dueDate: '2018-05-09',
      typeCode: '380',
      currency: 'EUR',
      lineExtensionAmount: '400',
      payableAmount: '484',
      taxExclusiveAmount: '400',
      taxInclusiveAmount: '484',
      taxAmount: '84',
      buyerReference: null,
      orderReference: 'YR127129',
      billingReference: null,
      supplier: { name: 'My Supplier Company N.V.', endpointId: '0000000196', endpointScheme: '0208', vatId: 'BE0000000196', companyId: '0000000196' },
      customer: { name: 'My Customer Company S.A.', endpointId: '0000000295', endpointScheme: '0208', vatId: 'BE0000000295', companyId: '0000000295' },
      attachments: [{ filename: '15000001.pdf', mimeCode: 'application/pdf', size: 183694, isPdf: true }],
    });
  });

  it('UBL.BE credit note 15000002: type 381, billing reference to the invoice, no due date', async () => {
    const r = await invoiceOf('efff/ublbe131_UBLBE_BE0000000196_V01-15000002.xml');
    expect(r.kind).toBe('credit-note');
    expect(r.invoice).toMatchObject({
      number: 'V01/15000002',
      typeCode: '381',
      dueDate: null,
      billingReference: 'V01/15000001',
      payableAmount: '484',
      attachments: [{ filename: '15000002.pdf', mimeCode: 'application/pdf', size: 183694, isPdf: true }],
    });
  });

  it('UBL.BE 15000005: cbc:DueDate wins over the settlement-discount PaymentTerms/PaymentDueDate', async () => {
    const r = await invoiceOf('efff/ublbe131_UBLBE_BE0000000196_V01-15000005.xml');
    expect(r.invoice?.dueDate).toBe('2018-05-09');
  });

  it('UBL.BE 15000015: GLN customer endpoint and a US VAT id', async () => {
    const r = await invoiceOf('efff/ublbe131_UBLBE_BE0000000196_V01-15000015.xml');
    expect(r.invoice?.customer).toEqual({ name: 'Microsoft Corporation', endpointId: '0093007000005', endpointScheme: '0088', vatId: 'US4258828080', companyId: null });
    expect(r.invoice?.payableAmount).toBe('400');
    expect(r.invoice?.taxAmount).toBe('0');
  });

  it('Swedish credit note: name falls back to RegistrationName, VAT scheme chosen over TAX, rounding kept', async () => {
    const r = await invoiceOf('creditnote/cen_test_BIS_Billing_30-Kreditering_med_kreditnota.xml');
    expect(r.kind).toBe('credit-note');
    expect(r.invoice).toMatchObject({
      number: '2018140',
      issueDate: '2018-02-10',
      dueDate: null,
      typeCode: '381',
      currency: 'SEK',
      lineExtensionAmount: '9560',
      taxExclusiveAmount: '8668',
      taxInclusiveAmount: '10835',
      payableAmount: '10000',
      taxAmount: '2167',
      orderReference: '2018117',
      billingReference: '2018133',
      supplier: { name: 'Produtionsbolaget Sverige AB', endpointId: '1234567890', endpointScheme: '0007', vatId: 'SE123456789001', companyId: '1234567890' },
      customer: { name: 'Project Services', endpointId: '9876543210', endpointScheme: '0007', vatId: null, companyId: '9876543210' },
    });
  });

  it('negative Peppol invoice keeps its signs and its billing reference', async () => {
    const r = await invoiceOf('ubl/peppol_base-negative-inv-correction.xml');
    expect(r.invoice).toMatchObject({
      number: 'Correction1',
      typeCode: '380',
      lineExtensionAmount: '-1300',
      taxExclusiveAmount: '-1325',
      taxInclusiveAmount: '-1656.25',
      payableAmount: '-1656.25',
      taxAmount: '-331.25',
      billingReference: 'Snippet1',
    });
  });

  it('tax total in the document currency when a second TaxTotal is in the tax currency', async () => {
    const max = await invoiceOf('ubl/cen_test_Invoice-Max_content.xml');
    expect(max.invoice?.currency).toBe('SEK');
    expect(max.invoice?.taxAmount).toBe('2500');
    expect(max.invoice?.attachments).toEqual([{ filename: 'testfilnamn.abc', mimeCode: 'text/csv', size: 6, isPdf: false }]);
    const ex5 = await invoiceOf('ubl/cen_ubl-tc434-example5.xml');
    expect(ex5.invoice?.currency).toBe('DKK');
    expect(ex5.invoice?.taxAmount).toBe('675.00');
  });

  it('a "PDF" attachment whose content is not a PDF is flagged', async () => {
    const r = await invoiceOf('ubl/cen_ubl-tc434-example5.xml');
    expect(r.invoice?.attachments).toEqual([{ filename: 'EHF.pdf', mimeCode: 'application/pdf', size: 23, isPdf: false }]);
    expect(r.findings.map((f) => f.code)).toContain('attachment-not-pdf');
  });

  it('NLCIUS invoice and credit note: Dutch parties without endpoints', async () => {
    const inv = await invoiceOf('ubl/nlcius_SI-UBL-2.0_ok_base.xml');
    expect(inv.format).toBe('nlcius');
    expect(inv.invoice).toMatchObject({
      number: '12115118',
      issueDate: '2015-01-09',
      dueDate: '2015-01-09',
      buyerReference: '47806',
      orderReference: '47806',
      payableAmount: '227.00',
      taxAmount: '27.00',
      supplier: { name: 'SimplerInvoicing', endpointId: null, endpointScheme: null, vatId: 'NL1111.11.111.B.01', companyId: 'SITEST00000' },
      customer: { name: 'Ontvanger', endpointId: null, endpointScheme: null, vatId: null, companyId: '11111111' },
    });
    const cn = await invoiceOf('creditnote/nlcius_SI-UBL-2.0_BR-NL-8_ok_381.xml');
    expect(cn.kind).toBe('credit-note');
    expect(cn.invoice).toMatchObject({ typeCode: '381', billingReference: '46568', payableAmount: '227.00' });
  });

  it('Peppol self-billing invoice: type 389, seller stays the supplier', async () => {
    const r = await invoiceOf('ubl/peppol_selfbilling_SB-Vat-category-S.xml', ['0088:7300010000001']);
    expect(r.format).toBe('peppol-selfbilling');
    expect(r.invoice).toMatchObject({ typeCode: '389', payableAmount: '8550', taxAmount: '1550.00' });
    expect(r.invoice?.supplier?.endpointId).toBe('7300010000001');
    expect(r.direction).toBe('sales');
  });

  it('whitespace and line breaks around the CustomizationID are tolerated', async () => {
    const r = await invoiceOf('invalid/nlcius_SI-UBL-2.0_BR-NL-9_error_no_reference_whitespace_customizationid.xml');
    expect(r.format).toBe('nlcius');
  });

  it('the same invoice inside a Peppol SBDH envelope is read the same way', async () => {
    const xml = readFileSync(at('ubl/peppol_base-example.xml'), 'utf8').replace(/^<\?xml[^>]*>\s*/, '');
    const wrapped = `<?xml version="1.0" encoding="UTF-8"?>
<StandardBusinessDocument xmlns="http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader">
  <StandardBusinessDocumentHeader><HeaderVersion>1.0</HeaderVersion></StandardBusinessDocumentHeader>
  ${xml}
</StandardBusinessDocument>`;
    const direct = await invoiceOf('ubl/peppol_base-example.xml');
    const r = await inspectBuffer(Buffer.from(wrapped), { name: 'sbdh.xml' });
    expect(r.kind).toBe('invoice');
    expect(r.format).toBe('peppol-bis-3');
    expect(r.invoice).toEqual(direct.invoice);
    expect(r.findings.map((f) => f.code)).toContain('sbdh-unwrapped');
  });

  it('amounts are never turned into numbers', async () => {
    const xml = readFileSync(at('ubl/peppol_base-example.xml'), 'utf8')
      .replace('<cbc:PayableAmount currencyID="EUR">1656.25</cbc:PayableAmount>', '<cbc:PayableAmount currencyID="EUR">1656.250</cbc:PayableAmount>')
      .replace('<cbc:ID>Snippet1</cbc:ID>', '<cbc:ID>000123</cbc:ID>');
    const r = await inspectBuffer(Buffer.from(xml), { name: 'x.xml' });
    expect(r.invoice?.payableAmount).toBe('1656.250');
    expect(r.invoice?.number).toBe('000123');
  });
});
