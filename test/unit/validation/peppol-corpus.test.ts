/**
 * Peppol BIS Billing 3.0 and Peppol self-billing rules (release 2026.5) against the shared corpus:
 * what our modules report must be exactly what the official artefacts reported (SOURCES.tsv,
 * column observed_checks: `peppol=…`, `peppol-sb=…`). Only our modules run (validateWith with one
 * module), so the CEN rules, written elsewhere, do not interfere.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { peppolRules, peppolSelfBillingRules } from '../../../src/main/understanding/validation/rules/peppol/index.ts';
import type { RuleSet } from '../../../src/main/understanding/validation/rulesets.ts';
import type { RuleModule, ValidationReport } from '../../../src/main/understanding/validation/types.ts';
import { validateWith } from '../../../src/main/understanding/validation/validate.ts';
import { corpusDir, corpusFiles } from '../../helpers/corpus.ts';
import { loadUbl } from './validate-file.ts';

interface Observed {
  fatal: string[];
  warning: string[];
}

/** observed_checks of SOURCES.tsv, per file and validator (`peppol`, `peppol-sb`, `siubl`); null when the validator stopped with an error. */
function readObserved(dir: string): Map<string, Map<string, Observed | null>> {
  const out = new Map<string, Map<string, Observed | null>>();
  const file = join(dir, 'SOURCES.tsv');
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
    const cols = line.split('\t');
    const name = cols[0];
    const checks = cols[7];
    if (!name || !checks) continue;
    const byValidator = new Map<string, Observed | null>();
    for (const part of checks.split(' ; ')) {
      const m = /^(peppol|peppol-sb|siubl|cen|ublbe)=(.*)$/.exec(part.trim());
      if (!m?.[1] || m[2] === undefined) continue;
      const tokens = m[2].split(' ');
      if (tokens[0]?.startsWith('EXC')) {
        byValidator.set(m[1], null);
        continue;
      }
      byValidator.set(m[1], {
        fatal: tokens.filter((t) => t.startsWith('E:')).map((t) => t.slice(2)),
        warning: tokens.filter((t) => t.startsWith('W:')).map((t) => t.slice(2)),
      });
    }
    out.set(name, byValidator);
  }
  return out;
}

const dir = corpusDir();
if (!dir) console.warn('Corpus not found (set LEDGERDROP_CORPUS or put it at ../shared/corpus): Peppol corpus tests skipped.');
const observed = dir ? readObserved(dir) : new Map<string, Map<string, Observed | null>>();

const setWith = (module: RuleModule, id: RuleSet['id']): RuleSet => ({ id, release: '2026.5', modules: [module] });
const PEPPOL = setWith(peppolRules, 'peppol-bis-3');
const SELF_BILLING = setWith(peppolSelfBillingRules, 'peppol-selfbilling');

const ids = (report: ValidationReport, severity: 'fatal' | 'warning'): string[] =>
  [...new Set((severity === 'fatal' ? report.errors : report.warnings).map((i) => i.rule))].sort();
const sorted = (list: string[]): string[] => [...new Set(list)].sort();
const relative = (file: string): string => `${basename(join(file, '..'))}/${basename(file)}`;

const documents = [...corpusFiles('ubl'), ...corpusFiles('creditnote')].filter((f) => f.endsWith('.xml'));

