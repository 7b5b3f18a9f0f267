/**
 * The national rules PEPPOL-EN16931-UBL.sch (Peppol BIS Billing 3.0, release 2026.5) carries:
 * Norway (NO-R), Denmark (DK-R), Italy (IT-R), Sweden (SE-R), Greece (GR-R / GR-S), Iceland (IS-R),
 * the Netherlands (NL-R) and Germany (DE-R). Each applies only when the seller (and for some the
 * buyer) is in that country, exactly as the schematron decides it: some by the seller's VAT
 * prefix ($supplierCountry), others by the postal address country code. The self-billing
 * artefact has none of them.
 */
import { parseDecimal } from '../../../decimal.ts';
import type { XmlElement } from '../../../safe-xml.ts';
import type { Rule } from '../../types.ts';
import { greekTinOk, ibanOk, mod11Ok, swedishOrgNumberOk } from './checksums.ts';
import { at, at1, is, kid, kids, nsText, stringValue, txt, type DocFacts } from './context.ts';
import { defineRule, quote } from './define.ts';
import { isIntegerCastable, isXPathNumber, normalizeSpace, parseXsDate, xpathNumber } from './xpath.ts';

/** Parties under cac:AccountingSupplierParty (resp. Customer) anywhere — the schematron's `cac:AccountingSupplierParty/cac:Party`. */
function parties(f: DocFacts, role: 'cac:AccountingSupplierParty' | 'cac:AccountingCustomerParty'): XmlElement[] {
  return f.named('cac:Party').filter((p) => f.parentIs(p, role));
}

/** The root when it is an Invoice or CreditNote (contexts like `/ubl-invoice:Invoice | /ubl-creditnote:CreditNote`). */
function rootDoc(f: DocFacts): XmlElement | null {
  return f.isInvoice || f.isCreditNote ? f.root : null;
}

/** `ubl-creditnote:CreditNote | ubl-invoice:Invoice` elements. */
function docElements(f: DocFacts): XmlElement[] {
  return [...f.named('inv:Invoice'), ...f.named('cn:CreditNote')];
}

/** PartyTaxScheme children of a party whose normalized TaxScheme/ID equals `scheme`. */
function taxSchemes(party: XmlElement | null, scheme: string, normalize = true): XmlElement[] {
  return kids(party, 'cac:PartyTaxScheme').filter((s) =>
    normalize ? nsText(s, 'cac:TaxScheme/cbc:ID') === scheme : at(s, 'cac:TaxScheme/cbc:ID').some((id) => txt(id) === scheme),
  );
}

/** cac:PartyTaxScheme[…'VAT']/cbc:CompanyID elements of a party. */
function vatIds(party: XmlElement | null, normalize = true): XmlElement[] {
  return taxSchemes(party, 'VAT', normalize).flatMap((s) => kids(s, 'cbc:CompanyID'));
}

/** XPath substring($s, start, length?) with 1-based start, on code points. */
function substr(s: string, start: number, length?: number): string {
  const chars = [...s];
  return chars.slice(start - 1, length === undefined ? undefined : start - 1 + length).join('');
}

// ---------------------------------------------------------------------------------------------
// Norway
// ---------------------------------------------------------------------------------------------

function norway(): Rule[] {
  const sellers = (f: DocFacts): XmlElement[] => (f.supplierCountry() === 'NO' ? parties(f, 'cac:AccountingSupplierParty') : []);
  return [
    defineRule('NO-R-001', 'fatal', 'For a Norwegian seller, a VAT identifier (BT-31) starting with NO must be NO + a valid 9-digit organisation number + MVA.', (f, fail) => {
      for (const p of sellers(f)) {
        const schemes = taxSchemes(p, 'VAT');
        const values = schemes.map((s) => stringValue(kid(s, 'cbc:CompanyID')));
        if (!values.some((v) => substr(v, 1, 2) === 'NO')) continue;
        const first = values[0] ?? '';
        const ok = /^[0-9]{9}MVA$/.test(substr(first, 3)) && mod11Ok(substr(first, 3, 9));
        if (!ok) fail(kid(schemes[0] ?? null, 'cbc:CompanyID') ?? p, `VAT identifier ${quote(first)}`);
      }
    }),
    defineRule('NO-R-002', 'warning', 'A Norwegian seller that is a company (AS, ASA or branch) should state "Foretaksregisteret" as tax registration (BT-32, tax scheme TAX).', (f, fail) => {
      for (const p of sellers(f)) {
        if (normalizeSpace(stringValue(kid(taxSchemes(p, 'TAX')[0] ?? null, 'cbc:CompanyID'))) !== 'Foretaksregisteret') fail(p);
      }
    }),
  ];
}

// ---------------------------------------------------------------------------------------------
// Denmark
// ---------------------------------------------------------------------------------------------

