/**
 * The exact decimals every part of Ledgerdrop shares (src/main/understanding/decimal.ts): the
 * statement parsers, the validation rules and the renderers. The cases the old per-module helpers
 * were tested with are kept here, with the syntax and rounding each caller uses.
 */
import { describe, expect, it } from 'vitest';
import {
  abs,
  add,
  canonical,
  cmp,
  decimal,
  divide,
  eq,
  format,
  fromInt,
  isZero,
  mul,
  neg,
  ONE,
  parseDecimal,
  round,
  shift,
  sign,
  sub,
  sum,
  trimZeros,
  ZERO,
  type Decimal,
  type RoundingMode,
} from '../../../src/main/understanding/decimal.ts';

const d = (text: string): Decimal => decimal(text);
/** Canonical text of a result ("2.50" -> "2.5"). */
const show = (v: Decimal): string => canonical(v);

describe('reading', () => {
  it('reads plain decimals exactly, keeping their scale', () => {
    expect(parseDecimal('12.50')).toEqual({ units: 1250n, scale: 2 });
    expect(parseDecimal('-0.05')).toEqual({ units: -5n, scale: 2 });
    expect(parseDecimal('+.5')).toEqual({ units: 5n, scale: 1 });
    expect(parseDecimal('7.')).toEqual({ units: 7n, scale: 0 });
    expect(parseDecimal(' 7 ')).toEqual({ units: 7n, scale: 0 });
    expect(parseDecimal('-0.00')).toEqual({ units: 0n, scale: 2 });
    expect(show(d('-0012.500'))).toBe('-12.5');
    for (const ok of ['1', '-1.50', '+3.', '.5', ' 12.30 ', '0000.1', '\t\n1\r\n']) expect(parseDecimal(ok), ok).not.toBeNull();
  });

  it('refuses what is not a plain decimal: null, never a throw', () => {
    const bad = ['', ' ', '-', '+', '.', '-.', '1e3', '1E3', '1,50', '1 000', 'INF', '-INF', 'NaN', '1.2.3', '12 34', '0x10', '--1', '+-1', '1-', 'abc', '١٢'];
    for (const text of bad) expect(parseDecimal(text), text).toBeNull();
    expect(parseDecimal(null)).toBeNull();
    expect(parseDecimal(undefined)).toBeNull();
  });

  it('refuses texts longer than allowed: 80 characters unless the caller says otherwise', () => {
    const eighty = `1.${'5'.repeat(78)}`;
    expect(parseDecimal(eighty)).not.toBeNull();
    expect(parseDecimal(`${eighty}5`)).toBeNull();
    expect(parseDecimal(` ${eighty} `)).not.toBeNull(); // counted after trimming
    expect(parseDecimal(`${eighty}5`, { maxChars: Infinity })).not.toBeNull();
    expect(parseDecimal('1'.repeat(64), { maxChars: 64 })).not.toBeNull();
    expect(parseDecimal('1'.repeat(65), { maxChars: 64 })).toBeNull();
    expect(parseDecimal(`${'1'.repeat(64)} `, { maxChars: 64 })).not.toBeNull();
    expect(parseDecimal(`${'1'.repeat(64)} `, { trim: false, maxChars: 64 })).toBeNull();
  });

  it('can refuse surrounding whitespace (bank amounts)', () => {
    expect(parseDecimal(' 1', { trim: false })).toBeNull();
    expect(parseDecimal('1 ', { trim: false })).toBeNull();
    expect(parseDecimal('+3.', { trim: false })).toEqual({ units: 3n, scale: 0 });
  });

  it('reads an exponent only when asked (XPath compares untyped values as xs:double), still exactly', () => {
    const number = (text: string): Decimal | null => parseDecimal(text, { exponent: true });
    expect(show(number('1.5E2')!)).toBe('150');
    expect(number('1.5E2')).toEqual({ units: 150n, scale: 0 });
    expect(show(number('-25e-1')!)).toBe('-2.5');
    expect(show(number('1e+3')!)).toBe('1000');
    expect(show(number('7')!)).toBe('7');
    expect(show(number('0.1e-20')!)).toBe(`0.${'0'.repeat(20)}1`);
    for (const bad of ['INF', 'NaN', 'e3', '1e', '1e12345', '.e1', '1e3.5']) expect(number(bad), bad).toBeNull();
  });

  it('decimal() throws RangeError where parseDecimal gives null', () => {
    expect(decimal('12.5')).toEqual({ units: 125n, scale: 1 });
    expect(() => decimal('1,5')).toThrow(RangeError);
    expect(() => decimal('x')).toThrow(/Not a decimal number: "x"/);
    expect(() => decimal(' 1', { trim: false })).toThrow(RangeError);
  });

  it('keeps huge values and many decimals exact (far beyond Number)', () => {
    const big = '123456789012345678901234567890.123456789012345678901234567890';
    expect(format(d(big))).toBe(big);
    expect(canonical(d(big))).toBe(big.slice(0, -1)); // the trailing zero dropped
    expect(show(add(d('9007199254740993'), ONE))).toBe('9007199254740994'); // 2^53 + 1 + 1
    expect(show(add(d('99999999999999999.999'), d('0.001')))).toBe('100000000000000000');
    expect(show(mul(d('99999999999999999999'), d('99999999999999999999')))).toBe('9999999999999999999800000000000000000001');
    expect(cmp(d('0.000000000000000001'), ZERO)).toBe(1);
    expect(eq(d('0.1'), d('0.10000000000000001'))).toBe(false);
  });
});

