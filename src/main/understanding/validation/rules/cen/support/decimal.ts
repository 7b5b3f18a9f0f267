/**
 * Exact decimal arithmetic with the semantics the official schematrons rely on (XPath 2.0 on
 * xs:decimal): BigInt-scaled values, `round()` half towards positive infinity, division by powers of
 * ten only (the rules never divide by anything else). Never JS floats.
 *
 * A value is `units / 10^scale`; values are immutable and not normalised (2.50 keeps scale 2), which
 * only matters for display.
 */

export interface Dec {
  readonly units: bigint;
  readonly scale: number;
}

/** Longest numeric text we accept; anything longer is treated as not a number. */
const MAX_CHARS = 80;
/** xs:decimal lexical space (after whitespace collapsing): no exponent, no INF/NaN. */
const XS_DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;
/** xs:double lexical space, finite values only (used where XPath compares untyped values with numbers). */
const XS_DOUBLE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,4}))?$/;

const POW10: bigint[] = [1n];
function pow10(n: number): bigint {
  let p = POW10[n];
  if (p === undefined) {
    p = 10n ** BigInt(n);
    if (n < 64) POW10[n] = p;
  }
  return p;
}

export const ZERO: Dec = { units: 0n, scale: 0 };
export const ONE: Dec = { units: 1n, scale: 0 };

function fromParts(sign: string, intPart: string, fraction: string, exponent: number): Dec | null {
  if (intPart.length === 0 && fraction.length === 0) return null;
  let units = BigInt((intPart || '0') + fraction);
  let scale = fraction.length - exponent;
  if (scale < 0) {
    units *= pow10(-scale);
    scale = 0;
  }
  if (sign === '-') units = -units;
  return { units, scale };
}

/**
 * `xs:decimal(text)`: the value, or null when the text is not castable (XPath would raise an
 * error). Leading and trailing whitespace is allowed, as in XML Schema's whitespace collapsing.
 */
export function parseDecimal(text: string): Dec | null {
  const t = text.trim();
  if (t.length === 0 || t.length > MAX_CHARS) return null;
  const m = XS_DECIMAL.exec(t);
  if (!m) return null;
  return fromParts(m[1] ?? '', m[2] ?? '', m[3] ?? '', 0);
}

/**
 * The value an untyped node gets when XPath compares it with a number (cast to xs:double): like
 * {@link parseDecimal} but an exponent is allowed. Kept exact (no binary rounding); INF and NaN are
 * treated as not a number.
 */
export function parseNumber(text: string): Dec | null {
  const t = text.trim();
  if (t.length === 0 || t.length > MAX_CHARS) return null;
  const m = XS_DOUBLE.exec(t);
  if (!m) return null;
  return fromParts(m[1] ?? '', m[2] ?? '', m[3] ?? '', m[4] ? Number(m[4]) : 0);
}

export function fromInt(n: number): Dec {
  return { units: BigInt(n), scale: 0 };
}

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  if (a.scale === b.scale) return [a.units, b.units, a.scale];
  if (a.scale > b.scale) return [a.units, b.units * pow10(a.scale - b.scale), a.scale];
  return [a.units * pow10(b.scale - a.scale), b.units, b.scale];
}

export function add(a: Dec, b: Dec): Dec {
  const [x, y, scale] = align(a, b);
  return { units: x + y, scale };
}

export function sub(a: Dec, b: Dec): Dec {
  const [x, y, scale] = align(a, b);
  return { units: x - y, scale };
}

export function mul(a: Dec, b: Dec): Dec {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

export function neg(a: Dec): Dec {
  return { units: -a.units, scale: a.scale };
}

export function abs(a: Dec): Dec {
  return a.units < 0n ? neg(a) : a;
}

/** a / 10^n, exactly. */
export function divPow10(a: Dec, n: number): Dec {
  return { units: a.units, scale: a.scale + n };
}

/** a * 10^n, exactly. */
export function mulPow10(a: Dec, n: number): Dec {
  return a.scale >= n ? { units: a.units, scale: a.scale - n } : { units: a.units * pow10(n - a.scale), scale: 0 };
}

export function cmp(a: Dec, b: Dec): -1 | 0 | 1 {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function eq(a: Dec, b: Dec): boolean {
  return cmp(a, b) === 0;
}

export function isZero(a: Dec): boolean {
  return a.units === 0n;
}

export function sign(a: Dec): -1 | 0 | 1 {
  return a.units < 0n ? -1 : a.units > 0n ? 1 : 0;
}

/** Floor division of BigInts (towards negative infinity). */
function floorDiv(n: bigint, d: bigint): bigint {
  const q = n / d;
  return (n % d !== 0n && (n < 0n) !== (d < 0n)) ? q - 1n : q;
}

/** XPath `round(a)`: nearest integer, halves towards positive infinity (round(-2.5) = -2). */
export function round(a: Dec): Dec {
  if (a.scale <= 0) return a;
  const d = pow10(a.scale);
  // floor(a + 0.5) = floor((2u + d) / 2d)
  return { units: floorDiv(2n * a.units + d, 2n * d), scale: 0 };
}

/** XPath `round(a * 100) div 100`, the rules' way of rounding to cents. */
export function roundCents(a: Dec): Dec {
  return divPow10(round(mulPow10(a, 2)), 2);
}

/** Sum of values (XPath `sum()`; the empty sum is 0). */
export function sum(values: Iterable<Dec>): Dec {
  let total = ZERO;
  for (const v of values) total = add(total, v);
  return total;
}

/** Number of digits after the decimal point in a canonical rendering (trailing zeros dropped). */
function trimmed(a: Dec): Dec {
  let { units, scale } = a;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return { units, scale };
}

/**
 * Text for messages: at least `minDecimals` decimals (2 for amounts), more when the value has them,
 * e.g. 1000 -> "1000.00", 12.345 -> "12.345", -0.5 -> "-0.50".
 */
export function formatDec(a: Dec, minDecimals = 2): string {
  const t = trimmed(a);
  const scale = Math.max(t.scale, minDecimals);
  const units = t.units * pow10(scale - t.scale);
  const negative = units < 0n;
  let digits = (negative ? -units : units).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return negative ? `-${digits}` : digits;
}
