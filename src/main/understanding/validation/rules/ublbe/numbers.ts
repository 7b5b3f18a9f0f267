/**
 * Exact decimal helpers for the GLOBALUBL.BE rules, on top of ../../../statements/decimal.ts
 * (never floats for amounts). XPath semantics where the schematron relies on them:
 * - `xs:decimal(x)` accepts `[+-]?(digits[.digits*]|.digits)` (no exponent), surrounding spaces ignored;
 * - `round(x)` rounds half towards positive infinity (round(2.5) = 3, round(-2.5) = -2);
 * - `number(x)` reads an xs:double (exponent, INF and NaN allowed), NaN when it cannot.
 */
import { addDecimal, compareDecimal, isDecimal, negateDecimal, normalizeDecimal } from '../../../statements/decimal.ts';

export { addDecimal, compareDecimal };

const XS_DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** The canonical form of an xs:decimal lexical value, or null when `xs:decimal()` would raise an error. */
export function xsDecimal(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const v = value.trim();
  if (!XS_DECIMAL.test(v) || !isDecimal(v)) return null;
  return normalizeDecimal(v);
}

interface Scaled {
  units: bigint;
  scale: number;
}

function scaled(value: string): Scaled {
  const negative = value.startsWith('-');
  const body = negative || value.startsWith('+') ? value.slice(1) : value;
  const [int = '', frac = ''] = body.split('.');
  const units = BigInt((int || '0') + frac);
  return { units: negative ? -units : units, scale: frac.length };
}

function unscaled({ units, scale }: Scaled): string {
  const negative = units < 0n;
  let text = (negative ? -units : units).toString();
  if (scale > 0) {
    text = text.padStart(scale + 1, '0');
    text = `${text.slice(0, -scale)}.${text.slice(-scale)}`;
  }
  return normalizeDecimal(negative ? `-${text}` : text) ?? '0';
}

/** a × b, exactly (inputs are canonical decimals, e.g. from xsDecimal). */
export function mulDecimal(a: string, b: string): string {
  const x = scaled(a);
  const y = scaled(b);
  return unscaled({ units: x.units * y.units, scale: x.scale + y.scale });
}

/** a × 10^power (power may be negative: `div 100` is power -2), exactly. */
export function shiftDecimal(a: string, power: number): string {
  const x = scaled(a);
  if (power >= 0) return unscaled({ units: x.units * 10n ** BigInt(power), scale: x.scale });
  return unscaled({ units: x.units, scale: x.scale - power });
}

/** a - b, exactly. */
export function subDecimal(a: string, b: string): string {
  return addDecimal(a, negateDecimal(b));
}

/** floor(a) as a decimal string. */
function floorDecimal(a: string): string {
  const x = scaled(a);
  if (x.scale === 0) return unscaled(x);
  const div = 10n ** BigInt(x.scale);
  let q = x.units / div;
  if (x.units < 0n && q * div !== x.units) q -= 1n;
  return unscaled({ units: q, scale: 0 });
}

/** XPath `round(a * 10^decimals) div 10^decimals`: half rounds towards positive infinity. */
export function roundXPath(a: string, decimals: number): string {
  const moved = shiftDecimal(a, decimals);
  return shiftDecimal(floorDecimal(addDecimal(moved, '0.5')), -decimals);
}

/** Exact sum of canonical decimals ('0' for none). */
export function sumDecimals(values: readonly string[]): string {
  let total = '0';
  for (const v of values) total = addDecimal(total, v);
  return total;
}

const XS_DOUBLE = /^[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF)$|^NaN$/;

/** XPath `number(x)`: a JS number (NaN when x is not an xs:double). Only for non-amount checks. */
export function xpathNumber(value: string | null | undefined): number {
  if (value === null || value === undefined) return Number.NaN;
  const v = value.trim();
  if (!XS_DOUBLE.test(v)) return Number.NaN;
  if (v === 'INF' || v === '+INF') return Number.POSITIVE_INFINITY;
  if (v === '-INF') return Number.NEGATIVE_INFINITY;
  return Number(v);
}

/**
 * Compares an untyped value with a decimal literal the way an XPath general comparison does
 * (`. > 0`): the value is read as a number; null when it is not one (XPath raises an error).
 * Exact when the value is a plain decimal; falls back to the double reading for exponents.
 */
export function compareUntyped(value: string | null | undefined, literal: string): -1 | 0 | 1 | null {
  const d = xsDecimal(value);
  if (d !== null) return compareDecimal(d, literal);
  const n = xpathNumber(value);
  if (Number.isNaN(n)) return null;
  const l = Number(literal);
  return n < l ? -1 : n > l ? 1 : 0;
}
