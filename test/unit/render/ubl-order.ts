/**
 * Element order checks for written UBL: the UBL 2.1 XSD sequences of the document roots and lines
 * (from maindoc/UBL-Invoice-2.1.xsd, UBL-CreditNote-2.1.xsd and the CAC InvoiceLineType /
 * CreditNoteLineType, restricted to elements EN 16931 or UBL.BE use), and the sibling order seen in
 * the XSD-valid corpus documents for every other aggregate.
 */
import type { XmlElement } from '../../../src/main/understanding/safe-xml.ts';

export const XSD_SEQUENCES: Readonly<Record<string, readonly string[]>> = {
  Invoice: [
    'UBLExtensions', 'UBLVersionID', 'CustomizationID', 'ProfileID', 'ProfileExecutionID', 'ID', 'CopyIndicator', 'UUID', 'IssueDate', 'IssueTime', 'DueDate',
    'InvoiceTypeCode', 'Note', 'TaxPointDate', 'DocumentCurrencyCode', 'TaxCurrencyCode', 'PricingCurrencyCode', 'PaymentCurrencyCode',
    'PaymentAlternativeCurrencyCode', 'AccountingCostCode', 'AccountingCost', 'LineCountNumeric', 'BuyerReference', 'InvoicePeriod', 'OrderReference',
    'BillingReference', 'DespatchDocumentReference', 'ReceiptDocumentReference', 'StatementDocumentReference', 'OriginatorDocumentReference',
    'ContractDocumentReference', 'AdditionalDocumentReference', 'ProjectReference', 'Signature', 'AccountingSupplierParty', 'AccountingCustomerParty',
    'PayeeParty', 'BuyerCustomerParty', 'SellerSupplierParty', 'TaxRepresentativeParty', 'Delivery', 'DeliveryTerms', 'PaymentMeans', 'PaymentTerms',
    'PrepaidPayment', 'AllowanceCharge', 'TaxExchangeRate', 'PricingExchangeRate', 'PaymentExchangeRate', 'PaymentAlternativeExchangeRate', 'TaxTotal',
    'WithholdingTaxTotal', 'LegalMonetaryTotal', 'InvoiceLine',
  ],
  CreditNote: [
    'UBLExtensions', 'UBLVersionID', 'CustomizationID', 'ProfileID', 'ProfileExecutionID', 'ID', 'CopyIndicator', 'UUID', 'IssueDate', 'IssueTime',
    'TaxPointDate', 'CreditNoteTypeCode', 'Note', 'DocumentCurrencyCode', 'TaxCurrencyCode', 'PricingCurrencyCode', 'PaymentCurrencyCode',
    'PaymentAlternativeCurrencyCode', 'AccountingCostCode', 'AccountingCost', 'LineCountNumeric', 'BuyerReference', 'InvoicePeriod', 'DiscrepancyResponse',
    'OrderReference', 'BillingReference', 'DespatchDocumentReference', 'ReceiptDocumentReference', 'ContractDocumentReference',
    'AdditionalDocumentReference', 'StatementDocumentReference', 'OriginatorDocumentReference', 'Signature', 'AccountingSupplierParty',
    'AccountingCustomerParty', 'PayeeParty', 'BuyerCustomerParty', 'SellerSupplierParty', 'TaxRepresentativeParty', 'Delivery', 'DeliveryTerms',
    'PaymentMeans', 'PaymentTerms', 'TaxExchangeRate', 'PricingExchangeRate', 'PaymentExchangeRate', 'PaymentAlternativeExchangeRate', 'AllowanceCharge',
    'TaxTotal', 'LegalMonetaryTotal', 'CreditNoteLine',
  ],
  InvoiceLine: [
    'ID', 'UUID', 'Note', 'InvoicedQuantity', 'LineExtensionAmount', 'TaxPointDate', 'AccountingCostCode', 'AccountingCost', 'PaymentPurposeCode',
    'FreeOfChargeIndicator', 'InvoicePeriod', 'OrderLineReference', 'DespatchLineReference', 'ReceiptLineReference', 'BillingReference', 'DocumentReference',
    'PricingReference', 'OriginatorParty', 'Delivery', 'PaymentTerms', 'AllowanceCharge', 'TaxTotal', 'WithholdingTaxTotal', 'Item', 'Price',
    'DeliveryTerms', 'SubInvoiceLine', 'ItemPriceExtension',
  ],
  CreditNoteLine: [
    'ID', 'UUID', 'Note', 'CreditedQuantity', 'LineExtensionAmount', 'TaxPointDate', 'AccountingCostCode', 'AccountingCost', 'PaymentPurposeCode',
    'FreeOfChargeIndicator', 'InvoicePeriod', 'OrderLineReference', 'DiscrepancyResponse', 'DespatchLineReference', 'ReceiptLineReference',
    'BillingReference', 'DocumentReference', 'PricingReference', 'OriginatorParty', 'Delivery', 'PaymentTerms', 'TaxTotal', 'AllowanceCharge', 'Item',
    'Price', 'DeliveryTerms', 'SubCreditNoteLine', 'ItemPriceExtension',
  ],
};

function walk(el: XmlElement, visit: (el: XmlElement) => void): void {
  visit(el);
  for (const child of el.children) walk(child, visit);
}

/** Problems with the order of children of the roots and lines against the XSD sequences. */
export function xsdSequenceProblems(root: XmlElement): string[] {
  const problems: string[] = [];
  walk(root, (el) => {
    const sequence = XSD_SEQUENCES[el.local];
    if (!sequence) return;
    let last = -1;
    for (const child of el.children) {
      const at = sequence.indexOf(child.local);
      if (at === -1) problems.push(`${el.local}: unexpected child ${child.local}`);
      else if (at < last) problems.push(`${el.local}: ${child.local} comes after ${sequence[last] ?? '?'}`);
      else last = at;
    }
  });
  return problems;
}

/** "Parent:a>b" for every pair of distinct child names where a comes before b. */
export function siblingOrder(root: XmlElement, into = new Set<string>()): Set<string> {
  walk(root, (el) => {
    const names: string[] = [];
    for (const child of el.children) if (names[names.length - 1] !== child.local) names.push(child.local);
    for (let i = 0; i < names.length; i += 1) {
      for (let j = i + 1; j < names.length; j += 1) if (names[i] !== names[j]) into.add(`${el.local}:${names[i]}>${names[j]}`);
    }
  });
  return into;
}

/** Sibling pairs in `root` whose reverse order was seen in XSD-valid documents. */
export function orderConflicts(root: XmlElement, seen: ReadonlySet<string>): string[] {
  const conflicts: string[] = [];
  for (const pair of siblingOrder(root)) {
    const [parent, rest] = pair.split(':') as [string, string];
    const [a, b] = rest.split('>') as [string, string];
    if (seen.has(`${parent}:${b}>${a}`)) conflicts.push(`${parent}: ${a} before ${b}`);
  }
  return conflicts;
}
