/**
 * Generated edge cases for the Peppol BIS Billing 3.0 and self-billing rules (release 2026.5):
 * identifier check digits per scheme (PEPPOL-COMMON-R040..R057), code lists, type codes, exact
 * decimal arithmetic, the schematron's first-matching-rule behaviour, national rules and the
 * differences of the self-billing artefact. Every case starts from one small invoice that breaks no
 * Peppol rule (checked first), changed in one place.
 */
import { describe, expect, it } from 'vitest';
import { beMod97Ok, glnCheckOk } from '../../../src/main/understanding/identifiers.ts';
import { greekTinOk, ibanOk } from '../../../src/main/understanding/validation/rules/peppol/checksums.ts';
import { decimal, format } from '../../../src/main/understanding/decimal.ts';
import { compareDates, parseXsDate, withinSlack, xpathDiv } from '../../../src/main/understanding/validation/rules/peppol/xpath.ts';
import { peppolRules, peppolSelfBillingRules } from '../../../src/main/understanding/validation/rules/peppol/index.ts';
import type { RuleSet } from '../../../src/main/understanding/validation/rulesets.ts';
import type { ValidationReport } from '../../../src/main/understanding/validation/types.ts';
import { validateWith } from '../../../src/main/understanding/validation/validate.ts';
import { loadUbl } from './validate-file.ts';

const PEPPOL_SET: RuleSet = { id: 'peppol-bis-3', release: '2026.5', modules: [peppolRules] };
const SELF_BILLING_SET: RuleSet = { id: 'peppol-selfbilling', release: '2026.5', modules: [peppolSelfBillingRules] };

const BILLING_ID = 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0';
const BILLING_PROFILE = 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0';
const SELF_BILLING_ID = 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:selfbilling:3.0';
const SELF_BILLING_PROFILE = 'urn:fdc:peppol.eu:2017:poacc:selfbilling:01:1.0';

/** Markers (XML comments) where parts can be inserted. */
type Slot = 'HEADER' | 'SUPPLIER' | 'SUPPLIER_ADDRESS' | 'CUSTOMER' | 'CUSTOMER_ADDRESS' | 'DOC_ALLOWANCE' | 'PAYMENT' | 'TAX_TOTAL' | 'LINE' | 'PRICE' | 'LINES';

interface InvoiceOptions {
  customizationId?: string;
  profileId?: string | null;
  typeCode?: string;
  currency?: string;
  supplierCountry?: string;
  customerCountry?: string;
  creditNote?: boolean;
  insert?: Partial<Record<Slot, string>>;
  /** Plain text replacements applied last. */
  replace?: readonly (readonly [string | RegExp, string])[];
}

