/**
 * Every corpus invoice and credit note (ubl/, creditnote/, efff/) converts to Peppol BIS 3.0 and to
 * UBL.BE: the output parses with our safe XML, is classified as the target format with the same
 * kind, keeps the business content (number, dates, amounts, parties, lines …), follows the UBL 2.1
 * element order, has what the target format requires, and gives no validation error (our own
 * validator, the target's rule set) that the source did not already have.
 * Skipped, with a warning, when the corpus is not there.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyBytes, startsWithPdf } from '../../../src/main/understanding/classify.ts';
import { readInvoice } from '../../../src/main/understanding/invoice.ts';
import type { InvoiceData } from '../../../src/main/understanding/invoice.ts';
import { readInvoiceModel } from '../../../src/main/understanding/render/model.ts';
import type { InvoiceModel, TaxCategory } from '../../../src/main/understanding/render/model.ts';
import { BTCC_CODES, BVERC_TEXT } from '../../../src/main/understanding/render/tax-codes.ts';
import { LEDGERDROP_PRODUCER, convertUbl } from '../../../src/main/understanding/render/ubl-writer.ts';
import type { UblTarget } from '../../../src/main/understanding/render/ubl-writer.ts';
import type { XmlElement } from '../../../src/main/understanding/safe-xml.ts';
import { RULESETS } from '../../../src/main/understanding/validation/rulesets.ts';
import { validateUbl, validateWith } from '../../../src/main/understanding/validation/validate.ts';
import { corpusDir, corpusFiles } from '../../helpers/corpus.ts';
import { orderConflicts, siblingOrder, xsdSequenceProblems } from './ubl-order.ts';

const corpus = corpusDir();
if (!corpus) console.warn('Corpus not found (set LEDGERDROP_CORPUS or provide ../shared/corpus): conversion corpus tests skipped.');
const describeCorpus = corpus ? describe : describe.skip;

const FOLDERS = ['ubl', 'creditnote', 'efff'] as const;
const TARGETS: readonly UblTarget[] = ['peppol-bis-3', 'ubl-be'];
/** Fails the UBL 2.1 XSD (formats.md §1.1): its element order is not a reference. */
const NOT_XSD_VALID = new Set(['peppol_national_GR_GR-base-example-correct.xml']);
const SELF_BILLING_TYPES: Readonly<Record<string, string>> = { '389': '380', '527': '383', '261': '381' };

function sourceRoot(bytes: Buffer): XmlElement {
  const classified = classifyBytes(bytes);
  if (!classified.ubl) throw new Error('not UBL');
  return classified.ubl;
}

function walk(el: XmlElement, visit: (el: XmlElement) => void): void {
  visit(el);
  for (const child of el.children) walk(child, visit);
}

function all(root: XmlElement, local: string): XmlElement[] {
  const out: XmlElement[] = [];
  walk(root, (el) => {
    if (el.local === local) out.push(el);
  });
  return out;
}

function child(el: XmlElement | undefined, local: string): XmlElement | undefined {
  return el?.children.find((c) => c.local === local);
}

/** The key fields, with the PDF the UBL.BE writer adds to a document that had none left out. */
function keyFields(invoice: InvoiceData, dropAddedPdf: boolean): unknown {
  const attachments = invoice.attachments.map((a) => ({ size: a.size, isPdf: a.isPdf }));
  return { ...invoice, attachments: dropAddedPdf ? attachments.slice(1) : attachments };
}

