/**
 * The identifier checks the Peppol schematron declares as XSLT functions (u:gln, u:mod11,
 * u:mod97-0208, u:checkCodiceIPA, u:checkCF, u:checkPIVAseIT, u:abn, u:TinVerification,
 * u:checkSEOrgnr) and the IBAN check of the German rules, written to give the same answer as the
 * XPath they are defined with — including its corner cases (any length for a GLN, a 10-digit
 * check value for mod 11 never matching, …).
 */
import { beMod97Ok } from '../../../identifiers.ts';
import { isIntegerCastable, xpathNumber } from './xpath.ts';

function digitAt(value: string, index: number): number {
  return value.charCodeAt(index) - 48;
}

/**
 * u:gln: GS1 check digit over any number of digits — weights 3, 1, 3, … from the digit left of
 * the check digit. For 13 digits this is the usual GLN check (identifiers.ts glnCheckOk).
 * Callers check `^[0-9]+$` first, as the rule does.
 */
export function gs1CheckDigitOk(value: string): boolean {
  const length = value.length - 1;
  if (length < 0) return false;
  let sum = 0;
  for (let i = 0; i < length; i += 1) {
    const d = digitAt(value, length - 1 - i);
    sum += d * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10 === xpathNumber(value.slice(length, length + 1));
}

/** u:mod11 (Norwegian organisation number): weights 2..7 repeating from the right of the first n-1 digits; number(val) > 0. */
export function mod11Ok(value: string): boolean {
  const length = value.length - 1;
  if (length < 0) return false;
  let sum = 0;
  for (let i = 0; i < length; i += 1) {
    const d = digitAt(value, length - 1 - i);
    sum += d * ((i % 6) + 2);
  }
  const n = xpathNumber(value);
  return n > 0 && (11 - (sum % 11)) % 11 === xpathNumber(value.slice(length, length + 1));
}

/** u:mod97-0208 on a value already known to be 10 digits (Belgian enterprise number). */
export function mod97Be(value: string): boolean {
  return beMod97Ok(value);
}

/** u:checkCodiceIPA: exactly 6 ASCII letters or digits. */
export function codiceIpaOk(value: string): boolean {
  return /^[A-Za-z0-9]{6}$/.test(value);
}

const LETTERS = /^[A-Za-z]*$/;

/** u:checkCF16 */
function codiceFiscale16Ok(value: string): boolean {
  const sub = (start: number, len: number): string => value.slice(start - 1, start - 1 + len);
  return (
    LETTERS.test(sub(1, 6)) &&
    isIntegerCastable(sub(7, 2)) &&
    LETTERS.test(sub(9, 1)) &&
    isIntegerCastable(sub(10, 2)) &&
    isIntegerCastable(sub(15, 1)) &&
    LETTERS.test(sub(16, 1))
  );
}

/** u:checkCF (Italian tax code): 16 characters in the personal pattern, or 11 characters castable as an integer. */
export function codiceFiscaleOk(value: string): boolean {
  if (value.length === 16) return codiceFiscale16Ok(value);
  if (value.length === 11) return isIntegerCastable(value);
  return false;
}

/**
 * u:addPIVA / u:checkPIVA: Luhn-like sum where every second digit is mapped through "0246813579".
 * Returns null where the XPath would raise an error (a sign or space as the first character of a
 * value castable as an integer).
 */
function checkPiva(value: string): number | null {
  if (!isIntegerCastable(value)) return 1;
  let sum = 0;
  let rest = value;
  let even = false;
  while (isIntegerCastable(rest)) {
    const c = rest.charCodeAt(0);
    if (c < 48 || c > 57) return null;
    const d = c - 48;
    sum += even ? Number('0246813579'[d]) : d;
    even = !even;
    rest = rest.slice(1);
  }
  return sum % 10;
}

/** u:checkPIVAseIT: for an IT-prefixed value, 11 digits with a valid check digit; other prefixes pass. Null where the XPath would fail. */
export function partitaIvaOk(value: string): boolean | null {
  const country = value.slice(0, 2);
  if (country !== 'IT' && country !== 'it') return true;
  const code = value.slice(2);
  if (code.length !== 11) return false;
  const r = checkPiva(code);
  return r === null ? null : r === 0;
}

/** u:abn (Australian Business Number) on 11 digits: weighted sum with the first digit minus one, mod 89 = 0. */
export function abnOk(value: string): boolean {
  const weights = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];
  let sum = 0;
  for (let i = 0; i < 11; i += 1) {
    const cp = value.charCodeAt(i);
    if (Number.isNaN(cp)) return false;
    sum += (cp - (i === 0 ? 49 : 48)) * (weights[i] ?? 0);
  }
  return sum % 89 === 0;
}

/**
 * u:TinVerification (Greek TIN): digits 1..8 weighted 256..2, (sum mod 11) mod 10 equals digit 9.
 * Characters that are not numbers make the sum NaN (false), as in XPath.
 */
export function greekTinOk(value: string): boolean {
  const chars = [...value];
  let sum = 0;
  for (let i = 0; i < 8; i += 1) sum += xpathNumber(chars[i] ?? '') * 2 ** (8 - i);
  const check = xpathNumber(chars[8] ?? '');
  return (sum % 11) % 10 === check;
}

/** u:checkSEOrgnr (Swedish organisation number): only digits, Luhn check over the first 9 against the 10th. */
export function swedishOrgNumberOk(value: string): boolean {
  if (!/^[0-9]+$/.test(value)) return false;
  const main = value.slice(0, 9);
  let sum = 0;
  for (let pos = 1; pos <= main.length; pos += 1) {
    const d = Number(main[main.length - pos]);
    if (pos % 2 === 1) sum += ((d * 2) % 10) + Math.floor((d * 2) / 10);
    else sum += d;
  }
  return (10 - (sum % 10)) % 10 === xpathNumber(value.slice(9, 10));
}

/**
 * DE-R-019 / DE-R-020 IBAN test: after removing whitespace, `^[A-Z]{2}[0-9]{2}[a-zA-Z0-9]{0,30}$`
 * and the ISO 7064 mod 97 check (letters as 10..35 via their code point minus 55; lower-case letters
 * are converted the same way, as the XPath does, so they fail).
 */
export function ibanOk(raw: string): boolean {
  const v = raw.replace(/[ \n\r\t\s]/g, '').trim();
  if (!/^[A-Z]{2}[0-9]{2}[a-zA-Z0-9]{0,30}$/.test(v)) return false;
  const rearranged = v.slice(4) + v.slice(0, 2).toUpperCase() + v.slice(2, 4);
  let digits = '';
  for (const ch of rearranged) {
    const cp = ch.codePointAt(0) ?? 0;
    digits += String(cp > 64 ? cp - 55 : cp - 48);
  }
  return BigInt(digits) % 97n === 1n;
}
