/**
 * XPath number handling for the GLOBALUBL.BE rules, on the exact decimals of ../../../decimal.ts
 * (never floats for amounts). XPath semantics where the schematron relies on them:
 * - `xs:decimal(x)` accepts `[+-]?(digits[.digits*]|.digits)` (no exponent), surrounding spaces ignored;
 * - `round(x)` rounds half towards positive infinity (round(2.5) = 3, round(-2.5) = -2): the shared
 *   round() with 'half-ceiling';
 * - `number(x)` reads an xs:double (exponent, INF and NaN allowed), NaN when it cannot.
 */
import { cmp, decimal, parseDecimal, type Decimal } from '../../../decimal.ts';

/** How these rules read xs:decimal: surrounding spaces ignored, and (as always here) at most 64 characters. */
const XS_DECIMAL = { maxChars: 64 } as const;

/** The value of an xs:decimal lexical value, or null when `xs:decimal()` would raise an error. */
export function xsDecimal(value: string | null | undefined): Decimal | null {
  return parseDecimal(value, XS_DECIMAL);
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
  if (d !== null) return cmp(d, decimal(literal));
  const n = xpathNumber(value);
  if (Number.isNaN(n)) return null;
  const l = Number(literal);
  return n < l ? -1 : n > l ? 1 : 0;
}
