import { describe, expect, it } from 'vitest';
import { classifyBytes, classifyHead, kindForXmlRoot, sniffMagic, ublFormatFor } from '../../../src/main/understanding/classify.ts';
import { inspectBuffer } from '../../../src/main/understanding/inspect.ts';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

describe('magic numbers', () => {
  it('recognises PDF, JPEG, PNG, TIFF and ZIP from their first bytes', () => {
    expect(sniffMagic(Buffer.from('%PDF-1.7\n%âãÏÓ'))).toEqual({ kind: 'pdf', format: 'pdf' });
    expect(sniffMagic(Buffer.concat([Buffer.alloc(500, 0x20), Buffer.from('%PDF-1.4')]))).toEqual({ kind: 'pdf', format: 'pdf' });
    expect(sniffMagic(Buffer.concat([Buffer.alloc(1100, 0x20), Buffer.from('%PDF-1.4')]))).toBeNull();
    expect(sniffMagic(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10))).toEqual({ kind: 'image', format: 'jpeg' });
    expect(sniffMagic(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0))).toEqual({ kind: 'image', format: 'png' });
    expect(sniffMagic(bytes(0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0))).toEqual({ kind: 'image', format: 'tiff' });
    expect(sniffMagic(bytes(0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8))).toEqual({ kind: 'image', format: 'tiff' });
    expect(sniffMagic(bytes(0x50, 0x4b, 0x03, 0x04, 20, 0))).toEqual({ kind: 'archive', format: 'zip' });
    expect(sniffMagic(Buffer.from('hello'))).toBeNull();
    expect(sniffMagic(bytes())).toBeNull();
  });

  it('inspect reports them with no error', async () => {
    const pdf = await inspectBuffer(Buffer.from('%PDF-1.5\n1 0 obj\n'), { name: 'scan.xml' });
    expect(pdf).toMatchObject({ kind: 'pdf', format: 'pdf', error: null, invoice: null, direction: null, members: null, validation: null });
    const png = await inspectBuffer(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), { name: 'x.pdf' });
    expect(png).toMatchObject({ kind: 'image', format: 'png' });
  });
});

describe('UBL format from CustomizationID (formats.md §1.2, §2, §3)', () => {
  it.each([
    ['urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0', 'peppol-bis-3'],
    ['urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:selfbilling:3.0', 'peppol-selfbilling'],
    ['urn:cen.eu:en16931:2017#conformant#urn:UBL.BE:1.0.0.20180214', 'ubl-be'],
    ['urn:cen.eu:en16931:2017#compliant#urn:fdc:nen.nl:nlcius:v1.0', 'nlcius'],
    ['urn:cen.eu:en16931:2017', 'en16931'],
    ['urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0', 'en16931'],
    ['urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:international:aunz:3.0', 'en16931'],
    ['urn:www.simplerinvoicing.org:si:si-ubl:invoice:ver1.2', 'ubl'],
    [null, 'ubl'],
  ] as const)('%s -> %s', (id, format) => {
    expect(ublFormatFor(id).format).toBe(format);
  });

  it('tolerates surrounding whitespace, with a finding', () => {
    const r = ublFormatFor('\n  urn:cen.eu:en16931:2017#compliant#urn:fdc:nen.nl:nlcius:v1.0\n');
    expect(r.format).toBe('nlcius');
    expect(r.findings.map((f) => f.code)).toEqual(['customization-id-whitespace']);
  });

  it('e-FFF 1.0 (ProfileID e-fff) is the Belgian family', () => {
    expect(ublFormatFor('1.0', 'e-fff').format).toBe('ubl-be');
  });
});

describe('XML roots', () => {
  it('camt.053 in any .001.NN version is a bank statement; camt.052/054 are not', () => {
    for (const v of ['02', '03', '04', '06', '08']) {
      expect(kindForXmlRoot({ name: 'Document', local: 'Document', ns: `urn:iso:std:iso:20022:tech:xsd:camt.053.001.${v}` })).toMatchObject({ kind: 'bank-statement', findings: [] });
    }
    const v13 = kindForXmlRoot({ name: 'Document', local: 'Document', ns: 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.13' });
    expect(v13.kind).toBe('bank-statement');
    expect(v13.findings.map((f) => f.code)).toEqual(['camt053-version-untested']);
    expect(kindForXmlRoot({ name: 'Document', local: 'Document', ns: 'urn:iso:std:iso:20022:tech:xsd:camt.054.001.02' }).kind).toBe('unknown');
    expect(kindForXmlRoot({ name: 'Invoice', local: 'Invoice', ns: 'urn:other' }).kind).toBe('unknown');
  });

  it('an Invoice in the wrong namespace is not an invoice', () => {
    const c = classifyBytes(Buffer.from('<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"/>'));
    expect(c.kind).toBe('unknown');
  });

  it('classifyHead guesses from the first bytes without parsing', () => {
    expect(classifyHead(Buffer.from('<?xml version="1.0"?>\n<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">\n<cbc:ID'))).toEqual({ kind: 'invoice', format: null });
    expect(classifyHead(Buffer.from('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'))).toEqual({ kind: 'bank-statement', format: 'camt053' });
    expect(classifyHead(Buffer.from('%PDF-1.4'))).toEqual({ kind: 'pdf', format: 'pdf' });
    expect(classifyHead(Buffer.from('random text'))).toEqual({ kind: 'unknown', format: null });
  });

  it('an HTML page is unknown, not a refused XML document', async () => {
    const html = await inspectBuffer(Buffer.from('<!DOCTYPE html>\n<html><body>Invoice attached</body></html>'), { name: 'mail.xml' });
    expect(html).toMatchObject({ kind: 'unknown', error: null });
    expect(html.findings.map((f) => f.code)).toEqual(['html-document']);
  });

  it('plain text and empty files are unknown, with a finding and no error', async () => {
    const text = await inspectBuffer(Buffer.from('Dear accountant,\nplease find attached…\n'), { name: 'mail.txt' });
    expect(text).toMatchObject({ kind: 'unknown', format: null, error: null });
    expect(text.findings.map((f) => f.code)).toEqual(['unrecognised-text']);
    const empty = await inspectBuffer(new Uint8Array(0), { name: 'empty' });
    expect(empty).toMatchObject({ kind: 'unknown', error: null });
    expect(empty.sha256).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
