/**
 * The few XPath 2.0 / XML Schema behaviours the Peppol and SI-UBL schematrons rely on, done exactly:
 * normalize-space(), xs:decimal casts and arithmetic (BigInt scaled integers, never JS floats for
 * amounts), XPath round(), number() / xs:double casts for sign tests, xs:integer and xs:date
 * castability and date comparison.
 *
 * Where the official validator would stop with a dynamic error (e.g. xs:decimal('abc')), these
 * helpers return null and the rule that needed the value reports nothing for that place: the
 * official artefact reports nothing either (it aborts), and the CEN/XSD layers name the bad value.
 */

/** XPath normalize-space(): collapses runs of XML whitespace to one space and trims. */
export function normalizeSpace(value: string | null | undefined): string {
  if (!value) return '';
  return value.replace(/[ \t\r\n]+/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------
// xs:decimal
// ---------------------------------------------------------------------------------------------

/** An exact decimal: units / 10^scale. */
export interface Dec {
  readonly units: bigint;
  readonly scale: number;
}

const DECIMAL_LEXICAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;
/** Longer literals are refused (no invoice amount needs them; keeps BigInt work bounded). */
const MAX_LITERAL = 80;

export const ZERO: Dec = { units: 0n, scale: 0 };

export function decFromInt(n: number | bigint): Dec {
  return { units: BigInt(n), scale: 0 };
}

/** xs:decimal(value): whitespace is collapsed, then `[+-]?digits[.digits]` (no exponent); null when not castable. */
export function parseDecimal(value: string | null | undefined): Dec | null {
  if (value === null || value === undefined) return null;
  const t = value.trim();
  if (t.length === 0 || t.length > MAX_LITERAL) return null;
  const m = DECIMAL_LEXICAL.exec(t);
  if (!m) return null;
  const intPart = m[2] ?? '';
  const fraction = m[3] ?? '';
  if (intPart.length === 0 && fraction.length === 0) return null;
  const digits = BigInt((intPart || '0') + fraction);
  return { units: m[1] === '-' ? -digits : digits, scale: fraction.length };
}

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.units * 10n ** BigInt(scale - a.scale), b.units * 10n ** BigInt(scale - b.scale), scale];
}

export function decAdd(a: Dec, b: Dec): Dec {
  const [x, y, scale] = align(a, b);
  return { units: x + y, scale };
}

export function decSub(a: Dec, b: Dec): Dec {
  const [x, y, scale] = align(a, b);
  return { units: x - y, scale };
}

