import { describe, expect, it } from 'vitest';
import {
  DecimalSum,
  addDecimal,
  compareDecimal,
  decimalFromImplied,
  isDecimal,
  negateDecimal,
  normalizeDecimal,
} from '../../../src/main/understanding/statements/decimal.ts';

describe('decimal strings', () => {
  it('normalizes to a canonical form', () => {
    expect(normalizeDecimal('0012.500')).toBe('12.5');
    expect(normalizeDecimal('-0.00')).toBe('0');
    expect(normalizeDecimal('+3.')).toBe('3');
    expect(normalizeDecimal('.5')).toBe('0.5');
    expect(normalizeDecimal('-000.050')).toBe('-0.05');
    expect(normalizeDecimal('100')).toBe('100');
    expect(normalizeDecimal('123456789012345678901234.123456789')).toBe('123456789012345678901234.123456789');
  });

  it('rejects what is not a plain decimal', () => {
    for (const bad of ['', '-', '.', '1,5', '1e3', 'abc', '1.2.3', ' 1', 'NaN', '1'.repeat(65)]) {
      expect(normalizeDecimal(bad), bad).toBeNull();
      expect(isDecimal(bad), bad).toBe(false);
    }
    expect(() => addDecimal('1', 'x')).toThrow(RangeError);
    expect(() => compareDecimal('1,0', '1')).toThrow(RangeError);
  });

  it('adds exactly, across scales and signs', () => {
    expect(addDecimal('0.1', '0.2')).toBe('0.3'); // 0.30000000000000004 in floats
    expect(addDecimal('19338.09', '-8530.28')).toBe('10807.81');
    expect(addDecimal('-455.17', '275725.7')).toBe('275270.53');
    expect(addDecimal('25846', '-9.680')).toBe('25836.32');
    expect(addDecimal('-1', '1')).toBe('0');
    expect(addDecimal('99999999999999999.999', '0.001')).toBe('100000000000000000');
    expect(negateDecimal('12.50')).toBe('-12.5');
    expect(negateDecimal('0')).toBe('0');
  });

  it('compares exactly', () => {
    expect(compareDecimal('58600.86', '58900')).toBe(-1);
    expect(compareDecimal('1.10', '1.1')).toBe(0);
    expect(compareDecimal('-27.00', '-27')).toBe(0);
    expect(compareDecimal('27', '-27')).toBe(1);
    expect(compareDecimal('0.000000000000000001', '0')).toBe(1);
  });

  it('reads fixed-width amounts with implied decimals', () => {
    expect(decimalFromImplied('000000017752120', 3)).toBe('17752.12');
    expect(decimalFromImplied('000000000455170', 3, true)).toBe('-455.17');
    expect(decimalFromImplied('000000000000000', 3, true)).toBe('0');
    expect(decimalFromImplied('00000000012345 ', 3)).toBeNull();
  });

  it('sums many values exactly', () => {
    const sum = new DecimalSum();
    for (let i = 0; i < 1000; i += 1) sum.add('0.01');
    expect(sum.add('-0.005')).toBe(true);
    expect(sum.add('oops')).toBe(false);
    expect(sum.toString()).toBe('9.995');
    expect(new DecimalSum().toString()).toBe('0');
  });
});
