/**
 * Re-derives, from the official schematron sources, which rules the ublbe module must carry: the
 * GLOBALUBL.BE 1.31 asserts whose context, test or flag differ from CEN EN16931 2026.5 (same id,
 * compared case-insensitively), the asserts only GLOBALUBL.BE has, and the CEN rules GLOBALUBL.BE
 * comments out. The table at the top of rules/ublbe/index.ts summarises the same result.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseXmlText, type XmlElement } from '../../../src/main/understanding/safe-xml.ts';
import { officialIds, RULESETS, rulesOf } from '../../../src/main/understanding/validation/rulesets.ts';
import { ublbeRules } from '../../../src/main/understanding/validation/rules/ublbe/index.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RULES_DIR = resolve(process.env['LEDGERDROP_CORPUS'] ? resolve(process.env['LEDGERDROP_CORPUS'], '..') : resolve(REPO_ROOT, '../shared'), 'reference/rules');
const UBLBE_SCH = resolve(RULES_DIR, 'ublbe-1.31/GLOBALUBL.BE.sch');
const CEN_SCH = resolve(RULES_DIR, 'peppol-2026.5/CEN-EN16931-UBL.sch');
const present = existsSync(UBLBE_SCH) && existsSync(CEN_SCH);
if (!present) console.warn(`Official rule sources not found (${RULES_DIR}): GLOBALUBL.BE diff test skipped.`);

const SCH_NS = 'http://purl.oclc.org/dsdl/schematron';
const norm = (s: string | undefined): string => (s ?? '').replace(/\s+/g, ' ').trim();

/** Active asserts (comments are not part of the tree) by upper-case id: "context | test | flag" signatures. */
function asserts(file: string): Map<string, string[]> {
  const parsed = parseXmlText(readFileSync(file, 'utf8'));
  if (!parsed.ok) throw new Error(`${file}: ${parsed.error.message}`);
  const out = new Map<string, string[]>();
  const walk = (el: XmlElement): void => {
    if (el.ns === SCH_NS && el.local === 'rule') {
      for (const a of el.children) {
        if (a.ns !== SCH_NS || a.local !== 'assert') continue;
        const id = a.attrs['id'] ?? '';
        const signature = `${norm(el.attrs['context'])} | ${norm(a.attrs['test'])} | ${a.attrs['flag'] ?? el.attrs['flag'] ?? 'fatal'}`;
        out.set(id.toUpperCase(), [...(out.get(id.toUpperCase()) ?? []), signature].sort());
      }
    }
    for (const c of el.children) walk(c);
  };
  walk(parsed.root);
  return out;
}


(present ? describe : describe.skip)('GLOBALUBL.BE 1.31 against CEN EN16931 2026.5', () => {
  const ublbe = present ? asserts(UBLBE_SCH) : new Map<string, string[]>();
  const cen = present ? asserts(CEN_SCH) : new Map<string, string[]>();
  const both = [...ublbe.keys()].filter((id) => cen.has(id));
  const identical = both.filter((id) => JSON.stringify(ublbe.get(id)) === JSON.stringify(cen.get(id)));
  const different = both.filter((id) => !identical.includes(id));
  const onlyUblbe = [...ublbe.keys()].filter((id) => !cen.has(id));
  const onlyCen = [...cen.keys()].filter((id) => !ublbe.has(id));

  it('has the counts documented in rules/ublbe/index.ts', () => {
    expect({ identical: identical.length, different: different.length, onlyCen: onlyCen.length, onlyUblbe: onlyUblbe.length }).toEqual({
      identical: 836,
      different: 85,
      onlyCen: 58,
      onlyUblbe: 129,
    });
  });

  it('the module implements exactly the differing and the GLOBALUBL.BE-only ids (identical ones come from the CEN module)', () => {
    const implemented = ublbeRules.rules.map((r) => r.id.toUpperCase());
    expect([...implemented].sort()).toEqual([...different, ...onlyUblbe].sort());
  });

  it('spells each id as GLOBALUBL.BE does', () => {
    const spelled = new Map<string, string>();
    const text = readFileSync(UBLBE_SCH, 'utf8');
    for (const m of text.matchAll(/\bid="([^"]+)"/g)) spelled.set(m[1]!.toUpperCase(), m[1]!);
    for (const r of ublbeRules.rules) expect(r.id).toBe(spelled.get(r.id.toUpperCase()));
  });

  it('leaves out of the ubl-be set the CEN 2026.5 rules that GLOBALUBL.BE comments out', () => {
    const run = new Set(rulesOf(RULESETS['ubl-be']).map((r) => r.id.toUpperCase()));
    for (const id of ['BR-CL-22', 'BR-CO-10', 'BR-DEC-23', 'BR-IC-01', 'BR-IC-12', 'UBL-CR-119', 'UBL-CR-202', 'UBL-CR-477', 'UBL-DT-01']) {
      expect(officialIds('ublbe').has(id), id).toBe(false);
      expect(run.has(id), id).toBe(false);
    }
  });
});
