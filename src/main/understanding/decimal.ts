/**
 * Exact decimal arithmetic for the amounts, quantities and rates Ledgerdrop reads from invoices and
 * bank statements: BigInt scaled integers, never JS floats. Used by the statement parsers, the
 * validation rules (CEN, Peppol, NLCIUS, UBL.BE) and the renderers.
 *
 * A {@link Decimal} is `units / 10^scale` with `scale >= 0`. Values are immutable and not normalised:
 * 2.50 keeps scale 2 (add and sub give the larger scale of the two, mul the sum), which only matters
 * for display: {@link format} shows the value at its scale, {@link canonical} without trailing zeros.
 *
 * Callers differ on purpose in two places, so these are always chosen by the caller:
 * - reading ({@link DecimalSyntax}): surrounding whitespace, the longest text accepted and whether an
 *   exponent is allowed (the XPath rules compare untyped values as xs:double);
 * - rounding ({@link RoundingMode}): XPath `round()`, which every schematron rule uses, rounds halves
 *   towards positive infinity (round(-2.5) = -2); the line VAT the UBL writer computes rounds halves
 *   away from zero; an XPath `div` that does not terminate rounds half to even.
 */

/** The exact value `units / 10^scale` (scale is a whole number >= 0). */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

/** What {@link parseDecimal} accepts besides `[+-]?digits[.digits]` ("12", "-3.50", "+.5", "7."). */
export interface DecimalSyntax {
  /** Ignore whitespace around the number, as XML Schema's whitespace collapsing does. Default true. */
  readonly trim?: boolean;
  /** Longest text accepted (after trimming); a longer one is not a number. Default 80; Infinity for no limit. */
  readonly maxChars?: number;
  /** Also accept an exponent ("1.5E2", "-25e-1"; at most 4 digits) as in xs:double, kept exact. Default false. */
  readonly exponent?: boolean;
}

/**
 * How {@link round} and {@link divide} settle a value exactly halfway between two results. Below or
 * above half they all round to the nearest.
 * - 'half-ceiling': towards positive infinity (2.5 -> 3, -2.5 -> -2): XPath `round()`;
 * - 'half-away-from-zero': commercial rounding (2.5 -> 3, -2.5 -> -3);
 * - 'half-even': banker's rounding (2.5 -> 2, 3.5 -> 4, -2.5 -> -2).
 */
export type RoundingMode = 'half-ceiling' | 'half-away-from-zero' | 'half-even';

export const ZERO: Decimal = { units: 0n, scale: 0 };
export const ONE: Decimal = { units: 1n, scale: 0 };

/** Default for {@link DecimalSyntax.maxChars}: no invoice or statement amount needs more; keeps BigInt work bounded. */
const DEFAULT_MAX_CHARS = 80;
const PLAIN = /^([+-]?)(\d*)(?:\.(\d*))?$/;
const WITH_EXPONENT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,4}))?$/;

