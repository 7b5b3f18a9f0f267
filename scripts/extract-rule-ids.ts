/**
 * Reads the official schematron sources (../shared/reference/rules) and writes the list of rule ids
 * and flags they define to src/main/understanding/validation/official-rule-ids.json. Only ids and
 * flags are copied (no rule text); `ledgerdrop rules --coverage` compares them with what we implement.
 *
 *   node scripts/extract-rule-ids.ts [rulesDir]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const rulesDir = resolve(process.argv[2] ?? join(import.meta.dirname, '../../shared/reference/rules'));
const out = join(import.meta.dirname, '../src/main/understanding/validation/official-rule-ids.json');

const sources: Record<string, string> = {
  cen: 'peppol-2026.5/CEN-EN16931-UBL.sch',
  peppol: 'peppol-2026.5/PEPPOL-EN16931-UBL.sch',
  'peppol-selfbilling': 'peppol-2026.5/PEPPOL-EN16931-UBL-SB.sch',
  ublbe: 'ublbe-1.31/GLOBALUBL.BE.sch',
  nlcius: 'si-ubl-2.0.3.13/si-ubl-2.0.3.13.sch',
};

const result: Record<string, Record<string, string>> = {};
for (const [source, file] of Object.entries(sources)) {
  // Commented-out asserts are not rules; attribute values may contain '>' (e.g. test="count(x) >= 2").
  const text = readFileSync(join(rulesDir, file), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
  const byId = new Map<string, string>();
  for (const match of text.matchAll(/<assert\b((?:[^>"']|"[^"]*"|'[^']*')*)>([\s\S]*?)<\/assert>/g)) {
    const attrs = match[1] ?? '';
    const flag = /\bflag="([^"]+)"/.exec(attrs)?.[1] ?? 'fatal';
    const id = /\bid="([^"]+)"/.exec(attrs)?.[1] ?? /^\s*\[([A-Za-z0-9-]+)\]/.exec(match[2] ?? '')?.[1];
    if (!id) continue;
    const previous = byId.get(id);
    // An id asserted in several contexts keeps the strictest flag.
    if (!previous || (previous !== 'fatal' && flag === 'fatal')) byId.set(id, flag);
  }
  result[source] = Object.fromEntries([...byId].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })));
}
writeFileSync(out, `${JSON.stringify({ generatedFrom: sources, rules: result }, null, 2)}\n`);
for (const [source, rules] of Object.entries(result)) {
  const flags = Object.values(rules);
  console.log(`${source}: ${flags.length} rule ids (${flags.filter((f) => f === 'fatal').length} fatal)`);
}
