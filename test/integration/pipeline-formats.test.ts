import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { extractEmbeddedPdf } from '../../src/main/understanding/render/extract.ts';
import { corpusDir } from '../helpers/corpus.ts';
import { runLedgerdrop } from '../helpers/cli.ts';
import { tempDirs } from '../helpers/temp.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());
const corpus = corpusDir();
if (!corpus) console.warn('Corpus folder absent: the format-conversion pipeline tests are skipped.');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('delivery formats', () => {
  it.skipIf(!corpus)('delivers a UBL.BE invoice as Peppol BIS 3.0 with the embedded PDF alongside, leaving the original untouched', async () => {
    const root = temp.make();
    const home = join(root, 'home');
    const out = join(root, 'out');
    mkdirSync(out);
    const source = join(corpus!, 'efff/ublbe131_UBLBE_BE0000000196_V01-15000001.xml');
    const before = sha(readFileSync(source));
    const config = {
      connections: [{ id: 'peppol', service: 'local-folder', name: 'Peppol export', families: ['invoices'], format: 'peppol-bis-3', pdfAlongside: true, settings: { path: out, pathTemplate: '[direction]/[original_name]' } }],
      clients: [{ id: 'supplier', name: 'My Supplier Company', identifiers: ['BE0000000196'], connection: 'peppol', activate: ['invoices'] }],
    };
    writeFileSync(join(root, 'c.json'), JSON.stringify(config));
    expect((await runLedgerdrop(['--home', home, 'config', 'apply', join(root, 'c.json')])).code).toBe(0);
    expect(JSON.parse((await runLedgerdrop(['--home', home, 'import', source, '--client', 'supplier', '--json'])).stdout)).toMatchObject({ queued: 1 });
    const run = await runLedgerdrop(['--home', home, 'run', '--once']);
    expect(run.code, run.stdout + run.stderr).toBe(0);

    expect(readdirSync(join(out, 'sales')).sort()).toEqual(['ublbe131_UBLBE_BE0000000196_V01-15000001.pdf', 'ublbe131_UBLBE_BE0000000196_V01-15000001.xml']);
    const xml = join(out, 'sales', 'ublbe131_UBLBE_BE0000000196_V01-15000001.xml');
    const inspected = JSON.parse((await runLedgerdrop(['inspect', '--json', xml])).stdout) as { format: string; invoice: { number: string; payableAmount: string } };
    expect(inspected).toMatchObject({ format: 'peppol-bis-3', invoice: { number: 'V01/15000001', payableAmount: '484' } });
    const pdf = readFileSync(join(out, 'sales', 'ublbe131_UBLBE_BE0000000196_V01-15000001.pdf'));
    expect(sha(pdf)).toBe(sha(extractEmbeddedPdf(readFileSync(source))!.bytes));
    expect(sha(readFileSync(source))).toBe(before);
  });

  it.skipIf(!corpus)('`ledgerdrop render` writes Peppol, UBL.BE and PDF, never over an existing file', async () => {
    const root = temp.make();
    const source = join(corpus!, 'creditnote/cen_test_CreditNote-Min_content_with_VAT.xml');
    for (const as of ['peppol-bis-3', 'ubl-be'] as const) {
      const out = join(root, `${as}.xml`);
      const result = await runLedgerdrop(['render', source, '--as', as, '--out', out]);
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse((await runLedgerdrop(['inspect', '--json', out])).stdout)).toMatchObject({ kind: 'credit-note', format: as });
    }
    const pdf = join(root, 'note.pdf');
    expect((await runLedgerdrop(['render', source, '--as', 'pdf', '--out', pdf])).code).toBe(0);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    const again = await runLedgerdrop(['render', source, '--as', 'pdf', '--out', pdf]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/does not overwrite/);
  });
});
