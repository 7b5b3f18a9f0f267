import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { corpusDir } from '../helpers/corpus.ts';
import { runLedgerdrop } from '../helpers/cli.ts';
import { tempDirs } from '../helpers/temp.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());
const corpus = corpusDir();
if (!corpus) console.warn('Corpus folder absent (LEDGERDROP_CORPUS or ../shared/corpus): `ledgerdrop inspect` corpus tests are skipped.');

const SHAPE_KEYS = ['file', 'sha256', 'kind', 'format', 'direction', 'invoice', 'statements', 'validation', 'error'];

describe('ledgerdrop inspect', () => {
  it('prints one JSON object per file and per line, and exits 1 for a file it cannot understand', async () => {
    const dir = temp.make();
    const garbage = join(dir, 'garbage.xml');
    writeFileSync(garbage, Buffer.from([0x3c, 0x3f, 0x78, 0x6d, 0x6c, 0x20, 0x00, 0xff, 0xfe, 0x01]));
    const truncated = join(dir, 'truncated.xml');
    writeFileSync(truncated, '<?xml version="1.0"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><cbc:ID xmlns:cbc="x">1</cbc:I');
    const result = await runLedgerdrop(['inspect', '--json', garbage, truncated, join(dir, 'missing.pdf')]);
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    for (const line of lines) for (const key of SHAPE_KEYS) expect(line).toHaveProperty(key);
    expect(lines[1]).toMatchObject({ kind: 'invoice', error: { code: 'xml-malformed' } });
    expect(lines[2]).toMatchObject({ sha256: null, error: { code: 'file-unreadable', message: 'The file does not exist (any more).' } });
  });

  it.skipIf(!corpus)('reads an e-FFF invoice, tells sales from purchase and validates it against UBL.BE', async () => {
    const file = join(corpus!, 'efff/ublbe131_UBLBE_BE0000000196_V01-15000001.xml');
    const sales = await runLedgerdrop(['inspect', '--json', '--client-id', 'BE 0000.000.196', file]);
    const out = JSON.parse(sales.stdout) as { sha256: string };
    expect(out).toMatchObject({
      kind: 'invoice',
      format: 'ubl-be',
      direction: 'sales',
      invoice: {
        number: 'V01/15000001',
        issueDate: '2018-04-09',
        currency: 'EUR',
        payableAmount: '484',
        supplier: { vatId: 'BE0000000196', endpointScheme: '0208' },
        attachments: [{ filename: '15000001.pdf', mimeCode: 'application/pdf', size: 183694, isPdf: true }],
      },
      validation: { ruleset: 'ubl-be', release: '1.31' },
    });
    expect(out.sha256).toMatch(/^[0-9a-f]{64}$/);
    const purchase = JSON.parse((await runLedgerdrop(['inspect', '--json', '--client-id', '0000000295', file])).stdout) as { direction: string };
    expect(purchase.direction).toBe('purchase');
    const human = await runLedgerdrop(['inspect', file]);
    expect(human.stdout).toContain('V01/15000001 of 2018-04-09');
  });

  it.skipIf(!corpus)('reads a CODA statement with its balances', async () => {
    const result = await runLedgerdrop(['inspect', '--json', join(corpus!, 'coda/phpcoda_sample8.cod')]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      kind: 'bank-statement',
      format: 'coda',
      statements: [{ account: 'BE11111111111111', currency: 'EUR', openingBalance: '1293.45', closingBalance: '648.56', entries: 2, balanced: true }],
    });
  });
});

describe('ledgerdrop rules', () => {
  it('lists the rule sets and, with --coverage, which official ids are implemented', async () => {
    const result = await runLedgerdrop(['rules', '--coverage', '--json']);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as { rulesets: { ruleset: string; release: string }[]; coverage: { source: string; fatal: { total: number } }[] };
    expect(out.rulesets.map((r) => `${r.ruleset}@${r.release}`)).toEqual(['en16931@2026.5', 'peppol-bis-3@2026.5', 'peppol-selfbilling@2026.5', 'ubl-be@1.31', 'nlcius@2.0.3.13']);
    expect(out.coverage.map((c) => c.source)).toEqual(['cen', 'peppol', 'peppol-selfbilling', 'ublbe', 'nlcius']);
    expect(out.coverage.find((c) => c.source === 'cen')?.fatal.total).toBeGreaterThan(200);
  });
});
