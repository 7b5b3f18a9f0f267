import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCoda } from '../../../src/main/understanding/statements/coda.ts';
import type { StatementParseResult } from '../../../src/main/understanding/statements/types.ts';
import { corpusDir } from '../../helpers/corpus.ts';
import { codaRecord, codaStatement } from './generate.ts';

const CORPUS = corpusDir();
if (!CORPUS) console.warn('Statement corpus missing (set LEDGERDROP_CORPUS or provide ../shared/corpus): CODA corpus tests skipped.');
const describeCorpus = CORPUS ? describe : describe.skip;

function parseFile(sub: string, name: string): StatementParseResult {
  return parseCoda(readFileSync(join(CORPUS ?? '', sub, name), 'latin1'));
}

function codes(result: StatementParseResult, severity?: 'fatal' | 'warning'): string[] {
  return result.findings.filter((f) => !severity || f.severity === severity).map((f) => f.code);
}

// Expected values below were read off the files by hand (record 1 pos 6-21/43-64, record 8 pos 42-63,
// record 2.1 pos 3-10/32-47/125) and cross-checked with corpus/SOURCES.tsv.
describeCorpus('parseCoda on the corpus', () => {
  it('phpcoda sample10: a globalised credit of 1000 with two details counts once', () => {
    const r = parseFile('coda', 'phpcoda_sample10.cod');
    expect(r.format).toBe('coda');
    expect(r.version).toBe('CODA 2');
    expect(r.findings).toEqual([]);
    expect(r.statements).toEqual([
      {
        account: '138536152215',
        accountKind: 'bban',
        currency: 'EUR',
        number: '158',
        openingDate: '2024-06-05',
        closingDate: '2024-06-06',
        openingBalance: '100',
        closingBalance: '1100',
        entries: 1,
        entriesTotal: '1000',
        balanced: true,
      },
    ]);
  });

  it('pycoda multi statements: two statements, globalisation 0017 (2608.00 = 14 details) counted once', () => {
    const r = parseFile('coda', 'pycoda_Coda_v2_3_multi_statements.cod');
    expect(codes(r, 'fatal')).toEqual([]);
    expect(r.statements).toHaveLength(2);
    const [first, second] = r.statements;
    expect(first).toMatchObject({
      account: 'BE86407051416150',
      accountKind: 'iban',
      currency: 'EUR',
      number: '042',
      openingDate: '2009-03-04',
      closingDate: '2009-03-05',
      openingBalance: '0',
      closingBalance: '0',
      entries: 17,
      entriesTotal: '0',
      balanced: true,
    });
    expect(second).toMatchObject({
      account: 'BE12341702625236',
      number: '053',
      openingBalance: '19338.09',
      closingBalance: '10807.81',
      openingDate: '2013-12-23',
      closingDate: '2013-12-24',
      entries: 11,
      entriesTotal: '-8530.28',
      balanced: true,
    });
    // The trailer totals (debit 64703.01 = credit 64703.01) agree with the counted movements.
    expect(codes(r)).not.toContain('trailer-mismatch');
  });

  it('pycoda faulty globalisation (start without end): all 11 movements count and the statement balances', () => {
    const r = parseFile('coda', 'pycoda_Coda_v2_3_faulty_globalisation.cod');
    expect(r.statements).toHaveLength(1);
    expect(r.statements[0]).toMatchObject({ entries: 11, openingBalance: '19338.09', closingBalance: '10807.81', balanced: true });
    expect(codes(r, 'fatal')).toEqual([]);
  });

  it('pycoda faulty globalisation 2: a 57-character trailer is tolerated with a warning', () => {
    const r = parseFile('coda', 'pycoda_Coda_v2_3_faulty_globalisation_2.cod');
    expect(r.statements[0]).toMatchObject({
      account: 'BE12341676096039',
      openingBalance: '104014.76',
      closingBalance: '90080.13',
      entries: 2,
      entriesTotal: '-13934.63',
      balanced: true,
    });
    expect(r.findings).toContainEqual(expect.objectContaining({ code: 'short-record', severity: 'warning', line: 8 }));
    expect(codes(r, 'fatal')).toEqual([]);
  });

  it('pycoda globalisation 2: negative old balance (sign 1)', () => {
    const r = parseFile('coda', 'pycoda_Coda_v2_3_globalisation_2.cod');
    expect(r.statements[0]).toMatchObject({ openingBalance: '-455.17', closingBalance: '275270.53', entries: 4, entriesTotal: '275725.7', balanced: true });
  });

  it('phpcoda sample8: IBAN account, two debits', () => {
    const r = parseFile('coda', 'phpcoda_sample8.cod');
    expect(r.statements[0]).toMatchObject({
      account: 'BE11111111111111',
      accountKind: 'iban',
      openingBalance: '1293.45',
      closingBalance: '648.56',
      entries: 2,
      entriesTotal: '-644.89',
      balanced: true,
    });
  });

  it('hand-made samples that do not reconcile give balanced=false and a warning, never a fatal', () => {
    const r5 = parseFile('coda', 'phpcoda_sample5.cod');
    expect(r5.statements[0]).toMatchObject({ account: '001548226815', openingBalance: '4004.1', closingBalance: '-500012.1', entries: 3, balanced: false });
    expect(codes(r5, 'warning')).toContain('unbalanced');
    expect(codes(r5, 'fatal')).toEqual([]);

    const std = parseFile('coda', 'codastandard_coda.cod');
    expect(std.statements[0]).toMatchObject({
      account: '539007547034',
      accountKind: 'bban',
      openingBalance: '57900',
      closingBalance: '58900',
      openingDate: '2015-03-30',
      closingDate: '2015-03-31',
      entries: 2,
      entriesTotal: '700.86',
      balanced: false,
    });
    expect(codes(std)).toEqual(expect.arrayContaining(['unbalanced', 'account-mismatch']));
    expect(codes(std, 'fatal')).toEqual([]);
  });

  it('coda_standard invalid.cod: short lines, blank lines and a record 1 outside any statement', () => {
    const r = parseFile('invalid', 'codastandard_invalid.cod');
    expect(r.findings).toContainEqual(expect.objectContaining({ code: 'malformed', severity: 'fatal', line: 18 }));
    expect(r.findings).toContainEqual(expect.objectContaining({ code: 'short-record', line: 14 }));
    expect(codes(r)).toContain('blank-lines');
  });

  it('pycoda faulty version: version code 5 is refused', () => {
    const r = parseFile('invalid', 'pycoda_Coda_faulty_version.cod');
    expect(r.statements).toEqual([]);
    expect(r.findings).toContainEqual(expect.objectContaining({ code: 'unsupported-version', severity: 'fatal', line: 1 }));
  });
});

