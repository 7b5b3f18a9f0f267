/**
 * The UBL.BE rules proper: ubl-BE-01 … ubl-BE-15 (pattern "ubl-model-BE" of GLOBALUBL.BE 1.31).
 * Each check follows the schematron assertion exactly, quirks included (noted per rule).
 */
import { canonical, cmp, fromInt, isZero, ZERO } from '../../../decimal.ts';
import type { XmlElement } from '../../../safe-xml.ts';
import type { UblDocument } from '../../document.ts';
import type { Rule } from '../../types.ts';
import { BELM, BELM_TEXT, BTCC, BVERC, BVERC_TEXT } from './codelists.ts';
import { xsDecimal } from './numbers.ts';
import { isNamed, isXsDate, kids, lineLabel, normalizeSpace, rule, select, shown, stringValue } from './xpath.ts';

/** `//cac:AdditionalDocumentReference`. */
function additionalDocuments(doc: UblDocument): readonly XmlElement[] {
  return select(doc, 'cac:AdditionalDocumentReference');
}

/** `normalize-space(data(cbc:X))` of a single child; null when there are several (an XPath error). */
function singleChildValue(el: XmlElement, qname: string): string | null {
  const found = kids(el, qname);
  if (found.length > 1) return null;
  return normalizeSpace(stringValue(found[0] ?? null));
}

const BTCC_SET = new Set(BTCC);
const BVERC_SET = new Set(BVERC);
const BVERC_TEXT_SET = new Set(BVERC_TEXT);
const BELM_SET = new Set(BELM);
const BELM_TEXT_SET = new Set(BELM_TEXT);

