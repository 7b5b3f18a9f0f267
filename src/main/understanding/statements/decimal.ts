/**
 * Exact decimal arithmetic on strings, using BigInt scaled integers. Canonical form: optional "-",
 * integer part without leading zeros, fraction without trailing zeros, no "+", never "-0"
 * ("0012.500" -> "12.5", "-0.00" -> "0").
 */

interface Scaled {
  units: bigint;
  scale: number;
}

/** Longest accepted decimal string; bank amounts are at most ~18 digits. */
const MAX_DECIMAL_CHARS = 64;
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

function toScaled(value: string): Scaled | null {
  if (value.length === 0 || value.length > MAX_DECIMAL_CHARS) return null;
  const match = DECIMAL.exec(value);
  if (!match) return null;
  const intPart = match[2] ?? '';
  const fraction = match[3] ?? '';
  if (intPart.length === 0 && fraction.length === 0) return null;
  const digits = BigInt((intPart || '0') + fraction);
  return { units: match[1] === '-' ? -digits : digits, scale: fraction.length };
}

function fromScaled({ units, scale }: Scaled): string {
  const negative = units < 0n;
  let text = (negative ? -units : units).toString();
  if (scale > 0) {
    text = text.padStart(scale + 1, '0');
    const intPart = text.slice(0, -scale);
    const fraction = text.slice(-scale).replace(/0+$/, '');
    text = fraction.length > 0 ? `${intPart}.${fraction}` : intPart;
  }
  return negative && text !== '0' ? `-${text}` : text;
}

function rescale(value: Scaled, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

function mustParse(value: string): Scaled {
  const scaled = toScaled(value);
  if (!scaled) throw new RangeError(`Not a decimal number: ${JSON.stringify(value.slice(0, 40))}`);
  return scaled;
}

/** True for strings like "12", "-0.50", "+3.", ".5" (dot as decimal separator, no exponent). */
export function isDecimal(value: string): boolean {
  return toScaled(value) !== null;
}

/** Canonical form of a decimal string, or null when it is not one. */
export function normalizeDecimal(value: string): string | null {
  const scaled = toScaled(value);
  return scaled ? fromScaled(scaled) : null;
}

/** a + b, exactly. Throws RangeError on a non-decimal input (validate first with isDecimal). */
export function addDecimal(a: string, b: string): string {
  const x = mustParse(a);
  const y = mustParse(b);
  const scale = Math.max(x.scale, y.scale);
  return fromScaled({ units: rescale(x, scale) + rescale(y, scale), scale });
}

/** -a. Throws RangeError on a non-decimal input. */
export function negateDecimal(a: string): string {
  const x = mustParse(a);
  return fromScaled({ units: -x.units, scale: x.scale });
}

/** -1, 0 or 1 as a <, =, > b. Throws RangeError on a non-decimal input. */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const x = mustParse(a);
  const y = mustParse(b);
  const scale = Math.max(x.scale, y.scale);
  const d = rescale(x, scale) - rescale(y, scale);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/**
 * A fixed-width amount with implied decimals, e.g. ("000000017752120", 3) -> "17752.12".
 * Returns null unless `digits` is all digits.
 */
export function decimalFromImplied(digits: string, decimals: number, negative = false): string | null {
  if (!/^\d+$/.test(digits) || digits.length > MAX_DECIMAL_CHARS) return null;
  const scaled: Scaled = { units: BigInt(digits), scale: decimals };
  if (negative) scaled.units = -scaled.units;
  return fromScaled(scaled);
}

/**
 * Running exact sum, cheaper than repeated addDecimal in a loop over thousands of entries.
 */
export class DecimalSum {
  #units = 0n;
  #scale = 0;

  /** Adds a decimal string; returns false (and adds nothing) when it is not one. */
  add(value: string): boolean {
    const x = toScaled(value);
    if (!x) return false;
    if (x.scale > this.#scale) {
      this.#units *= 10n ** BigInt(x.scale - this.#scale);
      this.#scale = x.scale;
    }
    this.#units += rescale(x, this.#scale);
    return true;
  }

  toString(): string {
    return fromScaled({ units: this.#units, scale: this.#scale });
  }
}