describe('writing', () => {
  it('format keeps the scale, pads to at least the decimals asked, never writes -0 or an exponent', () => {
    expect(format(d('12.50'))).toBe('12.50');
    expect(format(d('-0.05'))).toBe('-0.05');
    expect(format(d('-0.00'))).toBe('0.00');
    expect(format(d('1000'), 2)).toBe('1000.00');
    expect(format(d('12.345'), 2)).toBe('12.345');
    expect(format(d('-1500'), 2)).toBe('-1500.00');
    expect(format(d('.5'), 2)).toBe('0.50');
    expect(format({ units: 1n, scale: 30 })).toBe(`0.${'0'.repeat(29)}1`);
    expect(format(fromInt(10n ** 30n))).toBe(`1${'0'.repeat(30)}`);
  });

  it('trimZeros and canonical drop trailing zeros (amounts in messages: at least 2 decimals)', () => {
    expect(trimZeros(d('2.500'))).toEqual({ units: 25n, scale: 1 });
    expect(trimZeros(d('100'))).toEqual({ units: 100n, scale: 0 });
    expect(canonical(d('0012.500'))).toBe('12.5');
    expect(canonical(d('-0.00'))).toBe('0');
    expect(canonical(d('+3.'))).toBe('3');
    expect(canonical(d('.5'))).toBe('0.5');
    expect(canonical(d('-000.050'))).toBe('-0.05');
    expect(canonical(d('100'))).toBe('100');
    const amount = (v: Decimal): string => format(trimZeros(v), 2);
    expect(amount(d('1000'))).toBe('1000.00');
    expect(amount(d('12.3450'))).toBe('12.345');
    expect(amount(d('-0.5'))).toBe('-0.50');
    expect(amount(d('0.0'))).toBe('0.00');
  });
});

