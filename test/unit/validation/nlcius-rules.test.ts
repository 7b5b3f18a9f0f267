/**
 * SI-UBL 2.0 / NLCIUS rules (2.0.3.13), case by case, from one small NLCIUS invoice of a Dutch
 * seller to a Dutch buyer that breaks no rule, changed in one place per case. Includes the
 * schematron's first-matching-rule effects (BR-NL-32-1 for line reason codes, no SI-UBL-2 for an
 * element another NLCIUS rule already looks at) and the rules that apply to every seller.
 */
import { describe, expect, it } from 'vitest';
import { nlciusRules } from '../../../src/main/understanding/validation/rules/nlcius/index.ts';
import type { RuleSet } from '../../../src/main/understanding/validation/rulesets.ts';
import type { ValidationReport } from '../../../src/main/understanding/validation/types.ts';
import { validateWith } from '../../../src/main/understanding/validation/validate.ts';
import { loadUbl } from './validate-file.ts';

const SET: RuleSet = { id: 'nlcius', release: '2.0.3.13', modules: [nlciusRules] };
const NLCIUS_ID = 'urn:cen.eu:en16931:2017#compliant#urn:fdc:nen.nl:nlcius:v1.0';

interface Options {
  customizationId?: string | null;
  typeCode?: string;
  creditNote?: boolean;
  supplierCountry?: string;
  customerCountry?: string;
  header?: string;
  supplier?: string;
  supplierAddress?: string;
  customerAddress?: string;
  line?: string;
  tail?: string;
  replace?: readonly (readonly [string | RegExp, string])[];
}

