/**
 * Hostile input is harmless: each case gives a clear finding/error and nothing else — no throw,
 * no half-read data, bounded memory.
 */
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectBuffer, inspectFile } from '../../../src/main/understanding/inspect.ts';
import type { InspectResult } from '../../../src/main/understanding/inspect.ts';

const INVOICE = `<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
  <cbc:ID>INV-1</cbc:ID>
  <cbc:IssueDate>2025-01-31</cbc:IssueDate>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty><cac:Party><cbc:EndpointID schemeID="0208">0123456749</cbc:EndpointID></cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party><cbc:EndpointID schemeID="0208">0202239951</cbc:EndpointID></cac:Party></cac:AccountingCustomerParty>
  <cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="EUR">121.00</cbc:PayableAmount></cac:LegalMonetaryTotal>
</Invoice>
`;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function expectRefused(r: InspectResult, code: string): void {
  expect(r.error?.code).toBe(code);
  expect(r.error?.message.length).toBeGreaterThan(20);
  expect(r.findings.some((f) => f.code === code && f.severity === 'fatal')).toBe(true);
  expect(r.invoice).toBeNull();
  expect(r.statements).toBeNull();
  expect(r.members).toBeNull();
  expect(r.direction).toBeNull();
  expect(r.validation).toBeNull();
}

describe('hostile XML', () => {
  it('billion laughs: refused before any expansion', async () => {
    const lol = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&lol9;</Invoice>`;
    const r = await inspectBuffer(Buffer.from(lol), { name: 'lol.xml' });
    expectRefused(r, 'xml-doctype-refused');
    expect(r.kind).toBe('unknown');
    expect(JSON.stringify(r)).not.toContain('lollol');
  });

  it('XXE pointing at /etc/passwd: refused, nothing read', async () => {
    const xxe = INVOICE.replace('<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0"?>\n<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>').replace(
      '<cbc:ID>INV-1</cbc:ID>',
      '<cbc:ID>&xxe;</cbc:ID>',
    );
    const r = await inspectBuffer(Buffer.from(xxe), { name: 'xxe.xml' });
    expectRefused(r, 'xml-doctype-refused');
    expect(JSON.stringify(r)).not.toMatch(/root:|nobody|\/bin\/(ba)?sh/);
    const param = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY % p SYSTEM "http://127.0.0.1:1/evil.dtd"> %p;]><d/>`;
    expectRefused(await inspectBuffer(Buffer.from(param), { name: 'p.xml' }), 'xml-doctype-refused');
  });

  it('a reference to an undeclared entity is malformed, not resolved', async () => {
    const r = await inspectBuffer(Buffer.from(INVOICE.replace('INV-1', '&xxe;')), { name: 'x.xml' });
    expectRefused(r, 'xml-malformed');
  });

  it('truncated XML: the kind is still recognised, the error gives a line', async () => {
    const cut = Buffer.from(INVOICE).subarray(0, INVOICE.indexOf('<cac:LegalMonetaryTotal>') + 30);
    const r = await inspectBuffer(cut, { name: 'cut.xml' });
    expect(r.kind).toBe('invoice');
    expect(r.format).toBeNull();
    expectRefused(r, 'xml-malformed');
    expect(r.error?.message).toMatch(/line \d+/);
  });

  it('deep nesting and attribute floods are refused', async () => {
    expectRefused(await inspectBuffer(Buffer.from(`${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}`), { name: 'deep.xml' }), 'xml-too-deep');
    const flood = `<a ${Array.from({ length: 5000 }, (_, i) => `a${i}="1"`).join(' ')}/>`;
    expectRefused(await inspectBuffer(Buffer.from(flood), { name: 'attrs.xml' }), 'xml-too-many-attributes');
  });

  it('XML over the size limit is refused', async () => {
    const r = await inspectBuffer(Buffer.from(INVOICE), { name: 'x.xml', limits: { xml: { maxBytes: 200 } } });
    expectRefused(r, 'xml-too-large');
  });

  it('binary garbage is unknown, without error or throw', async () => {
    const garbage = Buffer.alloc(256 * 1024);
    let x = 12345;
    for (let i = 0; i < garbage.length; i += 1) {
      x = (x * 1103515245 + 12345) >>> 0;
      garbage[i] = x >>> 24;
    }
    const r = await inspectBuffer(garbage, { name: 'garbage.xml' });
    expect(r).toMatchObject({ kind: 'unknown', format: null, error: null, invoice: null, members: null });
    expect(r.findings.map((f) => f.code)).toEqual(['unrecognised-binary']);
  });
});