/** A clean BIS 3.0 invoice (or credit note), Belgian seller 0000000196 and buyer 0000000295, 4 × 25.00 + 21 % VAT. */
function invoiceXml(o: InvoiceOptions = {}): string {
  const cur = o.currency ?? 'EUR';
  const ins = (slot: Slot): string => o.insert?.[slot] ?? '';
  const profile = o.profileId === undefined ? BILLING_PROFILE : o.profileId;
  let xml = `<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>${o.customizationId ?? BILLING_ID}</cbc:CustomizationID>
  ${profile === null ? '' : `<cbc:ProfileID>${profile}</cbc:ProfileID>`}
  <cbc:ID>INV-1</cbc:ID>
  <cbc:IssueDate>2026-01-15</cbc:IssueDate>
  <cbc:DueDate>2026-02-14</cbc:DueDate>
  <cbc:InvoiceTypeCode>${o.typeCode ?? (o.creditNote ? '381' : '380')}</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>${cur}</cbc:DocumentCurrencyCode>
  <cbc:BuyerReference>PO-7</cbc:BuyerReference>
  ${ins('HEADER')}
  <cac:AccountingSupplierParty>
    <cac:Party>
      <cbc:EndpointID schemeID="0208">0000000196</cbc:EndpointID>
      ${ins('SUPPLIER')}
      <cac:PostalAddress>
        <cbc:StreetName>Rue Royale 1</cbc:StreetName>
        <cbc:CityName>Bruxelles</cbc:CityName>
        <cbc:PostalZone>1000</cbc:PostalZone>
        ${ins('SUPPLIER_ADDRESS')}
        <cac:Country><cbc:IdentificationCode>${o.supplierCountry ?? 'BE'}</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyLegalEntity><cbc:RegistrationName>Seller NV</cbc:RegistrationName></cac:PartyLegalEntity>
    </cac:Party>
  </cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty>
    <cac:Party>
      <cbc:EndpointID schemeID="0208">0000000295</cbc:EndpointID>
      ${ins('CUSTOMER')}
      <cac:PostalAddress>
        <cbc:StreetName>Meir 2</cbc:StreetName>
        <cbc:CityName>Antwerpen</cbc:CityName>
        <cbc:PostalZone>2000</cbc:PostalZone>
        ${ins('CUSTOMER_ADDRESS')}
        <cac:Country><cbc:IdentificationCode>${o.customerCountry ?? 'BE'}</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyLegalEntity><cbc:RegistrationName>Buyer BV</cbc:RegistrationName></cac:PartyLegalEntity>
    </cac:Party>
  </cac:AccountingCustomerParty>
  <cac:PaymentMeans>
    <cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>
    <cac:PayeeFinancialAccount><cbc:ID>BE71096123456769</cbc:ID></cac:PayeeFinancialAccount>
  </cac:PaymentMeans>
  ${ins('PAYMENT')}
  ${ins('DOC_ALLOWANCE')}
  <cac:TaxTotal>
    <cbc:TaxAmount currencyID="${cur}">21.00</cbc:TaxAmount>
    <cac:TaxSubtotal>
      <cbc:TaxableAmount currencyID="${cur}">100.00</cbc:TaxableAmount>
      <cbc:TaxAmount currencyID="${cur}">21.00</cbc:TaxAmount>
      <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>21</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>
    </cac:TaxSubtotal>
  </cac:TaxTotal>
  ${ins('TAX_TOTAL')}
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="${cur}">100.00</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="${cur}">100.00</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="${cur}">121.00</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="${cur}">121.00</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
  <cac:InvoiceLine>
    <cbc:ID>1</cbc:ID>
    <cbc:InvoicedQuantity unitCode="C62">4</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="${cur}">100.00</cbc:LineExtensionAmount>
    ${ins('LINE')}
    <cac:Item>
      <cbc:Name>Widget</cbc:Name>
      <cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>21</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>
    </cac:Item>
    <cac:Price>
      <cbc:PriceAmount currencyID="${cur}">25.00</cbc:PriceAmount>
      ${ins('PRICE')}
    </cac:Price>
  </cac:InvoiceLine>
  ${ins('LINES')}
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

function check(xml: string, set: RuleSet = PEPPOL_SET): ValidationReport {
  return validateWith(loadUbl(xml).root, set);
}

/** Ids reported (errors and warnings), sorted. */
function reported(xml: string, set: RuleSet = PEPPOL_SET): string[] {
  const r = check(xml, set);
  return [...new Set([...r.errors, ...r.warnings].map((i) => i.rule))].sort();
}

/** A deterministic pseudo-random generator (mulberry32), so generated cases are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function digits(random: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i += 1) s += String(Math.floor(random() * 10));
  return s;
}

describe('Peppol test template', () => {
  it('a clean invoice and credit note break no Peppol rule', () => {
    expect(check(invoiceXml()).errors).toEqual([]);
    expect(check(invoiceXml()).warnings).toEqual([]);
    expect(reported(invoiceXml({ creditNote: true }))).toEqual([]);
  });

  it('a clean self-billed invoice and credit note break no self-billing rule', () => {
    expect(reported(invoiceXml({ customizationId: SELF_BILLING_ID, profileId: SELF_BILLING_PROFILE, typeCode: '389' }), SELF_BILLING_SET)).toEqual([]);
    expect(reported(invoiceXml({ customizationId: SELF_BILLING_ID, profileId: SELF_BILLING_PROFILE, typeCode: '261', creditNote: true }), SELF_BILLING_SET)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Identifier checks
// ---------------------------------------------------------------------------------------------

/** Independent reference checks (textbook formulations, not the schematron's). */
const reference = {
  /** GS1: weights 3,1,3,… from the digit next to the check digit. */
  gs1(v: string): boolean {
    if (!/^[0-9]+$/.test(v)) return false;
    if (v.length === 13) return glnCheckOk(v);
    let sum = 0;
    for (let i = v.length - 2, w = 3; i >= 0; i -= 1, w = 4 - w) sum += Number(v[i]) * w;
    return (10 - (sum % 10)) % 10 === Number(v[v.length - 1]);
  },
  /** Norwegian organisation number: weights 3,2,7,6,5,4,3,2; remainder 1 (check 10) is never valid. */
  norway(v: string): boolean {
    if (!/^[0-9]{9}$/.test(v) || Number(v) === 0) return false;
    const w = [3, 2, 7, 6, 5, 4, 3, 2];
    const sum = w.reduce((s, x, i) => s + x * Number(v[i]), 0);
    const check = (11 - (sum % 11)) % 11;
    return check !== 10 && check === Number(v[8]);
  },
  /** Luhn over all ten digits. */
  sweden(v: string): boolean {
    if (!/^[0-9]{10}$/.test(v)) return false;
    let sum = 0;
    for (let i = 0; i < 10; i += 1) {
      let d = Number(v[9 - i]);
      if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    return sum % 10 === 0;
  },
  /** ABN: subtract 1 from the first digit, weights 10,1,3,…,19, divisible by 89. */
  abn(v: string): boolean {
    if (!/^[0-9]{11}$/.test(v)) return false;
    const w = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];
    return w.reduce((s, x, i) => s + x * (Number(v[i]) - (i === 0 ? 1 : 0)), 0) % 89 === 0;
  },
  /** Partita IVA: odd positions as is, even positions doubled (minus 9 above 9); total divisible by 10. */
  partitaIva(code: string): boolean {
    if (!/^[0-9]{11}$/.test(code)) return false;
    let sum = 0;
    for (let i = 0; i < 11; i += 1) {
      const d = Number(code[i]);
      sum += i % 2 === 0 ? d : d * 2 > 9 ? d * 2 - 9 : d * 2;
    }
    return sum % 10 === 0;
  },
};

type Placement = 'endpoint' | 'party-identification' | 'legal-entity';
const PLACEMENTS: readonly Placement[] = ['endpoint', 'party-identification', 'legal-entity'];

function withIdentifier(scheme: string, value: string, where: Placement): string {
  const id = (tag: string): string => `<${tag} schemeID="${scheme}">${value}</${tag}>`;
  if (where === 'endpoint') return invoiceXml({ replace: [['<cbc:EndpointID schemeID="0208">0000000196</cbc:EndpointID>', id('cbc:EndpointID')]] });
  if (where === 'party-identification') return invoiceXml({ insert: { SUPPLIER: `<cac:PartyIdentification>${id('cbc:ID')}</cac:PartyIdentification>` } });
  return invoiceXml({ replace: [['<cbc:RegistrationName>Seller NV</cbc:RegistrationName>', `<cbc:RegistrationName>Seller NV</cbc:RegistrationName>${id('cbc:CompanyID')}`]] });
}

function expectIdentifier(rule: string, scheme: string, value: string, ok: boolean, placements: readonly Placement[] = PLACEMENTS): void {
  for (const where of placements) {
    expect({ scheme, value, where, fires: reported(withIdentifier(scheme, value, where)).includes(rule) }).toEqual({ scheme, value, where, fires: !ok });
  }
}

/** Completes a number with the check digit (0..9) a predicate accepts, or null. */
function complete(body: string, ok: (v: string) => boolean): string | null {
  for (let d = 0; d <= 9; d += 1) if (ok(body + String(d))) return body + String(d);
  return null;
}

describe('PEPPOL-COMMON identifier checks (generated)', () => {
  const random = seeded(20265);

  it('R040 GLN (0088): GS1 check digit, any length of digits, in all three places', () => {
    for (let i = 0; i < 40; i += 1) {
      const valid = complete(digits(random, 12), reference.gs1)!;
      expectIdentifier('PEPPOL-COMMON-R040', '0088', valid, true, i < 5 ? PLACEMENTS : ['party-identification']);
      const wrong = valid.slice(0, 12) + String((Number(valid[12]) + 1 + Math.floor(random() * 9)) % 10);
      expectIdentifier('PEPPOL-COMMON-R040', '0088', wrong, false, ['party-identification']);
    }
    // Not only 13 digits: GTIN-8 and GTIN-14 style values follow the same rule.
    expectIdentifier('PEPPOL-COMMON-R040', '0088', '96385074', true, ['endpoint']);
    expectIdentifier('PEPPOL-COMMON-R040', '0088', complete('1234567890123', reference.gs1)!, true, ['endpoint']);
    for (const bad of ['541234500001A', '5412345-00001', '', 'GLN5412345000013']) expectIdentifier('PEPPOL-COMMON-R040', '0088', bad, false, ['party-identification']);
  });

  it('R041 Norwegian organisation number (0192): 9 digits, mod 11', () => {
    let valid = 0;
    for (let i = 0; i < 200; i += 1) {
      const v = digits(random, 9);
      const ok = reference.norway(v);
      if (ok) valid += 1;
      expectIdentifier('PEPPOL-COMMON-R041', '0192', v, ok, ['party-identification']);
    }
    for (let i = 0; i < 20; i += 1) {
      const v = complete(digits(random, 8), reference.norway);
      if (v) expectIdentifier('PEPPOL-COMMON-R041', '0192', v, true, ['legal-entity']);
    }
    expect(valid).toBeGreaterThan(0);
    for (const bad of ['97417859', '9741785901', 'NO974178595', '000000000']) expectIdentifier('PEPPOL-COMMON-R041', '0192', bad, false, ['endpoint']);
  });

  it('R043 Belgian enterprise number (0208): 10 digits, mod 97 (agrees with identifiers.ts)', () => {
    for (let i = 0; i < 150; i += 1) {
      const base = digits(random, 8);
      const check = String(97 - (Number(base) % 97)).padStart(2, '0');
      expectIdentifier('PEPPOL-COMMON-R043', '0208', base + check, true, ['party-identification']);
      const other = digits(random, 10);
      expectIdentifier('PEPPOL-COMMON-R043', '0208', other, beMod97Ok(other), ['party-identification']);
    }
    // 97 - (x mod 97) is 97 when x is a multiple of 97: the check digits are then "97".
    expectIdentifier('PEPPOL-COMMON-R043', '0208', '0000009797', true);
    for (const bad of ['BE0000000196', '000000196', '0000.000.196', '00000001966']) expectIdentifier('PEPPOL-COMMON-R043', '0208', bad, false);
  });

  it('R049 Swedish organisation number (0007): 10 digits, Luhn', () => {
    for (let i = 0; i < 150; i += 1) {
      const v = digits(random, 10);
      expectIdentifier('PEPPOL-COMMON-R049', '0007', v, reference.sweden(v), ['party-identification']);
      const good = complete(digits(random, 9), reference.sweden)!;
      expectIdentifier('PEPPOL-COMMON-R049', '0007', good, true, ['legal-entity']);
    }
    for (const bad of ['556036079', '556036-0793', 'SE5560360793', '55603607930']) expectIdentifier('PEPPOL-COMMON-R049', '0007', bad, false, ['endpoint']);
  });

  it('R050 Australian Business Number (0151): 11 digits, mod 89', () => {
    let found = 0;
    for (let i = 0; i < 60; i += 1) {
      const body = digits(random, 9);
      for (let tail = 0; tail < 100; tail += 1) {
        const v = body + String(tail).padStart(2, '0');
        if (!reference.abn(v)) continue;
        expectIdentifier('PEPPOL-COMMON-R050', '0151', v, true, ['party-identification']);
        found += 1;
        break;
      }
      const v = digits(random, 11);
      expectIdentifier('PEPPOL-COMMON-R050', '0151', v, reference.abn(v), ['party-identification']);
    }
    expect(found).toBeGreaterThan(10);
    expectIdentifier('PEPPOL-COMMON-R050', '0151', '51824753556', true);
    expectIdentifier('PEPPOL-COMMON-R050', '0151', '51 824 753 556', false, ['endpoint']);
  });

  it('R042 / R052 / R053 Danish numbers (0184, 0096, 0198): lengths and digits', () => {
    for (const [v, ok] of [['12345678', true], ['DK12345678', true], ['1234567', false], ['DK1234567A', false], ['dk12345678', false], ['123456789', false]] as const) {
      expectIdentifier('PEPPOL-COMMON-R042', '0184', v, ok);
    }
    for (const [v, ok] of [['1234567890', true], ['123456789', false], ['12345678901', false], ['DK12345678', false]] as const) expectIdentifier('PEPPOL-COMMON-R052', '0096', v, ok);
    for (const [v, ok] of [['DK12345678', true], ['12345678', false], ['DK1234567', false], ['SE12345678', false]] as const) expectIdentifier('PEPPOL-COMMON-R053', '0198', v, ok);
  });

  it('R044 / R045 / R046 / R047 Italian codes are warnings', () => {
    for (const [v, ok] of [['UFABCD', true], ['ufa1b2', true], ['UFABC', false], ['UFA-CD', false], ['UFABCDE', false]] as const) expectIdentifier('PEPPOL-COMMON-R044', '0201', v, ok);
    for (const [v, ok] of [['RSSMRA85T10A562S', true], ['12345678901', true], ['RSSMRA85T10A56', false], ['RSSMRAXXT10A562S', false], ['1234567890A', false]] as const) {
      expectIdentifier('PEPPOL-COMMON-R045', '0210', v, ok);
      expectIdentifier('PEPPOL-COMMON-R046', '9907', v, ok, ['endpoint']);
    }
    // R046 looks at electronic addresses only.
    expectIdentifier('PEPPOL-COMMON-R046', '9907', 'not-a-code', true, ['party-identification', 'legal-entity']);
    for (let i = 0; i < 100; i += 1) {
      const code = digits(random, 11);
      expectIdentifier('PEPPOL-COMMON-R047', '0211', `IT${code}`, reference.partitaIva(code), ['party-identification']);
    }
    for (const [v, ok] of [['IT0123456789', false], ['IT123456789012', false], ['DE123456789', true], ['it' + complete('0074311015', reference.partitaIva)!, true]] as const) expectIdentifier('PEPPOL-COMMON-R047', '0211', v, ok);
    const r = check(withIdentifier('0201', 'bad', 'endpoint'));
    expect(r.warnings.map((w) => w.rule)).toContain('PEPPOL-COMMON-R044');
    expect(r.errors.map((e) => e.rule)).not.toContain('PEPPOL-COMMON-R044');
  });

  it('R054..R057 Dutch identifiers are warnings', () => {
    for (const [rule, scheme, good, bad] of [
      ['PEPPOL-COMMON-R054', '0106', '12345678', '1234567'],
      ['PEPPOL-COMMON-R055', '0190', '00000001234567890000', '0000000123456789000'],
      ['PEPPOL-COMMON-R056-1', '9944', 'NL123456789B01', 'NL123456789B1'],
      ['PEPPOL-COMMON-R057', '0217', '123456789012', '12345678901'],
    ] as const) {
      expectIdentifier(rule, scheme, good, true);
      expectIdentifier(rule, scheme, bad, false);
      expect(check(withIdentifier(scheme, bad, 'endpoint')).errors.map((e) => e.rule)).not.toContain(rule);
    }
  });

  it('R056-2 checks a VAT identifier starting with NL, unless an earlier identifier rule took the element', () => {
    const vat = (companyId: string, scheme = 'VAT'): string =>
      invoiceXml({ insert: { SUPPLIER: `<cac:PartyTaxScheme>${companyId}<cac:TaxScheme><cbc:ID>${scheme}</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>` } });
    expect(reported(vat('<cbc:CompanyID>NL123456789B01</cbc:CompanyID>'))).toEqual([]);
    expect(reported(vat('<cbc:CompanyID>NL1234.56.789.B01</cbc:CompanyID>'))).toEqual(['PEPPOL-COMMON-R056-2']);
    expect(reported(vat('<cbc:CompanyID>NL1234.56.789.B01</cbc:CompanyID>', 'TAX'))).toEqual([]);
    expect(reported(vat('<cbc:CompanyID>BE0000000196</cbc:CompanyID>'))).toEqual([]);
    // First matching rule of the pattern: a scheme 0088 CompanyID is checked as a GLN, not as a Dutch VAT number.
    expect(reported(vat('<cbc:CompanyID schemeID="0088">NL123</cbc:CompanyID>'))).toEqual(['PEPPOL-COMMON-R040']);
    // A scheme listed after R056-2 (0217) does not shield it.
    expect(reported(vat('<cbc:CompanyID schemeID="0217">NL123</cbc:CompanyID>'))).toEqual(['PEPPOL-COMMON-R056-2']);
  });
});

// ---------------------------------------------------------------------------------------------
// Type codes and code lists
// ---------------------------------------------------------------------------------------------

describe('type codes (P0100, P0101, P0112)', () => {
  const INVOICE_CODES = '71 80 82 84 102 218 219 326 331 380 382 383 384 386 388 393 395 553 575 623 780 817 870 875 876 877'.split(' ');

  it('P0100: every invoice type code of the billing profile passes; others fail, also for profile 02', () => {
    for (const code of INVOICE_CODES) expect({ code, r: reported(invoiceXml({ typeCode: code })).includes('PEPPOL-EN16931-P0100') }).toEqual({ code, r: false });
    for (const code of ['389', '381', '261', '527', '1', '3800', 'XYZ']) {
      expect({ code, r: reported(invoiceXml({ typeCode: code })).includes('PEPPOL-EN16931-P0100') }).toEqual({ code, r: true });
      expect(reported(invoiceXml({ typeCode: code, profileId: 'urn:peppol:bis:billing_with_response' }))).toContain('PEPPOL-EN16931-P0100');
    }
  });

  it('P0100 / P0101 do not apply to an unknown profile (R007 reports that instead)', () => {
    expect(reported(invoiceXml({ typeCode: '389', profileId: 'urn:example:other' }))).toEqual(['PEPPOL-EN16931-R007']);
    expect(reported(invoiceXml({ typeCode: '389', profileId: null }))).toEqual(['PEPPOL-EN16931-R001', 'PEPPOL-EN16931-R007']);
  });

  it('P0112: 326 and 384 only between German parties', () => {
    for (const code of ['326', '384']) {
      expect(reported(invoiceXml({ typeCode: code }))).toEqual(['PEPPOL-EN16931-P0112']);
      expect(reported(invoiceXml({ typeCode: code, supplierCountry: 'DE' }))).toContain('PEPPOL-EN16931-P0112');
      expect(reported(invoiceXml({ typeCode: code, supplierCountry: 'DE', customerCountry: 'DE' }))).not.toContain('PEPPOL-EN16931-P0112');
    }
  });

  it('P0101: credit note type codes 381 396 81 83 532', () => {
    for (const code of ['381', '396', '81', '83', '532']) expect(reported(invoiceXml({ creditNote: true, typeCode: code }))).toEqual([]);
    for (const code of ['380', '261', '389']) expect(reported(invoiceXml({ creditNote: true, typeCode: code }))).toEqual(['PEPPOL-EN16931-P0101']);
  });
});

describe('code lists and formats', () => {
  const attachment = (mime: string | null): string =>
    invoiceXml({
      insert: {
        HEADER: `<cac:AdditionalDocumentReference><cbc:ID>A1</cbc:ID><cac:Attachment><cbc:EmbeddedDocumentBinaryObject${mime === null ? '' : ` mimeCode="${mime}"`} filename="a">QUJD</cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference>`,
      },
    });

  it('CL001 attachment MIME codes', () => {
    for (const mime of ['application/pdf', 'image/png', 'image/jpeg', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/vnd.oasis.opendocument.spreadsheet']) {
      expect(reported(attachment(mime))).toEqual([]);
    }
    for (const mime of ['application/xml', 'text/plain', 'APPLICATION/PDF', 'pdf']) expect(reported(attachment(mime))).toEqual(['PEPPOL-EN16931-CL001']);
    expect(reported(attachment(null))).toEqual([]);
  });

  const docAllowance = (indicator: string, reason: string): string =>
    invoiceXml({
      insert: { DOC_ALLOWANCE: `<cac:AllowanceCharge><cbc:ChargeIndicator>${indicator}</cbc:ChargeIndicator><cbc:AllowanceChargeReasonCode>${reason}</cbc:AllowanceChargeReasonCode><cbc:Amount currencyID="EUR">0</cbc:Amount></cac:AllowanceCharge>` },
    });

  it('CL002 / CL003 allowance and charge reason codes', () => {
    for (const code of ['41', '95', '100', '105']) expect(reported(docAllowance('false', code))).toEqual([]);
    for (const code of ['ZZZ', 'FC', '1']) expect(reported(docAllowance('false', code))).toEqual(['PEPPOL-EN16931-CL002']);
    for (const code of ['FC', 'ZZZ', 'AA', 'ABK']) expect(reported(docAllowance('true', code))).toEqual([]);
    for (const code of ['95', 'XX']) expect(reported(docAllowance('true', code))).toEqual(['PEPPOL-EN16931-CL003']);
    // An indicator that is neither: R043 only (no code list applies).
    expect(reported(docAllowance('yes', '95'))).toEqual(['PEPPOL-EN16931-R043']);
  });

  it('CL006 VAT point date code, CL007 currencies, CL008 electronic address schemes', () => {
    const period = (code: string): string => invoiceXml({ insert: { HEADER: `<cac:InvoicePeriod><cbc:DescriptionCode>${code}</cbc:DescriptionCode></cac:InvoicePeriod>` } });
    for (const code of ['3', '35', '432']) expect(reported(period(code))).toEqual([]);
    expect(reported(period('1'))).toEqual(['PEPPOL-EN16931-CL006']);

    expect(reported(invoiceXml({ currency: 'SEK' }))).toEqual([]);
    expect(reported(invoiceXml({ currency: 'EURO' }))).toEqual(['PEPPOL-EN16931-CL007']);
    expect(reported(invoiceXml({ replace: [['<cbc:TaxableAmount currencyID="EUR">', '<cbc:TaxableAmount>']] }))).toEqual(['PEPPOL-EN16931-CL007', 'PEPPOL-EN16931-R051']);

    const endpoint = (scheme: string): string => invoiceXml({ replace: [['<cbc:EndpointID schemeID="0208">0000000295</cbc:EndpointID>', `<cbc:EndpointID schemeID="${scheme}">X1</cbc:EndpointID>`]] });
    for (const scheme of ['9925', '0106', '9944', '0190']) expect(reported(endpoint(scheme)).includes('PEPPOL-EN16931-CL008')).toBe(false);
    for (const scheme of ['0193', '9999', '208', 'BE:VAT']) expect(reported(endpoint(scheme))).toContain('PEPPOL-EN16931-CL008');
  });

  it('P0104..P0111 exemption reason codes require their VAT category', () => {
    const exempt = (reason: string, category: string): string[] =>
      reported(invoiceXml({ replace: [['<cbc:ID>S</cbc:ID><cbc:Percent>21</cbc:Percent><cac:TaxScheme>', `<cbc:ID>${category}</cbc:ID><cbc:Percent>21</cbc:Percent><cbc:TaxExemptionReasonCode>${reason}</cbc:TaxExemptionReasonCode><cac:TaxScheme>`]] }));
    const cases = [
      ['PEPPOL-EN16931-P0104', 'VATEX-EU-G', 'G'],
      ['PEPPOL-EN16931-P0105', 'VATEX-EU-O', 'O'],
      ['PEPPOL-EN16931-P0106', 'VATEX-EU-IC', 'K'],
      ['PEPPOL-EN16931-P0107', 'VATEX-EU-AE', 'AE'],
      ['PEPPOL-EN16931-P0108', 'VATEX-EU-D', 'E'],
      ['PEPPOL-EN16931-P0109', 'VATEX-EU-F', 'E'],
      ['PEPPOL-EN16931-P0110', 'VATEX-EU-I', 'E'],
      ['PEPPOL-EN16931-P0111', 'VATEX-EU-J', 'E'],
    ] as const;
    for (const [rule, reason, category] of cases) {
      expect(exempt(reason, category)).toEqual([]);
      expect(exempt(reason, 'S')).toEqual([rule]);
      expect(exempt(reason.toLowerCase(), 'S')).toEqual([rule]);
    }
    expect(exempt('VATEX-EU-79-C', 'S')).toEqual([]);
  });

  it('F001 dates are YYYY-MM-DD and real dates', () => {
    const issued = (date: string): string[] => reported(invoiceXml({ replace: [['<cbc:IssueDate>2026-01-15</cbc:IssueDate>', `<cbc:IssueDate>${date}</cbc:IssueDate>`]] }));
    for (const ok of ['2024-02-29', '2026-12-31', '1999-01-01']) expect(issued(ok)).toEqual([]);
    for (const bad of ['2026-02-29', '2026-13-01', '2026-1-15', '15-01-2026', '20260115', '2026-01-15Z', '2026-01-15+01:00', '2026-04-31']) expect({ bad, r: issued(bad) }).toEqual({ bad, r: ['PEPPOL-EN16931-F001'] });
  });
});

// ---------------------------------------------------------------------------------------------
// Amounts: exact decimals, slack, rounding
// ---------------------------------------------------------------------------------------------

describe('allowances, charges and line amounts (exact decimals)', () => {
  const docAc = (inner: string): string => invoiceXml({ insert: { DOC_ALLOWANCE: `<cac:AllowanceCharge>${inner}</cac:AllowanceCharge>` } });
  const pct = (base: string, percent: string, amount: string, indicator = 'false'): string =>
    docAc(`<cbc:ChargeIndicator>${indicator}</cbc:ChargeIndicator><cbc:MultiplierFactorNumeric>${percent}</cbc:MultiplierFactorNumeric><cbc:Amount currencyID="EUR">${amount}</cbc:Amount><cbc:BaseAmount currencyID="EUR">${base}</cbc:BaseAmount>`);

  it('R040: amount = base × percentage / 100 within 0.02, computed exactly', () => {
    for (const amount of ['100', '99.98', '100.02', '100.0200']) expect({ amount, r: reported(pct('50', '200', amount)) }).toEqual({ amount, r: [] });
    for (const amount of ['99.97', '100.021', '100.0201', '0']) expect({ amount, r: reported(pct('50', '200', amount)) }).toEqual({ amount, r: ['PEPPOL-EN16931-R040'] });
    // 0.1 × 0.3 style values that binary floating point gets wrong at the boundary.
    expect(reported(pct('0.3', '10', '0.05'))).toEqual([]); // 0.03 + 0.02
    expect(reported(pct('0.3', '10', '0.0500001'))).toEqual(['PEPPOL-EN16931-R040']);
    expect(reported(pct('1234567890.13', '33.3333', '411522218.54'))).toEqual([]);
    expect(reported(pct('1234567890.13', '33.3333', '411522218.5408'))).toEqual(['PEPPOL-EN16931-R040']);
    expect(reported(pct('-200', '2.5', '-5.02'))).toEqual([]);
    expect(reported(pct('-200', '2.5', '-5.03'))).toEqual(['PEPPOL-EN16931-R040']);
  });

  it('R041 / R042: percentage without base amount and base amount without percentage; first matching rule only', () => {
    expect(reported(docAc('<cbc:ChargeIndicator>false</cbc:ChargeIndicator><cbc:MultiplierFactorNumeric>10</cbc:MultiplierFactorNumeric><cbc:Amount currencyID="EUR">1</cbc:Amount>'))).toEqual(['PEPPOL-EN16931-R041']);
    expect(reported(docAc('<cbc:ChargeIndicator>false</cbc:ChargeIndicator><cbc:Amount currencyID="EUR">1</cbc:Amount><cbc:BaseAmount currencyID="EUR">10</cbc:BaseAmount>'))).toEqual(['PEPPOL-EN16931-R042']);
    // The allowance is handled by R041, so R043 does not look at its (missing) indicator.
    expect(reported(docAc('<cbc:MultiplierFactorNumeric>10</cbc:MultiplierFactorNumeric><cbc:Amount currencyID="EUR">1</cbc:Amount>'))).toEqual(['PEPPOL-EN16931-R041']);
    expect(reported(docAc('<cbc:Amount currencyID="EUR">1</cbc:Amount>'))).toEqual(['PEPPOL-EN16931-R043']);
    expect(reported(docAc('<cbc:ChargeIndicator>TRUE</cbc:ChargeIndicator><cbc:Amount currencyID="EUR">1</cbc:Amount>'))).toEqual(['PEPPOL-EN16931-R043']);
  });

  const line = (quantity: string, net: string, price: string, extra = '', priceExtra = ''): string =>
    invoiceXml({
      insert: { LINE: extra, PRICE: priceExtra },
      replace: [
        [
          '<cbc:InvoicedQuantity unitCode="C62">4</cbc:InvoicedQuantity>\n    <cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>',
          `<cbc:InvoicedQuantity unitCode="C62">${quantity}</cbc:InvoicedQuantity><cbc:LineExtensionAmount currencyID="EUR">${net}</cbc:LineExtensionAmount>`,
        ],
        ['<cbc:PriceAmount currencyID="EUR">25.00</cbc:PriceAmount>', `<cbc:PriceAmount currencyID="EUR">${price}</cbc:PriceAmount>`],
      ],
    });
  const lineAc = (indicator: string, amount: string): string => `<cac:AllowanceCharge><cbc:ChargeIndicator>${indicator}</cbc:ChargeIndicator><cbc:Amount currencyID="EUR">${amount}</cbc:Amount></cac:AllowanceCharge>`;
  const r120 = (xml: string): boolean => reported(xml).includes('PEPPOL-EN16931-R120');

  it('R120: net = quantity × price / base quantity + charges − allowances, within 0.02', () => {
    expect(r120(line('4', '100.00', '25.00'))).toBe(false);
    expect(r120(line('4', '100.02', '25.00'))).toBe(false);
    expect(r120(line('4', '100.03', '25.00'))).toBe(true);
    expect(r120(line('3', '100.00', '33.333333'))).toBe(false);
    // price / base quantity does not terminate: 10 / 3 × 1 = 3.333…
    expect(r120(line('1', '3.33', '10', '', '<cbc:BaseQuantity unitCode="C62">3</cbc:BaseQuantity>'))).toBe(false);
    expect(r120(line('1', '3.36', '10', '', '<cbc:BaseQuantity unitCode="C62">3</cbc:BaseQuantity>'))).toBe(true);
    expect(r120(line('1', '3.3533', '10', '', '<cbc:BaseQuantity unitCode="C62">3</cbc:BaseQuantity>'))).toBe(false);
    expect(r120(line('1', '3.3534', '10', '', '<cbc:BaseQuantity unitCode="C62">3</cbc:BaseQuantity>'))).toBe(true);
    // A base quantity of 0 counts as 1 for R120 (R121 reports it).
    expect(reported(line('4', '100.00', '25.00', '', '<cbc:BaseQuantity unitCode="C62">0</cbc:BaseQuantity>'))).toEqual(['PEPPOL-EN16931-R121']);
    // Charges and allowances on the line.
    expect(r120(line('4', '105.00', '25.00', lineAc('true', '10') + lineAc('false', '5')))).toBe(false);
    expect(r120(line('4', '95.00', '25.00', lineAc('true', '10') + lineAc('false', '5')))).toBe(true);
  });

  it('R120 rounds the line allowance and charge sums to cents like XPath round() (halves up, towards +∞)', () => {
    // allowance 0.025 → round(2.5) = 3 → 0.03: expected 9.97, so 9.95 is within 0.02 (not with 0.025 or 0.02).
    expect(r120(line('1', '9.95', '10', lineAc('false', '0.025')))).toBe(false);
    expect(r120(line('1', '9.94', '10', lineAc('false', '0.025')))).toBe(true);
    // allowance −0.025 → round(−2.5) = −2 → −0.02: expected 10.02; 10.00 passes (it would not with −0.03).
    expect(r120(line('1', '10.00', '10', lineAc('false', '-0.025')))).toBe(false);
    expect(r120(line('1', '9.99', '10', lineAc('false', '-0.025')))).toBe(true);
    // Several allowances are summed before rounding: 0.004 + 0.004 = 0.008 → 0.01.
    expect(r120(line('1', '10.01', '10', lineAc('false', '0.004') + lineAc('false', '0.004')))).toBe(false);
    expect(r120(line('1', '10.02', '10', lineAc('false', '0.004') + lineAc('false', '0.004')))).toBe(true);
  });

  it('R120 / R121 / R130 on credit notes use the credited quantity', () => {
    const cn = invoiceXml({ creditNote: true, replace: [['<cbc:PriceAmount currencyID="EUR">25.00</cbc:PriceAmount>', '<cbc:PriceAmount currencyID="EUR">20.00</cbc:PriceAmount>']] });
    expect(reported(cn)).toEqual(['PEPPOL-EN16931-R120']);
    const unit = invoiceXml({ creditNote: true, insert: { PRICE: '<cbc:BaseQuantity unitCode="KGM">1</cbc:BaseQuantity>' } });
    expect(reported(unit)).toEqual(['PEPPOL-EN16931-R130']);
    const negative = invoiceXml({ insert: { PRICE: '<cbc:BaseQuantity unitCode="C62">-1</cbc:BaseQuantity>' } });
    expect(reported(negative)).toEqual(['PEPPOL-EN16931-R120', 'PEPPOL-EN16931-R121']);
  });

  it('R044 / R046: price discounts', () => {
    const priceAc = (indicator: string, amount: string | null, gross: string | null, net = '25.00'): string[] =>
      reported(
        invoiceXml({
          replace: [['<cbc:PriceAmount currencyID="EUR">25.00</cbc:PriceAmount>', `<cbc:PriceAmount currencyID="EUR">${net}</cbc:PriceAmount>`]],
          insert: {
            PRICE: `<cac:AllowanceCharge><cbc:ChargeIndicator>${indicator}</cbc:ChargeIndicator>${amount === null ? '' : `<cbc:Amount currencyID="EUR">${amount}</cbc:Amount>`}${gross === null ? '' : `<cbc:BaseAmount currencyID="EUR">${gross}</cbc:BaseAmount>`}</cac:AllowanceCharge>`,
          },
        }),
      );
    expect(priceAc('false', '5', '30')).toEqual([]);
    expect(priceAc('false', '5.00', '30.000')).toEqual([]);
    expect(priceAc('false', '5', '30.001')).toEqual(['PEPPOL-EN16931-R046']);
    expect(priceAc('false', null, '30')).toEqual(['PEPPOL-EN16931-R046']);
    expect(priceAc('false', '5', null)).toEqual([]);
    expect(priceAc('true', '5', '30')).toEqual(['PEPPOL-EN16931-R044']);
  });

  it('R051 / R053 / R054 / R055 / R005: currencies and VAT totals', () => {
    const accounting = (amount: string, currency = 'SEK'): string =>
      invoiceXml({ insert: { HEADER: `<cbc:TaxCurrencyCode>${currency}</cbc:TaxCurrencyCode>`, TAX_TOTAL: `<cac:TaxTotal><cbc:TaxAmount currencyID="${currency}">${amount}</cbc:TaxAmount></cac:TaxTotal>` } });
    expect(reported(accounting('230.10'))).toEqual([]);
    expect(reported(accounting('0'))).toEqual([]);
    expect(reported(accounting('-230.10'))).toEqual(['PEPPOL-EN16931-R055']);
    expect(reported(accounting('21.00', 'EUR'))).toEqual(['PEPPOL-EN16931-R005']);
    // Without the VAT total in SEK: R054 (count) and R055 (no SEK amount to compare signs with).
    expect(reported(invoiceXml({ insert: { HEADER: '<cbc:TaxCurrencyCode>SEK</cbc:TaxCurrencyCode>' } }))).toEqual(['PEPPOL-EN16931-R054', 'PEPPOL-EN16931-R055']);
    const subtotalInUsd = invoiceXml().replace(/(<cbc:TaxableAmount currencyID="EUR">100.00<\/cbc:TaxableAmount>\s*)<cbc:TaxAmount currencyID="EUR">/, '$1<cbc:TaxAmount currencyID="USD">');
    expect(reported(subtotalInUsd)).toEqual(['PEPPOL-EN16931-R051']);
    // The self-billing artefact does not look at the subtotal tax amounts.
    expect(reported(subtotalInUsd.replace(BILLING_ID, SELF_BILLING_ID).replace(BILLING_PROFILE, SELF_BILLING_PROFILE).replace('>380<', '>389<'), SELF_BILLING_SET)).toEqual([]);
  });

  it('R110 / R111: line periods within the invoice period', () => {
    const periods = (lineStart: string, lineEnd: string): string[] =>
      reported(
        invoiceXml({
          insert: {
            HEADER: '<cac:InvoicePeriod><cbc:StartDate>2026-01-01</cbc:StartDate><cbc:EndDate>2026-01-31</cbc:EndDate></cac:InvoicePeriod>',
            LINE: `<cac:InvoicePeriod><cbc:StartDate>${lineStart}</cbc:StartDate><cbc:EndDate>${lineEnd}</cbc:EndDate></cac:InvoicePeriod>`,
          },
        }),
      );
    expect(periods('2026-01-01', '2026-01-31')).toEqual([]);
    expect(periods('2025-12-31', '2026-01-31')).toEqual(['PEPPOL-EN16931-R110']);
    expect(periods('2026-01-01', '2026-02-01')).toEqual(['PEPPOL-EN16931-R111']);
  });

  it('document level: R001..R004, R008, R010, R020, R061, R080, R100, R101', () => {
    expect(reported(invoiceXml({ customizationId: `${BILLING_ID}::extra` }))).toEqual(['PEPPOL-EN16931-R004']);
    expect(reported(invoiceXml({ customizationId: `${BILLING_ID}#conformant#urn:example:extension` }))).toEqual([]);
    expect(reported(invoiceXml({ customizationId: 'urn:cen.eu:en16931:2017' }))).toEqual(['PEPPOL-EN16931-R004']);
    expect(reported(invoiceXml({ insert: { HEADER: '<cbc:Note>a</cbc:Note><cbc:Note>b</cbc:Note>' } }))).toEqual(['PEPPOL-EN16931-R002']);
    expect(reported(invoiceXml({ insert: { HEADER: '<cbc:Note>a</cbc:Note><cbc:Note>b</cbc:Note>' }, supplierCountry: 'DE', customerCountry: 'DE' }))).not.toContain('PEPPOL-EN16931-R002');
    expect(reported(invoiceXml({ replace: [['<cbc:BuyerReference>PO-7</cbc:BuyerReference>', '<cac:OrderReference><cbc:ID>O-1</cbc:ID></cac:OrderReference>']] }))).toEqual([]);
    expect(reported(invoiceXml({ replace: [['<cbc:BuyerReference>PO-7</cbc:BuyerReference>', '']] }))).toEqual(['PEPPOL-EN16931-R003']);
    expect(reported(invoiceXml({ insert: { HEADER: '<cbc:AccountingCost> </cbc:AccountingCost>' } }))).toEqual(['PEPPOL-EN16931-R008']);
    expect(reported(invoiceXml({ replace: [['<cbc:EndpointID schemeID="0208">0000000295</cbc:EndpointID>', '']] }))).toEqual(['PEPPOL-EN16931-R010']);
    expect(reported(invoiceXml({ replace: [['<cbc:EndpointID schemeID="0208">0000000196</cbc:EndpointID>', '']] }))).toEqual(['PEPPOL-EN16931-R020']);
    expect(reported(invoiceXml({ insert: { PAYMENT: '<cac:PaymentMeans><cbc:PaymentMeansCode>59</cbc:PaymentMeansCode></cac:PaymentMeans>' } }))).toEqual(['PEPPOL-EN16931-R061']);
    expect(reported(invoiceXml({ insert: { PAYMENT: '<cac:PaymentMeans><cbc:PaymentMeansCode>49</cbc:PaymentMeansCode><cac:PaymentMandate><cbc:ID>M1</cbc:ID></cac:PaymentMandate></cac:PaymentMeans>' } }))).toEqual([]);
    const project = '<cac:AdditionalDocumentReference><cbc:ID>P</cbc:ID><cbc:DocumentTypeCode>50</cbc:DocumentTypeCode></cac:AdditionalDocumentReference>';
    expect(reported(invoiceXml({ creditNote: true, insert: { HEADER: project + project } }))).toEqual(['PEPPOL-EN16931-R080']);
    expect(reported(invoiceXml({ insert: { HEADER: project + project } }))).toEqual([]);
    const ref = (code: string): string => `<cac:DocumentReference><cbc:ID>R</cbc:ID><cbc:DocumentTypeCode>${code}</cbc:DocumentTypeCode></cac:DocumentReference>`;
    expect(reported(invoiceXml({ insert: { LINE: ref('130') } }))).toEqual([]);
    expect(reported(invoiceXml({ insert: { LINE: ref('50') } }))).toEqual(['PEPPOL-EN16931-R101']);
    expect(reported(invoiceXml({ insert: { LINE: ref('130') + ref('130') } }))).toEqual(['PEPPOL-EN16931-R100']);
  });

  it('messages are plain language with the values compared, and point at the element', () => {
    const r = check(pct('50', '200', '99.97'));
    expect(r.errors).toEqual([
      {
        rule: 'PEPPOL-EN16931-R040',
        severity: 'fatal',
        message: expect.stringMatching(/base amount × percentage \/ 100.*\(amount 99\.97, base 50 × 200% = 100(\.00)?\)/),
        path: '/Invoice/cac:AllowanceCharge/cbc:Amount',
      },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// National rules (a representative case per country) and the self-billing differences
// ---------------------------------------------------------------------------------------------

describe('national rules of the billing artefact', () => {
  const legal = (id: string): [string, string] => ['<cbc:RegistrationName>Seller NV</cbc:RegistrationName>', `<cbc:RegistrationName>Seller NV</cbc:RegistrationName>${id}`];

  it('NL-R-*: Dutch seller', () => {
    const nl = (o: InvoiceOptions = {}): string[] => reported(invoiceXml({ supplierCountry: 'NL', ...o })).filter((id) => id.startsWith('NL-R-'));
    expect(nl()).toEqual([]);
    expect(nl({ replace: [legal('<cbc:CompanyID schemeID="0208">0000000196</cbc:CompanyID>')] })).toEqual(['NL-R-003']);
    expect(nl({ replace: [legal('<cbc:CompanyID schemeID="0106">12345678</cbc:CompanyID>')] })).toEqual([]);
    expect(nl({ replace: [['<cbc:CityName>Bruxelles</cbc:CityName>', '']] })).toEqual(['NL-R-002']);
    expect(nl({ customerCountry: 'NL', replace: [['<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>', '<cbc:PaymentMeansCode>31</cbc:PaymentMeansCode>']] })).toEqual(['NL-R-008']);
    expect(nl({ replace: [[/<cac:PaymentMeans>[\s\S]*?<\/cac:PaymentMeans>/, '']] })).toEqual(['NL-R-007']);
    expect(nl({ creditNote: true })).toEqual(['NL-R-001']);
  });

  it('SE-R-*, NO-R-*, DK-R-*, IT-R-*, IS-R-*, GR-R-* and DE-R-* only for their countries', () => {
    const seller = (vat: string): string => `<cac:PartyTaxScheme><cbc:CompanyID>${vat}</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>`;
    const se = (org: string, rate = '25'): string[] =>
      reported(invoiceXml({ supplierCountry: 'SE', insert: { SUPPLIER: seller('SE556036079301') }, replace: [legal(`<cbc:CompanyID>${org}</cbc:CompanyID>`)] }).replaceAll('<cbc:Percent>21</cbc:Percent>', `<cbc:Percent>${rate}</cbc:Percent>`));
    expect(se('5560360793')).toEqual([]);
    expect(se('5560360794')).toEqual(['SE-R-013']);
    expect(se('556036079')).toEqual(['SE-R-004', 'SE-R-013']);
    expect(se('5560360793', '21')).toEqual(['SE-R-006']);
    expect(reported(invoiceXml({ replace: [legal('<cbc:CompanyID>5560360794</cbc:CompanyID>')] }))).toEqual([]);

    const no = (vat: string): string[] => reported(invoiceXml({ insert: { SUPPLIER: seller(vat) + '<cac:PartyTaxScheme><cbc:CompanyID>Foretaksregisteret</cbc:CompanyID><cac:TaxScheme><cbc:ID>TAX</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>' } }));
    expect(no('NO974760673MVA')).toEqual([]);
    expect(no('NO974760674MVA')).toEqual(['NO-R-001']);
    expect(reported(invoiceXml({ insert: { SUPPLIER: seller('NO974760673MVA') } }))).toEqual(['NO-R-002']);

    // Payment means 30 is not on the Danish list (DK-R-005).
    expect(reported(invoiceXml({ supplierCountry: 'DK', customerCountry: 'DK' }))).toEqual(['DK-R-002', 'DK-R-005']);
    expect(reported(invoiceXml({ supplierCountry: 'DK', replace: [legal('<cbc:CompanyID schemeID="0208">0000000196</cbc:CompanyID>')] }))).toEqual(['DK-R-014']);
    expect(reported(invoiceXml({ supplierCountry: 'DK', customerCountry: 'DK', replace: [legal('<cbc:CompanyID schemeID="0184">12345678</cbc:CompanyID>')] }))).toEqual(['DK-R-005']);

    expect(reported(invoiceXml({ insert: { SUPPLIER: seller('IT12345678901') }, replace: [['<cbc:PostalZone>1000</cbc:PostalZone>', '']] }))).toEqual(['IT-R-004']);
    expect(reported(invoiceXml({ supplierCountry: 'IS' }))).toEqual(['IS-R-002']);
    expect(reported(invoiceXml({ supplierCountry: 'IS', typeCode: '383' }))).toEqual(['IS-R-001', 'IS-R-002']);
    expect(reported(invoiceXml({ supplierCountry: 'GR' }))).toContain('GR-R-001-1');
    expect(reported(invoiceXml({ supplierCountry: 'DE' }))).toEqual([]);
    expect(reported(invoiceXml({ supplierCountry: 'DE', customerCountry: 'DE' }))).toEqual(['DE-R-002', 'DE-R-016']);
  });
});

describe('the self-billing module', () => {
  const sb = (o: InvoiceOptions = {}): string[] => reported(invoiceXml({ customizationId: SELF_BILLING_ID, profileId: SELF_BILLING_PROFILE, typeCode: '389', ...o }), SELF_BILLING_SET);

  it('checks the self-billing specification and profile identifiers', () => {
    expect(sb({ customizationId: BILLING_ID })).toEqual(['PEPPOL-EN16931-R004']);
    expect(sb({ profileId: BILLING_PROFILE })).toEqual(['PEPPOL-EN16931-R007']);
    expect(reported(invoiceXml({ customizationId: SELF_BILLING_ID, profileId: SELF_BILLING_PROFILE, typeCode: '389' }))).toEqual(['PEPPOL-EN16931-R004', 'PEPPOL-EN16931-R007']);
  });

  it('allows invoice types 389 and 527 and credit note type 261 only', () => {
    expect(sb({ typeCode: '527' })).toEqual([]);
    expect(sb({ typeCode: '380' })).toEqual(['PEPPOL-EN16931-P0100']);
    expect(sb({ typeCode: '384' })).toEqual(['PEPPOL-EN16931-P0100']);
    expect(sb({ creditNote: true, typeCode: '261' })).toEqual([]);
    expect(sb({ creditNote: true, typeCode: '381' })).toEqual(['PEPPOL-EN16931-P0101']);
    // Profile 02 is not "01": the self-billing artefact does not restrict its type codes.
    expect(sb({ typeCode: '380', profileId: 'urn:peppol:bis:billing_with_response' })).toEqual([]);
  });

  it('has no national rules and no P0112', () => {
    expect(sb({ supplierCountry: 'NL', customerCountry: 'NL', creditNote: true, typeCode: '261' })).toEqual([]);
    expect(sb({ supplierCountry: 'DE', customerCountry: 'DE' })).toEqual([]);
    const ids = new Set(peppolSelfBillingRules.rules.map((r) => r.id));
    expect(ids.has('PEPPOL-EN16931-P0112')).toBe(false);
    expect([...ids].some((id) => /^(NL|DE|DK|NO|SE|IT|IS|GR)-/.test(id))).toBe(false);
  });

  it('shares the identifier and amount rules', () => {
    expect(sb({ replace: [['<cbc:EndpointID schemeID="0208">0000000196</cbc:EndpointID>', '<cbc:EndpointID schemeID="0208">0000000197</cbc:EndpointID>']] })).toEqual(['PEPPOL-COMMON-R043']);
    expect(sb({ replace: [['<cbc:InvoicedQuantity unitCode="C62">4</cbc:InvoicedQuantity>', '<cbc:InvoicedQuantity unitCode="C62">5</cbc:InvoicedQuantity>']] })).toEqual(['PEPPOL-EN16931-R120']);
  });
});

describe('rule inventory', () => {
  it('implements every rule id of the official Peppol and self-billing sources (R048 exists only in a comment)', async () => {
    const official = (await import('../../../src/main/understanding/validation/official-rule-ids.json', { with: { type: 'json' } })).default.rules;
    for (const [module, source] of [
      [peppolRules, 'peppol'],
      [peppolSelfBillingRules, 'peppol-selfbilling'],
    ] as const) {
      const ours = new Map(module.rules.map((r) => [r.id, r.severity]));
      const theirs = Object.entries(official[source]);
      expect(theirs.map(([id]) => id)).not.toContain('PEPPOL-COMMON-R048'); // only inside an XML comment of the schematron
      for (const [id, flag] of theirs) expect({ id, severity: ours.get(id) }).toEqual({ id, severity: flag });
      expect(ours.size).toBe(theirs.length);
      const severities = module.rules.map((r) => r.severity);
      expect(severities.indexOf('warning')).toBeGreaterThan(severities.lastIndexOf('fatal'));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// XPath helpers
// ---------------------------------------------------------------------------------------------

describe('XPath helpers used by the rules', () => {
  // xs:decimal casts and round() are the shared module's (test/unit/understanding/decimal.test.ts).
  const dec = decimal;

  it('division keeps 34 fraction digits, rounded half to even, trailing zeros dropped; u:slack', () => {
    expect(format(xpathDiv(dec('10'), dec('4'))!)).toBe('2.5');
    expect(format(xpathDiv(dec('10.000'), dec('2'))!)).toBe('5');
    expect(format(xpathDiv(dec('1'), dec('3'))!)).toBe(`0.${'3'.repeat(34)}`);
    expect(format(xpathDiv(dec('2'), dec('3'))!)).toBe(`0.${'6'.repeat(33)}7`);
    expect(format(xpathDiv(dec('-2'), dec('3'))!)).toBe(`-0.${'6'.repeat(33)}7`);
    expect(format(xpathDiv(dec('5'), dec(`2${'0'.repeat(34)}`))!)).toBe(`0.${'0'.repeat(33)}2`); // 2.5e-34: half to even
    expect(xpathDiv(dec('1'), dec('0.00'))).toBeNull();
    expect(withinSlack(dec('100'), dec('100.02'), dec('0.02'))).toBe(true);
    expect(withinSlack(dec('100'), dec('100.0200000001'), dec('0.02'))).toBe(false);
  });

  it('xs:date: valid calendar dates, optional timezone, comparison on the start instant', () => {
    expect(parseXsDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29, tz: null });
    expect(parseXsDate('2000-02-29')).not.toBeNull();
    for (const bad of ['1900-02-29', '2026-00-10', '2026-01-32', '26-01-01', '2026-01-01T00:00:00', '2026-01-01+15:00']) expect(parseXsDate(bad)).toBeNull();
    expect(compareDates(parseXsDate('2026-01-02')!, parseXsDate('2026-01-01')!)).toBe(1);
    expect(compareDates(parseXsDate('2026-01-01+02:00')!, parseXsDate('2026-01-01Z')!)).toBe(-1);
  });

  it('Greek TIN and IBAN checks', () => {
    expect(greekTinOk('094259216')).toBe(true);
    expect(greekTinOk('094259217')).toBe(false);
    expect(greekTinOk('09425921')).toBe(false);
    expect(ibanOk('DE89 3704 0044 0532 0130 00')).toBe(true);
    expect(ibanOk('DE89370400440532013001')).toBe(false);
    expect(ibanOk('de89370400440532013000')).toBe(false);
  });
});