export const beRules: readonly Rule[] = [
  rule(
    'ubl-BE-01',
    'fatal',
    'A UBL.BE document needs at least two additional document references (BG-24): one with identifier "UBL.BE" naming the software that produced it, and one carrying the PDF copy of the invoice or credit note.',
    (doc, fail) => {
      const n = kids(doc.root, 'cac:AdditionalDocumentReference').length;
      if (n < 2) fail(doc.root, `found ${n}`);
    },
  ),
  rule(
    'ubl-BE-02',
    'fatal',
    'Exactly one additional document (BG-24) must be described (BT-123) as "CommercialInvoice" or "CreditNote": it is the PDF copy of the document.',
    // Checked in the context of every cac:AdditionalDocumentReference, counting descriptions anywhere in
    // the document; reported once (not once per reference).
    (doc, fail) => {
      const references = additionalDocuments(doc);
      if (references.length === 0) return;
      const copies = select(doc, 'cbc:DocumentDescription').filter((d) => d.text === 'CommercialInvoice' || d.text === 'CreditNote');
      if (copies.length === 0) fail(references[0]!, 'none found');
      for (const extra of copies.slice(1)) fail(extra, `found ${copies.length}`);
    },
  ),
  rule(
    'ubl-BE-03',
    'fatal',
    'Exactly one additional document reference must have the identifier (BT-122) "UBL.BE"; it names the software that produced the document.',
    // Counts every cbc:ID with text "UBL.BE" anywhere in the document (as the official rule does).
    (doc, fail) => {
      const references = additionalDocuments(doc);
      if (references.length === 0) return;
      const ids = select(doc, 'cbc:ID').filter((id) => id.text === 'UBL.BE');
      if (ids.length === 0) fail(references[0]!, 'none found');
      for (const extra of ids.slice(1)) fail(extra, `found ${ids.length}`);
    },
  ),
  rule('ubl-BE-04', 'fatal', 'Each additional document reference (BG-24) needs exactly one document description (BT-123).', (doc, fail) => {
    for (const reference of additionalDocuments(doc)) {
      const n = kids(reference, 'cbc:DocumentDescription').length;
      for (const id of kids(reference, 'cbc:ID')) if (n !== 1) fail(reference, `document ${shown(id.text)} has ${n} descriptions`);
    }
  }),
  rule(
    'ubl-BE-05',
    'fatal',
    'Delivery terms (cac:Delivery/cac:DeliveryTerms) must be identified by a Belgian legal mention code, BELM-001 to BELM-008.',
    (doc, fail) => {
      for (const terms of select(doc, 'cac:Delivery/cac:DeliveryTerms')) {
        const code = singleChildValue(terms, 'cbc:ID');
        if (code === null) fail(terms, 'several identifiers');
        else if (!BELM_SET.has(code)) fail(kids(terms, 'cbc:ID')[0] ?? terms, `found ${shown(code)}`);
      }
    },
  ),
  rule(
    'ubl-BE-06',
    'fatal',
    'The special terms of the delivery terms must be the official wording of a Belgian legal mention, in English or Dutch (e.g. "Special ruling - used goods" or "Kleine onderneming onderworpen aan de vrijstellingsregeling van belasting").',
    // Exact comparison (no normalize-space). The official English text for art objects carries a leading
    // TAB in GLOBALUBL.BE 1.31, so "Special ruling - art objects" is refused, as by the official validator.
    (doc, fail) => {
      for (const terms of select(doc, 'cac:Delivery/cac:DeliveryTerms')) {
        const texts = kids(terms, 'cbc:SpecialTerms').map((t) => stringValue(t));
        if (!texts.some((t) => BELM_TEXT_SET.has(t))) fail(kids(terms, 'cbc:SpecialTerms')[0] ?? terms, texts.length ? `found ${shown(texts[0])}` : 'no special terms');
      }
    },
  ),
  rule(
    'ubl-BE-07',
    'fatal',
    'The settlement discount percentage in the payment terms (cbc:SettlementDiscountPercent) must be a number greater than 0 and less than 100.',
    // Quirk kept: the official rule uses -1 for "absent", so an explicit -1 is accepted too.
    (doc, fail) => {
      for (const terms of select(doc, 'cac:PaymentTerms')) {
        const el = kids(terms, 'cbc:SettlementDiscountPercent')[0];
        if (!el) continue;
        const pct = xsDecimal(stringValue(el));
        if (pct === null) fail(el, `found ${shown(el.text)}, not a number`);
        else if (!((cmp(pct, ZERO) > 0 && cmp(pct, fromInt(100)) < 0) || cmp(pct, fromInt(-1)) === 0)) fail(el, `found ${canonical(pct)}`);
      }
    },
  ),
  rule(
    'ubl-BE-08',
    'fatal',
    'When the payment terms give a settlement discount percentage, the discount amount (cbc:Amount of the payment terms) must be filled in and not be zero.',
    // The official test is `if (percent) then xs:decimal(cbc:Amount) else 1 > 0`: a present, non-zero
    // amount passes (even a negative one).
    (doc, fail) => {
      for (const terms of select(doc, 'cac:PaymentTerms')) {
        if (kids(terms, 'cbc:SettlementDiscountPercent').length === 0) continue;
        const el = kids(terms, 'cbc:Amount')[0];
        const amount = xsDecimal(stringValue(el ?? null));
        if (!el) fail(terms, 'no amount');
        else if (amount === null) fail(el, `found ${shown(el.text)}, not a number`);
        else if (isZero(amount)) fail(el, 'the amount is 0');
      }
    },
  ),
  rule(
    'ubl-BE-09',
    'fatal',
    'When the payment terms give a settlement discount percentage, the date until which the discount applies (cbc:PaymentDueDate) must be given as YYYY-MM-DD.',
    (doc, fail) => {
      for (const terms of select(doc, 'cac:PaymentTerms')) {
        if (kids(terms, 'cbc:SettlementDiscountPercent').length === 0) continue;
        const dates = kids(terms, 'cbc:PaymentDueDate');
        const value = dates.length === 1 ? stringValue(dates[0]!) : '';
        if (dates.length !== 1 || value.length !== 10 || !isXsDate(value)) fail(dates[0] ?? terms, dates.length === 0 ? 'no date' : `found ${shown(value)}`);
      }
    },
  ),
  rule(
    'ubl-BE-10',
    'fatal',
    'Each VAT breakdown (BG-23), also the one inside each line, must name its Belgian tax category code (cac:TaxCategory/cbc:Name) from the BTCC list: 00, 01, 02, 03 (0, 6, 12, 21 %), 45, NA, FD, SC, 00/44, 03/SE, MA, 46/GO, 47/TO, 47/AS, 47/DI, 47/SE, 44, 46/TR, 47/EX, 47/EI, 47/EE, NS, OSS-S, OSS-G or OSS-I.',
    (doc, fail) => {
      for (const category of select(doc, 'cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory')) {
        const name = singleChildValue(category, 'cbc:Name');
        if (name === null) fail(category, 'several names');
        else if (!BTCC_SET.has(name)) fail(kids(category, 'cbc:Name')[0] ?? category, name === '' ? 'no code' : `found ${shown(name)}`);
      }
    },
  ),
  rule(
    'ubl-BE-11',
    'fatal',
    'The VAT exemption reason code (BT-121) must be a Belgian code from the BVERC list (BETE-45, BETE-EX, BETE-FD, BETE-SC, BETE-00/44, BETE-03/SE, BETE-MA, BETE-46/GO, BETE-47/TO, BETE-47/AS, BETE-47/DI, BETE-47/SE, BETE-44, BETE-46/TR, BETE-47/EX, BETE-47/EI, BETE-47/EE or BETE-NS).',
    (doc, fail) => {
      for (const category of select(doc, 'cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory')) {
        for (const code of kids(category, 'cbc:TaxExemptionReasonCode')) {
          const value = normalizeSpace(stringValue(code));
          if (!BVERC_SET.has(value)) fail(code, `found ${shown(value)}`);
        }
      }
    },
  ),
  rule(
    'ubl-BE-12',
    'fatal',
    'The VAT exemption reason text (BT-120) must be the official English wording of the Belgian BVERC list, e.g. "Reverse charge - Contractor", "Intra-community supply - Goods", "Export non E.U." or "Not subject to VAT".',
    (doc, fail) => {
      for (const category of select(doc, 'cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory')) {
        for (const reason of kids(category, 'cbc:TaxExemptionReason')) {
          const value = normalizeSpace(stringValue(reason));
          if (!BVERC_TEXT_SET.has(value)) fail(reason, `found ${shown(value)}`);
        }
      }
    },
  ),
  rule(
    'ubl-BE-13',
    'fatal',
    'The VAT amount of an invoice line (cac:TaxTotal/cbc:TaxAmount of the line) must be a number.',
    // The official test `abs(if (TaxAmount) then xs:decimal(TaxAmount) else -1) >= 0` only ever fails on a
    // value that is not a number; a missing amount passes (it is caught by ubl-BE-14 / the UBL schema).
    (doc, fail) => {
      for (const total of select(doc, 'cac:InvoiceLine/cac:TaxTotal | cac:CreditNoteLine/cac:TaxTotal')) {
        for (const amount of kids(total, 'cbc:TaxAmount')) if (xsDecimal(stringValue(amount)) === null) fail(amount, `found ${shown(amount.text)}`);
      }
    },
  ),
  rule(
    'ubl-BE-14',
    'fatal',
    'Each invoice line (BG-25) must carry exactly one VAT total of its own (cac:TaxTotal with the line VAT amount); UBL.BE requires it on every line.',
    (doc, fail) => {
      for (const line of select(doc, 'cac:InvoiceLine | cac:CreditNoteLine')) {
        const n = kids(line, 'cac:TaxTotal').length;
        if (n !== 1) fail(line, `${lineLabel(doc, line)} has ${n}`);
      }
    },
  ),
  rule(
    'ubl-BE-15',
    'fatal',
    'The VAT category of each item (cac:ClassifiedTaxCategory, BG-30) must give its Belgian tax category code (cbc:Name, from the BTCC list) exactly once.',
    (doc, fail) => {
      for (const category of select(doc, 'cac:ClassifiedTaxCategory')) {
        const n = category.children.filter((c) => isNamed(c, 'cbc:Name')).length;
        if (n !== 1) fail(category, n === 0 ? 'no code' : `${n} codes`);
      }
    },
  ),
];