function denmark(): Rule[] {
  // $DKSupplierCountry / $DKCustomerCountry: the postal country codes as written (not normalized).
  const dkSeller = (f: DocFacts): boolean => f.once('dk:seller', () => txt(at1(f.root, 'cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode')) === 'DK' && (f.isInvoice || f.isCreditNote));
  const dkBuyer = (f: DocFacts): boolean => f.once('dk:buyer', () => txt(at1(f.root, 'cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode')) === 'DK' && (f.isInvoice || f.isCreditNote));
  const both = (f: DocFacts): boolean => dkSeller(f) && dkBuyer(f);
  const docs = (f: DocFacts): XmlElement[] => (dkSeller(f) ? docElements(f) : []);
  const code = (pm: XmlElement): string[] => kids(pm, 'cbc:PaymentMeansCode').map((c) => txt(c));
  const paymentId = (pm: XmlElement): string => stringValue(kid(pm, 'cbc:PaymentID'));
  const invoicePaymentMeans = (f: DocFacts): XmlElement[] => (both(f) ? f.named('inv:Invoice').flatMap((d) => kids(d, 'cac:PaymentMeans')) : []);
  const pmRule = (id: string, message: string, ok: (pm: XmlElement, codes: string[]) => boolean): Rule =>
    defineRule(id, 'fatal', message, (f, fail) => {
      for (const pm of invoicePaymentMeans(f)) {
        const codes = code(pm);
        if (!ok(pm, codes)) fail(pm, `payment means ${codes[0] ?? '(none)'}`);
      }
    });
  return [
    defineRule('DK-R-002', 'fatal', 'A Danish seller must give its legal registration identifier (CVR number, BT-30).', (f, fail) => {
      for (const d of docs(f)) if (normalizeSpace(txt(at1(d, 'cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID'))) === '') fail(d);
    }),
    defineRule('DK-R-014', 'fatal', "A Danish seller's legal registration identifier (BT-30) must use scheme 0184 (DK CVR number).", (f, fail) => {
      for (const d of docs(f)) {
        const id = at1(d, 'cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID');
        if (id && normalizeSpace(id.attrs['schemeID']) !== '0184') fail(id, id.attrs['schemeID'] === undefined ? 'no schemeID' : `schemeID ${quote(id.attrs['schemeID'])}`);
      }
    }),
    defineRule('DK-R-016', 'fatal', 'A Danish seller may not send a Danish buyer a credit note with a negative amount due (BT-115).', (f, fail) => {
      for (const d of docs(f)) {
        if (!(f.isCreditNote && dkBuyer(f))) continue;
        const payable = at1(d, 'cac:LegalMonetaryTotal/cbc:PayableAmount');
        if (xpathNumber(txt(payable)) < 0) fail(payable ?? d, `amount due ${txt(payable)}`);
      }
    }),
    defineRule('DK-R-013', 'fatal', 'Between Danish parties, a party identifier (BT-29 / BT-46) must give its scheme (schemeID).', (f, fail) => {
      if (!both(f)) return;
      for (const d of docElements(f)) {
        for (const pi of [...at(d, 'cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification'), ...at(d, 'cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification')]) {
          const id = kid(pi, 'cbc:ID');
          if (id && normalizeSpace(id.attrs['schemeID']) === '') fail(id, `identifier ${quote(txt(id))}`);
        }
      }
    }),
    pmRule('DK-R-005', 'Between Danish parties, the payment means code (BT-81) must be one of 1, 10, 31, 42, 48, 49, 50, 58, 59, 93 or 97.', (_pm, codes) => ' 1 10 31 42 48 49 50 58 59 93 97 '.includes(` ${codes[0] ?? ''} `)),
    pmRule('DK-R-006', 'Between Danish parties, payment means 31 or 42 needs the account number (BT-84) and the bank registration number (BT-86).', (pm, codes) => {
      if (!codes.includes('31') && !codes.includes('42')) return true;
      return normalizeSpace(txt(at1(pm, 'cac:PayeeFinancialAccount/cbc:ID'))) !== '' && normalizeSpace(txt(at1(pm, 'cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID'))) !== '';
    }),
    pmRule('DK-R-007', 'Between Danish parties, payment means 49 needs the mandate reference (BT-89) and the debited account (BT-91).', (pm, codes) => {
      if (!codes.includes('49')) return true;
      return normalizeSpace(txt(at1(pm, 'cac:PaymentMandate/cbc:ID'))) !== '' && normalizeSpace(txt(at1(pm, 'cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID'))) !== '';
    }),
    pmRule('DK-R-008', 'Between Danish parties, payment means 50 (giro) needs a payment id (BT-83) starting with 01#, 04# or 15# and a giro account (BT-84) of 7 or 8 digits.', (pm, codes) => {
      if (!codes.includes('50')) return true;
      const prefix = substr(paymentId(pm), 1, 3);
      return ['01#', '04#', '15#'].includes(prefix) && /^[0-9]{7,8}$/.test(stringValue(at1(pm, 'cac:PayeeFinancialAccount/cbc:ID')));
    }),
    pmRule('DK-R-009', 'Between Danish parties, a giro payment id (BT-83) starting with 04# or 15# must carry the 16-digit instruction id (19 characters in all).', (pm, codes) => {
      if (!codes.includes('50')) return true;
      const id = paymentId(pm);
      return !['04#', '15#'].includes(substr(id, 1, 3)) || [...id].length === 19;
    }),
    pmRule('DK-R-010', 'Between Danish parties, payment means 93 (FIK) needs a payment id (BT-83) starting with 71#, 73# or 75# and an 8-character account (BT-84).', (pm, codes) => {
      if (!codes.includes('93')) return true;
      return ['71#', '73#', '75#'].includes(substr(paymentId(pm), 1, 3)) && [...txt(at1(pm, 'cac:PayeeFinancialAccount/cbc:ID'))].length === 8;
    }),
    pmRule('DK-R-011', 'Between Danish parties, a FIK payment id (BT-83) starting with 71# or 75# must carry the 15–16 digit instruction id (18 or 19 characters in all).', (pm, codes) => {
      if (!codes.includes('93')) return true;
      const id = paymentId(pm);
      const n = [...id].length;
      return !['71#', '75#'].includes(substr(id, 1, 3)) || n === 18 || n === 19;
    }),
    defineRule('DK-R-017', 'fatal', "Between Danish parties, the buyer's legal registration identifier (BT-47) must use scheme 0184 (DK CVR number).", (f, fail) => {
      if (!both(f)) return;
      for (const d of docElements(f)) {
        for (const p of at(d, 'cac:AccountingCustomerParty/cac:Party')) {
          const id = at1(p, 'cac:PartyLegalEntity/cbc:CompanyID');
          if (id && normalizeSpace(id.attrs['schemeID']) !== '0184') fail(id, id.attrs['schemeID'] === undefined ? 'no schemeID' : `schemeID ${quote(id.attrs['schemeID'])}`);
        }
      }
    }),
    defineRule('DK-R-003', 'fatal', 'Between Danish parties, an item classification from UNSPSC test list TST must use version 19.05.01 or 26.08.01.', (f, fail) => {
      if (!both(f)) return;
      for (const d of docElements(f)) {
        for (const line of kids(d, is(d, 'inv:Invoice') ? 'cac:InvoiceLine' : 'cac:CreditNoteLine')) {
          const codes = at(line, 'cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode');
          const tst = codes.some((c) => c.attrs['listID'] === 'TST');
          const version = codes.some((c) => ['19.05.01', '19.0501', '26.08.01', '26.0801'].includes(c.attrs['listVersionID'] ?? ''));
          if (tst && !version) fail(codes[0] ?? line, `line ${nsText(line, 'cbc:ID') || '?'}`);
        }
      }
    }),
    defineRule('DK-R-004', 'fatal', 'Between Danish parties, a non-VAT tax (allowance/charge reason code ZZZ) must give the 4-digit tax category or a text containing # (not first or last) as reason (BT-97 / BT-104).', (f, fail) => {
      if (!both(f)) return;
      for (const ac of f.named('cac:AllowanceCharge')) {
        if (!kids(ac, 'cbc:AllowanceChargeReasonCode').some((c) => txt(c) === 'ZZZ')) continue;
        const reasonEl = kid(ac, 'cbc:AllowanceChargeReason');
        const reason = stringValue(reasonEl);
        const n = xpathNumber(reason);
        const fourDigits = [...normalizeSpace(reason)].length === 4 && n >= 0 && n <= 9999;
        const hashed = reasonEl !== null && reason.includes('#') && !reason.startsWith('#') && !reason.endsWith('#');
        if (!fourDigits && !hashed) fail(reasonEl ?? ac, `reason ${quote(reason)}`);
      }
    }),
  ];
}

// ---------------------------------------------------------------------------------------------
// Italy
// ---------------------------------------------------------------------------------------------

function italy(): Rule[] {
  const sellers = (f: DocFacts): XmlElement[] => (f.supplierCountry() === 'IT' ? parties(f, 'cac:AccountingSupplierParty') : []);
  const address = (id: string, element: string, term: string): Rule =>
    defineRule(id, 'fatal', `An Italian seller must give the ${term} in its address.`, (f, fail) => {
      for (const p of sellers(f)) if (!at1(p, `cac:PostalAddress/${element}`)) fail(kid(p, 'cac:PostalAddress') ?? p);
    });
  return [
    defineRule('IT-R-001', 'fatal', "An Italian seller's tax registration identifier (BT-32) must be 11 to 16 capital letters or digits.", (f, fail) => {
      for (const p of sellers(f)) {
        for (const s of kids(p, 'cac:PartyTaxScheme')) {
          if (nsText(s, 'cac:TaxScheme/cbc:ID') === 'VAT') continue;
          const v = nsText(s, 'cbc:CompanyID');
          if (!/^[A-Z0-9]{11,16}$/.test(v)) fail(kid(s, 'cbc:CompanyID') ?? s, `identifier ${quote(v)}`);
        }
      }
    }),
    address('IT-R-002', 'cbc:StreetName', 'street (address line 1, BT-35)'),
    address('IT-R-003', 'cbc:CityName', 'city (BT-37)'),
    address('IT-R-004', 'cbc:PostalZone', 'post code (BT-38)'),
  ];
}

