import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCamt053 } from '../../../src/main/understanding/statements/camt053.ts';
import type { StatementParseResult } from '../../../src/main/understanding/statements/types.ts';
import { corpusDir } from '../../helpers/corpus.ts';
import { camtDocument, camtStatement } from './generate.ts';

const CORPUS = corpusDir();
if (!CORPUS) console.warn('Statement corpus missing (set LEDGERDROP_CORPUS or provide ../shared/corpus): camt.053 corpus tests skipped.');
const describeCorpus = CORPUS ? describe : describe.skip;

function parseFile(sub: string, name: string): StatementParseResult {
  return parseCamt053(readFileSync(join(CORPUS ?? '', sub, name), 'utf8'));
}

function codes(result: StatementParseResult, severity?: 'fatal' | 'warning'): string[] {
  return result.findings.filter((f) => !severity || f.severity === severity).map((f) => f.code);
}

// Expected values read off the XML (Stmt/Acct, Bal OPBD/CLBD, count of <Ntry>) and SOURCES.tsv.
describeCorpus('parseCamt053 on the corpus', () => {
  it('camt-to-coda BE68793230773034 November 2024: 268 entries, balances', () => {
    const r = parseFile('camt053', 'subite_Other_BE68793230773034-202411.xml');
    expect(r.version).toBe('camt.053.001.02');
    expect(r.findings).toEqual([]);
    expect(r.statements).toEqual([
      {
        account: 'BE68793230773034',
        accountKind: 'iban',
        currency: 'EUR',
        number: 'MSG56562708-QMXIUR',
        openingDate: '2024-11-01',
        closingDate: '2024-11-30',
        openingBalance: '59370.37',
        closingBalance: '87539.12',
        entries: 268,
        entriesTotal: '28168.75',
        balanced: true,
      },
    ]);
  });

  it('camt-to-coda BE68793230773034 December 2024: 264 entries, net debit', () => {
    const r = parseFile('camt053', 'subite_Other_BE68793230773034-202412.xml');
    expect(r.statements[0]).toMatchObject({
      account: 'BE68793230773034',
      openingBalance: '87539.12',
      closingBalance: '41965.11',
      entries: 264,
      entriesTotal: '-45574.01',
      balanced: true,
    });
  });

  it('genkgo minimal: DBIT closing balance is negative; synthetic balances do not add up', () => {
    const r = parseFile('camt053', 'genkgo_camt053.v2.minimal.xml');
    expect(r.statements).toEqual([
      {
        account: 'NL26VAYB8060476890',
        accountKind: 'iban',
        currency: 'EUR',
        number: '12312',
        openingDate: '2014-12-30',
        closingDate: '2014-12-31',
        openingBalance: '18.15',
        closingBalance: '-27',
        entries: 1,
        entriesTotal: '8.85',
        balanced: false,
      },
    ]);
    expect(codes(r)).toEqual(['unbalanced']);
  });

  it('genkgo all balance types: OPBD wins over PRCD, account from Othr/Id, currency from the balance', () => {
    const r = parseFile('camt053', 'genkgo_camt053.v2.all-balance-types.xml');
    expect(r.statements[0]).toMatchObject({
      account: 'CH2801234000123456789',
      accountKind: 'iban',
      currency: 'EUR',
      number: '315',
      openingBalance: '1.01',
      closingBalance: '4.04',
      entries: 1,
      balanced: false,
    });
  });

  it('genkgo with account name: no booked balances -> balanced null and a warning', () => {
    const r = parseFile('camt053', 'genkgo_camt053.v2.with-account-name.xml');
    expect(r.statements[0]).toMatchObject({
      account: 'CH2801234000123456789',
      number: '253EURCH2801234000123456789',
      openingBalance: null,
      closingBalance: null,
      entries: 1,
      balanced: null,
    });
    expect(codes(r)).toEqual(['missing-balance']);
  });

  it('genkgo v4 and v8 (Sts/Cd) read the same way', () => {
    for (const [file, version] of [
      ['genkgo_camt053.v4.xml', 'camt.053.001.04'],
      ['genkgo_camt053.v8.xml', 'camt.053.001.08'],
    ] as const) {
      const r = parseFile('camt053', file);
      expect(r.version).toBe(version);
      expect(r.statements[0]).toMatchObject({ account: 'NL26VAYB8060476890', openingBalance: '18.15', closingBalance: '-27', entries: 1, balanced: false });
      expect(codes(r)).not.toContain('not-booked');
    }
  });

  it('XSD-invalid LT export (no CdtDbtInd on balances) is read leniently with warnings', () => {
    const r = parseFile('invalid', 'subite_LT625883379695428516_CAMT_053_2024-05-31.xml');
    expect(codes(r, 'fatal')).toEqual([]);
    expect(codes(r, 'warning')).toContain('missing-sign');
    expect(r.statements).toHaveLength(2);
    expect(r.statements[0]).toMatchObject({
      account: 'LT625883379695428516',
      openingBalance: '18261847.39',
      closingBalance: '19129178.92',
      entries: 8,
      entriesTotal: '867331.53',
      balanced: true,
    });
    expect(r.statements[1]).toMatchObject({ account: 'LT414319056143772570', entries: 0, openingBalance: '801.55', closingBalance: '801.55', balanced: true });
  });
});