describe.skipIf(!dir)('Peppol rules on the corpus (SOURCES.tsv observed_checks)', () => {
  it('finds the corpus documents and their observations', () => {
    expect(documents.length).toBeGreaterThan(10);
    expect(observed.size).toBeGreaterThan(10);
  });

  it('peppol-bis-3 and self-billing documents report exactly the fatal Peppol ids the official artefacts reported', () => {
    const checked: string[] = [];
    for (const file of documents) {
      const { root, format } = loadUbl(file);
      if (format !== 'peppol-bis-3' && format !== 'peppol-selfbilling') continue;
      const validator = format === 'peppol-bis-3' ? 'peppol' : 'peppol-sb';
      const expected = observed.get(relative(file))?.get(validator);
      if (!expected) continue; // not in SOURCES.tsv (kept back) or the official validator stopped
      const report = validateWith(root, format === 'peppol-bis-3' ? PEPPOL : SELF_BILLING);
      expect({ file: relative(file), fatal: ids(report, 'fatal') }).toEqual({ file: relative(file), fatal: sorted(expected.fatal) });
      checked.push(file);
    }
    expect(checked.length).toBeGreaterThanOrEqual(20);
  });

  it('every document the official Peppol artefact was run on gets the same fatal AND warning ids (any CustomizationID, fragments included)', () => {
    let checked = 0;
    for (const [name, byValidator] of observed) {
      const expected = byValidator.get('peppol');
      if (!expected || !name.endsWith('.xml') || !dir || !existsSync(join(dir, name))) continue;
      const report = validateWith(loadUbl(join(dir, name)).root, PEPPOL);
      expect({ file: name, fatal: ids(report, 'fatal'), warning: ids(report, 'warning') }).toEqual({
        file: name,
        fatal: sorted(expected.fatal),
        warning: sorted(expected.warning),
      });
      checked += 1;
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('every document the official self-billing artefact was run on gets the same ids', () => {
    let checked = 0;
    for (const [name, byValidator] of observed) {
      const expected = byValidator.get('peppol-sb');
      if (!expected || !dir || !existsSync(join(dir, name))) continue;
      const report = validateWith(loadUbl(join(dir, name)).root, SELF_BILLING);
      expect({ file: name, fatal: ids(report, 'fatal'), warning: ids(report, 'warning') }).toEqual({ file: name, fatal: sorted(expected.fatal), warning: sorted(expected.warning) });
      checked += 1;
    }
    expect(checked).toBeGreaterThanOrEqual(1);
  });

  it('each official rule fragment invalid/frag_peppol_<RULE>_n.xml reports its rule', () => {
    const fragments = corpusFiles('invalid').filter((f) => basename(f).startsWith('frag_peppol_'));
    expect(fragments.length).toBeGreaterThan(0);
    for (const file of fragments) {
      const rule = /^frag_peppol_(.+)_\d+\.xml$/.exec(basename(file))?.[1];
      expect(rule, basename(file)).toBeTruthy();
      const report = validateWith(loadUbl(file).root, PEPPOL);
      expect({ file: basename(file), reported: [...ids(report, 'fatal'), ...ids(report, 'warning')].includes(rule!) }).toEqual({ file: basename(file), reported: true });
    }
  });

  it('reports each issue with a location, the rule message and the details', () => {
    const file = documents.find((f) => basename(f) === 'cen_test_BIS_Billing_30-Elhandel.xml');
    if (!file) return;
    const report = validateWith(loadUbl(file).root, PEPPOL);
    const gln = report.errors.find((e) => e.rule === 'PEPPOL-COMMON-R040');
    expect(gln).toMatchObject({ severity: 'fatal', path: expect.stringMatching(/^\/Invoice\/cac:Accounting(Supplier|Customer)Party\/cac:Party\//) });
    expect(gln?.message).toMatch(/GLN.*\(.*scheme 0088\)/);
  });

  it('validates an already parsed invoice well under a millisecond on average', () => {
    const roots = documents.map((f) => loadUbl(f).root);
    for (const root of roots) validateWith(root, PEPPOL);
    const rounds = 5;
    const start = process.cpuUsage();
    for (let i = 0; i < rounds; i += 1) for (const root of roots) validateWith(root, PEPPOL);
    const used = process.cpuUsage(start);
    const perInvoiceMs = (used.user + used.system) / 1000 / (rounds * roots.length);
    console.info(`Peppol rules: ${perInvoiceMs.toFixed(3)} ms CPU per invoice (${roots.length} corpus documents)`);
    // Generous bound: a loaded CI machine must not make this flaky; typically ~0.2 ms.
    expect(perInvoiceMs).toBeLessThan(2);
  });
});
