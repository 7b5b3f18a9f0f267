import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mt940Account, parseMt940 } from '../../../src/main/understanding/statements/mt940.ts';
import type { StatementParseResult } from '../../../src/main/understanding/statements/types.ts';
import { corpusDir } from '../../helpers/corpus.ts';

const CORPUS = corpusDir();
if (!CORPUS) console.warn('Statement corpus missing (set LEDGERDROP_CORPUS or provide ../shared/corpus): MT940 corpus tests skipped.');
const describeCorpus = CORPUS ? describe : describe.skip;

function parseFile(name: string): StatementParseResult {
  return parseMt940(readFileSync(join(CORPUS ?? '', 'mt940', name), 'utf8'));
}

function codes(result: StatementParseResult, severity?: 'fatal' | 'warning'): string[] {
  return result.findings.filter((f) => !severity || f.severity === severity).map((f) => f.code);
}

// Expected values read off the :25:/:28C:/:60F:/:61:/:62F: lines and SOURCES.tsv.
describeCorpus('parseMt940 on the corpus', () => {
  it('ASN Bank: 31 SWIFT-wrapped statements', () => {
    const r = parseFile('wolph_ASNB_mt940.txt');
    expect(codes(r, 'fatal')).toEqual([]);
    expect(r.statements).toHaveLength(31);
    expect(r.statements[0]).toEqual({
      account: 'NL81ASNB9999999999',
      accountKind: 'iban',
      currency: 'EUR',
      number: '1/1',
      openingDate: '2020-01-01',
      closingDate: '2020-01-01',
      openingBalance: '444.29',
      closingBalance: '379.29',
      entries: 1,
      entriesTotal: '-65',
      balanced: true,
    });
    expect(r.statements[4]).toMatchObject({ number: '5/1', openingBalance: '379.29', closingBalance: '577.74', entries: 2, entriesTotal: '198.45', balanced: true });
    expect(r.statements.every((s) => s.balanced === true)).toBe(true);
    // The anonymised IBAN fails its check digits: reported once, not 31 times.
    expect(codes(r).filter((c) => c === 'iban-checksum')).toHaveLength(1);
  });

  it('cmxl: German bank/account numbers, funds code (DR/CR), amounts ending in a comma', () => {
    const r = parseFile('wolph_cmxl_mt940.sta');
    expect(r.findings).toEqual([]);
    expect(r.statements.map((s) => [s.account, s.accountKind, s.currency, s.number, s.openingBalance, s.closingBalance, s.entries, s.entriesTotal, s.balanced])).toEqual([
      ['45050050/76198810', 'bban', 'DEM', '27/01', '84349.74', '84437.04', 11, '87.3', true],
      ['10020030/1234567', 'bban', 'EUR', '5/1', '2187.95', '4387.95', 2, '2200', true],
      ['BPHKPLPK/320000546101', 'other', 'PLN', '00084/001', '40000', '50040', 3, '10040', true],
    ]);
    expect(r.statements[0]?.openingDate).toBe('2013-10-16');
  });

  it('Knab: an amount without decimal comma ("C500NTRF"), a statement that does not add up', () => {
    const r = parseFile('wolph_jejik_knab.sta');
    expect(r.statements).toHaveLength(2);
    expect(r.statements[0]).toMatchObject({ account: '123456789', openingBalance: '0', closingBalance: '500', entries: 1, balanced: true });
    expect(r.statements[1]).toMatchObject({ openingBalance: '3058.98', closingBalance: '798.98', entries: 2, entriesTotal: '-6760', balanced: false });
    expect(codes(r)).toEqual(['unbalanced']);
  });

  it('Rabobank legacy: ":940:" header, account with currency suffix, zero-padded amounts', () => {
    const r = parseFile('wolph_jejik_rabobank.sta');
    expect(r.statements.map((s) => [s.account, s.openingBalance, s.closingBalance, s.entries, s.balanced])).toEqual([
      ['1291.99.348', '473.17', '395.82', 1, false],
      ['1291.99.348', '1000.89', '1000.89', 0, true],
      ['1291.99.348', '1295.82', '1250.87', 2, false],
      ['1526.89.184', '4196.12', '4101.82', 2, true],
    ]);
    expect(codes(r, 'fatal')).toEqual([]);
  });

  it('ING (old format) and ABN AMRO (60M/62M) headers are skipped', () => {
    const ing = parseFile('wolph_jejik_ing.sta');
    expect(ing.statements).toHaveLength(1);
    expect(ing.statements[0]).toMatchObject({ account: '0001234567', number: '000', openingBalance: '0', closingBalance: '3.47', entries: 7, balanced: false });
    const abn = parseFile('wolph_jejik_abnamro.sta');
    expect(abn.statements.map((s) => [s.account, s.openingBalance, s.closingBalance, s.entries])).toEqual([
      ['517852257', '3236.28', '876.84', 8],
      ['517852257', '2876.84', '1849.75', 2],
    ]);
    expect(codes(abn, 'fatal')).toEqual([]);
  });

  it('SNS: two statements, the second without entries', () => {
    const r = parseFile('wolph_jejik_sns.sta');
    expect(r.statements.map((s) => [s.number, s.openingBalance, s.closingBalance, s.entries, s.balanced])).toEqual([
      ['160/1', '1234.56', '1209.56', 2, true],
      ['161/1', '1209.56', '1209.56', 0, true],
    ]);
  });
});

