/**
 * Writes src/main/understanding/validation/rules/cen/support/codelists.ts from the official sources
 * (../shared/reference/rules), so the app never reads ../shared at run time:
 *
 * - PEPPOL_CODE_LISTS: every code list of the Peppol BIS 3.0 `structure/codelist` folder (EAS, ICD,
 *   UNCL1001, UNCL5305, VATEX, ISO 4217, MIME, ...), with title, identifier and version;
 * - CEN_CODE_LISTS: the code lists exactly as the CEN EN16931 UBL schematron (BR-CL-*) writes them
 *   inline in its assertions. They are what the CEN rules check, and they differ from the Peppol
 *   files (newer releases, CEN-wide lists), so the CEN rules use these;
 * - CEN_RAW_LISTS: the two lists the CEN rules search as plain strings (BR-CL-08, BR-CO-09), kept
 *   verbatim because the rules test substrings of them.
 *
 * Prints how each CEN list differs from its Peppol counterpart.
 *
 *   node scripts/extract-codelists.ts [rulesDir]
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

const rulesDir = resolve(process.argv[2] ?? join(import.meta.dirname, '../../shared/reference/rules'));
const schFile = 'peppol-2026.5/CEN-EN16931-UBL.sch';
const out = join(import.meta.dirname, '../src/main/understanding/validation/rules/cen/support/codelists.ts');

function decode(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
}

function fail(message: string): never {
  console.error(`extract-codelists: ${message}`);
  process.exit(1);
}

// --- Peppol code list files ----------------------------------------------------------------------

interface CodeList {
  title: string;
  identifier: string;
  version: string;
  codes: string[];
}

const peppol: Record<string, CodeList> = {};
const listDir = join(rulesDir, 'codelists');
for (const file of readdirSync(listDir).filter((f) => f.endsWith('.xml')).sort()) {
  const text = readFileSync(join(listDir, file), 'utf8');
  const tag = (name: string): string => decode(new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1]?.trim() ?? '');
  const codes = [...text.matchAll(/<Code>\s*<Id>([^<]*)<\/Id>/g)].map((m) => decode(m[1] ?? '').trim());
  if (codes.length === 0) fail(`${file} has no <Code><Id> entries`);
  peppol[basename(file, '.xml')] = { title: tag('Title').replace(/\s+/g, ' '), identifier: tag('Identifier'), version: tag('Version'), codes };
}

// --- CEN schematron inline lists ------------------------------------------------------------------

const sch = readFileSync(join(rulesDir, schFile), 'utf8');
const version = /<!--\s*(Schematron version [^-]*?- Last update: [0-9-]+)\s*-->/.exec(sch)?.[1] ?? 'unknown version';
const tests = new Map<string, string>();
for (const m of sch.matchAll(/<assert\b([^>]*)>/g)) {
  const attrs = m[1] ?? '';
  const id = /\bid="([^"]+)"/.exec(attrs)?.[1];
  const test = /\btest="([^"]*)"/.exec(attrs)?.[1];
  if (id && test !== undefined) tests.set(id, decode(test));
}

/** The space-separated token lists in `contains(' A B ', ...)` calls of one assertion, in order. */
function tokenLists(id: string): string[][] {
  const test = tests.get(id) ?? fail(`${id} not found in ${schFile}`);
  const lists = [...test.matchAll(/contains\(\s*'( [^']* )'\s*,/g)].map((m) => (m[1] ?? '').trim().split(/ +/));
  if (lists.length === 0) fail(`${id}: no token list found in its test`);
  for (const list of lists) if (list.some((t) => t === '')) fail(`${id}: empty token`);
  return lists;
}

function rawList(id: string): string {
  const test = tests.get(id) ?? fail(`${id} not found`);
  const m = /contains\(\s*'( [^']* )'\s*,/.exec(test);
  if (!m) fail(`${id}: no list`);
  return m[1] ?? '';
}

function only(lists: string[][], id: string, n = 1): string[] {
  if (lists.length !== n) fail(`${id}: expected ${n} list(s), found ${lists.length}`);
  return lists[0] ?? [];
}

const cen: Record<string, string[]> = {};
const cl01 = tokenLists('BR-CL-01');
if (cl01.length !== 2) fail('BR-CL-01: expected the invoice and the credit note list');
cen['BR-CL-01/invoice'] = cl01[0] ?? [];
cen['BR-CL-01/creditNote'] = cl01[1] ?? [];
for (const id of ['BR-CL-03', 'BR-CL-04', 'BR-CL-05', 'BR-CL-06', 'BR-CL-07', 'BR-CL-11', 'BR-CL-13', 'BR-CL-14', 'BR-CL-15', 'BR-CL-16', 'BR-CL-17', 'BR-CL-18', 'BR-CL-19', 'BR-CL-20', 'BR-CL-21', 'BR-CL-22', 'BR-CL-23', 'BR-CL-25', 'BR-CL-26']) {
  cen[id] = only(tokenLists(id), id);
}
const cl10 = tokenLists('BR-CL-10');
if (cl10.length !== 2 || cl10[1]?.join(' ') !== 'SEPA') fail('BR-CL-10: expected the ICD list and the SEPA list');
cen['BR-CL-10'] = cl10[0] ?? [];
cen['BR-CL-10/supplierOrPayee'] = cl10[1] ?? [];
const mimes = [...(tests.get('BR-CL-24') ?? '').matchAll(/@mimeCode\s*=\s*'([^']*)'/g)].map((m) => m[1] ?? '');
if (mimes.length === 0) fail('BR-CL-24: no mime codes');
cen['BR-CL-24'] = mimes;
const raw: Record<string, string> = { 'BR-CL-08': rawList('BR-CL-08'), 'BR-CO-09': rawList('BR-CO-09') };

