/**
 * The PDF embedded in an e-invoice, for "PDF alongside the e-invoice" deliveries.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractEmbeddedPdf } from '../../../src/main/understanding/render/extract.ts';
import { convertUbl, writeUbl } from '../../../src/main/understanding/render/ubl-writer.ts';
import { corpusDir, corpusFiles } from '../../helpers/corpus.ts';
import { invoiceWithLines } from './fixtures.ts';

const corpus = corpusDir();
if (!corpus) console.warn('Corpus not found (set LEDGERDROP_CORPUS or provide ../shared/corpus): embedded PDF corpus tests skipped.');
const describeCorpus = corpus ? describe : describe.skip;
const at = (local: string): string => join(corpus ?? '', local);

describeCorpus('extractEmbeddedPdf on the corpus', () => {
  it('returns the 183,694-byte PDF copy of a UBL.BE invoice and of a UBL.BE credit note', () => {
    for (const [file, name] of [
      ['efff/ublbe131_UBLBE_BE0000000196_V01-15000001.xml', '15000001.pdf'],
      ['efff/ublbe131_UBLBE_BE0000000196_V01-15000002.xml', '15000002.pdf'],
    ] as const) {
      const pdf = extractEmbeddedPdf(readFileSync(at(file)));
      expect(pdf?.filename).toBe(name);
      expect(pdf?.bytes.length).toBe(183_694);
      expect(pdf?.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf?.bytes.subarray(-7).toString('latin1')).toContain('%%EOF');
    }
  });

  it('finds a PDF in every UBL.BE sample (the same 183,694-byte copy in all but the "Full" one)', () => {
    const sizes = corpusFiles('efff').map((f) => extractEmbeddedPdf(readFileSync(f))?.bytes.length ?? 0);
    expect(sizes.length).toBeGreaterThan(20);
    expect(sizes.filter((s) => s === 183_694).length).toBe(sizes.length - 1);
    expect(sizes.every((s) => s > 0)).toBe(true);
  });

  it('returns null for documents without a PDF (none, or a non-PDF attachment only)', () => {
    expect(extractEmbeddedPdf(readFileSync(at('ubl/peppol_base-example.xml')))).toBeNull();
    expect(extractEmbeddedPdf(readFileSync(at('ubl/cen_test_Invoice-Max_content.xml')))).toBeNull();
    expect(extractEmbeddedPdf(readFileSync(at('creditnote/peppol_base-creditnote-correction.xml')))).toBeNull();
  });

  it('finds the same PDF after conversion to Peppol BIS 3.0 and to UBL.BE', async () => {
    const bytes = readFileSync(at('efff/ublbe131_UBLBE_BE0000000196_V01-15000001.xml'));
    const original = extractEmbeddedPdf(bytes);
    if (!original) throw new Error('no PDF in the sample');
    const hash = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
    for (const target of ['peppol-bis-3', 'ubl-be'] as const) {
      const converted = await convertUbl(bytes, target);
      if (!converted.ok) throw new Error(converted.error.message);
      const again = extractEmbeddedPdf(converted.xml);
      expect(again?.filename).toBe(original.filename);
      expect(again && hash(again.bytes)).toBe(hash(original.bytes));
    }
  });
});

describe('extractEmbeddedPdf', () => {
  const pdf = Buffer.from('%PDF-1.7\n%%EOF\n');

  it('takes the first attachment that really is a PDF, whatever its mimeCode says', () => {
    const model = invoiceWithLines(1, {
      additionalDocuments: [
        { id: { value: 'fake', schemeId: null }, typeCode: null, description: 'claims PDF', attachment: { content: Buffer.from('not a pdf'), mimeCode: 'application/pdf', filename: 'fake.pdf' }, externalUri: null },
        { id: { value: 'INV/7', schemeId: null }, typeCode: null, description: 'copy', attachment: { content: pdf, mimeCode: 'application/octet-stream', filename: null }, externalUri: null },
      ],
    });
    const found = extractEmbeddedPdf(writeUbl(model, 'peppol-bis-3').xml);
    expect(found?.bytes.equals(pdf)).toBe(true);
    expect(found?.filename).toBe('INV_7.pdf');
  });

  it('never returns a filename with a path', () => {
    const model = invoiceWithLines(1, {
      additionalDocuments: [{ id: { value: 'x', schemeId: null }, typeCode: null, description: null, attachment: { content: pdf, mimeCode: 'application/pdf', filename: '../../etc/passwd' }, externalUri: null }],
    });
    expect(extractEmbeddedPdf(writeUbl(model, 'peppol-bis-3').xml)?.filename).toBe('passwd.pdf');
  });

  it('returns null for files that are not UBL documents', () => {
    expect(extractEmbeddedPdf(pdf)).toBeNull();
    expect(extractEmbeddedPdf(Buffer.from('<html><body>hi</body></html>'))).toBeNull();
    expect(extractEmbeddedPdf(Buffer.alloc(0))).toBeNull();
  });
});
