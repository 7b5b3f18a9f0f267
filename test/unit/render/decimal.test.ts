import { describe, expect, it } from 'vitest';
import { compareDecimals, decimalEquals, displayCompact, displayDecimal, parseDecimal, percentOf } from '../../../src/main/understanding/render/decimal.ts';

describe('decimal strings', () => {
  it('parses plain decimals only', () => {
    expect(parseDecimal('12.50')).toEqual({ units: 1250n, scale: 2 });
    expect(parseDecimal('-0.05')).toEqual({ units: -5n, scale: 2 });
    expect(parseDecimal('+.5')).toEqual({ units: 5n, scale: 1 });
    expect(parseDecimal(' 7 ')).toEqual({ units: 7n, scale: 0 });
    for (const bad of ['', '.', '1e3', '1,5', '12 3', 'abc', null]) expect(parseDecimal(bad)).toBeNull();
  });

  it('compares exactly, whatever the number of decimals', () => {
    expect(decimalEquals('21', '21.000')).toBe(true);
    expect(decimalEquals('0.1', '0.10000000000000001')).toBe(false);
    expect(compareDecimals('-3', '2.5')).toBe(-1);
    expect(compareDecimals('x', '1')).toBeNull();
  });

  it('computes VAT at a rate, rounded half away from zero to 2 decimals', () => {
    expect(percentOf('400', '21')).toBe('84.00');
    expect(percentOf('33.33', '21')).toBe('7.00');
    expect(percentOf('-1500', '25.0')).toBe('-375.00');
    expect(percentOf('10.05', '50')).toBe('5.03');
    expect(percentOf('-10.05', '50')).toBe('-5.03');
    expect(percentOf('99999999999999.99', '21')).toBe('21000000000000.00');
    expect(percentOf('12', null)).toBeNull();
  });

  it('formats for display without losing digits', () => {
    expect(displayDecimal('484')).toBe('484.00');
    expect(displayDecimal('-1500')).toBe('-1500.00');
    expect(displayDecimal('1.2345')).toBe('1.2345');
    expect(displayDecimal('.5')).toBe('0.50');
    expect(displayDecimal('n/a')).toBe('n/a');
    expect(displayCompact('2.000')).toBe('2');
    expect(displayCompact('6.50')).toBe('6.5');
    expect(displayCompact('-0.0')).toBe('0');
  });
});