/** Model content that must survive conversion unchanged (target-specific parts normalised away). */
function comparable(model: InvoiceModel, dropAddedPdf = false): unknown {
  const documents = model.additionalDocuments.filter((d) => d.id?.value !== 'UBL.BE');
  if (dropAddedPdf) documents.splice(documents.findIndex((d) => d.attachment !== null && startsWithPdf(d.attachment.content)), 1);
  const category = (c: TaxCategory | null): unknown => (c ? { id: c.id, percent: c.percent } : null);
  return {
    kind: model.kind,
    id: model.id,
    issueDate: model.issueDate,
    dueDate: model.dueDate,
    taxPointDate: model.taxPointDate,
    currency: model.currency,
    taxCurrency: model.taxCurrency,
    accountingCost: model.accountingCost,
    buyerReference: model.buyerReference,
    notes: model.notes.join('\n'),
    invoicePeriod: model.invoicePeriod,
    orderReference: model.orderReference,
    billingReferences: model.billingReferences,
    references: [model.despatchDocumentId, model.receiptDocumentId, model.originatorDocumentId, model.contractDocumentId, model.projectId],
    supplier: model.supplier,
    customer: model.customer,
    payee: model.payee,
    taxRepresentative: model.taxRepresentative,
    // Delivery terms are UBL.BE legal mentions (BELM), not delivery information.
    delivery: model.delivery && (model.delivery.actualDeliveryDate || model.delivery.locationId || model.delivery.address || model.delivery.partyName) ? { ...model.delivery, terms: [] } : null,
    paymentMeans: model.paymentMeans,
    paymentTermsNotes: model.paymentTerms.flatMap((t) => t.notes).join('\n'),
    allowanceCharges: model.allowanceCharges.map((ac) => ({ ...ac, taxCategory: category(ac.taxCategory) })),
    taxTotals: model.taxTotals.map((t) => ({ ...t, subtotals: t.subtotals.map((s) => ({ ...s, category: category(s.category) })) })),
    totals: model.totals,
    lines: model.lines.map((l) => ({
      ...l,
      taxAmount: null,
      allowanceCharges: l.allowanceCharges.map((ac) => ({ ...ac, taxCategory: null })),
      item: { ...l.item, taxCategory: category(l.item.taxCategory) },
      documentReference: l.documentReference,
    })),
    documents: documents.map((d) => ({ id: d.id?.value ?? null, content: d.attachment?.content.length ?? null, uri: d.externalUri })),
  };
}

describeCorpus('conversion of the corpus to Peppol BIS 3.0 and UBL.BE', () => {
  const sources = FOLDERS.flatMap((folder) => corpusFiles(folder).map((file) => ({ folder, file, name: basename(file) })));
  const seenOrder = new Set<string>();
  for (const s of sources) if (!NOT_XSD_VALID.has(s.name)) siblingOrder(sourceRoot(readFileSync(s.file)), seenOrder);

  it('finds the corpus documents', () => {
    expect(sources.length).toBeGreaterThan(70);
    expect(corpusFiles('efff').length).toBeGreaterThan(20);
  });

  for (const { folder, file, name } of sources) {
    for (const target of TARGETS) {
      it(`${folder}/${name} -> ${target}`, async () => {
        const bytes = readFileSync(file);
        const source = classifyBytes(bytes);
        const srcRoot = source.ubl;
        if (!srcRoot) throw new Error('source is not UBL');
        const srcModel = readInvoiceModel(srcRoot).model;
        const selfBilled = source.format === 'peppol-selfbilling';

        const result = await convertUbl(bytes, target);
        if (!result.ok) throw new Error(result.error.message);
        expect(result.findings.filter((f) => f.severity === 'fatal')).toEqual([]);

        // Parses with our safe XML and is classified as the target, same kind.
        const out = classifyBytes(result.xml);
        expect(out.error).toBeNull();
        expect(out.kind).toBe(source.kind);
        const expectedFormat = target === 'peppol-bis-3' && selfBilled ? 'peppol-selfbilling' : target;
        expect(out.format).toBe(expectedFormat);
        expect(result.format).toBe(expectedFormat);
        const outRoot = out.ubl;
        if (!outRoot) throw new Error('output is not UBL');

        // Same key fields and business content.
        const before = readInvoice(srcRoot).invoice;
        const after = readInvoice(outRoot).invoice;
        const addedPdf = target === 'ubl-be' && !before.attachments.some((a) => a.isPdf);
        const expectedType = target === 'ubl-be' ? (SELF_BILLING_TYPES[before.typeCode ?? ''] ?? before.typeCode) : before.typeCode;
        expect(keyFields(after, addedPdf)).toEqual(keyFields({ ...before, typeCode: expectedType }, false));
        const outModel = readInvoiceModel(outRoot).model;
        expect(outModel.lines).toHaveLength(srcModel.lines.length);
        expect(comparable(outModel, addedPdf)).toEqual(comparable(srcModel));

        // Element order: UBL 2.1 XSD sequences, and no sibling order contradicting the XSD-valid corpus.
        expect(xsdSequenceProblems(outRoot)).toEqual([]);
        expect(orderConflicts(outRoot, seenOrder)).toEqual([]);
        // No empty elements (PEPPOL-EN16931-R008).
        walk(outRoot, (el) => {
          if (el.children.length === 0) expect(el.text.trim(), `empty ${el.name}`).not.toBe('');
        });

        if (target === 'ubl-be') checkUblBe(outRoot, outModel);
        else checkPeppol(outRoot, outModel);

        // Our validator, the target's rule set: no error the source did not already have.
        const set = RULESETS[expectedFormat];
        const sourceErrors = new Set(validateWith(srcRoot, set).errors.map((e) => e.rule));
        const report = validateUbl(outRoot, expectedFormat);
        expect(report?.ruleset).toBe(expectedFormat);
        const newErrors = (report?.errors ?? []).filter((e) => !sourceErrors.has(e.rule)).map((e) => `${e.rule} ${e.path}: ${e.message}`);
        expect(newErrors).toEqual([]);
      });
    }
  }
});