function nlXml(o: Options = {}): string {
  let xml = `<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  ${o.customizationId === null ? '' : `<cbc:CustomizationID>${o.customizationId ?? NLCIUS_ID}</cbc:CustomizationID>`}
  <cbc:ID>F-2026-001</cbc:ID>
  <cbc:IssueDate>2026-01-15</cbc:IssueDate>
  <cbc:InvoiceTypeCode>${o.typeCode ?? (o.creditNote ? '381' : '380')}</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cbc:BuyerReference>PO-7</cbc:BuyerReference>
  ${o.header ?? ''}
  <cac:AccountingSupplierParty>
    <cac:Party>
      ${o.supplier ?? ''}
      <cac:PostalAddress>
        <cbc:StreetName>Damrak 1</cbc:StreetName>
        <cbc:CityName>Amsterdam</cbc:CityName>
        <cbc:PostalZone>1012 LG</cbc:PostalZone>
        ${o.supplierAddress ?? ''}
        <cac:Country><cbc:IdentificationCode>${o.supplierCountry ?? 'NL'}</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyTaxScheme><cbc:CompanyID>NL123456789B01</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
      <cac:PartyLegalEntity><cbc:RegistrationName>Verkoper BV</cbc:RegistrationName><cbc:CompanyID schemeID="0106">12345678</cbc:CompanyID></cac:PartyLegalEntity>
    </cac:Party>
  </cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty>
    <cac:Party>
      <cac:PostalAddress>
        <cbc:StreetName>Coolsingel 40</cbc:StreetName>
        <cbc:CityName>Rotterdam</cbc:CityName>
        <cbc:PostalZone>3011 AD</cbc:PostalZone>
        ${o.customerAddress ?? ''}
        <cac:Country><cbc:IdentificationCode>${o.customerCountry ?? 'NL'}</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyLegalEntity><cbc:RegistrationName>Koper BV</cbc:RegistrationName><cbc:CompanyID schemeID="0106">87654321</cbc:CompanyID></cac:PartyLegalEntity>
    </cac:Party>
  </cac:AccountingCustomerParty>
  <cac:PaymentMeans>
    <cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>
    <cac:PayeeFinancialAccount><cbc:ID>NL91ABNA0417164300</cbc:ID></cac:PayeeFinancialAccount>
  </cac:PaymentMeans>
  <cac:TaxTotal>
    <cbc:TaxAmount currencyID="EUR">21.00</cbc:TaxAmount>
    <cac:TaxSubtotal>
      <cbc:TaxableAmount currencyID="EUR">100.00</cbc:TaxableAmount>
      <cbc:TaxAmount currencyID="EUR">21.00</cbc:TaxAmount>
      <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>21</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>
    </cac:TaxSubtotal>
  </cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="EUR">100.00</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="EUR">121.00</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="EUR">121.00</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
  <cac:InvoiceLine>
    <cbc:ID>1</cbc:ID>
    <cbc:InvoicedQuantity unitCode="C62">4</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>
    ${o.line ?? ''}
    <cac:Item><cbc:Name>Fiets</cbc:Name><cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>21</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory></cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="EUR">25.00</cbc:PriceAmount></cac:Price>
  </cac:InvoiceLine>
  ${o.tail ?? ''}
</Invoice>`;
  if (o.creditNote) {
    xml = xml
      .replace(/(<\/?)Invoice(\s|>)/g, '$1CreditNote$2')
      .replace('urn:oasis:names:specification:ubl:schema:xsd:Invoice-2', 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2')
      .replace(/cac:InvoiceLine>/g, 'cac:CreditNoteLine>')
      .replace(/cbc:InvoicedQuantity/g, 'cbc:CreditedQuantity')
      .replace(/cbc:InvoiceTypeCode/g, 'cbc:CreditNoteTypeCode');
  }
  for (const [from, to] of o.replace ?? []) xml = xml.replace(from, to);
  return xml;
}

function report(o: Options = {}): ValidationReport {
  return validateWith(loadUbl(nlXml(o)).root, SET);
}

/** Ids reported, as "E:id" / "W:id", sorted. */
function found(o: Options = {}): string[] {
  const r = report(o);
  return [...new Set([...r.errors.map((e) => `E:${e.rule}`), ...r.warnings.map((w) => `W:${w.rule}`)])].sort();
}

const SUPPLIER_LEGAL = '<cbc:CompanyID schemeID="0106">12345678</cbc:CompanyID></cac:PartyLegalEntity>\n    </cac:Party>\n  </cac:AccountingSupplierParty>';
const supplierLegal = (id: string): [string, string] => [SUPPLIER_LEGAL, `${id}</cac:PartyLegalEntity>\n    </cac:Party>\n  </cac:AccountingSupplierParty>`];
const CUSTOMER_LEGAL = '<cbc:CompanyID schemeID="0106">87654321</cbc:CompanyID>';

describe('NLCIUS rules, case by case', () => {
  it('the template (Dutch seller and buyer) breaks nothing, as invoice and as credit note', () => {
    expect(found()).toEqual([]);
    expect(found({ creditNote: true })).toEqual([]);
  });

  it('BR-NL-1: a Dutch seller gives a KVK (0106) or OIN (0190) legal registration identifier', () => {
    expect(found({ replace: [supplierLegal('<cbc:CompanyID schemeID="0190">00000001234567890000</cbc:CompanyID>')] })).toEqual([]);
    expect(found({ replace: [supplierLegal('<cbc:CompanyID schemeID="0208">0000000196</cbc:CompanyID>')] })).toEqual(['E:BR-NL-1']);
    expect(found({ replace: [supplierLegal('<cbc:CompanyID>12345678</cbc:CompanyID>')] })).toEqual(['E:BR-NL-1']);
    expect(found({ replace: [supplierLegal('')] })).toEqual(['E:BR-NL-1']);
    expect(found({ replace: [supplierLegal('<cbc:CompanyID schemeID="0106"></cbc:CompanyID>')] })).toEqual(['E:BR-NL-1', 'W:SI-UBL-2']);
    // Only for Dutch sellers.
    expect(found({ supplierCountry: 'BE', replace: [supplierLegal('<cbc:CompanyID schemeID="0208">0000000196</cbc:CompanyID>')] })).toEqual([]);
  });

  it('BR-NL-2..5: references and addresses', () => {
    expect(found({ replace: [['<cbc:BuyerReference>PO-7</cbc:BuyerReference>', '']] })).toEqual(['E:BR-NL-2']);
    expect(found({ replace: [['<cbc:BuyerReference>PO-7</cbc:BuyerReference>', '<cac:OrderReference><cbc:ID>O-1</cbc:ID></cac:OrderReference>']] })).toEqual([]);
    expect(found({ replace: [['<cbc:CityName>Amsterdam</cbc:CityName>', '']] })).toEqual(['E:BR-NL-3']);
    expect(found({ replace: [['<cbc:StreetName>Coolsingel 40</cbc:StreetName>', '']] })).toEqual(['E:BR-NL-4']);
    expect(found({ customerCountry: 'BE', replace: [['<cbc:StreetName>Coolsingel 40</cbc:StreetName>', '']] })).toEqual([]);
    // No country code at all: `Country/IdentificationCode != 'NL'` is false, so the address must be complete.
    expect(found({ replace: [['<cbc:StreetName>Coolsingel 40</cbc:StreetName>', ''], ['<cac:Country><cbc:IdentificationCode>NL</cbc:IdentificationCode></cac:Country>\n      </cac:PostalAddress>\n      <cac:PartyLegalEntity><cbc:RegistrationName>Koper', '</cac:PostalAddress>\n      <cac:PartyLegalEntity><cbc:RegistrationName>Koper']] })).toEqual(['E:BR-NL-4']);
    const representative = (street: string, country: string): string =>
      `<cac:TaxRepresentativeParty><cac:PartyName><cbc:Name>Rep</cbc:Name></cac:PartyName><cac:PostalAddress>${street}<cbc:CityName>Utrecht</cbc:CityName><cbc:PostalZone>3511 AA</cbc:PostalZone><cac:Country><cbc:IdentificationCode>${country}</cbc:IdentificationCode></cac:Country></cac:PostalAddress></cac:TaxRepresentativeParty>`;
    expect(found({ tail: representative('<cbc:StreetName>Oudegracht 1</cbc:StreetName>', 'NL') })).toEqual([]);
    expect(found({ tail: representative('', 'NL') })).toEqual(['E:BR-NL-5']);
    expect(found({ tail: representative('', 'DE') })).toEqual([]);
  });

  it('BR-NL-7 / BR-NL-8 / BR-NL-9: type codes and the document type', () => {
    for (const code of ['380', '384', '389']) expect(found({ typeCode: code }).filter((id) => id !== 'E:BR-NL-9')).toEqual([]);
    expect(found({ typeCode: '383' })).toEqual(['E:BR-NL-7']);
    expect(found({ typeCode: '381' })).toEqual(['E:BR-NL-8']);
    expect(found({ creditNote: true, typeCode: '380' })).toEqual(['E:BR-NL-8']);
    expect(found({ creditNote: true, typeCode: '396' })).toEqual(['E:BR-NL-7', 'E:BR-NL-8']);
    expect(found({ typeCode: '384' })).toEqual(['E:BR-NL-9']);
    expect(found({ typeCode: '384', header: '<cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>F-2025-9</cbc:ID></cac:InvoiceDocumentReference></cac:BillingReference>' })).toEqual([]);
  });

  it('BR-NL-10: a Dutch buyer is identified by KVK or OIN', () => {
    expect(found({ replace: [[CUSTOMER_LEGAL, '<cbc:CompanyID schemeID="0208">0000000295</cbc:CompanyID>']] })).toEqual(['E:BR-NL-10']);
    expect(found({ replace: [[CUSTOMER_LEGAL, '']] })).toEqual(['E:BR-NL-10']);
    expect(found({ customerCountry: 'BE', replace: [[CUSTOMER_LEGAL, '<cbc:CompanyID schemeID="0208">0000000295</cbc:CompanyID>']] })).toEqual([]);
    expect(found({ customerCountry: 'BE', replace: [[CUSTOMER_LEGAL, '<cbc:CompanyID schemeID="0208"> </cbc:CompanyID>']] })).toEqual(['E:BR-NL-10', 'W:SI-UBL-2']);
  });

  it('BR-NL-11 / BR-NL-12 / BR-NL-31: payment means', () => {
    const noPayment: [RegExp, string] = [/<cac:PaymentMeans>[\s\S]*?<\/cac:PaymentMeans>/, ''];
    expect(found({ replace: [noPayment] })).toEqual(['E:BR-NL-11']);
    expect(found({ replace: [noPayment, ['<cbc:PayableAmount currencyID="EUR">121.00', '<cbc:PayableAmount currencyID="EUR">0.00']] })).toEqual([]);
    expect(found({ replace: [noPayment, ['<cbc:PayableAmount currencyID="EUR">121.00', '<cbc:PayableAmount currencyID="EUR">-5']] })).toEqual([]);
    // Only invoices: a credit note without payment means is fine.
    expect(found({ creditNote: true, replace: [noPayment] })).toEqual([]);
    expect(found({ replace: [['<cbc:PaymentMeansCode>30<', '<cbc:PaymentMeansCode>31<']] })).toEqual(['E:BR-NL-12']);
    for (const code of ['48', '49', '57', '58', '59']) expect(found({ replace: [['<cbc:PaymentMeansCode>30<', `<cbc:PaymentMeansCode>${code}<`]] })).toEqual([]);
    const psp = '<cac:PayeeFinancialAccount><cbc:ID>NL91ABNA0417164300</cbc:ID><cac:FinancialInstitutionBranch><cbc:ID>ABNANL2A</cbc:ID></cac:FinancialInstitutionBranch></cac:PayeeFinancialAccount>';
    expect(found({ replace: [['<cbc:PaymentMeansCode>30<', '<cbc:PaymentMeansCode>58<'], ['<cac:PayeeFinancialAccount><cbc:ID>NL91ABNA0417164300</cbc:ID></cac:PayeeFinancialAccount>', psp]] })).toEqual(['W:BR-NL-31']);
    expect(found({ replace: [['<cac:PayeeFinancialAccount><cbc:ID>NL91ABNA0417164300</cbc:ID></cac:PayeeFinancialAccount>', psp]] })).toEqual([]);
  });

  it('BR-NL-13 applies to every NLCIUS document, whatever the seller country', () => {
    const lineRef = '<cac:OrderLineReference><cbc:LineID>3</cbc:LineID></cac:OrderLineReference>';
    expect(found({ line: lineRef })).toEqual(['E:BR-NL-13']);
    expect(found({ line: lineRef, supplierCountry: 'BE' })).toEqual(['E:BR-NL-13']);
    expect(found({ line: lineRef, header: '<cac:OrderReference><cbc:ID>O-1</cbc:ID></cac:OrderReference>' })).toEqual([]);
  });

  it('BR-NL-19..35: "not recommended" warnings for Dutch sellers only', () => {
    const cases: [Options, string][] = [
      [{ header: '<cbc:TaxCurrencyCode>USD</cbc:TaxCurrencyCode>' }, 'W:BR-NL-19'],
      [{ header: '<cbc:TaxPointDate>2026-01-15</cbc:TaxPointDate>' }, 'W:BR-NL-20'],
      [{ header: '<cac:InvoicePeriod><cbc:DescriptionCode>35</cbc:DescriptionCode></cac:InvoicePeriod>' }, 'W:BR-NL-21'],
      [{ header: '<cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>F-1</cbc:ID><cbc:IssueDate>2025-12-01</cbc:IssueDate></cac:InvoiceDocumentReference></cac:BillingReference>' }, 'W:BR-NL-24'],
      [{ supplier: '<cac:PartyTaxScheme><cbc:CompanyID>123</cbc:CompanyID><cac:TaxScheme><cbc:ID>TAX</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>' }, 'W:BR-NL-25'],
      [{ replace: [supplierLegal('<cbc:CompanyID schemeID="0106">12345678</cbc:CompanyID><cbc:CompanyLegalForm>BV</cbc:CompanyLegalForm>')] }, 'W:BR-NL-26'],
      [{ supplierAddress: '<cac:AddressLine><cbc:Line>Gebouw B</cbc:Line></cac:AddressLine>' }, 'W:BR-NL-27-1'],
      [{ customerAddress: '<cac:AddressLine><cbc:Line>Gebouw B</cbc:Line></cac:AddressLine>' }, 'W:BR-NL-27-2'],
      [{ tail: '<cac:Delivery><cac:DeliveryLocation><cac:Address><cac:AddressLine><cbc:Line>Dock 4</cbc:Line></cac:AddressLine><cac:Country><cbc:IdentificationCode>NL</cbc:IdentificationCode></cac:Country></cac:Address></cac:DeliveryLocation></cac:Delivery>' }, 'W:BR-NL-27-4'],
      [{ supplierAddress: '<cbc:CountrySubentity>Noord-Holland</cbc:CountrySubentity>' }, 'W:BR-NL-28-1'],
      [{ customerAddress: '<cbc:CountrySubentity>Zuid-Holland</cbc:CountrySubentity>' }, 'W:BR-NL-28-2'],
      [{ replace: [['<cbc:PaymentMeansCode>30<', '<cbc:PaymentMeansCode name="Overboeking">30<']] }, 'W:BR-NL-29'],
      [{ replace: [['<cbc:ID>NL91ABNA0417164300</cbc:ID>', '<cbc:ID>NL91ABNA0417164300</cbc:ID><cbc:Name>Verkoper</cbc:Name>']] }, 'W:BR-NL-30'],
      [{ tail: '<cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator><cbc:AllowanceChargeReasonCode>95</cbc:AllowanceChargeReasonCode><cbc:Amount currencyID="EUR">0</cbc:Amount></cac:AllowanceCharge>' }, 'W:BR-NL-32-1'],
      [{ replace: [['<cbc:ID>S</cbc:ID><cbc:Percent>21</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>', '<cbc:ID>E</cbc:ID><cbc:Percent>0</cbc:Percent><cbc:TaxExemptionReasonCode>VATEX-EU-132</cbc:TaxExemptionReasonCode><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>']] }, 'W:BR-NL-35'],
    ];
    for (const [options, id] of cases) {
      expect({ id, found: found(options) }).toEqual({ id, found: [id] });
      expect({ id, foreign: found({ ...options, supplierCountry: 'BE' }) }).toEqual({ id, foreign: [] });
    }
    const usdTotal = { header: '<cbc:TaxCurrencyCode>USD</cbc:TaxCurrencyCode>', tail: '<cac:TaxTotal><cbc:TaxAmount currencyID="USD">25.00</cbc:TaxAmount></cac:TaxTotal>' };
    expect(found(usdTotal)).toEqual(['W:BR-NL-19', 'W:BR-NL-33']);
  });

  it('line-level reason codes are reported as BR-NL-32-1: the first matching rule of the pattern wins', () => {
    const lineAc = '<cac:AllowanceCharge><cbc:ChargeIndicator>true</cbc:ChargeIndicator><cbc:AllowanceChargeReasonCode>FC</cbc:AllowanceChargeReasonCode><cbc:Amount currencyID="EUR">0</cbc:Amount></cac:AllowanceCharge>';
    expect(found({ line: lineAc })).toEqual(['W:BR-NL-32-1']);
    expect(found({ line: lineAc, creditNote: true })).toEqual(['W:BR-NL-32-1']);
  });

  it('SI-UBL-2 warns about empty elements not already looked at by another NLCIUS rule', () => {
    expect(found({ header: '<cbc:Note></cbc:Note>' })).toEqual(['W:SI-UBL-2']);
    expect(found({ header: '<cbc:Note>   </cbc:Note>', supplierCountry: 'DE' })).toEqual(['W:SI-UBL-2']);
    // An empty VAT point date of a Dutch seller is BR-NL-20's (first matching rule), not SI-UBL-2's.
    expect(found({ header: '<cbc:TaxPointDate></cbc:TaxPointDate>' })).toEqual(['W:BR-NL-20']);
    expect(found({ header: '<cbc:TaxPointDate></cbc:TaxPointDate>', supplierCountry: 'BE' })).toEqual(['W:SI-UBL-2']);
    const r = report({ header: '<cbc:Note/>' });
    expect(r.warnings[0]).toMatchObject({ rule: 'SI-UBL-2', path: '/Invoice/cbc:Note', message: expect.stringContaining('empty') });
  });

  it('version checks: CustomizationID present and NLCIUS; otherwise the Dutch rules do not apply', () => {
    expect(found({ customizationId: null })).toEqual(['E:BII2-T10-R001']);
    expect(found({ customizationId: 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0', typeCode: '383' })).toEqual(['E:SI-V20-INV-R000']);
    expect(found({ customizationId: ` ${NLCIUS_ID} `, typeCode: '383' })).toEqual(['E:BR-NL-7']);
    expect(found({ customizationId: `${NLCIUS_ID}#conformant#urn:fdc:nen.nl:gaccount:v1.0`, typeCode: '383' })).toEqual(['E:BR-NL-7']);
  });

  it('messages name the business term and the values found', () => {
    const r = report({ replace: [['<cbc:PaymentMeansCode>30<', '<cbc:PaymentMeansCode>31<']] });
    expect(r.errors).toEqual([{ rule: 'BR-NL-12', severity: 'fatal', message: expect.stringMatching(/payment means code \(BT-81\).*\(code "31"\)/), path: '/Invoice/cac:PaymentMeans' }]);
  });

  it('defines the SI-UBL version checks and the NLCIUS ids, fatal rules first', () => {
    const ids = nlciusRules.rules.map((r) => r.id);
    for (const id of ['BII2-T10-R001', 'SI-V20-INV-R000', 'SI-INV-R000', 'BR-NL-1', 'BR-NL-13', 'BR-NL-27-3', 'BR-NL-28-3', 'BR-NL-32-3', 'BR-NL-35', 'SI-UBL-2']) expect(ids).toContain(id);
    const severities = nlciusRules.rules.map((r) => r.severity);
    expect(severities.indexOf('warning')).toBeGreaterThan(severities.lastIndexOf('fatal'));
  });
});
