/**
 * The helpers the CEN rules are built on: exact decimals with XPath rounding, the XPath string and
 * date functions, the per-document index, and the UBL-CR path language.
 */
import { describe, expect, it } from 'vitest';
import { parseXmlText } from '../../../src/main/understanding/safe-xml.ts';
import { abs, add, cmp, divPow10, eq, formatDec, mul, mulPow10, parseDecimal, parseNumber, round, roundCents, sub, sum, type Dec } from '../../../src/main/understanding/validation/rules/cen/support/decimal.ts';
import { indexXml } from '../../../src/main/understanding/validation/rules/cen/support/xml-index.ts';
import { CAC, CBC, decimalsOf, inTokenList, normalizeSpace, parseXsDate, stringLength, substring, xsBoolean } from '../../../src/main/understanding/validation/rules/cen/support/xpath.ts';
import { parseCrPath } from '../../../src/main/understanding/validation/rules/cen/ubl-cr-path.ts';

const d = (s: string): Dec => {
  const v = parseDecimal(s);
  if (!v) throw new Error(s);
  return v;
};
const show = (v: Dec): string => formatDec(v, 0);

describe('exact decimals', () => {
  it('parses the xs:decimal lexical space only', () => {
    for (const ok of ['1', '-1.50', '+3.', '.5', ' 12.30 ', '0000.1']) expect(parseDecimal(ok), ok).not.toBeNull();
    for (const bad of ['', ' ', '-', '.', '1e3', '1,50', 'INF', 'NaN', '1.2.3', '12 34', '0x10']) expect(parseDecimal(bad), bad).toBeNull();
    expect(show(d('-0012.500'))).toBe('-12.5');
  });

  it('parses numbers compared as xs:double (exponents allowed), still exactly', () => {
    expect(show(parseNumber('1.5E2') as Dec)).toBe('150');
    expect(show(parseNumber('-25e-1') as Dec)).toBe('-2.5');
    expect(parseNumber('INF')).toBeNull();
  });

  it('adds, subtracts and multiplies exactly (no binary floating point)', () => {
    expect(show(add(d('0.1'), d('0.2')))).toBe('0.3');
    expect(show(sub(d('100'), d('0.01')))).toBe('99.99');
    expect(show(mul(d('4.76'), divPow10(d('21'), 2)))).toBe('0.9996');
    expect(show(sum([d('1.005'), d('2.005'), d('-3')]))).toBe('0.01');
    expect(show(mulPow10(d('1.2345'), 2))).toBe('123.45');
    expect(show(abs(d('-7.5')))).toBe('7.5');
    expect(eq(d('1.50'), d('1.5'))).toBe(true);
    expect(cmp(d('-0.001'), d('0'))).toBe(-1);
  });

  it('rounds like XPath round(): halves towards positive infinity', () => {
    const cases: Array<[string, string]> = [['2.5', '3'], ['-2.5', '-2'], ['-2.51', '-3'], ['2.4999', '2'], ['0.5', '1'], ['-0.5', '0'], ['7', '7'], ['-0.49', '0']];
    for (const [x, r] of cases) expect(show(round(d(x))), x).toBe(r);
  });

  it('rounds to cents like round(x * 10 * 10) div 100', () => {
    const cases: Array<[string, string]> = [['10.005', '10.01'], ['-10.005', '-10'], ['-10.0051', '-10.01'], ['1.0049', '1'], ['0.105', '0.11'], ['99.995', '100'], ['0.9996', '1']];
    for (const [x, r] of cases) expect(show(roundCents(d(x))), x).toBe(r);
  });

  it('formats amounts with at least two decimals', () => {
    expect(formatDec(d('1000'))).toBe('1000.00');
    expect(formatDec(d('12.345'))).toBe('12.345');
    expect(formatDec(d('-0.5'))).toBe('-0.50');
    expect(formatDec(d('0.0'))).toBe('0.00');
  });
});