describe('parseCamt053 on generated files', () => {
  const IBAN = 'BE68539007547034';

  it('several statements, negative opening, PRCD fallback, DtTm dates', () => {
    const s1 = camtStatement({ iban: IBAN, opening: '-100.50', closing: '-50.5', entries: ['75', '-25.00'] }, 'S1');
    const s2 = camtStatement({ iban: 'NL91ABNA0417164300', opening: '10', closing: '0', entries: ['-10'], openingCode: 'PRCD' }, 'S2').replace(
      '<Dt><Dt>2024-01-01</Dt></Dt>',
      '<Dt><DtTm>2023-12-31T23:59:59+01:00</DtTm></Dt>',
    );
    const r = parseCamt053(camtDocument([s1, s2], '08'));
    expect(r.findings).toEqual([]);
    expect(r.version).toBe('camt.053.001.08');
    expect(r.statements.map((s) => [s.account, s.number, s.openingBalance, s.closingBalance, s.entries, s.entriesTotal, s.balanced])).toEqual([
      [IBAN, 'S1', '-100.5', '-50.5', 2, '50', true],
      ['NL91ABNA0417164300', 'S2', '10', '0', 1, '-10', true],
    ]);
    expect(r.statements[1]?.openingDate).toBe('2023-12-31');
  });

  it('namespace prefixes and CRLF are fine', () => {
    const xml = camtDocument([camtStatement({ iban: IBAN, opening: '1', closing: '2', entries: ['1'] })])
      .replace(/<(\/?)(\w)/g, '<$1c:$2')
      .replace('xmlns=', 'xmlns:c=')
      .replace(/\n/g, '\r\n');
    const r = parseCamt053(xml);
    expect(r.findings).toEqual([]);
    expect(r.statements[0]).toMatchObject({ account: IBAN, balanced: true });
  });

  it('reads values with comments, CDATA, character references and spaces in the IBAN', () => {
    const stmt = camtStatement({ iban: IBAN, opening: '1', closing: '1', entries: [] })
      .replace(`<IBAN>${IBAN}</IBAN>`, '<IBAN><!-- account --> BE68 5390 0754 7034 </IBAN>')
      .replace('<Id>STMT-1</Id>', '<Id><![CDATA[A&B]]>&#x2F;1</Id>');
    const r = parseCamt053(camtDocument([stmt]));
    expect(r.findings).toEqual([]);
    expect(r.statements[0]).toMatchObject({ account: IBAN, number: 'A&B/1', entries: 0, balanced: true });
  });

  it('refuses a DOCTYPE / external entity (XXE) without parsing', () => {
    const xxe = `<?xml version="1.0"?>\n<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n` + camtDocument([camtStatement({ iban: IBAN, opening: '1', closing: '1', entries: [] })]).replace('<?xml version="1.0" encoding="UTF-8"?>', '').replace('<Id>STMT-1</Id>', '<Id>&xxe;</Id>');
    const r = parseCamt053(xxe);
    expect(r.statements).toEqual([]);
    expect(r.findings).toEqual([expect.objectContaining({ code: 'doctype-forbidden', severity: 'fatal' })]);
    const bomb = '<?xml version="1.0"?><!doctype lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><lolz>&lol2;</lolz>';
    expect(parseCamt053(bomb).findings[0]?.code).toBe('doctype-forbidden');
  });

  it('truncated XML, binary garbage, other messages and missing statements are fatal, never a throw', () => {
    const full = camtDocument([camtStatement({ iban: IBAN, opening: '1', closing: '2', entries: ['1'] })]);
    const cases: Array<[string, string]> = [
      [full.slice(0, Math.floor(full.length / 2)), 'malformed'],
      ['', 'malformed'],
      ['\u0000\u0001\u0002\u00ff garbage', 'malformed'],
      ['{"json": true}', 'malformed'],
      [full.replace(/camt\.053\.001\.02/, 'camt.052.001.02').replace(/BkToCstmrStmt/g, 'BkToCstmrAcctRpt').replace(/Stmt>/g, 'Rpt>'), 'not-camt053'],
      ['<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>1</ID></Invoice>', 'not-camt053'],
      ['<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>1</MsgId></GrpHdr></BkToCstmrStmt></Document>', 'no-statements'],
    ];
    for (const [input, code] of cases) {
      const r = parseCamt053(input);
      expect(r.findings, input.slice(0, 30)).toContainEqual(expect.objectContaining({ code, severity: 'fatal' }));
      expect(r.statements).toEqual([]);
    }
  });

  it('bad amounts, missing indicators, pending entries and newer versions are warnings', () => {
    const stmt = camtStatement({ iban: IBAN, opening: '0', closing: '5', entries: ['5', '3'] })
      .replace('<Amt Ccy="EUR">3</Amt>', '<Amt Ccy="EUR">3,00</Amt>')
      .replace('<Sts>BOOK</Sts>', '<Sts>PDNG</Sts>');
    const r = parseCamt053(camtDocument([stmt], '13'));
    expect(codes(r, 'fatal')).toEqual([]);
    expect(codes(r)).toEqual(expect.arrayContaining(['unsupported-version', 'invalid-amount', 'not-booked']));
    expect(r.statements[0]).toMatchObject({ entries: 2, entriesTotal: '5', balanced: true });
  });

  it('refuses inputs over 50 MB', () => {
    const r = parseCamt053(' '.repeat(50 * 1024 * 1024 + 1));
    expect(r.findings).toEqual([expect.objectContaining({ code: 'too-large', severity: 'fatal' })]);
  });
});