export function decMul(a: Dec, b: Dec): Dec {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** Fraction digits kept by a division that does not end (Saxon keeps at least 18). */
const DIVISION_DIGITS = 34;

/** a div b as xs:decimal; null for a division by zero (a dynamic error in XPath). Exact when the quotient terminates within 34 fraction digits, else rounded half-even there. */
export function decDiv(a: Dec, b: Dec): Dec | null {
  if (b.units === 0n) return null;
  // a/b = (a.units / 10^a.scale) / (b.units / 10^b.scale) = a.units * 10^(b.scale) / (b.units * 10^(a.scale))
  const scale = DIVISION_DIGITS;
  let numerator = a.units * 10n ** BigInt(b.scale + scale);
  let denominator = b.units * 10n ** BigInt(a.scale);
  if (denominator < 0n) {
    numerator = -numerator;
    denominator = -denominator;
  }
  let q = numerator / denominator;
  const r = numerator % denominator;
  if (r !== 0n) {
    const twice = (r < 0n ? -r : r) * 2n;
    const away = twice > denominator || (twice === denominator && q % 2n !== 0n);
    if (away) q += numerator < 0n ? -1n : 1n;
  }
  return trimDec({ units: q, scale });
}

/** Drops trailing zero fraction digits (same value). */
export function trimDec(a: Dec): Dec {
  let { units, scale } = a;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return { units, scale };
}

/** -1, 0, 1 */
export function decCmp(a: Dec, b: Dec): -1 | 0 | 1 {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function decSign(a: Dec): -1 | 0 | 1 {
  return a.units < 0n ? -1 : a.units > 0n ? 1 : 0;
}

/** XPath round(): nearest integer, halves towards positive infinity (round(-2.5) = -2). */
export function decRound(a: Dec): Dec {
  if (a.scale === 0) return a;
  const factor = 10n ** BigInt(a.scale);
  // floor(a + 0.5)
  const shifted = a.units * 2n + factor; // 2a + 1 in units of factor/2
  const twice = factor * 2n;
  let q = shifted / twice;
  if (shifted % twice !== 0n && shifted < 0n) q -= 1n;
  return { units: q, scale: 0 };
}

/** Plain text of a decimal for messages: "12.50" stays as computed, no exponent. */
export function decToString(a: Dec): string {
  const negative = a.units < 0n;
  let text = (negative ? -a.units : a.units).toString();
  if (a.scale > 0) {
    text = text.padStart(a.scale + 1, '0');
    text = `${text.slice(0, -a.scale)}.${text.slice(-a.scale)}`;
  }
  return negative ? `-${text}` : text;
}

/** u:slack(exp, val, slack): exp - slack <= val <= exp + slack. */
export function withinSlack(expected: Dec, value: Dec, slack: Dec): boolean {
  return decCmp(decAdd(expected, slack), value) >= 0 && decCmp(decSub(expected, slack), value) <= 0;
}

// ---------------------------------------------------------------------------------------------
// xs:double / number() — only used where the schematron compares untyped values with numbers
// ---------------------------------------------------------------------------------------------

const DOUBLE_LEXICAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * XPath number() / the xs:double cast an untyped value gets in `value <= 0`: NaN when not a number
 * (number() returns NaN; a comparison would raise an error — callers treat both as "not true").
 */
export function xpathNumber(value: string | null | undefined): number {
  if (value === null || value === undefined) return NaN;
  const t = value.trim();
  if (t === 'INF' || t === '+INF') return Infinity;
  if (t === '-INF') return -Infinity;
  if (!DOUBLE_LEXICAL.test(t)) return NaN;
  return Number(t);
}

/** string(number(x)) != 'NaN' */
export function isXPathNumber(value: string | null | undefined): boolean {
  return !Number.isNaN(xpathNumber(value));
}

/** `$x castable as xs:integer` */
export function isIntegerCastable(value: string): boolean {
  return /^[ \t\r\n]*[+-]?\d+[ \t\r\n]*$/.test(value);
}

// ---------------------------------------------------------------------------------------------
// xs:date
// ---------------------------------------------------------------------------------------------

export interface XsDate {
  year: number;
  month: number;
  day: number;
  /** Offset from UTC in minutes, null when the value has no timezone. */
  tz: number | null;
}

const DATE_LEXICAL = /^(-?(?:[1-9]\d{4,}|\d{4}))-(\d{2})-(\d{2})(Z|[+-]\d{2}:\d{2})?$/;

function isLeap(year: number): boolean {
  // Proleptic Gregorian with a year zero (XSD 1.1): year 0 is a leap year.
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** `string(.) castable as xs:date` / xs:date(.) — null when not a valid date. */
export function parseXsDate(value: string | null | undefined): XsDate | null {
  if (value === null || value === undefined) return null;
  const m = DATE_LEXICAL.exec(value.trim());
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return null;
  const days = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  if (day > days) return null;
  let tz: number | null = null;
  const zone = m[4];
  if (zone) {
    if (zone === 'Z') tz = 0;
    else {
      const hh = Number(zone.slice(1, 3));
      const mm = Number(zone.slice(4, 6));
      if (hh > 14 || mm > 59 || (hh === 14 && mm !== 0)) return null;
      tz = (zone.startsWith('-') ? -1 : 1) * (hh * 60 + mm);
    }
  }
  return { year, month, day, tz };
}

/** Minutes since 1970-01-01T00:00Z of the date's start (no timezone: taken as UTC). */
function startMinutes(d: XsDate): number {
  const utc = new Date(0);
  utc.setUTCFullYear(d.year, d.month - 1, d.day);
  utc.setUTCHours(0, 0, 0, 0);
  return utc.getTime() / 60_000 - (d.tz ?? 0);
}

/** -1, 0, 1 as a <, =, > b (xs:date comparison on their starting instants). */
export function compareDates(a: XsDate, b: XsDate): -1 | 0 | 1 {
  const x = startMinutes(a);
  const y = startMinutes(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