// --- Differences (printed, and recorded in the generated file) ------------------------------------

const counterparts: Record<string, string> = {
  'BR-CL-01/invoice': 'UNCL1001-inv',
  'BR-CL-01/creditNote': 'UNCL1001-cn',
  'BR-CL-03': 'ISO4217_2015',
  'BR-CL-04': 'ISO4217_2015',
  'BR-CL-05': 'ISO4217_2015',
  'BR-CL-06': 'UNCL2005',
  'BR-CL-07': 'UNCL1153',
  'BR-CL-10': 'icd',
  'BR-CL-11': 'icd',
  'BR-CL-13': 'UNCL7143',
  'BR-CL-14': 'ISO3166-1_Alpha2',
  'BR-CL-15': 'ISO3166-1_Alpha2',
  'BR-CL-16': 'UNCL4461',
  'BR-CL-17': 'UNCL5305',
  'BR-CL-18': 'UNCL5305',
  'BR-CL-19': 'UNCL5189',
  'BR-CL-20': 'UNCL7161',
  'BR-CL-21': 'icd',
  'BR-CL-22': 'VATEX',
  'BR-CL-23': 'UNECERec20-11e',
  'BR-CL-24': 'MimeCode',
  'BR-CL-25': 'eas',
  'BR-CL-26': 'icd',
};
const differences: string[] = [];
for (const [key, file] of Object.entries(counterparts)) {
  const theirs = new Set(peppol[file]?.codes ?? fail(`no code list file ${file}.xml`));
  const ours = new Set(cen[key] ?? []);
  const onlyCen = [...ours].filter((c) => !theirs.has(c));
  const onlyPeppol = [...theirs].filter((c) => !ours.has(c));
  if (onlyCen.length === 0 && onlyPeppol.length === 0) continue;
  const show = (list: string[]) => (list.length > 12 ? `${list.slice(0, 12).join(' ')} … (${list.length})` : list.join(' ') || '-');
  differences.push(`${key} vs ${file}.xml: only in CEN: ${show(onlyCen)}; only in Peppol: ${show(onlyPeppol)}`);
}

// --- Output ---------------------------------------------------------------------------------------

const lines: string[] = [];
lines.push('/**');
lines.push(' * GENERATED by scripts/extract-codelists.ts — do not edit; re-run the script when the sources change.');
lines.push(' *');
lines.push(' * PEPPOL_CODE_LISTS: reference/rules/codelists/*.xml (Peppol BIS 3.0 structure/codelist).');
lines.push(` * CEN_CODE_LISTS / CEN_RAW_LISTS: the lists written inline in ${schFile} (${version}).`);
lines.push(' * The CEN rules check the CEN lists; they differ from the Peppol files as follows:');
for (const d of differences) lines.push(` *   - ${d}`);
lines.push(' */');
lines.push('');
lines.push('export interface CodeList {');
lines.push('  readonly title: string;');
lines.push('  readonly identifier: string;');
lines.push('  readonly version: string;');
lines.push('  readonly codes: readonly string[];');
lines.push('}');
lines.push('');
lines.push('export const PEPPOL_CODE_LISTS = {');
for (const [name, list] of Object.entries(peppol)) {
  lines.push(`  ${JSON.stringify(name)}: {`);
  lines.push(`    title: ${JSON.stringify(list.title)},`);
  lines.push(`    identifier: ${JSON.stringify(list.identifier)},`);
  lines.push(`    version: ${JSON.stringify(list.version)},`);
  lines.push(`    codes: ${JSON.stringify(list.codes)},`);
  lines.push('  },');
}
lines.push('} as const satisfies Readonly<Record<string, CodeList>>;');
lines.push('');
lines.push(`/** Code lists of the CEN EN16931 UBL rules (${version}), by rule id. */`);
lines.push('export const CEN_CODE_LISTS = {');
for (const [key, codes] of Object.entries(cen)) lines.push(`  ${JSON.stringify(key)}: ${JSON.stringify(codes)},`);
lines.push('} as const satisfies Readonly<Record<string, readonly string[]>>;');
lines.push('');
lines.push('/** Lists the CEN rules search as plain strings (substring semantics), verbatim. */');
lines.push('export const CEN_RAW_LISTS = {');
for (const [key, text] of Object.entries(raw)) lines.push(`  ${JSON.stringify(key)}: ${JSON.stringify(text)},`);
lines.push('} as const;');
lines.push('');
writeFileSync(out, lines.join('\n'));
console.log(`wrote ${out}: ${Object.keys(peppol).length} Peppol lists, ${Object.keys(cen).length} CEN lists`);
for (const d of differences) console.log(`  ${d}`);
