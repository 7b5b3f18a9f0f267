/**
 * The few XPath 2.0 / XML Schema behaviours the Peppol and SI-UBL schematrons rely on, done exactly:
 * normalize-space(), xs:decimal `div` and u:slack (on the exact decimals of ../../../decimal.ts, whose
 * parseDecimal is the xs:decimal cast and round(x, 0, 'half-ceiling') XPath round()), number() /
 * xs:double casts for sign tests, xs:integer and xs:date castability and date comparison.
 *
 * Where the official validator would stop with a dynamic error (e.g. xs:decimal('abc')), these
 * helpers return null and the rule that needed the value reports nothing for that place: the
 * official artefact reports nothing either (it aborts), and the CEN/XSD layers name the bad value.
 */
import { add, cmp, divide, sub, trimZeros, type Decimal } from '../../../decimal.ts';

/** XPath normalize-space(): collapses runs of XML whitespace to one space and trims. */
export function normalizeSpace(value: string | null | undefined): string {
  if (!value) return '';
  return value.replace(/[ \t\r\n]+/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------
// xs:decimal (the values and arithmetic are ../../../decimal.ts; xs:decimal() is its parseDecimal)
// ---------------------------------------------------------------------------------------------

/** Fraction digits kept by a division that does not end (Saxon keeps at least 18). */
const DIVISION_DIGITS = 34;

/**
 * `a div b` on xs:decimal: null for a division by zero (a dynamic error in XPath). Exact when the
 * quotient terminates within 34 fraction digits, else rounded half to even there; trailing zeros
 * dropped.
 */
export function xpathDiv(a: Decimal, b: Decimal): Decimal | null {
  const q = divide(a, b, DIVISION_DIGITS, 'half-even');
  return q && trimZeros(q);
}

/** u:slack(exp, val, slack): exp - slack <= val <= exp + slack. */
export function withinSlack(expected: Decimal, value: Decimal, slack: Decimal): boolean {
  return cmp(add(expected, slack), value) >= 0 && cmp(sub(expected, slack), value) <= 0;
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