describe('huge files', () => {
  it('a 1 GB file is refused after stat, classified from its first bytes, not read into memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledgerdrop-hostile-'));
    dirs.push(dir);
    const file = join(dir, 'huge.bin');
    const fd = openSync(file, 'w');
    writeSync(fd, Buffer.from(INVOICE.slice(0, 400)));
    ftruncateSync(fd, 1024 ** 3); // sparse: no disk used
    closeSync(fd);
    const before = process.memoryUsage();
    const started = performance.now();
    const r = await inspectFile(file);
    const after = process.memoryUsage();
    expect(performance.now() - started).toBeLessThan(2000);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(50 * 1024 * 1024);
    expect(r.kind).toBe('invoice');
    expect(r.sha256).toBeNull();
    expectRefused(r, 'file-too-large');
    expect(r.error?.message).toMatch(/1024\.0 MB/);
  });

  it('inspectBuffer applies the same limit', async () => {
    const r = await inspectBuffer(Buffer.from(INVOICE), { name: 'x', limits: { maxFileBytes: 100 } });
    expectRefused(r, 'file-too-large');
  });

  it('missing files and folders are reported, not thrown', async () => {
    expectRefused(await inspectFile(join(tmpdir(), 'ledgerdrop-does-not-exist.xml')), 'file-unreadable');
    expectRefused(await inspectFile(tmpdir()), 'not-a-file');
  });
});