// ---------------------------------------------------------------------------------------------
// Sweden
// ---------------------------------------------------------------------------------------------

function sweden(): Rule[] {
  const seCountry = (p: XmlElement): boolean => at(p, 'cac:PostalAddress/cac:Country/cbc:IdentificationCode').some((c) => txt(c) === 'SE');
  const seVat = (p: XmlElement): boolean => vatIds(p, false).some((id) => substr(stringValue(id), 1, 2) === 'SE');
  /** Supplier parties in Sweden with a Swedish VAT identifier. */
  const seVatSellers = (f: DocFacts): XmlElement[] => f.once('se:vatSellers', () => parties(f, 'cac:AccountingSupplierParty').filter((p) => seCountry(p) && seVat(p)));
  const anySeSeller = (f: DocFacts): boolean => f.once('se:seller', () => parties(f, 'cac:AccountingSupplierParty').some(seCountry));
  const anySeBuyer = (f: DocFacts): boolean => f.once('se:buyer', () => parties(f, 'cac:AccountingCustomerParty').some(seCountry));
  const legalEntities = (f: DocFacts): XmlElement[] =>
    parties(f, 'cac:AccountingSupplierParty')
      .filter(seCountry)
      .flatMap((p) => kids(p, 'cac:PartyLegalEntity'))
      .filter((le) => kid(le, 'cbc:CompanyID'));
  const giroIds = (f: DocFacts, branch: string): XmlElement[] => {
    if (!anySeSeller(f)) return [];
    return f.named('cac:PaymentMeans')
      .filter((pm) => nsText(pm, 'cbc:PaymentMeansCode') === '30' && nsText(pm, 'cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID') === branch)
      .flatMap((pm) => at(pm, 'cac:PayeeFinancialAccount/cbc:ID'));
  };
  const firstVat = (p: XmlElement): string => stringValue(vatIds(p, false)[0] ?? null);
  return [
    defineRule('SE-R-001', 'fatal', "A Swedish seller's VAT identifier (BT-31) must be 14 characters.", (f, fail) => {
      for (const p of seVatSellers(f)) if ([...normalizeSpace(firstVat(p))].length !== 14) fail(vatIds(p, false)[0] ?? p, `VAT identifier ${quote(firstVat(p))}`);
    }),
    defineRule('SE-R-002', 'fatal', "The last 12 characters of a Swedish seller's VAT identifier (BT-31) must be digits.", (f, fail) => {
      for (const p of seVatSellers(f)) if (!isXPathNumber(substr(firstVat(p), 3, 12))) fail(vatIds(p, false)[0] ?? p, `VAT identifier ${quote(firstVat(p))}`);
    }),
    defineRule('SE-R-003', 'fatal', "A Swedish seller's organisation number (BT-30) must be numeric.", (f, fail) => {
      for (const le of legalEntities(f)) if (!isXPathNumber(stringValue(kid(le, 'cbc:CompanyID')))) fail(kid(le, 'cbc:CompanyID'), `organisation number ${quote(stringValue(kid(le, 'cbc:CompanyID')))}`);
    }),
    defineRule('SE-R-004', 'fatal', "A Swedish seller's organisation number (BT-30) must be 10 characters.", (f, fail) => {
      for (const le of legalEntities(f)) if ([...nsText(le, 'cbc:CompanyID')].length !== 10) fail(kid(le, 'cbc:CompanyID'), `organisation number ${quote(nsText(le, 'cbc:CompanyID'))}`);
    }),
    defineRule('SE-R-013', 'fatal', "The last digit of a Swedish seller's organisation number (BT-30) must be a valid Luhn check digit.", (f, fail) => {
      for (const le of legalEntities(f)) if (!swedishOrgNumberOk(nsText(le, 'cbc:CompanyID'))) fail(kid(le, 'cbc:CompanyID'), `organisation number ${quote(nsText(le, 'cbc:CompanyID'))}`);
    }),
    defineRule('SE-R-005', 'fatal', "A Swedish seller's tax registration (BT-32, not VAT) must read 'Godkänd för F-skatt'.", (f, fail) => {
      for (const p of parties(f, 'cac:AccountingSupplierParty')) {
        if (!seCountry(p) || !at1(p, 'cac:PartyLegalEntity/cbc:CompanyID')) continue;
        for (const s of kids(p, 'cac:PartyTaxScheme')) {
          if (normalizeSpace(stringValue(at1(s, 'cac:TaxScheme/cbc:ID')).toUpperCase()) === 'VAT') continue;
          for (const id of kids(s, 'cbc:CompanyID')) if (normalizeSpace(stringValue(id).toUpperCase()) !== 'GODKÄND FÖR F-SKATT') fail(id, `found ${quote(stringValue(id))}`);
        }
      }
    }),
    defineRule('SE-R-006', 'fatal', 'A Swedish seller may only use the standard VAT rates 25, 12 or 6 for category S.', (f, fail) => {
      if (seVatSellers(f).length === 0) return;
      for (const tc of [...f.named('cac:TaxCategory'), ...f.named('cac:ClassifiedTaxCategory')]) {
        if (!kids(tc, 'cbc:ID').some((id) => txt(id) === 'S')) continue;
        const rate = xpathNumber(stringValue(kid(tc, 'cbc:Percent')));
        if (rate !== 25 && rate !== 12 && rate !== 6) fail(kid(tc, 'cbc:Percent') ?? tc, `rate ${quote(stringValue(kid(tc, 'cbc:Percent')))}`);
      }
    }),
    defineRule('SE-R-007', 'warning', 'A Swedish seller paid by Plusgiro should give a numeric account number (BT-84).', (f, fail) => {
      for (const id of giroIds(f, 'SE:PLUSGIRO')) if (!isXPathNumber(normalizeSpace(stringValue(id)))) fail(id, `account ${quote(stringValue(id))}`);
    }),
    defineRule('SE-R-010', 'warning', 'A Swedish seller paid by Plusgiro should give an account number (BT-84) of 2 to 8 characters.', (f, fail) => {
      for (const id of giroIds(f, 'SE:PLUSGIRO')) {
        const n = [...normalizeSpace(stringValue(id))].length;
        if (n < 2 || n > 8) fail(id, `account ${quote(stringValue(id))}`);
      }
    }),
    defineRule('SE-R-008', 'warning', 'A Swedish seller paid by Bankgiro should give a numeric account number (BT-84).', (f, fail) => {
      for (const id of giroIds(f, 'SE:BANKGIRO')) if (!isXPathNumber(normalizeSpace(stringValue(id)))) fail(id, `account ${quote(stringValue(id))}`);
    }),
    defineRule('SE-R-009', 'warning', 'A Swedish seller paid by Bankgiro should give an account number (BT-84) of 7 or 8 characters.', (f, fail) => {
      for (const id of giroIds(f, 'SE:BANKGIRO')) {
        const n = [...normalizeSpace(stringValue(id))].length;
        if (n !== 7 && n !== 8) fail(id, `account ${quote(stringValue(id))}`);
      }
    }),
    defineRule('SE-R-011', 'warning', 'A Swedish seller using Bankgiro or Plusgiro should use payment means 30 with branch SE:BANKGIRO or SE:PLUSGIRO, not 50 or 56.', (f, fail) => {
      if (!anySeSeller(f)) return;
      for (const pm of f.named('cac:PaymentMeans')) if (kids(pm, 'cbc:PaymentMeansCode').some((c) => txt(c) === '50' || txt(c) === '56')) fail(pm);
    }),
    defineRule('SE-R-012', 'warning', 'Between Swedish parties, a credit transfer should use payment means code 30 (not 31).', (f, fail) => {
      if (!anySeSeller(f) || !anySeBuyer(f)) return;
      for (const pm of f.named('cac:PaymentMeans')) if (kids(pm, 'cbc:PaymentMeansCode').some((c) => txt(c) === '31')) fail(pm);
    }),
  ];
}