describe('XPath helpers', () => {
  it('normalize-space, string-length (code points), substring', () => {
    expect(normalizeSpace('  a \t\n b  ')).toBe('a b');
    expect(stringLength('a😀b')).toBe(3);
    expect(substring('😀BE123', 1, 2)).toBe('😀B');
    expect(decimalsOf('12.345')).toBe(3);
    expect(decimalsOf('12')).toBe(0);
  });

  it('code-list membership: a whole token, never empty, never two tokens', () => {
    const list = new Set(['AE', 'S']);
    expect(inTokenList(list, ' S ')).toBe(true);
    expect(inTokenList(list, '')).toBe(false);
    expect(inTokenList(list, 'AE S')).toBe(false);
    expect(inTokenList(list, 'A')).toBe(false);
  });

  it('xs:boolean for charge indicators', () => {
    expect([xsBoolean('true'), xsBoolean(' 1 '), xsBoolean('false'), xsBoolean('0'), xsBoolean('TRUE'), xsBoolean('')]).toEqual([true, true, false, false, null, null]);
  });

  it('xs:date: valid dates only, leap years, timezones', () => {
    expect(parseXsDate('2024-02-29')).not.toBeNull();
    expect(parseXsDate('2023-02-29')).toBeNull();
    expect(parseXsDate('1900-02-29')).toBeNull();
    expect(parseXsDate('2000-02-29')).not.toBeNull();
    expect(parseXsDate('2026-13-01')).toBeNull();
    expect(parseXsDate('2026-1-01')).toBeNull();
    expect(parseXsDate('20260101')).toBeNull();
    expect(parseXsDate('2026-01-31T00:00:00')).toBeNull();
    expect((parseXsDate('2026-01-02') as number) > (parseXsDate('2026-01-01') as number)).toBe(true);
    // The same calendar day starts earlier in a timezone east of UTC.
    expect((parseXsDate('2026-01-01+02:00') as number) < (parseXsDate('2026-01-01Z') as number)).toBe(true);
  });
});

describe('per-document index', () => {
  it('finds elements by name in document order, their ancestors and attributes', () => {
    const parsed = parseXmlText(`<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="${CAC}" xmlns:c="${CBC}">
      <cac:A><c:ID schemeID="x">1</c:ID></cac:A><cac:B><cac:A><c:ID>2</c:ID></cac:A></cac:B></Invoice>`);
    if (!parsed.ok) throw new Error('parse');
    const index = indexXml(parsed.root);
    expect(indexXml(parsed.root)).toBe(index);
    expect(index.byName(CBC, 'ID').map((e) => e.text)).toEqual(['1', '2']);
    const second = index.byName(CBC, 'ID')[1];
    expect(second && index.ancestor(second, CAC, 'B')?.local).toBe('B');
    expect(index.attrOwner('schemeID')?.text).toBe('1');
    expect(index.attrCount('schemeID')).toBe(1);
    expect(index.byName(CBC, 'Nope')).toEqual([]);
  });
});

describe('UBL-CR path language', () => {
  it('parses relative, anywhere, union, predicate and attribute steps', () => {
    expect(parseCrPath('cac:AccountingSupplierParty/cac:Party/cac:Language').steps.map((s) => s.names[0]?.[1])).toEqual(['AccountingSupplierParty', 'Party', 'Language']);
    const union = parseCrPath('(cac:InvoiceLine|cac:CreditNoteLine)/cbc:UUID');
    expect(union.steps[0]?.names.map((n) => n[1])).toEqual(['InvoiceLine', 'CreditNoteLine']);
    const pred = parseCrPath("//cac:AdditionalDocumentReference[cbc:DocumentTypeCode != '130' or not(cbc:DocumentTypeCode)]/cbc:ID/@schemeID");
    expect(pred.anywhere).toBe(true);
    expect(pred.attribute).toBe('schemeID');
    expect(pred.steps[0]?.predicate).toMatchObject({ op: '!=', value: '130', orAbsent: true });
    expect(parseCrPath('//@unitCodeListID')).toMatchObject({ anywhere: true, steps: [], attribute: 'unitCodeListID' });
  });

  it('refuses what it does not understand', () => {
    expect(() => parseCrPath('cac:A[position() = 1]')).toThrow(/unsupported predicate/);
    expect(() => parseCrPath('x:A')).toThrow(/element name/);
    expect(() => parseCrPath('cac:A/@*')).toThrow(/attribute/);
  });
});
