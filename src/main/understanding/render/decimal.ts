/**
 * Exact decimal arithmetic on amounts kept as strings (never floats): parsing, comparison, the
 * VAT of a line (amount × rate / 100, rounded to 2 decimals) and display with at least 2 decimals.
 */

export interface Decimal {
  /** Unscaled value: the decimal is `units / 10^scale`. */
  units: bigint;
  scale: number;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** Parses "12", "-3.50", "+.5", "7."; null for anything else (exponents, spaces inside, empty). */
export function parseDecimal(text: string | null | undefined): Decimal | null {
  if (text === null || text === undefined) return null;
  const m = DECIMAL.exec(text.trim());
  if (!m) return null;
  const intPart = m[2] ?? '';
  const fraction = m[3] ?? '';
  if (intPart === '' && fraction === '') return null;
  const digits = `${intPart}${fraction}`.replace(/^0+(?=\d)/, '') || '0';
  const units = BigInt(digits);
  return { units: m[1] === '-' ? -units : units, scale: fraction.length };
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

function rescale(d: Decimal, scale: number): bigint {
  return d.units * pow10(scale - d.scale);
}

/** -1, 0 or 1; null when either side is not a decimal. */
export function compareDecimals(a: string | null | undefined, b: string | null | undefined): number | null {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  if (!x || !y) return null;
  const scale = Math.max(x.scale, y.scale);
  const dx = rescale(x, scale);
  const dy = rescale(y, scale);
  return dx === dy ? 0 : dx < dy ? -1 : 1;
}

export function decimalEquals(a: string | null | undefined, b: string | null | undefined): boolean {
  return compareDecimals(a, b) === 0;
}

/** Writes units / 10^scale as a plain decimal string ("-0.05", "12.30"). */
export function formatUnits(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const body = scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return negative ? `-${body}` : body;
}

/** Divides with rounding half away from zero (commercial rounding). */
function divideRounded(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  let q = n / d;
  if ((n % d) * 2n >= d) q += 1n;
  return negative ? -q : q;
}

/**
 * amount × percent / 100, rounded half away from zero to `decimals` places (the VAT of a line at a
 * rate). Null when either input is not a decimal.
 */
export function percentOf(amount: string | null | undefined, percent: string | null | undefined, decimals = 2): string | null {
  const a = parseDecimal(amount);
  const p = parseDecimal(percent);
  if (!a || !p) return null;
  // (a.units / 10^a.scale) * (p.units / 10^p.scale) / 100 * 10^decimals
  const numerator = a.units * p.units * pow10(decimals);
  const denominator = pow10(a.scale + p.scale + 2);
  return formatUnits(divideRounded(numerator, denominator), decimals);
}

/** Display form: at least `min` decimals ("484" -> "484.00", "1.2345" unchanged); non-decimals as given. */
export function displayDecimal(text: string | null | undefined, min = 2): string {
  if (text === null || text === undefined) return '';
  const d = parseDecimal(text);
  if (!d) return text.trim();
  const scale = Math.max(d.scale, min);
  return formatUnits(rescale(d, scale), scale);
}

/** Display form of a quantity or rate: as few decimals as needed ("2.000" -> "2", "6.50" -> "6.5"). */
export function displayCompact(text: string | null | undefined): string {
  if (text === null || text === undefined) return '';
  const d = parseDecimal(text);
  if (!d) return text.trim();
  let { units, scale } = d;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return formatUnits(units, scale);
}
