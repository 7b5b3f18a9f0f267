/**
 * Every statement file of the shared corpus through its parser: valid folders parse without fatal
 * findings and with internally consistent statements; broken files in invalid/ give findings and
 * never throw; the values recorded independently in SOURCES.tsv (observed_checks) agree.
 */
import { readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { parseCamt053 } from '../../../src/main/understanding/statements/camt053.ts';
import { parseCoda } from '../../../src/main/understanding/statements/coda.ts';
import { add, canonical, cmp, decimal, parseDecimal } from '../../../src/main/understanding/decimal.ts';
import { AMOUNT_SYNTAX } from '../../../src/main/understanding/statements/common.ts';
import { looksLikeMt940 } from '../../../src/main/understanding/statements/detect.ts';
import { parseMt940 } from '../../../src/main/understanding/statements/mt940.ts';
import type { StatementFormat, StatementParseResult } from '../../../src/main/understanding/statements/types.ts';
import { corpusDir, corpusFiles } from '../../helpers/corpus.ts';

const CORPUS = corpusDir();
if (!CORPUS) console.warn('Statement corpus missing (set LEDGERDROP_CORPUS or provide ../shared/corpus): statement corpus tests skipped.');
const describeCorpus = CORPUS ? describe : describe.skip;

const FOLDERS: Array<[string, StatementFormat]> = [
  ['coda', 'coda'],
  ['camt053', 'camt053'],
  ['mt940', 'mt940'],
];

function read(file: string, format: StatementFormat): string {
  // CODA is windows-1252 in practice; latin-1 keeps every byte at its position.
  return readFileSync(file, format === 'coda' ? 'latin1' : 'utf8');
}

function parse(format: StatementFormat, text: string): StatementParseResult {
  if (format === 'coda') return parseCoda(text);
  if (format === 'camt053') return parseCamt053(text);
  return parseMt940(text);
}

/** Which parser a file of invalid/ belongs to, or null when it is not a bank statement (UBL etc.). */
function statementFormatOf(file: string): StatementFormat | null {
  const ext = extname(file).toLowerCase();
  if (ext === '.cod' || ext === '.coda') return 'coda';
  const text = readFileSync(file, 'utf8');
  if (ext === '.xml') return /camt\.05\d|BkToCstmr/.test(text) ? 'camt053' : null;
  if (['.sta', '.940', '.mt940', '.swi'].includes(ext) || /mt940/i.test(basename(file)) || looksLikeMt940(text)) return 'mt940';
  return null;
}

/** The canonical text of an amount as the parsers read one ("0012.50" -> "12.5"), or null. */
function normalizeDecimal(text: string): string | null {
  const value = parseDecimal(text, AMOUNT_SYNTAX);
  return value && canonical(value);
}

function expectConsistent(result: StatementParseResult, label: string): void {
  for (const s of result.statements) {
    expect(Number.isInteger(s.entries) && s.entries >= 0, label).toBe(true);
    expect(normalizeDecimal(s.entriesTotal), label).toBe(s.entriesTotal);
    for (const balance of [s.openingBalance, s.closingBalance]) {
      if (balance !== null) expect(normalizeDecimal(balance), label).toBe(balance);
    }
    for (const date of [s.openingDate, s.closingDate]) {
      if (date !== null) expect(date, label).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    if (s.openingBalance === null || s.closingBalance === null) {
      expect(s.balanced, label).toBeNull();
    } else {
      expect(s.balanced, label).toBe(cmp(add(decimal(s.openingBalance), decimal(s.entriesTotal)), decimal(s.closingBalance)) === 0);
    }
  }
  if (result.statements.some((s) => s.balanced === false)) {
    expect(result.findings.map((f) => f.code), label).toContain('unbalanced');
  }
}

describeCorpus('statement corpus: every file', () => {
  for (const [folder, format] of FOLDERS) {
    const files = corpusFiles(folder);
    it(`${folder}/ has files`, () => {
      expect(files.length).toBeGreaterThan(0);
    });
    for (const file of files) {
      it(`${folder}/${basename(file)} parses without fatal findings`, () => {
        const result = parse(format, read(file, format));
        expect(result.format).toBe(format);
        expect(result.findings.filter((f) => f.severity === 'fatal'), JSON.stringify(result.findings)).toEqual([]);
        expect(result.statements.length).toBeGreaterThan(0);
        for (const s of result.statements) expect(s.account, basename(file)).not.toBeNull();
        if (format === 'coda') expect(result.version).toMatch(/^CODA [12]$/);
        if (format === 'camt053') expect(result.version).toMatch(/^camt\.053\.001\.\d{2}$/);
        expectConsistent(result, basename(file));
      });
    }
  }

  const broken = corpusFiles('invalid')
    .map((file) => [file, statementFormatOf(file)] as const)
    .filter((pair): pair is readonly [string, StatementFormat] => pair[1] !== null);
  it('invalid/ holds broken statement files', () => {
    expect(broken.length).toBeGreaterThan(0);
  });
  for (const [file, format] of broken) {
    it(`invalid/${basename(file)} gives findings, never a throw`, () => {
      const result = parse(format, read(file, format));
      expect(result.findings.length).toBeGreaterThan(0);
      for (const f of result.findings) {
        expect(['fatal', 'warning']).toContain(f.severity);
        expect(f.message.length).toBeGreaterThan(10);
      }
      expectConsistent(result, basename(file));
    });
  }
});

// ---- SOURCES.tsv: values recorded by an independent summariser ------------------------------

interface SourceRow {
  file: string;
  checks: string;
}

function sourceRows(): SourceRow[] {
  if (!CORPUS) return [];
  const rows: SourceRow[] = [];
  for (const line of readFileSync(join(CORPUS, 'SOURCES.tsv'), 'utf8').split(/\r?\n/).slice(1)) {
    const cells = line.split('\t');
    const file = cells[0] ?? '';
    if (!/^(coda|camt053|mt940)\//.test(file)) continue;
    if (!corpusFiles(file.split('/')[0] ?? '').some((f) => f.endsWith(file))) continue;
    rows.push({ file, checks: cells[7] ?? '' });
  }
  return rows;
}

function sameAmount(actual: string | null, expected: string): boolean {
  return actual !== null && cmp(decimal(actual), decimal(expected)) === 0;
}

/** DDMMYY -> ISO (20yy). */
function ddmmyy(value: string): string {
  return `20${value.slice(4, 6)}-${value.slice(2, 4)}-${value.slice(0, 2)}`;
}

describeCorpus('statement corpus: agreement with SOURCES.tsv observed_checks', () => {
  const rows = sourceRows();
  it('SOURCES.tsv lists statement files', () => {
    expect(rows.length).toBeGreaterThan(0);
  });
  for (const row of rows) {
    it(`${row.file}`, () => {
      const format = row.file.split('/')[0] as StatementFormat;
      const result = parse(format, read(join(CORPUS ?? '', row.file), format));
      if (format === 'coda') {
        const segments = row.checks.split(' || ');
        expect(result.statements).toHaveLength(segments.length);
        segments.forEach((segment, i) => {
          const m = /acct\[\d\]=(\S+) (\S+) old=([-\d.]+)@(\d{6}) new=([-\d.]+)@(\d{6}) .*old\+sum\(21 detail0000\)=new:(True|False)/.exec(segment);
          expect(m, segment).not.toBeNull();
          if (!m) return;
          const s = result.statements[i];
          expect(s?.account).toBe(m[1]);
          expect(s?.currency).toBe(m[2]);
          expect(sameAmount(s?.openingBalance ?? null, m[3] ?? ''), `${s?.openingBalance} vs ${m[3]}`).toBe(true);
          expect(s?.openingDate).toBe(ddmmyy(m[4] ?? ''));
          expect(sameAmount(s?.closingBalance ?? null, m[5] ?? ''), `${s?.closingBalance} vs ${m[5]}`).toBe(true);
          expect(s?.closingDate).toBe(ddmmyy(m[6] ?? ''));
          expect(s?.balanced).toBe(m[7] === 'True');
        });
      } else if (format === 'camt053') {
        const m = /(camt\.053\.001\.\d{2}) Stmt acct=\['([^']+)'\] bals=\{([^}]*)\} ntry=(\d+) .*open\+sum=close:(True|False)/.exec(row.checks);
        expect(m, row.checks).not.toBeNull();
        if (!m) return;
        expect(result.version).toBe(m[1]);
        expect(result.statements).toHaveLength(1);
        const s = result.statements[0];
        expect(s?.account).toBe(m[2]);
        expect(s?.entries).toBe(Number(m[4]));
        const bals = Object.fromEntries([...(m[3] ?? '').matchAll(/'(\w+)': '([-\d.]+)'/g)].map((b) => [b[1], b[2]]));
        const opening = bals['OPBD'] ?? bals['PRCD'];
        if (opening !== undefined) expect(sameAmount(s?.openingBalance ?? null, opening), `${s?.openingBalance} vs ${opening}`).toBe(true);
        else expect(s?.openingBalance).toBeNull();
        if (bals['CLBD'] !== undefined) expect(sameAmount(s?.closingBalance ?? null, bals['CLBD']), `${s?.closingBalance} vs ${bals['CLBD']}`).toBe(true);
        else expect(s?.closingBalance).toBeNull();
        if (m[5] === 'True') expect(s?.balanced).toBe(true);
        else expect(s?.balanced).not.toBe(true); // false, or null when a booked balance is absent
        if (opening !== undefined && bals['CLBD'] !== undefined) expect(s?.balanced).toBe(m[5] === 'True');
      } else {
        const count = /^statements=(\d+)/.exec(row.checks);
        expect(result.statements).toHaveLength(Number(count?.[1]));
        const segments = row.checks.replace(/^statements=\d+ \| /, '').split(' || ');
        let checked = 0;
        segments.forEach((segment, i) => {
          // The cell is cut off after some length: only complete segments are compared.
          const m = /ccy=(\w+) open=([-\d.]+) n61=(\d+) close=([-\d.]+) open\+sum61=close:(True|False)$/.exec(segment.trim());
          if (!m) return;
          const s = result.statements[i];
          expect(s?.currency).toBe(m[1]);
          expect(sameAmount(s?.openingBalance ?? null, m[2] ?? ''), `${s?.openingBalance} vs ${m[2]}`).toBe(true);
          expect(s?.entries).toBe(Number(m[3]));
          expect(sameAmount(s?.closingBalance ?? null, m[4] ?? ''), `${s?.closingBalance} vs ${m[4]}`).toBe(true);
          expect(s?.balanced).toBe(m[5] === 'True');
          checked += 1;
        });
        expect(checked).toBeGreaterThan(0);
      }
    });
  }
});

// ---- camt.053: cross-check the tokenizer against a full XML parser (fast-xml-parser) ------------

type Node = Record<string, unknown>;
const node = (v: unknown): Node => (Array.isArray(v) ? node(v[0]) : typeof v === 'object' && v !== null ? (v as Node) : {});
const textOf = (v: unknown): string | null => {
  if (Array.isArray(v)) return textOf(v[0]);
  if (typeof v === 'string') return v.trim();
  const n = node(v);
  return '#text' in n ? textOf(n['#text']) : null;
};

describeCorpus('camt.053: the tokenizer agrees with fast-xml-parser on every corpus file', () => {
  const files = [...corpusFiles('camt053'), ...corpusFiles('invalid').filter((f) => statementFormatOf(f) === 'camt053')];
  for (const file of files) {
    it(basename(file), () => {
      const xml = readFileSync(file, 'utf8');
      const ours = parseCamt053(xml);
      if (ours.findings.some((f) => f.severity === 'fatal')) return; // e.g. a file without Stmt: nothing to compare
      const doc = new XMLParser({
        ignoreAttributes: false,
        attributeNamePrefix: '@_',
        removeNSPrefix: true,
        parseTagValue: false,
        processEntities: false,
        isArray: (name) => name === 'Stmt' || name === 'Bal' || name === 'Ntry',
      }).parse(xml) as unknown;
      const stmts = node(node(node(doc)['Document'])['BkToCstmrStmt'])['Stmt'] as unknown[];
      expect(ours.statements).toHaveLength(stmts.length);
      stmts.forEach((stmt, i) => {
        const s = ours.statements[i];
        const id = node(node(node(stmt)['Acct'])['Id']);
        expect(s?.account).toBe(textOf(id['IBAN']) ?? textOf(node(id['Othr'])['Id']));
        const entries = (node(stmt)['Ntry'] as unknown[] | undefined) ?? [];
        expect(s?.entries).toBe(entries.length);
        const bals = ((node(stmt)['Bal'] as unknown[] | undefined) ?? []).map((b) => {
          const code = textOf(node(node(node(b)['Tp'])['CdOrPrtry'])['Cd']);
          const amount = textOf(node(b)['Amt']) ?? '';
          const sign = textOf(node(b)['CdtDbtInd']) === 'DBIT' ? '-' : '';
          return [code, normalizeDecimal(`${sign}${amount}`)] as const;
        });
        const find = (code: string): string | null => bals.find((b) => b[0] === code)?.[1] ?? null;
        expect(s?.openingBalance).toBe(find('OPBD') ?? find('PRCD'));
        expect(s?.closingBalance).toBe(find('CLBD'));
      });
    });
  }
});