describe('parseCoda on generated files', () => {
  const IBAN_A = 'BE68539007547034';
  const IBAN_B = 'BE71096123456769';

  it('reads several statements with CRLF, negative balances and a globalisation', () => {
    const lines = [
      ...codaStatement({ iban: IBAN_A, number: '001', opening: '-100.5', closing: '-250.75', movements: ['-200.25', '50'] }),
      ...codaStatement({ iban: IBAN_B, number: '002', opening: '1000', closing: '400', movements: ['100'], globalised: [['-700', '-300', '-400']] }),
    ];
    const r = parseCoda(lines.join('\r\n') + '\r\n');
    expect(r.findings).toEqual([]);
    expect(r.statements).toHaveLength(2);
    expect(r.statements[0]).toMatchObject({ account: IBAN_A, openingBalance: '-100.5', closingBalance: '-250.75', entries: 2, entriesTotal: '-150.25', balanced: true });
    expect(r.statements[1]).toMatchObject({ account: IBAN_B, number: '002', entries: 2, entriesTotal: '-600', balanced: true });
  });

  it('accepts LF, CR-only and a DOS end-of-file mark', () => {
    const lines = codaStatement({ iban: IBAN_A, number: '003', opening: '0', closing: '12.345', movements: ['12.345'] });
    for (const text of [lines.join('\n'), lines.join('\r'), `${lines.join('\r\n')}\r\n\u001a`]) {
      const r = parseCoda(text);
      expect(r.findings).toEqual([]);
      expect(r.statements[0]).toMatchObject({ closingBalance: '12.345', balanced: true });
    }
  });

  it('a statement that does not balance gives balanced=false and a warning', () => {
    const lines = codaStatement({ iban: IBAN_A, number: '004', opening: '10', closing: '30', movements: ['15'] });
    const r = parseCoda(lines.join('\n'));
    expect(r.statements[0]?.balanced).toBe(false);
    expect(r.findings).toContainEqual(expect.objectContaining({ code: 'unbalanced', severity: 'warning' }));
    expect(codes(r, 'fatal')).toEqual([]);
  });

  it('a truncated file is fatal', () => {
    const lines = codaStatement({ iban: IBAN_A, number: '005', opening: '0', closing: '30', movements: ['10', '20'] });
    const r = parseCoda(lines.slice(0, 4).join('\n'));
    expect(r.findings).toContainEqual(expect.objectContaining({ code: 'truncated', severity: 'fatal' }));
    expect(r.statements[0]?.balanced).toBeNull();
    // Cut in the middle of a record: also reported.
    const cut = lines.join('\n').slice(0, 128 * 3 + 40);
    const r2 = parseCoda(cut);
    expect(codes(r2)).toEqual(expect.arrayContaining(['short-record', 'truncated']));
  });

  it('garbage, binary data and empty input give a fatal finding, never a throw', () => {
    const random = Array.from({ length: 5000 }, (_, i) => String.fromCharCode((i * 7919) % 65536)).join('');
    for (const input of ['', '\n\n', 'hello world', '%PDF-1.7\n\u0000\u0001\u0002binary', random, '0'.repeat(300), '9'.repeat(128)]) {
      const r = parseCoda(input);
      expect(r.findings.some((f) => f.severity === 'fatal'), JSON.stringify(input.slice(0, 20))).toBe(true);
    }
    expect(parseCoda(undefined as unknown as string).findings[0]?.severity).toBe('fatal');
  });

  it('bad amounts and unknown records are warnings', () => {
    const lines = codaStatement({ iban: IBAN_A, number: '006', opening: '0', closing: '10', movements: ['10', '5'] });
    lines[4] = (lines[4] ?? '').slice(0, 32) + 'ABCDEFGHIJKLMNO' + (lines[4] ?? '').slice(47); // second movement's amount
    lines.splice(2, 0, codaRecord([[1, '7'], [2, 'unknown']]));
    const r = parseCoda(lines.join('\n'));
    expect(codes(r)).toEqual(expect.arrayContaining(['invalid-amount', 'unknown-record']));
    expect(r.statements[0]).toMatchObject({ entries: 1, entriesTotal: '10', balanced: true });
  });

  it('refuses inputs over 50 MB', () => {
    const r = parseCoda('0'.repeat(50 * 1024 * 1024 + 1));
    expect(r.findings).toEqual([expect.objectContaining({ code: 'too-large', severity: 'fatal' })]);
  });
});