describe('ZIP archives', () => {
  it('a normal ZIP is expanded into inspected members', async () => {
    const zip = zipSync({
      'march/INV-1.xml': strToU8(INVOICE),
      'march/scan.pdf': strToU8('%PDF-1.4\n%%EOF\n'),
      'readme.txt': strToU8('hello'),
      'march/': new Uint8Array(0),
    });
    const r = await inspectBuffer(zip, { name: 'march.zip', clientIds: ['BE0123.456.749'] });
    expect(r).toMatchObject({ kind: 'archive', format: 'zip', error: null });
    expect(r.members?.map((m) => [m.file, m.kind, m.format])).toEqual([
      ['march/INV-1.xml', 'invoice', 'peppol-bis-3'],
      ['march/scan.pdf', 'pdf', 'pdf'],
      ['readme.txt', 'unknown', null],
    ]);
    expect(r.members?.[0]?.direction).toBe('sales');
    expect(r.members?.[0]?.invoice?.payableAmount).toBe('121.00');
    expect(r.members?.[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ZIP bomb: 1,000 members of zeros', async () => {
    const zeros = new Uint8Array(70 * 1024);
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 1000; i += 1) files[`zeros-${i}.bin`] = zeros;
    const r = await inspectBuffer(zipSync(files, { level: 1 }), { name: 'bomb.zip' });
    expect(r.kind).toBe('archive');
    expectRefused(r, 'zip-ratio-too-high');
  });

  it('ZIP bomb: more than 1,000 members', async () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 1001; i += 1) files[`f${i}.txt`] = strToU8('x');
    expectRefused(await inspectBuffer(zipSync(files), { name: 'many.zip' }), 'zip-too-many-members');
  });

  it('ZIP bomb: one member with a huge ratio', async () => {
    const zip = zipSync({ 'zeros.bin': new Uint8Array(20 * 1024 * 1024) }, { level: 1 });
    expect(zip.length).toBeLessThan(200 * 1024);
    expectRefused(await inspectBuffer(zip, { name: 'ratio.zip' }), 'zip-ratio-too-high');
  });

  it('ZIP bomb: a member that lies about its size is stopped at the declared size', async () => {
    const zip = Buffer.from(zipSync({ 'zeros.bin': new Uint8Array(20 * 1024 * 1024) }, { level: 1 }));
    const central = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(1000, central + 24); // declared uncompressed size: 1000 bytes
    const r = await inspectBuffer(zip, { name: 'liar.zip' });
    expectRefused(r, 'zip-size-mismatch');
  });

  it('ZIP bomb: declared total over 200 MB', async () => {
    const zip = Buffer.from(zipSync({ 'a.bin': strToU8('a'), 'b.bin': strToU8('b') }, { level: 0 }));
    let at = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    while (at !== -1) {
      zip.writeUInt32LE(150 * 1024 * 1024, at + 24);
      at = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at + 4);
    }
    expectRefused(await inspectBuffer(zip, { name: 'total.zip' }), 'zip-too-large');
  });

  it('the total limit counts nested archives too (configurable)', async () => {
    const inner = zipSync({ 'a.txt': new Uint8Array(40_000).fill(65), 'b.txt': new Uint8Array(40_000).fill(66) }, { level: 0 });
    const outer = zipSync({ 'inner.zip': inner, 'c.txt': new Uint8Array(10_000).fill(67) }, { level: 0 });
    const r = await inspectBuffer(outer, { name: 'outer.zip', limits: { archive: { maxTotalBytes: 100_000 } } });
    expect(r.error).toBeNull();
    const nested = r.members?.find((m) => m.file === 'inner.zip');
    expect(nested?.error?.code).toBe('zip-too-large');
    expect(nested?.members).toBeNull();
  });

  it('archives nested deeper than 3 levels are not expanded', async () => {
    let nest: Uint8Array = zipSync({ 'INV-1.xml': strToU8(INVOICE) });
    for (let i = 0; i < 3; i += 1) nest = zipSync({ [`level-${i}.zip`]: nest });
    const r = await inspectBuffer(nest, { name: 'nest.zip' });
    const chain: InspectResult[] = [];
    let cur: InspectResult | undefined = r;
    while (cur) {
      chain.push(cur);
      cur = cur.members?.[0];
    }
    expect(chain.map((c) => c.kind)).toEqual(['archive', 'archive', 'archive', 'archive']);
    expect(chain.slice(0, 3).every((c) => c.error === null)).toBe(true);
    expectRefused(chain[3] as InspectResult, 'zip-too-deep');

    // Three levels are fine.
    let three: Uint8Array = zipSync({ 'INV-1.xml': strToU8(INVOICE) });
    for (let i = 0; i < 2; i += 1) three = zipSync({ [`level-${i}.zip`]: three });
    const ok = await inspectBuffer(three, { name: 'three.zip' });
    expect(ok.members?.[0]?.members?.[0]?.members?.[0]?.kind).toBe('invoice');
  });

  it('damaged and truncated ZIPs are reported, not thrown', async () => {
    const zip = zipSync({ 'INV-1.xml': strToU8(INVOICE) });
    expectRefused(await inspectBuffer(zip.subarray(0, zip.length - 30), { name: 'cut.zip' }), 'zip-corrupt');
    const flipped = Buffer.from(zip);
    flipped[40] = (flipped[40] ?? 0) ^ 0xff; // inside the compressed data
    const r = await inspectBuffer(flipped, { name: 'flipped.zip' });
    expect(r.kind).toBe('archive');
    expect(r.findings.some((f) => f.code === 'zip-member-corrupt' || f.severity === 'fatal')).toBe(true);
  });
});