describe('parseMt940 on generated files', () => {
  const statement = (ref: string, account: string, lines: string[]): string => [`:20:${ref}`, `:25:${account}`, ...lines, '-'].join('\r\n');

  it('reads RC/RD marks, debit balances, entry dates and CRLF', () => {
    const text = statement('A', 'NL91ABNA0417164300EUR', [
      ':28C:00012/001',
      ':60F:D240101EUR100,50',
      ':61:2401020102C50,NTRFNONREF//B1',
      'supplementary line',
      ':86:/EREF/123/REMI/invoice 1',
      'more text :61: not a tag',
      ':61:240102RC10,25NTRFNONREF',
      ':61:240103RD0,75NTRFNONREF',
      ':62F:D240103EUR60,',
      ':64:D240103EUR60,',
    ]);
    const r = parseMt940(text);
    expect(r.findings).toEqual([]);
    expect(r.statements).toEqual([
      {
        account: 'NL91ABNA0417164300',
        accountKind: 'iban',
        currency: 'EUR',
        number: '00012/001',
        openingDate: '2024-01-01',
        closingDate: '2024-01-03',
        openingBalance: '-100.5',
        closingBalance: '-60',
        entries: 3,
        entriesTotal: '40.5',
        balanced: true,
      },
    ]);
  });

  it('classifies :25: values', () => {
    expect(mt940Account('NL91ABNA0417164300')).toEqual({ account: 'NL91ABNA0417164300', kind: 'iban' });
    expect(mt940Account('ABNANL2A/NL91ABNA0417164300')).toEqual({ account: 'NL91ABNA0417164300', kind: 'iban' });
    expect(mt940Account('NL91 ABNA 0417 1643 00 EUR')).toEqual({ account: 'NL91ABNA0417164300', kind: 'iban' });
    expect(mt940Account('SC18SSCB11010000000000001497USD')).toEqual({ account: 'SC18SSCB11010000000000001497USD', kind: 'iban' });
    expect(mt940Account('0123456789')).toEqual({ account: '0123456789', kind: 'bban' });
    expect(mt940Account('')).toEqual({ account: null, kind: null });
  });

  it('a file cut before the closing balance is fatal', () => {
    const text = statement('A', '0123456789', [':60F:C240101EUR1,00', ':61:240102C1,00NTRFNONREF', ':62F:C240102EUR2,00']);
    const r = parseMt940(text.slice(0, text.indexOf(':62F:')));
    expect(r.findings).toContainEqual(expect.objectContaining({ code: 'truncated', severity: 'fatal' }));
    expect(r.statements[0]).toMatchObject({ entries: 1, balanced: null });
  });

  it('garbage and binary data give a fatal finding, never a throw', () => {
    for (const input of ['', 'hello', '\u0000\u0001\u0002\u0003\u0004\u0005garbage', '{1:F01X}{2:O940X}{4:\n-}', ':61:garbage\n:86:x']) {
      const r = parseMt940(input);
      expect(r.findings.some((f) => f.severity === 'fatal'), JSON.stringify(input)).toBe(true);
    }
  });

  it('unreadable lines are warnings', () => {
    const text = statement('A', '0123456789', [':60F:C240101EUR1,00', ':61:garbage', ':61:240230C1,NTRF', ':62F:C240102EURx']);
    const r = parseMt940(text);
    expect(codes(r)).toEqual(expect.arrayContaining(['invalid-entry', 'invalid-date', 'invalid-balance', 'missing-balance']));
    expect(codes(r, 'fatal')).toEqual([]);
    expect(r.statements[0]).toMatchObject({ entries: 1, closingBalance: null, balanced: null });
  });

  it('refuses inputs over 50 MB', () => {
    const r = parseMt940(':'.repeat(50 * 1024 * 1024 + 1));
    expect(r.findings).toEqual([expect.objectContaining({ code: 'too-large', severity: 'fatal' })]);
  });
});