function checkUblBe(root: XmlElement, model: InvoiceModel): void {
  const adrs = root.children.filter((c) => c.local === 'AdditionalDocumentReference');
  expect(adrs.length).toBeGreaterThanOrEqual(2); // ubl-BE-01
  const ublBe = all(root, 'ID').filter((id) => id.text === 'UBL.BE');
  expect(ublBe).toHaveLength(1); // ubl-BE-03
  expect(child(adrs[0], 'DocumentDescription')?.text).toBe(LEDGERDROP_PRODUCER);
  const copyDescription = model.kind === 'credit-note' ? 'CreditNote' : 'CommercialInvoice';
  const copies = all(root, 'DocumentDescription').filter((d) => d.text === 'CommercialInvoice' || d.text === 'CreditNote');
  expect(copies.map((d) => d.text)).toEqual([copyDescription]); // ubl-BE-02
  for (const adr of adrs) expect(child(adr, 'DocumentDescription'), 'ubl-BE-04').toBeDefined();
  const copy = adrs.find((adr) => child(adr, 'DocumentDescription')?.text === copyDescription);
  const pdf = model.additionalDocuments.find((d) => d.description === copyDescription)?.attachment;
  expect(pdf?.mimeCode).toBe('application/pdf');
  expect(pdf && startsWithPdf(pdf.content)).toBe(true);
  expect(child(child(copy, 'Attachment'), 'EmbeddedDocumentBinaryObject')).toBeDefined();
  for (const line of root.children.filter((c) => c.local === 'InvoiceLine' || c.local === 'CreditNoteLine')) {
    expect(child(child(line, 'TaxTotal'), 'TaxAmount')?.text, 'ubl-BE-13/14').toMatch(/^-?\d+(\.\d+)?$/);
    expect(child(child(child(line, 'Item'), 'ClassifiedTaxCategory'), 'Name'), 'ubl-BE-15').toBeDefined();
  }
  for (const subtotal of all(root, 'TaxSubtotal')) {
    const category = child(subtotal, 'TaxCategory');
    expect(BTCC_CODES, 'ubl-BE-10').toContain(child(category, 'Name')?.text);
    const code = child(category, 'TaxExemptionReasonCode')?.text;
    const reason = child(category, 'TaxExemptionReason')?.text;
    if (code !== undefined) expect(Object.keys(BVERC_TEXT), 'ubl-BE-11').toContain(code);
    if (reason !== undefined) expect(Object.values(BVERC_TEXT), 'ubl-BE-12').toContain(reason);
  }
  expect(child(root, 'CustomizationID')?.text).toBe('urn:cen.eu:en16931:2017#conformant#urn:UBL.BE:1.0.0.20180214');
  expect(child(root, 'ProfileID')?.text).toMatch(/^urn:fdc:peppol\.eu:2017:poacc:billing:\d\d:1\.0$/);
}

function checkPeppol(root: XmlElement, model: InvoiceModel): void {
  expect(all(root, 'ID').filter((id) => id.text === 'UBL.BE')).toEqual([]);
  for (const line of root.children.filter((c) => c.local === 'InvoiceLine' || c.local === 'CreditNoteLine')) expect(child(line, 'TaxTotal')).toBeUndefined();
  for (const category of [...all(root, 'TaxCategory'), ...all(root, 'ClassifiedTaxCategory')]) {
    expect(child(category, 'Name')).toBeUndefined();
    expect(child(category, 'TaxExemptionReasonCode')?.text ?? 'VATEX').not.toMatch(/^BETE-/);
  }
  const germanPair = model.supplier?.address?.countryCode === 'DE' && model.customer?.address?.countryCode === 'DE';
  if (!germanPair) expect(root.children.filter((c) => c.local === 'Note').length).toBeLessThanOrEqual(1);
  // Every currencyID is the document currency, except the VAT total in accounting currency (R051).
  walk(root, (el) => {
    const currency = el.attrs['currencyID'];
    if (currency === undefined) return;
    const isAccountingVat = el.local === 'TaxAmount' && currency === model.taxCurrency;
    if (!isAccountingVat) expect(currency).toBe(model.currency);
  });
  expect(child(root, 'ProfileID')?.text).toMatch(/^urn:fdc:peppol\.eu:2017:poacc:(billing|selfbilling):\d\d:1\.0$/);
}