// ---------------------------------------------------------------------------------------------
// Greece
// ---------------------------------------------------------------------------------------------

const GREEK_DATE = /^(0?[1-9]|[12][0-9]|3[01])[-\\/ ]?(0?[1-9]|1[0-2])[-\\/ ]?(19|20)[0-9]{2}/;
const GREEK_DOCUMENT_TYPES = new Set(['1.1', '1.6', '2.1', '2.4', '5.1', '5.2', '']);

/** XPath tokenize($s, $pattern): () for an empty string. */
function tokenize(s: string, pattern: RegExp): string[] {
  return s === '' ? [] : s.split(pattern);
}

function greece(): Rule[] {
  const greek = (c: string): boolean => c === 'GR' || c === 'EL';
  const sender = (f: DocFacts): boolean => greek(f.supplierCountry());
  const senderAndReceiver = (f: DocFacts): boolean => sender(f) && greek(f.customerCountry());
  const postalGR = (f: DocFacts): boolean => at(f.root, 'cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode').some((c) => txt(c) === 'GR');
  const invoiceIds = (f: DocFacts): XmlElement[] => {
    const d = rootDoc(f);
    return d && sender(f) ? kids(d, 'cbc:ID') : [];
  };
  const segments = (id: XmlElement): string[] => tokenize(stringValue(id), /\|/);
  const idRule = (id: string, message: string, ok: (seg: string[], f: DocFacts) => boolean | null): Rule =>
    defineRule(id, 'fatal', message, (f, fail) => {
      for (const el of invoiceIds(f)) if (ok(segments(el), f) === false) fail(el, `invoice number ${quote(stringValue(el), 100)}`);
    });
  const taxIdTails = (f: DocFacts, path: string): string[] => at(f.root, path).filter((s) => at(s, 'cac:TaxScheme/cbc:ID').some((x) => txt(x) === 'VAT')).map((s) => substr(stringValue(kid(s, 'cbc:CompanyID')), 3, 9));
  const supplierParties = (f: DocFacts): XmlElement[] => (sender(f) ? parties(f, 'cac:AccountingSupplierParty') : []);
  const customerParties = (f: DocFacts): XmlElement[] => (sender(f) ? parties(f, 'cac:AccountingCustomerParty') : []);
  const vatOk = (party: XmlElement): boolean => {
    const ids = vatIds(party);
    const v = stringValue(ids[0] ?? null);
    return ids.length === 1 && substr(v, 1, 2) === 'EL' && greekTinOk(substr(v, 3));
  };
  const descriptions = (adr: XmlElement): string[] => kids(adr, 'cbc:DocumentDescription').map((d) => txt(d));
  const countDescribed = (d: XmlElement, text: string): number => kids(d, 'cac:AdditionalDocumentReference').filter((a) => descriptions(a).includes(text)).length;
  return [
    idRule('GR-R-001-1', 'A Greek seller\'s invoice number (BT-1) must have 6 segments separated by "|".', (seg) => seg.length === 6),
    idRule("GR-R-001-2", "The first segment of a Greek seller's invoice number must be a valid TIN equal to the seller's (or tax representative's) VAT number.", (seg, f) => {
      const s1 = seg[0];
      if (s1 === undefined) return false;
      if ([...normalizeSpace(s1)].length !== 9 || !greekTinOk(s1)) return false;
      return [...taxIdTails(f, 'cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme'), ...taxIdTails(f, 'cac:TaxRepresentativeParty/cac:PartyTaxScheme')].includes(s1);
    }),
    idRule('GR-R-001-3', "The second segment of a Greek seller's invoice number must be the issue date (BT-2) as day/month/year.", (seg, f) => {
      const s2 = seg[1] ?? '';
      if (normalizeSpace(s2) === '' || !GREEK_DATE.test(s2)) return false;
      const idDate = tokenize(s2, /\//);
      const issue = tokenize(stringValue(kid(f.root, 'cbc:IssueDate')), /-/);
      return idDate[0] !== undefined && idDate[0] === issue[2] && idDate[1] !== undefined && idDate[1] === issue[1] && idDate[2] !== undefined && idDate[2] === issue[0];
    }),
    idRule('GR-R-001-4', "The third segment of a Greek seller's invoice number must be a positive integer.", (seg) => {
      const s3 = seg[2] ?? '';
      if (normalizeSpace(s3) === '' || !isXPathNumber(s3)) return false;
      if (!isIntegerCastable(s3)) return null; // xs:integer() fails in the official artefact
      return BigInt(s3.trim()) >= 0n;
    }),
    idRule('GR-R-001-5', "The fourth segment of a Greek seller's invoice number must be a Greek document type (1.1, 1.6, 2.1, 2.4, 5.1 or 5.2).", (seg) => {
      const s4 = seg[3] ?? '';
      return normalizeSpace(s4) !== '' && GREEK_DOCUMENT_TYPES.has(s4);
    }),
    idRule('GR-R-001-6', "The fifth segment of a Greek seller's invoice number must not be empty.", (seg) => (seg[4] ?? '') !== ''),
    idRule('GR-R-001-7', "The sixth segment of a Greek seller's invoice number must not be empty.", (seg) => (seg[5] ?? '') !== ''),
    defineRule('GR-R-002', 'fatal', 'A Greek seller must give its full registered name (BT-28, party name).', (f, fail) => {
      for (const p of supplierParties(f)) if (stringValue(at1(p, 'cac:PartyName/cbc:Name')) === '') fail(p);
    }),
    defineRule('GR-S-011', 'warning', 'A Greek seller should give exactly one VAT identifier (BT-31): EL followed by a valid TIN.', (f, fail) => {
      for (const p of supplierParties(f)) if (!vatOk(p)) fail(vatIds(p)[0] ?? p);
    }),
    defineRule('GR-R-003', 'fatal', "A Greek seller's VAT identifier (BT-31) must be EL followed by a valid TIN.", (f, fail) => {
      for (const p of supplierParties(f)) {
        for (const id of vatIds(p)) {
          const v = stringValue(id);
          if (!(substr(v, 1, 2) === 'EL' && greekTinOk(substr(v, 3)))) fail(id, `VAT identifier ${quote(v)}`);
        }
      }
    }),
    defineRule('GR-R-004-1', 'fatal', 'A Greek seller must give exactly one MARK number (additional document with description ##M.AR.K##).', (f, fail) => {
      const d = rootDoc(f);
      if (d && sender(f) && postalGR(f) && countDescribed(d, '##M.AR.K##') !== 1) fail(d, `${countDescribed(d, '##M.AR.K##')} found`);
    }),
    defineRule('GR-S-008-1', 'warning', 'A Greek seller should give one invoice URL (additional document with description ##INVOICE|URL##).', (f, fail) => {
      const d = rootDoc(f);
      if (d && sender(f) && postalGR(f) && countDescribed(d, '##INVOICE|URL##') !== 1) fail(d, `${countDescribed(d, '##INVOICE|URL##')} found`);
    }),
    defineRule('GR-R-008-2', 'fatal', 'A Greek seller may give at most one invoice URL (additional document with description ##INVOICE|URL##).', (f, fail) => {
      const d = rootDoc(f);
      if (d && sender(f) && postalGR(f) && countDescribed(d, '##INVOICE|URL##') > 1) fail(d, `${countDescribed(d, '##INVOICE|URL##')} found`);
    }),
    defineRule('GR-R-004-2', 'fatal', "A Greek seller's MARK number must be a positive integer.", (f, fail) => {
      if (!sender(f) || !postalGR(f)) return;
      for (const adr of f.named('cac:AdditionalDocumentReference')) {
        if (!descriptions(adr).includes('##M.AR.K##')) continue;
        for (const id of kids(adr, 'cbc:ID')) if (!/^[1-9]([0-9]*)/.test(stringValue(id))) fail(id, `MARK ${quote(stringValue(id))}`);
      }
    }),
    defineRule('GR-R-008-3', 'fatal', "A Greek seller's invoice URL reference must give the URL (external reference URI, BT-124).", (f, fail) => {
      if (!sender(f)) return;
      for (const adr of f.named('cac:AdditionalDocumentReference')) {
        if (descriptions(adr).includes('##INVOICE|URL##') && nsText(adr, 'cac:Attachment/cac:ExternalReference/cbc:URI') === '') fail(adr);
      }
    }),
    defineRule('GR-R-005', 'fatal', "A Greek seller must give the buyer's full name (BT-45, party name).", (f, fail) => {
      for (const p of customerParties(f)) if (stringValue(at1(p, 'cac:PartyName/cbc:Name')) === '') fail(p);
    }),
    defineRule('GR-R-009', 'fatal', "A Greek seller's electronic address (BT-34) must be its TIN with scheme 9933.", (f, fail) => {
      if (!greek(f.supplierCountry(false))) return;
      for (const p of parties(f, 'cac:AccountingSupplierParty')) {
        for (const e of kids(p, 'cbc:EndpointID')) if (!(e.attrs['schemeID'] === '9933' && greekTinOk(stringValue(e)))) fail(e, `${quote(stringValue(e))} with scheme ${e.attrs['schemeID'] ?? '(none)'}`);
      }
    }),
    defineRule('GR-R-006', 'fatal', "Between Greek parties, the buyer's VAT identifier (BT-48) must be given once: EL followed by a valid TIN.", (f, fail) => {
      if (!senderAndReceiver(f)) return;
      for (const p of parties(f, 'cac:AccountingCustomerParty')) if (!vatOk(p)) fail(vatIds(p)[0] ?? p);
    }),
    defineRule('GR-R-010', 'fatal', "Between Greek parties, the buyer's electronic address (BT-49) must be its TIN with scheme 9933.", (f, fail) => {
      if (!senderAndReceiver(f)) return;
      for (const p of parties(f, 'cac:AccountingCustomerParty')) {
        for (const e of kids(p, 'cbc:EndpointID')) if (!(e.attrs['schemeID'] === '9933' && greekTinOk(stringValue(e)))) fail(e, `${quote(stringValue(e))} with scheme ${e.attrs['schemeID'] ?? '(none)'}`);
      }
    }),
  ];
}

// ---------------------------------------------------------------------------------------------
// Iceland
// ---------------------------------------------------------------------------------------------

function iceland(): Rule[] {
  const code = (f: DocFacts, role: string): string => txt(at1(f.root, `${role}/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode`));
  const docs = (f: DocFacts): XmlElement[] => ((f.isInvoice || f.isCreditNote) && code(f, 'cac:AccountingSupplierParty') === 'IS' ? docElements(f) : []);
  const einddagi = (d: XmlElement): XmlElement[] => kids(d, 'cac:AdditionalDocumentReference').filter((a) => kids(a, 'cbc:DocumentDescription').some((x) => txt(x) === 'EINDAGI'));
  const paymentAccount = (id: string, pmCode: string): Rule =>
    defineRule(id, 'fatal', `An Icelandic seller using payment means ${pmCode} must give a 12-digit account (BT-84).`, (f, fail) => {
      for (const d of docs(f)) {
        const pms = kids(d, 'cac:PaymentMeans').filter((pm) => kids(pm, 'cbc:PaymentMeansCode').some((c) => txt(c) === pmCode));
        if (pms.length === 0) continue;
        const accounts = pms.flatMap((pm) => at(pm, 'cac:PayeeFinancialAccount/cbc:ID'));
        if (!(accounts.length > 0 && [...normalizeSpace(stringValue(accounts[0] ?? null))].length === 12)) fail(accounts[0] ?? pms[0] ?? d);
      }
    });
  return [
    defineRule('IS-R-001', 'warning', 'An Icelandic seller should use invoice type 380 or 381 (BT-3).', (f, fail) => {
      for (const d of docs(f)) {
        const ok = (key: string): boolean => {
          const v = nsText(d, key);
          return !v.includes(' ') && ' 380 381 '.includes(` ${v} `);
        };
        if (!ok('cbc:InvoiceTypeCode') && !ok('cbc:CreditNoteTypeCode')) fail(kid(d, 'cbc:InvoiceTypeCode') ?? kid(d, 'cbc:CreditNoteTypeCode') ?? d);
      }
    }),
    defineRule('IS-R-002', 'fatal', 'An Icelandic seller must give its Icelandic national id (kennitala) as legal registration identifier (BT-30, scheme 0196).', (f, fail) => {
      for (const d of docs(f)) {
        const ids = at(d, 'cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID');
        if (!(ids.length > 0 && ids.some((i) => i.attrs['schemeID'] === '0196'))) fail(ids[0] ?? d);
      }
    }),
    defineRule('IS-R-003', 'fatal', 'An Icelandic seller must give street (BT-35) and post code (BT-38) in its address.', (f, fail) => {
      for (const d of docs(f)) if (!at1(d, 'cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:StreetName') || !at1(d, 'cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:PostalZone')) fail(d);
    }),
    paymentAccount('IS-R-006', '9'),
    paymentAccount('IS-R-007', '42'),
    defineRule('IS-R-008', 'fatal', 'For an Icelandic seller, the EINDAGI supporting document id must be a date written YYYY-MM-DD.', (f, fail) => {
      for (const d of docs(f)) {
        const refs = einddagi(d);
        if (refs.length === 0) continue;
        const idEl = refs.flatMap((r) => kids(r, 'cbc:ID'))[0] ?? null;
        const id = stringValue(idEl);
        if (!([...id].length === 10 && parseXsDate(id))) fail(idEl ?? refs[0] ?? d, `EINDAGI ${quote(id)}`);
      }
    }),
    defineRule('IS-R-009', 'fatal', 'For an Icelandic seller, an invoice with an EINDAGI must also give the payment due date (BT-9).', (f, fail) => {
      for (const d of docs(f)) if (einddagi(d).length > 0 && !kid(d, 'cbc:DueDate')) fail(d);
    }),
    defineRule('IS-R-010', 'fatal', 'For an Icelandic seller, the EINDAGI date must be the payment due date (BT-9) or later.', (f, fail) => {
      for (const d of docs(f)) {
        const refs = einddagi(d);
        if (refs.length === 0) continue;
        const due = kids(d, 'cbc:DueDate').map((x) => stringValue(x));
        const ids = refs.flatMap((r) => kids(r, 'cbc:ID')).map((x) => stringValue(x));
        if (!due.some((a) => ids.some((b) => a <= b))) fail(kid(d, 'cbc:DueDate') ?? d, `due ${due[0] ?? '(none)'}, EINDAGI ${ids[0] ?? '(none)'}`);
      }
    }),
    defineRule('IS-R-004', 'fatal', "Between Icelandic parties, the buyer's Icelandic national id must be given as legal registration identifier (BT-47, scheme 0196).", (f, fail) => {
      if (code(f, 'cac:AccountingCustomerParty') !== 'IS') return;
      for (const d of docs(f)) {
        for (const acp of kids(d, 'cac:AccountingCustomerParty')) {
          const ids = at(acp, 'cac:Party/cac:PartyLegalEntity/cbc:CompanyID');
          if (!(ids.length > 0 && ids.some((i) => i.attrs['schemeID'] === '0196'))) fail(ids[0] ?? acp);
        }
      }
    }),
    defineRule('IS-R-005', 'fatal', "Between Icelandic parties, the buyer's address must give street (BT-50) and post code (BT-53).", (f, fail) => {
      if (code(f, 'cac:AccountingCustomerParty') !== 'IS') return;
      for (const d of docs(f)) {
        for (const acp of kids(d, 'cac:AccountingCustomerParty')) if (!at1(acp, 'cac:Party/cac:PostalAddress/cbc:StreetName') || !at1(acp, 'cac:Party/cac:PostalAddress/cbc:PostalZone')) fail(acp);
      }
    }),
  ];
}

// ---------------------------------------------------------------------------------------------
// The Netherlands
// ---------------------------------------------------------------------------------------------

/** contains(concat(' ', string-join(@schemeID, ' '), ' '), ' 0106 ') or … ' 0190 ' */
export function kvkOrOin(schemeID: string | undefined): boolean {
  const s = ` ${schemeID ?? ''} `;
  return s.includes(' 0106 ') || s.includes(' 0190 ');
}

function netherlands(): Rule[] {
  const nl = (f: DocFacts): boolean => f.supplierPostalCountry() === 'NL';
  const nlBoth = (f: DocFacts): boolean => nl(f) && f.customerPostalCountry() === 'NL';
  const addressRule = (id: string, message: string, addresses: (f: DocFacts) => XmlElement[]): Rule =>
    defineRule(id, 'fatal', message, (f, fail) => {
      for (const a of addresses(f)) {
        const missing = ['cbc:StreetName', 'cbc:CityName', 'cbc:PostalZone'].filter((k) => !kid(a, k)).map((k) => k.slice(4));
        if (missing.length > 0) fail(a, `missing ${missing.join(', ')}`);
      }
    });
  const legalIdRule = (id: string, message: string, ids: (f: DocFacts) => XmlElement[]): Rule =>
    defineRule(id, 'fatal', message, (f, fail) => {
      for (const el of ids(f)) if (!(kvkOrOin(el.attrs['schemeID']) && normalizeSpace(stringValue(el)) !== '')) fail(el, `${quote(stringValue(el))} with scheme ${el.attrs['schemeID'] ?? '(none)'}`);
    });
  return [
    defineRule('NL-R-001', 'fatal', 'A Dutch seller must refer to the invoice being credited (BT-25, cac:BillingReference) in a credit note.', (f, fail) => {
      if (!nl(f)) return;
      if (at1(f.root, 'cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID')) return;
      for (const el of f.named('cbc:CreditNoteTypeCode')) fail(el);
    }),
    addressRule('NL-R-002', "A Dutch seller's address must give street (BT-35), city (BT-37) and post code (BT-38).", (f) =>
      nl(f) ? f.named('cac:PostalAddress').filter((a) => f.under(a, ['cac:AccountingSupplierParty', 'cac:Party'])) : [],
    ),
    legalIdRule('NL-R-003', "A Dutch seller's legal registration identifier (BT-30) must be a KVK (scheme 0106) or OIN (scheme 0190) number.", (f) =>
      nl(f) ? f.named('cbc:CompanyID').filter((c) => f.under(c, ['cac:AccountingSupplierParty', 'cac:Party', 'cac:PartyLegalEntity'])) : [],
    ),
    addressRule('NL-R-004', "When a Dutch seller invoices a Dutch buyer, the buyer's address must give street (BT-50), city (BT-52) and post code (BT-53).", (f) =>
      nlBoth(f) ? f.named('cac:PostalAddress').filter((a) => f.under(a, ['cac:AccountingCustomerParty', 'cac:Party'])) : [],
    ),
    legalIdRule('NL-R-005', "When a Dutch seller invoices a Dutch buyer, the buyer's legal registration identifier (BT-47) must be a KVK (scheme 0106) or OIN (scheme 0190) number.", (f) =>
      nlBoth(f) ? f.named('cbc:CompanyID').filter((c) => f.under(c, ['cac:AccountingCustomerParty', 'cac:Party', 'cac:PartyLegalEntity'])) : [],
    ),
    addressRule('NL-R-006', "For a Dutch seller with a Dutch tax representative, the representative's address must give street (BT-64), city (BT-66) and post code (BT-67).", (f) =>
      nl(f) && f.taxRepresentativePostalCountry() === 'NL' ? f.named('cac:PostalAddress').filter((a) => f.parentIs(a, 'cac:TaxRepresentativeParty')) : [],
    ),
    defineRule('NL-R-007', 'fatal', 'A Dutch seller must give payment instructions (cac:PaymentMeans) when the buyer has to pay.', (f, fail) => {
      if (!nl(f) || f.named('cac:PaymentMeans').length > 0) return;
      for (const lmt of f.named('cac:LegalMonetaryTotal')) {
        const payableEl = kid(lmt, 'cbc:PayableAmount');
        const payable = parseDecimal(stringValue(payableEl));
        if (payableEl && !payable) continue; // not a decimal: the official artefact stops with an error
        const nothingDue = payable !== null && ((f.isInvoice && payable.units <= 0n) || (f.isCreditNote && payable.units >= 0n));
        if (!nothingDue) fail(lmt, `amount due ${stringValue(kid(lmt, 'cbc:PayableAmount')) || '(none)'}`);
      }
    }),
    defineRule('NL-R-008', 'fatal', 'When a Dutch seller invoices a Dutch buyer, the payment means code (BT-81) must be 30, 48, 49, 57, 58 or 59.', (f, fail) => {
      if (!nlBoth(f)) return;
      for (const pm of f.named('cac:PaymentMeans')) {
        const c = nsText(pm, 'cbc:PaymentMeansCode');
        if (!['30', '48', '49', '57', '58', '59'].includes(c)) fail(kid(pm, 'cbc:PaymentMeansCode') ?? pm, `code ${quote(c)}`);
      }
    }),
    defineRule('NL-R-009', 'fatal', 'A Dutch seller that refers to an order line (BT-132) must also give the order reference (BT-13).', (f, fail) => {
      if (!nl(f) || at1(f.root, 'cac:OrderReference/cbc:ID')) return;
      for (const el of f.named('cbc:LineID')) if (f.parentIs(el, 'cac:OrderLineReference')) fail(el);
    }),
  ];
}

// ---------------------------------------------------------------------------------------------
// Germany
// ---------------------------------------------------------------------------------------------

const SKONTO = /(^|\r?\n)#(SKONTO)#TAGE=([0-9]+#PROZENT=[0-9]+\.[0-9]{2})(#BASISBETRAG=-?[0-9]+\.[0-9]{2})?#$/;
const EMAIL = /^[^@ \t\n\r]+@([^@. \t\n\r]+\.)+[^@. \t\n\r]+$/;
const URL = /^([a-zA-Z])([a-zA-Z0-9+.-])+:/;
const GERMAN_VAT_CODES = new Set(['S', 'Z', 'E', 'AE', 'K', 'G', 'L', 'M']);
const GERMAN_TYPE_CODES = new Set(['326', '380', '384', '389', '381', '875', '876', '877']);

function germany(): Rule[] {
  const root = (f: DocFacts): XmlElement | null => (f.bothGerman() ? rootDoc(f) : null);
  const filled = (el: XmlElement | null, key: string): boolean => kids(el, key).some((k) => normalizeSpace(stringValue(k)) !== '');
  const docRule = (id: string, severity: 'fatal' | 'warning', message: string, ok: (d: XmlElement, f: DocFacts) => boolean): Rule =>
    defineRule(id, severity, message, (f, fail) => {
      const d = root(f);
      if (d && !ok(d, f)) fail(d);
    });
  const partRule = (id: string, severity: 'fatal' | 'warning', message: string, path: string, ok: (el: XmlElement) => boolean): Rule =>
    defineRule(id, severity, message, (f, fail) => {
      for (const el of at(root(f), path)) if (!ok(el)) fail(el);
    });
  const paymentMeans = (f: DocFacts, codes: readonly string[]): XmlElement[] => kids(root(f), 'cac:PaymentMeans').filter((pm) => codes.includes(nsText(pm, 'cbc:PaymentMeansCode')));
  const pmRule = (id: string, severity: 'fatal' | 'warning', message: string, codes: readonly string[], ok: (pm: XmlElement) => boolean): Rule =>
    defineRule(id, severity, message, (f, fail) => {
      for (const pm of paymentMeans(f, codes)) if (!ok(pm)) fail(pm, `payment means ${nsText(pm, 'cbc:PaymentMeansCode')}`);
    });
  return [
    docRule('DE-R-001', 'fatal', 'Between German parties, payment instructions (BG-16) must be given.', (d) => kid(d, 'cac:PaymentMeans') !== null),
    docRule('DE-R-015', 'fatal', 'Between German parties, the buyer reference (BT-10) must be given.', (d) => filled(d, 'cbc:BuyerReference')),
    docRule('DE-R-016', 'fatal', 'Between German parties, when a VAT category S, Z, E, AE, K, G, L or M is used, the seller VAT identifier (BT-31), tax registration (BT-32) or tax representative (BG-11) must be given.', (d) => {
      const acs = kids(d, 'cac:AllowanceCharge');
      const categories = (indicator: string): string[] =>
        acs.filter((ac) => kids(ac, 'cbc:ChargeIndicator').some((c) => txt(c) === indicator)).flatMap((ac) => at(ac, 'cac:TaxCategory/cbc:ID')).map((id) => txt(id));
      const lines = [...kids(d, 'cac:InvoiceLine'), ...kids(d, 'cac:CreditNoteLine')].flatMap((l) => at(l, 'cac:Item/cac:ClassifiedTaxCategory/cbc:ID')).map((id) => txt(id));
      const used = [...categories('false'), ...categories('true'), ...lines].some((c) => GERMAN_VAT_CODES.has(c));
      if (!used) return true;
      return kid(d, 'cac:TaxRepresentativeParty') !== null || at(d, 'cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID').some((c) => normalizeSpace(stringValue(c)) !== '');
    }),
    docRule('DE-R-017', 'warning', 'Between German parties, the invoice type code (BT-3) should be 326, 380, 384, 389, 381, 875, 876 or 877.', (d) => GERMAN_TYPE_CODES.has(nsText(d, 'cbc:InvoiceTypeCode')) || GERMAN_TYPE_CODES.has(nsText(d, 'cbc:CreditNoteTypeCode'))),
    docRule('DE-R-018', 'fatal', 'Between German parties, cash discount (Skonto) terms in the payment terms (BT-20) must follow the #SKONTO#TAGE=n#PROZENT=n.nn# format, each ending with a line break.', (d) => {
      const notes = kids(d, 'cac:PaymentTerms').map((t) => kid(t, 'cbc:Note')).filter((n): n is XmlElement => n !== null);
      const lines = notes.flatMap((n) => tokenize(stringValue(n), /\r?\n/)).filter((l) => normalizeSpace(l).startsWith('#'));
      if (lines.length === 0) return true;
      const tails = notes.map((n) => {
        const tokens = tokenize(stringValue(n), /#.+#/);
        return tokens[tokens.length - 1];
      });
      const tailOk = tails.length === 1 && tails[0] !== undefined && /^[ \t\r\n]*\n/.test(tails[0]);
      return lines.every((l) => SKONTO.test(normalizeSpace(l)) && tailOk);
    }),
    docRule('DE-R-022', 'fatal', 'Between German parties, attached documents (BT-125) must have different file names.', (d) => {
      const seen = new Set<string>();
      for (const adr of kids(d, 'cac:AdditionalDocumentReference')) {
        const names = at(adr, 'cac:Attachment/cbc:EmbeddedDocumentBinaryObject').map((o) => o.attrs['filename']).filter((n): n is string => n !== undefined);
        if (names.some((n) => seen.has(n))) return false;
        for (const n of names) seen.add(n);
      }
      return true;
    }),
    docRule('DE-R-026', 'warning', 'Between German parties, a corrected invoice (type 384) should refer to the preceding invoice (BG-3).', (d) => {
      const corrected = nsText(d, 'cbc:InvoiceTypeCode') === '384' || nsText(d, 'cbc:CreditNoteTypeCode') === '384';
      return !corrected || at1(d, 'cac:BillingReference/cac:InvoiceDocumentReference') !== null;
    }),
    docRule('DE-R-030', 'fatal', 'Between German parties, a direct debit (BG-19) needs the bank-assigned creditor identifier (BT-90).', (d) => {
      if (!at1(d, 'cac:PaymentMeans/cac:PaymentMandate')) return true;
      const sepa = [...at(d, 'cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID'), ...at(d, 'cac:PayeeParty/cac:PartyIdentification/cbc:ID')];
      return sepa.some((id) => id.attrs['schemeID'] === 'SEPA');
    }),
    docRule('DE-R-031', 'fatal', 'Between German parties, a direct debit (BG-19) needs the debited account (BT-91).', (d) => !at1(d, 'cac:PaymentMeans/cac:PaymentMandate') || at1(d, 'cac:PaymentMeans/cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID') !== null),
    partRule('DE-R-T02', 'warning', 'Between German parties, an external document location (BT-124) must be an absolute URL with a scheme.', 'cac:AdditionalDocumentReference/cac:Attachment/cac:ExternalReference', (el) => URL.test(stringValue(kid(el, 'cbc:URI')))),
    partRule('DE-R-002', 'fatal', 'Between German parties, the seller contact (BG-6) must be given.', 'cac:AccountingSupplierParty', (el) => at1(el, 'cac:Party/cac:Contact') !== null),
    partRule('DE-R-003', 'fatal', "Between German parties, the seller's city (BT-37) must be given.", 'cac:AccountingSupplierParty/cac:Party/cac:PostalAddress', (el) => filled(el, 'cbc:CityName')),
    partRule('DE-R-004', 'fatal', "Between German parties, the seller's post code (BT-38) must be given.", 'cac:AccountingSupplierParty/cac:Party/cac:PostalAddress', (el) => filled(el, 'cbc:PostalZone')),
    partRule('DE-R-005', 'fatal', 'Between German parties, the seller contact point (BT-41) must be given.', 'cac:AccountingSupplierParty/cac:Party/cac:Contact', (el) => filled(el, 'cbc:Name')),
    partRule('DE-R-006', 'fatal', "Between German parties, the seller contact's telephone number (BT-42) must be given.", 'cac:AccountingSupplierParty/cac:Party/cac:Contact', (el) => filled(el, 'cbc:Telephone')),
    partRule('DE-R-007', 'fatal', "Between German parties, the seller contact's e-mail address (BT-43) must be given.", 'cac:AccountingSupplierParty/cac:Party/cac:Contact', (el) => filled(el, 'cbc:ElectronicMail')),
    partRule('DE-R-027', 'warning', "Between German parties, the seller contact's telephone number (BT-42) should contain at least 3 digits.", 'cac:AccountingSupplierParty/cac:Party/cac:Contact', (el) => (nsText(el, 'cbc:Telephone').match(/[0-9]/g)?.length ?? 0) >= 3),
    partRule('DE-R-028', 'warning', "Between German parties, the seller contact's e-mail address (BT-43) should be a valid address (one @, no spaces, a dot in the domain).", 'cac:AccountingSupplierParty/cac:Party/cac:Contact', (el) => EMAIL.test(nsText(el, 'cbc:ElectronicMail'))),
    partRule('DE-R-008', 'fatal', "Between German parties, the buyer's city (BT-52) must be given.", 'cac:AccountingCustomerParty/cac:Party/cac:PostalAddress', (el) => filled(el, 'cbc:CityName')),
    partRule('DE-R-009', 'fatal', "Between German parties, the buyer's post code (BT-53) must be given.", 'cac:AccountingCustomerParty/cac:Party/cac:PostalAddress', (el) => filled(el, 'cbc:PostalZone')),
    partRule('DE-R-010', 'fatal', 'Between German parties, a delivery address (BG-15) must give the city (BT-77).', 'cac:Delivery/cac:DeliveryLocation/cac:Address', (el) => filled(el, 'cbc:CityName')),
    partRule('DE-R-011', 'fatal', 'Between German parties, a delivery address (BG-15) must give the post code (BT-78).', 'cac:Delivery/cac:DeliveryLocation/cac:Address', (el) => filled(el, 'cbc:PostalZone')),
    pmRule('DE-R-019', 'warning', 'Between German parties, a SEPA credit transfer (payment means 58) should give a valid IBAN as payment account (BT-84).', ['30', '58'], (pm) => nsText(pm, 'cbc:PaymentMeansCode') !== '58' || ibanOk(stringValue(at1(pm, 'cac:PayeeFinancialAccount/cbc:ID')))),
    pmRule('DE-R-023-1', 'fatal', 'Between German parties, a credit transfer (payment means 30 or 58) must give the credit transfer details (BG-17).', ['30', '58'], (pm) => kid(pm, 'cac:PayeeFinancialAccount') !== null),
    pmRule('DE-R-023-2', 'fatal', 'Between German parties, a credit transfer (payment means 30 or 58) must not give card (BG-18) or direct debit (BG-19) details.', ['30', '58'], (pm) => !kid(pm, 'cac:CardAccount') && !kid(pm, 'cac:PaymentMandate')),
    pmRule('DE-R-024-1', 'fatal', 'Between German parties, a card payment (payment means 48, 54 or 55) must give the card details (BG-18).', ['48', '54', '55'], (pm) => kid(pm, 'cac:CardAccount') !== null),
    pmRule('DE-R-024-2', 'fatal', 'Between German parties, a card payment (payment means 48, 54 or 55) must not give credit transfer (BG-17) or direct debit (BG-19) details.', ['48', '54', '55'], (pm) => !kid(pm, 'cac:PayeeFinancialAccount') && !kid(pm, 'cac:PaymentMandate')),
    pmRule('DE-R-020', 'warning', 'Between German parties, a SEPA direct debit (payment means 59) should give a valid IBAN as debited account (BT-91).', ['59'], (pm) => ibanOk(stringValue(at1(pm, 'cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID')))),
    pmRule('DE-R-025-1', 'fatal', 'Between German parties, a direct debit (payment means 59) must give the direct debit details (BG-19).', ['59'], (pm) => kid(pm, 'cac:PaymentMandate') !== null),
    pmRule('DE-R-025-2', 'fatal', 'Between German parties, a direct debit (payment means 59) must not give credit transfer (BG-17) or card (BG-18) details.', ['59'], (pm) => !kid(pm, 'cac:PayeeFinancialAccount') && !kid(pm, 'cac:CardAccount')),
    partRule('DE-R-014', 'fatal', 'Between German parties, every VAT breakdown must give the VAT rate (BT-119).', 'cac:TaxTotal/cac:TaxSubtotal', (el) => at(el, 'cac:TaxCategory/cbc:Percent').some((p) => normalizeSpace(stringValue(p)) !== '')),
  ];
}

/** Every national rule of the billing artefact, fatal first then warnings. */
export function nationalRules(): Rule[] {
  const all = [...norway(), ...denmark(), ...italy(), ...sweden(), ...greece(), ...iceland(), ...netherlands(), ...germany()];
  return [...all.filter((r) => r.severity === 'fatal'), ...all.filter((r) => r.severity === 'warning')];
}
