/**
 * Every corpus file is classified as SOURCES.tsv says (kind + format), by content only.
 * Skipped, with a warning, when the corpus is not there.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectFile } from '../../../src/main/understanding/inspect.ts';
import { corpusDir, corpusFiles } from '../../helpers/corpus.ts';
import { expectedClass, officialErrors, readSources } from './corpus-sources.ts';

const corpus = corpusDir();
if (!corpus) console.warn('Corpus not found (set LEDGERDROP_CORPUS or provide ../shared/corpus): corpus classification tests skipped.');
const describeCorpus = corpus ? describe : describe.skip;

const UBL_FOLDERS = ['ubl', 'creditnote', 'efff', 'invalid'] as const;
const STATEMENT_FOLDERS = ['coda', 'camt053', 'mt940'] as const;

describeCorpus('corpus classification (SOURCES.tsv)', () => {
  const root = corpus ?? '';
  const rows = corpus ? readSources(root) : [];
  const byFile = new Map(rows.map((r) => [r.localFile, r]));

  it('SOURCES.tsv lists exactly the files in the folders', () => {
    for (const folder of [...UBL_FOLDERS, ...STATEMENT_FOLDERS]) {
      const files = corpusFiles(folder).map((f) => `${folder}/${basename(f)}`);
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) expect(byFile.has(f), `${f} missing from SOURCES.tsv`).toBe(true);
    }
  });

  const VALIDATORS_OF: Record<string, readonly string[]> = {
    'peppol-bis-3': ['cen', 'peppol'],
    'peppol-selfbilling': ['cen', 'peppol-sb'],
    'ubl-be': ['ublbe'],
    nlcius: ['cen', 'siubl'],
    en16931: ['cen'],
  };

  for (const folder of [...UBL_FOLDERS, ...STATEMENT_FOLDERS]) {
    describe(folder, () => {
      for (const file of corpusFiles(folder)) {
        const local = `${folder}/${basename(file)}`;
        it(local, async () => {
          const row = byFile.get(local);
          expect(row, 'row in SOURCES.tsv').toBeDefined();
          if (!row) return;
          const expected = expectedClass(row, readFileSync(file, 'utf8'));
          expect(expected, `cannot map expected "${row.expected}"`).not.toBeNull();
          const result = await inspectFile(file);
          expect({ kind: result.kind, format: result.format }).toEqual({ kind: expected?.kind, format: expected?.format });
          const validators = VALIDATORS_OF[result.format ?? ''];
          if (validators) {
            // Validated against the rule set its CustomizationID selects, with exactly the fatal rules
            // the official validators reported (most official examples: none).
            expect(result.validation?.ruleset).toBe(result.format);
            const ours = [...new Set(result.validation?.errors.map((e) => e.rule))].sort();
            if (/=EXC:/.test(row.observed)) {
              // The official validator stopped on this file (an XPath error); it was written to break the rule in its name.
              expect(ours).toContain(/_((?:UBL|BR)-[A-Z]*-?\d+)_/.exec(row.localFile)?.[1]);
            } else {
              expect(ours).toEqual([...new Set(officialErrors(row, validators))].sort());
            }
          } else {
            expect(result.validation).toBeNull();
          }
          expect(result.sha256).toMatch(/^[0-9a-f]{64}$/);
          if (result.kind === 'invoice' || result.kind === 'credit-note') {
            expect(result.error).toBeNull();
            expect(result.invoice).not.toBeNull();
            expect(result.direction).toBe('unknown');
            expect(result.statements).toBeNull();
          }
          if (folder === 'efff') {
            // Every UBL.BE file embeds one real PDF copy (formats.md §1.7).
            const pdfs = result.invoice?.attachments.filter((a) => a.isPdf) ?? [];
            expect(pdfs).toHaveLength(1);
            expect(pdfs[0]?.mimeCode).toBe('application/pdf');
          }
          if (result.kind === 'bank-statement' && STATEMENT_FOLDERS.includes(folder as (typeof STATEMENT_FOLDERS)[number])) {
            expect(result.error).toBeNull();
            expect(result.statements?.length ?? 0).toBeGreaterThan(0);
          }
        });
      }
    });
  }

  it('broken bank statements in invalid/ are recognised and reported, not thrown', async () => {
    const faulty = await inspectFile(join(root, 'invalid/pycoda_Coda_faulty_version.cod'));
    expect(faulty.kind).toBe('bank-statement');
    expect(faulty.format).toBe('coda');
    expect(faulty.findings.some((f) => f.severity === 'fatal')).toBe(true);
    const messy = await inspectFile(join(root, 'invalid/codastandard_invalid.cod'));
    expect(messy.findings.length).toBeGreaterThan(0);
  });

  it('classification never looks at the file name: a renamed invoice is still an invoice', async () => {
    const { inspectBuffer } = await import('../../../src/main/understanding/inspect.ts');
    const bytes = readFileSync(join(root, 'ubl/peppol_base-example.xml'));
    const result = await inspectBuffer(bytes, { name: 'holiday-photo.jpg' });
    expect(result.kind).toBe('invoice');
    expect(result.format).toBe('peppol-bis-3');
    expect(result.file).toBe('holiday-photo.jpg');
  });
});
