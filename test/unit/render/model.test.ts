/**
 * The document model read from real corpus documents: the EN 16931 content and the UBL.BE extras.
 * Expected values were read from the XML by hand.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyBytes } from '../../../src/main/understanding/classify.ts';
import { documentTaxTotal, firstPdfAttachment, partyName, partyVatId, readInvoiceModel } from '../../../src/main/understanding/render/model.ts';
import type { InvoiceModel } from '../../../src/main/understanding/render/model.ts';
import { corpusDir } from '../../helpers/corpus.ts';

const corpus = corpusDir();
if (!corpus) console.warn('Corpus not found (set LEDGERDROP_CORPUS or provide ../shared/corpus): document model tests skipped.');
const describeCorpus = corpus ? describe : describe.skip;

function modelOf(local: string): InvoiceModel {
  const ubl = classifyBytes(readFileSync(join(corpus ?? '', local))).ubl;
  if (!ubl) throw new Error(`${local} is not UBL`);
  return readInvoiceModel(ubl).model;
}

describeCorpus('readInvoiceModel', () => {
  it('reads the full EN 16931 content of the CEN "max content" invoice', () => {
    const m = modelOf('ubl/cen_test_Invoice-Max_content.xml');
    expect(m).toMatchObject({
      kind: 'invoice',
      id: '2018210',
      issueDate: '2018-02-08',
      dueDate: '2018-03-07',
      typeCode: '380',
      taxPointDate: '2018-02-08',
      currency: 'SEK',
      taxCurrency: 'EUR',
      accountingCost: 'BES, 87392',
      buyerReference: 'Buyer reference',
      invoicePeriod: { startDate: '2018-02-01', endDate: '2018-02-07', descriptionCode: null },
      orderReference: { id: '20180117', salesOrderId: 'INK/0117/JM' },
      billingReferences: [
        { id: 'Preceding invoice no.1', issueDate: '2018-01-31' },
        { id: 'Preceding invoice no.2', issueDate: null },
      ],
      despatchDocumentId: 'Despatch_advice Feb 01-07',
      receiptDocumentId: 'Receipt_advice 01-07',
      originatorDocumentId: 'Tender 2017-12, lot no. 3',
      contractDocumentId: '2017-123',
      projectId: 'Project 99',
    });
    expect(m.notes).toEqual(['Document level Note\nLine break should be respected here.']);
    expect(partyName(m.supplier)).toBe('Global Trade Chain');
    expect(partyVatId(m.supplier)).toBe('SE123456789001');
    expect(m.supplier?.taxSchemes).toContainEqual({ companyId: 'Godkänd för F-skatt', taxSchemeId: 'TAX' });
    expect(m.supplier?.legalEntity).toEqual({ registrationName: 'The Global Chain Sweden AB', companyId: { value: '1234567890', schemeId: '0007' }, companyLegalForm: 'Säte: Big CIty' });
    expect(m.supplier?.address?.addressLine).toBe('Address-line3');
    expect(m.payee?.tradingName).toBe('Finansiell Support u.p.a.');
    expect(m.taxRepresentative?.taxSchemes).toEqual([{ companyId: 'SE998877665501', taxSchemeId: 'VAT' }]);
    expect(m.delivery).toMatchObject({ actualDeliveryDate: '2017-12-01', locationId: { value: '7350000001211', schemeId: '0088' }, partyName: 'Deliver-to Name A.S.' });
    expect(m.paymentMeans).toHaveLength(4);
    expect(m.paymentMeans[0]).toEqual({
      code: '30',
      codeName: 'Credit transfer',
      paymentIds: ['1800355'],
      card: null,
      payeeAccount: { id: 'SE1212341234123412341234', name: 'Name-of-account_A (normally not used in Sweden)', branchId: 'BANKSBIC' },
      mandate: null,
    });
    expect(m.allowanceCharges.map((ac) => [ac.isCharge, ac.reasonCode, ac.amount])).toEqual([
      [false, '95', '0'],
      [true, 'WH', '0'],
    ]);
    expect(documentTaxTotal(m)?.taxAmount).toBe('2500');
    expect(m.taxTotals.map((t) => [t.taxAmount, t.currency])).toEqual([
      ['2500', 'SEK'],
      ['249', 'EUR'],
    ]);
    expect(m.totals).toMatchObject({ lineExtensionAmount: '10000', payableAmount: '12500' });
    expect(m.lines).toHaveLength(2);
    const line = m.lines[0];
    expect(line).toMatchObject({ id: '1', quantity: '500', unitCode: 'MTR', lineExtensionAmount: '10000', period: { startDate: '2018-02-01', endDate: '2018-02-07', descriptionCode: null } });
    expect(line?.item.properties).toEqual([
      { name: 'Surface grade', value: 'A11' },
      { name: 'Density', value: '2.33' },
    ]);
    expect(line?.price).toEqual({ amount: '20', baseQuantity: '1', baseQuantityUnitCode: 'MTR', allowance: { amount: '0.50', baseAmount: '20.50' } });
    expect(m.additionalDocuments.map((d) => [d.id?.value, d.typeCode, d.attachment?.filename ?? null, d.externalUri])).toEqual([
      ['ABC123', '130', null, null],
      ['MT123', null, null, null],
      ['Time report 1', null, 'testfilnamn.abc', null],
      ['Example 1', null, null, 'http://www.example.com/index.html'],
    ]);
    expect(firstPdfAttachment(m)).toBeNull();
  });

  it('reads the UBL.BE extras: tax category names, line VAT, settlement discount, the PDF copy', () => {
    const m = modelOf('efff/ublbe131_UBLBE_BE0000000196_V01-15000031.xml');
    expect(m.lines.map((l) => [l.taxAmount, l.item.taxCategory?.name])).toEqual([
      ['82.32', '03'],
      ['0', 'NA'],
    ]);
    expect(m.taxTotals[0]?.subtotals.map((s) => [s.category.id, s.category.name, s.category.exemptionReasonCode])).toEqual([
      ['S', '03', null],
      ['E', 'FD', 'BETE-FD'],
      ['E', 'NA', 'BETE-EX'],
    ]);
    expect(m.paymentTerms).toEqual([{ notes: ['8 days after invoice date'], settlementDiscountPercent: '2', amount: '484.32', paymentDueDate: '2018-04-21' }]);
    expect(m.customerAccountId).toBeNull();
    expect(modelOf('efff/ublbe131_UBLBE_BE0000000196_V01-15000001.xml').customerAccountId).toBe('47805');
    const pdf = firstPdfAttachment(m);
    expect(pdf?.description).toBe('CommercialInvoice');
    expect(pdf?.attachment?.content.length).toBe(183_694);
  });

  it('reads credit notes (CreditedQuantity, due date from PaymentMeans)', () => {
    const m = modelOf('creditnote/peppol_base-creditnote-correction.xml');
    expect(m.kind).toBe('credit-note');
    expect(m.typeCode).toBe('381');
    expect(m.lines.every((l) => l.quantity !== null && l.unitCode !== null)).toBe(true);
  });
});