const POW10: bigint[] = [1n];
function pow10(n: number): bigint {
  let p = POW10[n];
  if (p === undefined) {
    p = 10n ** BigInt(n);
    if (n < 64) POW10[n] = p;
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// Reading and writing
// ---------------------------------------------------------------------------------------------

/**
 * The value of a decimal text, or null when it is not one (empty, no digit, a comma, spaces inside,
 * "INF", "NaN", an exponent unless allowed, longer than allowed). Null and undefined give null.
 */
export function parseDecimal(text: string | null | undefined, syntax: DecimalSyntax = {}): Decimal | null {
  if (text === null || text === undefined) return null;
  const t = syntax.trim === false ? text : text.trim();
  if (t.length === 0 || t.length > (syntax.maxChars ?? DEFAULT_MAX_CHARS)) return null;
  const m = (syntax.exponent ? WITH_EXPONENT : PLAIN).exec(t);
  if (!m) return null;
  const intPart = m[2] ?? '';
  const fraction = m[3] ?? '';
  if (intPart.length === 0 && fraction.length === 0) return null;
  let units = BigInt((intPart || '0') + fraction);
  let scale = fraction.length - (m[4] ? Number(m[4]) : 0);
  if (scale < 0) {
    units *= pow10(-scale);
    scale = 0;
  }
  return { units: m[1] === '-' ? -units : units, scale };
}

/**
 * Like {@link parseDecimal}, for text that must be a decimal (a literal, or a value Ledgerdrop
 * wrote itself); throws RangeError when it is not one.
 */
export function decimal(text: string, syntax?: DecimalSyntax): Decimal {
  const value = parseDecimal(text, syntax);
  if (!value) throw new RangeError(`Not a decimal number: ${JSON.stringify(text.slice(0, 40))}`);
  return value;
}

export function fromInt(n: number | bigint): Decimal {
  return { units: BigInt(n), scale: 0 };
}

/** The same value without trailing zero fraction digits (2.500 -> 2.5, 3.00 -> 3). */
export function trimZeros(a: Decimal): Decimal {
  let { units, scale } = a;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return { units, scale };
}

/**
 * Plain text at the value's own scale, padded to at least `minDecimals` decimals; never an exponent
 * or "-0": 12.50 -> "12.50", (1000, 2) -> "1000.00", -0.05 -> "-0.05". Use {@link trimZeros} first
 * for as few decimals as needed.
 */
export function format(a: Decimal, minDecimals = 0): string {
  const scale = Math.max(a.scale, minDecimals);
  const units = a.units * pow10(scale - a.scale);
  const negative = units < 0n;
  let digits = (negative ? -units : units).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return negative ? `-${digits}` : digits;
}

/** The canonical text: no "+", no leading or trailing zeros, never "-0" ("0012.500" -> "12.5", "-0.00" -> "0"). */
export function canonical(a: Decimal): string {
  return format(trimZeros(a));
}

// ---------------------------------------------------------------------------------------------
// Arithmetic (all exact)
// ---------------------------------------------------------------------------------------------

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  if (a.scale === b.scale) return [a.units, b.units, a.scale];
  if (a.scale > b.scale) return [a.units, b.units * pow10(a.scale - b.scale), a.scale];
  return [a.units * pow10(b.scale - a.scale), b.units, b.scale];
}

export function add(a: Decimal, b: Decimal): Decimal {
  const [x, y, scale] = align(a, b);
  return { units: x + y, scale };
}

export function sub(a: Decimal, b: Decimal): Decimal {
  const [x, y, scale] = align(a, b);
  return { units: x - y, scale };
}

export function mul(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

export function neg(a: Decimal): Decimal {
  return { units: -a.units, scale: a.scale };
}

export function abs(a: Decimal): Decimal {
  return a.units < 0n ? neg(a) : a;
}

/** Sum of the values (the empty sum is 0, as XPath `sum(())`). */
export function sum(values: Iterable<Decimal>): Decimal {
  let total = ZERO;
  for (const v of values) total = add(total, v);
  return total;
}

/**
 * a × 10^power, exactly (power is a whole number; negative divides: `div 100` is -2). Dividing
 * raises the scale; multiplying lowers it, down to 0.
 */
export function shift(a: Decimal, power: number): Decimal {
  if (power <= 0) return { units: a.units, scale: a.scale - power };
  return a.scale >= power ? { units: a.units, scale: a.scale - power } : { units: a.units * pow10(power - a.scale), scale: 0 };
}

/** n / d rounded to a whole number by `mode` (d is not 0). */
function divideRounded(n: bigint, d: bigint, mode: RoundingMode): bigint {
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const q = n / d; // towards zero
  const r = n % d;
  if (r === 0n) return q;
  const away = n < 0n ? -1n : 1n;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice < d) return q;
  if (twice > d) return q + away;
  switch (mode) {
    case 'half-ceiling':
      return n > 0n ? q + 1n : q;
    case 'half-away-from-zero':
      return q + away;
    case 'half-even':
      return q % 2n === 0n ? q : q + away;
  }
}

/**
 * a rounded to `decimals` places (a whole number >= 0) by `mode`; the result has exactly that scale
 * (round(2.5, 0) = 3, round(1.5, 2) = 1.50). XPath `round(x)` is `round(x, 0, 'half-ceiling')` and
 * `round(x * 100) div 100` is `round(x, 2, 'half-ceiling')`.
 */
export function round(a: Decimal, decimals: number, mode: RoundingMode): Decimal {
  if (a.scale === decimals) return a;
  if (a.scale < decimals) return { units: a.units * pow10(decimals - a.scale), scale: decimals };
  return { units: divideRounded(a.units, pow10(a.scale - decimals), mode), scale: decimals };
}

/** a / b rounded to `decimals` places by `mode` (the result has that scale); null when b is 0. */
export function divide(a: Decimal, b: Decimal, decimals: number, mode: RoundingMode): Decimal | null {
  if (b.units === 0n) return null;
  // (a.units / 10^a.scale) / (b.units / 10^b.scale) * 10^decimals
  const numerator = a.units * pow10(b.scale + decimals);
  const denominator = b.units * pow10(a.scale);
  return { units: divideRounded(numerator, denominator, mode), scale: decimals };
}

// ---------------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------------

/** -1, 0 or 1 as a <, =, > b (1.50 = 1.5). */
export function cmp(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function eq(a: Decimal, b: Decimal): boolean {
  return cmp(a, b) === 0;
}

export function sign(a: Decimal): -1 | 0 | 1 {
  return a.units < 0n ? -1 : a.units > 0n ? 1 : 0;
}

export function isZero(a: Decimal): boolean {
  return a.units === 0n;
}