describe('arithmetic', () => {
  it('adds, subtracts and multiplies exactly across scales and signs (no binary floating point)', () => {
    expect(show(add(d('0.1'), d('0.2')))).toBe('0.3'); // 0.30000000000000004 in floats
    expect(show(add(d('19338.09'), d('-8530.28')))).toBe('10807.81');
    expect(show(add(d('-455.17'), d('275725.7')))).toBe('275270.53');
    expect(show(add(d('25846'), d('-9.680')))).toBe('25836.32');
    expect(show(add(d('-1'), d('1')))).toBe('0');
    expect(show(sub(d('100'), d('0.01')))).toBe('99.99');
    expect(show(sub(d('-1.5'), d('-1.5')))).toBe('0');
    expect(show(mul(d('4.76'), shift(d('21'), -2)))).toBe('0.9996');
    expect(show(mul(d('-2.5'), d('-0.4')))).toBe('1');
    expect(show(neg(d('12.50')))).toBe('-12.5');
    expect(show(neg(ZERO))).toBe('0');
    expect(show(abs(d('-7.5')))).toBe('7.5');
    expect(show(abs(d('7.5')))).toBe('7.5');
  });

  it('keeps scales as XPath does: the larger for + and -, the sum for ×', () => {
    expect(add(d('1.5'), d('2.25'))).toEqual({ units: 375n, scale: 2 });
    expect(sub(d('1.50'), d('1'))).toEqual({ units: 50n, scale: 2 });
    expect(mul(d('1.5'), d('2.25'))).toEqual({ units: 3375n, scale: 3 });
  });

  it('sums exactly; the empty sum is 0', () => {
    expect(show(sum([d('1.005'), d('2.005'), d('-3')]))).toBe('0.01');
    expect(sum([])).toEqual(ZERO);
    let total = ZERO;
    for (let i = 0; i < 1000; i += 1) total = add(total, d('0.01'));
    expect(show(add(total, d('-0.005')))).toBe('9.995');
  });

  it('shift multiplies or divides by a power of ten exactly', () => {
    expect(shift(d('1.2345'), 2)).toEqual({ units: 12345n, scale: 2 });
    expect(shift(d('12'), 3)).toEqual({ units: 12000n, scale: 0 });
    expect(shift(d('21'), -2)).toEqual({ units: 21n, scale: 2 });
    expect(show(shift(d('-0.5'), 1))).toBe('-5');
    expect(shift(d('1.5'), 0)).toEqual({ units: 15n, scale: 1 });
  });

  it('compares by value, whatever the number of decimals', () => {
    expect(cmp(d('58600.86'), d('58900'))).toBe(-1);
    expect(cmp(d('1.10'), d('1.1'))).toBe(0);
    expect(cmp(d('-27.00'), d('-27'))).toBe(0);
    expect(cmp(d('27'), d('-27'))).toBe(1);
    expect(cmp(d('-0.001'), ZERO)).toBe(-1);
    expect(eq(d('21'), d('21.000'))).toBe(true);
    expect(eq(d('1.50'), d('1.5'))).toBe(true);
    expect(sign(d('-0.01'))).toBe(-1);
    expect(sign(d('-0.00'))).toBe(0);
    expect(sign(d('3'))).toBe(1);
    expect(isZero(d('-0.000'))).toBe(true);
    expect(isZero(d('0.001'))).toBe(false);
  });
});

