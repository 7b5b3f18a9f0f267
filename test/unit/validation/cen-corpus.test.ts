/**
 * The CEN rules against what the official validator (CEN EN16931 UBL 2026.5 via phive/Saxon, column
 * `observed_checks` of SOURCES.tsv, `cen=...`) reported on the corpus: the same errors and the same
 * warnings, file by file; and every official unit-test fragment (invalid/frag_cen_*, frag_cencn_*)
 * reports the rule it was written to break.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseXmlBytes } from '../../../src/main/understanding/safe-xml.ts';
import { RULESETS } from '../../../src/main/understanding/validation/rulesets.ts';
import { validateWith } from '../../../src/main/understanding/validation/validate.ts';
import { corpusDir, corpusFiles } from '../../helpers/corpus.ts';
import { validateFile } from './validate-file.ts';

const dir = corpusDir();
if (!dir) console.warn('cen-corpus.test.ts: no corpus (../shared/corpus or LEDGERDROP_CORPUS); the corpus tests are skipped.');
const suite = dir ? describe : describe.skip;

interface Observed {
  errors: string[];
  warnings: string[];
}

/** `cen=...` of observed_checks, by corpus-relative file name. */
function observed(): Map<string, Observed> {
  const result = new Map<string, Observed>();
  if (!dir) return result;
  const lines = readFileSync(join(dir, 'SOURCES.tsv'), 'utf8').split('\n').slice(1);
  for (const line of lines) {
    const cols = line.split('\t');
    const cen = /(?:^|; )cen=([^;]*)/.exec(cols[7] ?? '')?.[1];
    if (!cols[0] || cen === undefined) continue;
    const tokens = cen.trim().split(/\s+/);
    result.set(cols[0], {
      errors: tokens.filter((t) => t.startsWith('E:')).map((t) => t.slice(2)).sort(),
      warnings: tokens.filter((t) => t.startsWith('W:')).map((t) => t.slice(2)).sort(),
    });
  }
  return result;
}

const ids = (issues: ReadonlyArray<{ rule: string }>): string[] => [...new Set(issues.map((i) => i.rule))].sort();

suite('CEN rules on the corpus', () => {
  const expected = observed();

  for (const sub of ['ubl', 'creditnote', 'efff']) {
    describe(sub, () => {
      for (const file of corpusFiles(sub)) {
        const name = `${sub}/${basename(file)}`;
        it(`${name}: the same errors and warnings as the official validator`, () => {
          const official = expected.get(name);
          expect(official, `${name} has no cen= entry in SOURCES.tsv`).toBeDefined();
          const report = validateFile(file, RULESETS.en16931);
          expect(ids(report?.errors ?? [])).toEqual(official?.errors);
          expect(ids(report?.warnings ?? [])).toEqual(official?.warnings);
        });
      }
    });
  }

  describe('official unit-test fragments', () => {
    const fragments = corpusFiles('invalid').filter((f) => /\/frag_cen(cn)?_/.test(f));
    it('are there', () => expect(fragments.length).toBeGreaterThan(0));
    for (const file of fragments) {
      const name = basename(file);
      const rule = /^frag_cen(?:cn)?_(.+)_\d+\.xml$/.exec(name)?.[1] ?? '';
      it(`${name} breaks ${rule} (and exactly the rules the official validator reported)`, () => {
        const report = validateFile(file, RULESETS.en16931);
        const errors = ids(report?.errors ?? []);
        expect(errors).toContain(rule);
        const official = expected.get(`invalid/${name}`);
        if (official) expect(errors).toEqual(official.errors);
      });
    }
  });

  it('validates a corpus invoice in well under a millisecond (rules only, parsing excluded)', () => {
    const bytes = corpusFiles('ubl').map((f) => readFileSync(f));
    const parse = () =>
      bytes.map((b) => {
        const parsed = parseXmlBytes(b);
        if (!parsed.ok) throw new Error(parsed.error.message);
        return parsed.root;
      });
    for (const root of parse()) validateWith(root, RULESETS.en16931); // warm-up
    const reps = 10;
    const trees = Array.from({ length: reps }, parse); // fresh trees: nothing cached from an earlier run
    const start = performance.now();
    for (const roots of trees) for (const root of roots) validateWith(root, RULESETS.en16931);
    const perInvoice = (performance.now() - start) / (reps * bytes.length);
    // Typically ~0.4 ms; the bound leaves room for a loaded test machine.
    expect(perInvoice).toBeLessThan(3);
  });
});
