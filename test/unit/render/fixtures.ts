/** Synthetic document models for rendering tests (no corpus needed). */
import type { InvoiceLine, InvoiceModel, Party } from '../../../src/main/understanding/render/model.ts';

export function party(name: string, vat: string, country: string): Party {
  return {
    endpoint: { value: vat.replace(/^[A-Z]{2}/, ''), schemeId: '0208' },
    identifiers: [],
    tradingName: name,
    address: { streetName: 'Rue de la Loi 16', additionalStreetName: null, cityName: 'Bruxelles', postalZone: '1000', countrySubentity: null, addressLine: null, countryCode: country },
    taxSchemes: [{ companyId: vat, taxSchemeId: 'VAT' }],
    legalEntity: { registrationName: name, companyId: null, companyLegalForm: null },
    contact: null,
  };
}

export function line(i: number, description = `Consulting service ${i}`): InvoiceLine {
  return {
    id: String(i),
    note: null,
    quantity: '2',
    unitCode: 'HUR',
    lineExtensionAmount: '100.00',
    accountingCost: null,
    period: null,
    orderLineId: null,
    documentReference: null,
    allowanceCharges: [],
    taxAmount: null,
    item: {
      name: description,
      description: null,
      buyersItemId: null,
      sellersItemId: null,
      standardItemId: null,
      originCountry: null,
      classifications: [],
      taxCategory: { id: 'S', name: null, percent: '21', exemptionReasonCode: null, exemptionReason: null, taxSchemeId: 'VAT' },
      properties: [],
    },
    price: { amount: '50.00', baseQuantity: null, baseQuantityUnitCode: null, allowance: null },
  };
}

/** An invoice with `n` lines of 100.00 at 21 % (totals consistent). */
export function invoiceWithLines(n: number, overrides: Partial<InvoiceModel> = {}): InvoiceModel {
  const net = (n * 100).toFixed(2);
  const vat = (n * 21).toFixed(2);
  const gross = (n * 121).toFixed(2);
  return {
    kind: 'invoice',
    customizationId: 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0',
    profileId: 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0',
    id: 'INV-2025-0042',
    issueDate: '2025-03-14',
    dueDate: '2025-04-13',
    typeCode: '380',
    notes: [],
    taxPointDate: null,
    currency: 'EUR',
    taxCurrency: null,
    accountingCost: null,
    buyerReference: 'PO-77',
    invoicePeriod: null,
    orderReference: null,
    billingReferences: [],
    despatchDocumentId: null,
    receiptDocumentId: null,
    originatorDocumentId: null,
    contractDocumentId: null,
    projectId: null,
    additionalDocuments: [],
    supplier: party('Acme Consulting BV', 'BE0123456749', 'BE'),
    customer: party('Client NV', 'BE0987654312', 'BE'),
    customerAccountId: null,
    payee: null,
    taxRepresentative: null,
    delivery: null,
    paymentMeans: [{ code: '30', codeName: null, paymentIds: ['+++123/4567/89002+++'], card: null, payeeAccount: { id: 'BE71096123456769', name: null, branchId: 'GKCCBEBB' }, mandate: null }],
    paymentTerms: [{ notes: ['30 days'], settlementDiscountPercent: null, amount: null, paymentDueDate: null }],
    allowanceCharges: [],
    taxTotals: [{ taxAmount: vat, currency: 'EUR', subtotals: [{ taxableAmount: net, taxAmount: vat, category: { id: 'S', name: null, percent: '21', exemptionReasonCode: null, exemptionReason: null, taxSchemeId: 'VAT' } }] }],
    totals: {
      lineExtensionAmount: net,
      taxExclusiveAmount: net,
      taxInclusiveAmount: gross,
      allowanceTotalAmount: null,
      chargeTotalAmount: null,
      prepaidAmount: null,
      payableRoundingAmount: null,
      payableAmount: gross,
    },
    lines: Array.from({ length: n }, (_, i) => line(i + 1)),
    ...overrides,
  };
}
