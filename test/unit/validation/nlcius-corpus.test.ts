/**
 * SI-UBL 2.0 / NLCIUS rules (2.0.3.13) against the shared corpus: the invalid/nlcius_SI-UBL-2.0_*
 * documents each break the rule in their name (`_error_` fatal, `_warning_` warning); the valid
 * NLCIUS documents in ubl/ and creditnote/ break none; and on every document the official SI-UBL
 * validator was run on, our module reports exactly the SI-UBL ids it reported (its CEN ids are the
 * CEN module's business and are left out of the comparison).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nlciusRules } from '../../../src/main/understanding/validation/rules/nlcius/index.ts';
import type { RuleSet } from '../../../src/main/understanding/validation/rulesets.ts';
import type { ValidationReport } from '../../../src/main/understanding/validation/types.ts';
import { validateWith } from '../../../src/main/understanding/validation/validate.ts';
import { corpusDir, corpusFiles } from '../../helpers/corpus.ts';
import { loadUbl } from './validate-file.ts';

const dir = corpusDir();
if (!dir) console.warn('Corpus not found (set LEDGERDROP_CORPUS or put it at ../shared/corpus): NLCIUS corpus tests skipped.');

const NLCIUS: RuleSet = { id: 'nlcius', release: '2.0.3.13', modules: [nlciusRules] };
const OWN = new Set(nlciusRules.rules.map((r) => r.id));

/** The `siubl=` observation of SOURCES.tsv per file; null when the official validator stopped with an error. */
function readSiUbl(corpus: string): Map<string, { fatal: string[]; warning: string[] } | null> {
  const out = new Map<string, { fatal: string[]; warning: string[] } | null>();
  const file = join(corpus, 'SOURCES.tsv');
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
    const cols = line.split('\t');
    const part = cols[7]?.split(' ; ').find((p) => p.startsWith('siubl='));
    if (!cols[0] || !part) continue;
    const tokens = part.slice('siubl='.length).split(' ');
    if (tokens[0]?.startsWith('EXC')) {
      out.set(cols[0], null);
      continue;
    }
    const pick = (prefix: string): string[] => tokens.filter((t) => t.startsWith(prefix)).map((t) => t.slice(2)).filter((id) => OWN.has(id));
    out.set(cols[0], { fatal: pick('E:'), warning: pick('W:') });
  }
  return out;
}

const ids = (report: ValidationReport, severity: 'fatal' | 'warning'): string[] =>
  [...new Set((severity === 'fatal' ? report.errors : report.warnings).map((i) => i.rule))].sort();

describe.skipIf(!dir)('NLCIUS rules on the corpus', () => {
  const invalid = corpusFiles('invalid').filter((f) => basename(f).startsWith('nlcius_SI-UBL-2.0_'));
  const valid = [...corpusFiles('ubl'), ...corpusFiles('creditnote')].filter((f) => basename(f).startsWith('nlcius_'));

  it('finds the NLCIUS documents', () => {
    expect(invalid.length).toBeGreaterThan(10);
    expect(valid.length).toBeGreaterThan(3);
  });

  it('each invalid/nlcius_SI-UBL-2.0_BR-NL-* document reports its rule, as an error or a warning as named', () => {
    let checked = 0;
    for (const file of invalid) {
      const m = /^nlcius_SI-UBL-2\.0_(BR-NL-\d+)_(error|warning)/.exec(basename(file));
      if (!m?.[1]) continue;
      const rule = m[1];
      const report = validateWith(loadUbl(file).root, NLCIUS);
      const reported = ids(report, m[2] === 'error' ? 'fatal' : 'warning');
      // Sub-ids (BR-NL-27-4, BR-NL-28-2, …) belong to their rule. BR-NL-34 has no id of its own: the
      // official file reuses BR-NL-32-1 for it, and the first matching context wins.
      const expected = rule === 'BR-NL-34' ? 'BR-NL-32-1' : rule;
      expect({ file: basename(file), found: reported.some((id) => id === expected || id.startsWith(`${expected}-`)) }).toEqual({ file: basename(file), found: true });
      if (m[2] === 'warning') expect({ file: basename(file), fatal: ids(report, 'fatal') }).toEqual({ file: basename(file), fatal: [] });
      checked += 1;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('the empty-elements document gets the SI-UBL-2 warning', () => {
    const file = invalid.find((f) => basename(f).includes('warning_empty_elements'));
    if (!file) return;
    const report = validateWith(loadUbl(file).root, NLCIUS);
    expect(ids(report, 'warning')).toContain('SI-UBL-2');
    expect(ids(report, 'fatal')).toEqual([]);
  });

  it('the valid NLCIUS documents report no BR-NL error', () => {
    for (const file of valid) {
      const { root, format } = loadUbl(file);
      expect(format).toBe('nlcius');
      const report = validateWith(root, NLCIUS);
      expect({ file: basename(file), fatal: ids(report, 'fatal') }).toEqual({ file: basename(file), fatal: [] });
    }
  });

  it('reports exactly the SI-UBL ids the official SI-UBL 2.0.3.13 validator reported', () => {
    const observed = readSiUbl(dir!);
    let checked = 0;
    for (const [name, expected] of observed) {
      if (!expected || !existsSync(join(dir!, name))) continue;
      const report = validateWith(loadUbl(join(dir!, name)).root, NLCIUS);
      expect({ file: name, fatal: ids(report, 'fatal'), warning: ids(report, 'warning') }).toEqual({
        file: name,
        fatal: [...new Set(expected.fatal)].sort(),
        warning: [...new Set(expected.warning)].sort(),
      });
      checked += 1;
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('nlcius documents in ubl/ and creditnote/ report exactly the observed fatal SI-UBL ids (usually none)', () => {
    const observed = readSiUbl(dir!);
    for (const file of [...corpusFiles('ubl'), ...corpusFiles('creditnote')]) {
      const { root, format } = loadUbl(file);
      if (format !== 'nlcius') continue;
      const expected = observed.get(`${basename(join(file, '..'))}/${basename(file)}`);
      if (!expected) continue;
      expect({ file: basename(file), fatal: ids(validateWith(root, NLCIUS), 'fatal') }).toEqual({ file: basename(file), fatal: [...new Set(expected.fatal)].sort() });
    }
  });
});