describe('rounding', () => {
  const rounded = (text: string, decimals: number, mode: RoundingMode): string => canonical(round(d(text), decimals, mode));

  it("'half-ceiling' is XPath round(): halves towards positive infinity", () => {
    const cases: Array<[string, string]> = [['2.5', '3'], ['-2.5', '-2'], ['-2.51', '-3'], ['-2.5001', '-3'], ['2.4999', '2'], ['0.5', '1'], ['-0.5', '0'], ['7', '7'], ['-0.49', '0'], ['-7', '-7']];
    for (const [x, r] of cases) expect(rounded(x, 0, 'half-ceiling'), x).toBe(r);
  });

  it("'half-ceiling' to 2 decimals is the rules' round(x * 10 * 10) div 100", () => {
    const cases: Array<[string, string]> = [['10.005', '10.01'], ['-10.005', '-10'], ['-10.0051', '-10.01'], ['1.0049', '1'], ['0.105', '0.11'], ['99.995', '100'], ['0.9996', '1'], ['-0.005', '0']];
    for (const [x, r] of cases) expect(rounded(x, 2, 'half-ceiling'), x).toBe(r);
  });

  it("'half-away-from-zero' is commercial rounding", () => {
    const cases: Array<[string, string]> = [['2.5', '3'], ['-2.5', '-3'], ['2.4999', '2'], ['-2.4999', '-2'], ['0.5', '1'], ['-0.5', '-1']];
    for (const [x, r] of cases) expect(rounded(x, 0, 'half-away-from-zero'), x).toBe(r);
    expect(rounded('5.025', 2, 'half-away-from-zero')).toBe('5.03');
    expect(rounded('-5.025', 2, 'half-away-from-zero')).toBe('-5.03');
  });

  it("'half-even' rounds halves to the even neighbour", () => {
    const cases: Array<[string, string]> = [['2.5', '2'], ['3.5', '4'], ['-2.5', '-2'], ['-3.5', '-4'], ['2.5001', '3'], ['-2.4999', '-2'], ['0.5', '0']];
    for (const [x, r] of cases) expect(rounded(x, 0, 'half-even'), x).toBe(r);
    expect(rounded('1.005', 2, 'half-even')).toBe('1');
    expect(rounded('1.015', 2, 'half-even')).toBe('1.02');
  });

  it('gives exactly the decimals asked, padding when the value has fewer', () => {
    expect(round(d('1.5'), 2, 'half-ceiling')).toEqual({ units: 150n, scale: 2 });
    expect(round(d('1.555'), 2, 'half-ceiling')).toEqual({ units: 156n, scale: 2 });
    expect(round(d('7'), 0, 'half-ceiling')).toEqual({ units: 7n, scale: 0 });
    expect(format(round(d('-0.004'), 2, 'half-ceiling'))).toBe('0.00');
  });

  it('rounds huge values exactly', () => {
    const big = `${'9'.repeat(40)}.5`;
    expect(rounded(big, 0, 'half-ceiling')).toBe(`1${'0'.repeat(40)}`);
    expect(rounded(`-${big}`, 0, 'half-ceiling')).toBe(`-${'9'.repeat(40)}`);
    expect(rounded(`-${big}`, 0, 'half-away-from-zero')).toBe(`-1${'0'.repeat(40)}`);
    expect(rounded(`0.${'0'.repeat(60)}5`, 60, 'half-even')).toBe('0');
  });

  it('the UBL writer line VAT: net × rate / 100, half away from zero to 2 decimals', () => {
    const lineVat = (net: string, rate: string): string => format(round(shift(mul(d(net), d(rate)), -2), 2, 'half-away-from-zero'));
    expect(lineVat('400', '21')).toBe('84.00');
    expect(lineVat('33.33', '21')).toBe('7.00');
    expect(lineVat('-1500', '25.0')).toBe('-375.00');
    expect(lineVat('10.05', '50')).toBe('5.03');
    expect(lineVat('-10.05', '50')).toBe('-5.03');
    expect(lineVat('99999999999999.99', '21')).toBe('21000000000000.00');
  });
});

describe('division', () => {
  it('divides to the decimals asked, rounded by the mode; null for a division by zero', () => {
    expect(divide(d('10'), d('4'), 2, 'half-even')).toEqual({ units: 250n, scale: 2 });
    expect(format(divide(d('1'), d('3'), 10, 'half-even')!)).toBe('0.3333333333');
    expect(format(divide(d('2'), d('3'), 4, 'half-even')!)).toBe('0.6667');
    expect(format(divide(d('-2'), d('3'), 4, 'half-even')!)).toBe('-0.6667');
    expect(format(divide(d('2'), d('-3'), 4, 'half-even')!)).toBe('-0.6667');
    expect(format(divide(d('-2'), d('-3'), 4, 'half-even')!)).toBe('0.6667');
    expect(format(divide(d('0.125'), d('1'), 2, 'half-even')!)).toBe('0.12');
    expect(format(divide(d('0.125'), d('1'), 2, 'half-ceiling')!)).toBe('0.13');
    expect(format(divide(d('-0.125'), d('1'), 2, 'half-ceiling')!)).toBe('-0.12');
    expect(format(divide(d('-0.125'), d('1'), 2, 'half-away-from-zero')!)).toBe('-0.13');
    expect(format(divide(d('1.5'), d('0.05'), 0, 'half-even')!)).toBe('30');
    expect(divide(ONE, d('0.00'), 2, 'half-even')).toBeNull();
    expect(divide(ZERO, ZERO, 2, 'half-even')).toBeNull();
  });
});
