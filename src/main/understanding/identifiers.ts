/**
 * Party identifiers of Belgian and Dutch businesses (and other EU VAT numbers), normalised so that
 * every spelling of the same party gives the same key:
 *
 *   BE0123.456.749, be 0123 456 749, 0123456749, 123456749, 0208:0123456749, 9925:BE0123456749
 *       -> key "BE:0123456749" (enterprise number; the BE VAT number is the same 10 digits)
 *   NL123456789B01 / 9944:NL123456789B01         -> "VAT:NL123456789B01"
 *   12345678 / 0106:12345678                      -> "NL-KVK:12345678"
 *   00000001234567890000 / 0190:…                 -> "NL-OIN:…"
 *   5412345000013 / 0088:…                        -> "GLN:…"
 *   DE123456789, FR12345678901, EL123456789, …    -> "VAT:<country><alphanumerics>"
 *
 * Checks: BE enterprise numbers use mod 97 (97 - first 8 digits mod 97 = last 2; formats.md §1.8,
 * PEPPOL-COMMON-R043); GLN uses the GS1 check digit (PEPPOL-COMMON-R040). KVK must be 8 digits,
 * OIN 20 digits. A number that fails its check gets `valid: false` and no key, so it never matches.
 */

export type IdentifierType = 'be-enterprise' | 'vat' | 'nl-kvk' | 'nl-oin' | 'gln' | 'other';

export interface NormalizedIdentifier {
  /** What was given, as given. */
  input: string;
  type: IdentifierType;
  /** Normalised value, e.g. "0123456749", "NL123456789B01"; null when nothing usable was given. */
  value: string | null;
  /** Matching key (see the file comment); null when invalid. */
  key: string | null;
  valid: boolean;
  /** Why it is invalid (plain language), when it is. */
  problem: string | null;
  /** The Peppol EAS / ICD scheme that was given or implied, when known. */
  scheme: string | null;
}

/** Peppol EAS codes (endpoint scheme ids) that this module understands. */
export const PEPPOL_SCHEMES = {
  '0208': 'Belgian enterprise number (KBO/BCE)',
  '9925': 'Belgian VAT number',
  '0106': 'Dutch Chamber of Commerce number (KVK)',
  '0190': 'Dutch government organisation id (OIN)',
  '0088': 'GS1 Global Location Number (GLN)',
  '9944': 'Dutch VAT number',
} as const satisfies Record<string, string>;

/** EU member states' VAT prefixes (Greece is EL; XI = Northern Ireland), plus a few neighbours seen on invoices. */
const VAT_COUNTRIES = new Set([
  'AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'EL', 'ES', 'FI', 'FR', 'HR', 'HU', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE',
  'SI', 'SK', 'XI', 'GB', 'CH', 'NO',
]);

/** Peppol EAS VAT schemes of other countries (value carries the country prefix). */
const OTHER_VAT_SCHEMES = new Set([
  '9914', '9915', '9918', '9919', '9920', '9922', '9923', '9924', '9926', '9927', '9928', '9929', '9930', '9931', '9932', '9933', '9934', '9935',
  '9936', '9937', '9938', '9939', '9940', '9941', '9942', '9943', '9945', '9946', '9947', '9948', '9949', '9950', '9951', '9952', '9953', '9957',
]);

function compact(value: string): string {
  return value.toUpperCase().replace(/[\s.\-/_,]+/g, '');
}

/** Belgian enterprise number check: 97 - (first 8 digits mod 97) must equal the last 2 digits. */
export function beMod97Ok(tenDigits: string): boolean {
  if (!/^\d{10}$/.test(tenDigits)) return false;
  const base = Number(tenDigits.slice(0, 8));
  const check = Number(tenDigits.slice(8));
  return 97 - (base % 97) === check;
}

/** GS1 check digit (GTIN-13 / GLN): weights 1,3,1,3… from the left over the first 12 digits. */
export function glnCheckOk(digits: string): boolean {
  if (!/^\d{13}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 12; i += 1) sum += Number(digits[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10 === Number(digits[12]);
}

function result(
  input: string,
  type: IdentifierType,
  value: string | null,
  keyPrefix: string,
  problem: string | null,
  scheme: string | null,
): NormalizedIdentifier {
  const valid = problem === null && value !== null && value !== '';
  return { input, type, value, key: valid ? `${keyPrefix}:${value}` : null, valid, problem, scheme };
}

/** Normalises a Belgian enterprise / VAT number (with or without BE, dots, spaces; 9-digit old numbers padded). */
export function normalizeBelgian(input: string, scheme: string | null = null): NormalizedIdentifier {
  let c = compact(input);
  if (c.startsWith('BE')) c = c.slice(2);
  if (!/^\d+$/.test(c)) return result(input, 'be-enterprise', null, 'BE', `"${input}" is not a Belgian enterprise number (digits expected).`, scheme);
  if (c.length === 9) c = `0${c}`;
  if (c.length !== 10) return result(input, 'be-enterprise', c, 'BE', `"${input}" is not a Belgian enterprise number (10 digits expected).`, scheme);
  if (!beMod97Ok(c)) return result(input, 'be-enterprise', c, 'BE', `Belgian enterprise number ${c} fails the mod-97 check (check digits should be ${String(97 - (Number(c.slice(0, 8)) % 97)).padStart(2, '0')}).`, scheme);
  return result(input, 'be-enterprise', c, 'BE', null, scheme);
}

function normalizeVat(input: string, c: string, scheme: string | null): NormalizedIdentifier {
  if (c.startsWith('BE')) return normalizeBelgian(input, scheme ?? '9925');
  const country = c.slice(0, 2);
  if (!VAT_COUNTRIES.has(country) || !/^[A-Z]{2}[0-9A-Z+*]{2,13}$/.test(c)) {
    return result(input, 'vat', c, 'VAT', `"${input}" is not a VAT number (country prefix and 2 to 13 letters or digits expected).`, scheme);
  }
  if (country === 'NL' && !/^NL\d{9}B\d{2}$/.test(c)) {
    return result(input, 'vat', c, 'VAT', `"${input}" is not a Dutch VAT number (NL + 9 digits + B + 2 digits expected).`, scheme);
  }
  return result(input, 'vat', c, 'VAT', null, scheme);
}

function digitsOnly(input: string, type: IdentifierType, length: number, keyPrefix: string, label: string, scheme: string | null): NormalizedIdentifier {
  const c = compact(input);
  if (!new RegExp(`^\\d{${length}}$`).test(c)) return result(input, type, c, keyPrefix, `"${input}" is not a ${label} (${length} digits expected).`, scheme);
  return result(input, type, c, keyPrefix, null, scheme);
}

function normalizeGln(input: string, scheme: string | null): NormalizedIdentifier {
  const c = compact(input);
  if (!/^\d{13}$/.test(c)) return result(input, 'gln', c, 'GLN', `"${input}" is not a GLN (13 digits expected).`, scheme);
  if (!glnCheckOk(c)) return result(input, 'gln', c, 'GLN', `GLN ${c} has a wrong check digit.`, scheme);
  return result(input, 'gln', c, 'GLN', null, scheme);
}

/** A label typed before the number: "KvK 12345678", "BTW: NL…", "KBO 0123.456.749", "VAT BE…". */
const LABEL = /^\s*(KVK|KBO|BCE|OIN|GLN|BTW|TVA|VAT|MWST)(?:[\s:#.-]|nr\.?|-?nummer)+(?=\S)/i;

/** Splits "0208:0123456749" / "iso6523-actorid-upis::9925:BE…" into scheme and value. */
export function splitSchemeId(input: string): { scheme: string | null; value: string } {
  const trimmed = input.trim().replace(/^iso6523-actorid-upis::/i, '');
  const m = /^(\d{4})\s*:\s*(.+)$/.exec(trimmed);
  return m ? { scheme: m[1] ?? null, value: m[2] ?? '' } : { scheme: null, value: trimmed };
}

/**
 * Normalises an identifier with a known scheme (an EndpointID@schemeID or CompanyID@schemeID).
 * Unknown schemes keep their value (uppercased, without spaces/dots) under the key "<scheme>:<value>".
 */
export function normalizeWithScheme(value: string, scheme: string): NormalizedIdentifier {
  const s = scheme.trim();
  switch (s) {
    case '0208':
      return normalizeBelgian(value, s);
    case '9925':
      return normalizeBelgian(value, s);
    case '0106':
      return digitsOnly(value, 'nl-kvk', 8, 'NL-KVK', 'Dutch KVK number', s);
    case '0190':
      return digitsOnly(value, 'nl-oin', 20, 'NL-OIN', 'Dutch OIN', s);
    case '0088':
      return normalizeGln(value, s);
    case '9944':
      return normalizeVat(value, compact(value).startsWith('NL') ? compact(value) : `NL${compact(value)}`, s);
    default: {
      const c = compact(value);
      if (OTHER_VAT_SCHEMES.has(s) && /^[A-Z]{2}/.test(c)) return normalizeVat(value, c, s);
      return result(value, 'other', c, `ID-${s}`, c === '' ? `Empty identifier for scheme ${s}.` : null, s);
    }
  }
}

/**
 * Normalises an identifier given without a scheme (what an accountant types, a VAT id, a CompanyID):
 * "scheme:value" is honoured; otherwise the shape decides (BE prefix / 9–10 digits -> Belgian,
 * country prefix -> VAT, 8 digits -> KVK, 13 -> GLN, 20 -> OIN).
 */
export function normalizeIdentifier(input: string): NormalizedIdentifier {
  const { scheme, value } = splitSchemeId(input);
  if (scheme) return normalizeWithScheme(value, scheme);
  const labelled = LABEL.exec(value);
  if (labelled) {
    const rest = value.slice(labelled[0].length);
    const label = (labelled[1] ?? '').toUpperCase();
    const n = label === 'KVK' ? normalizeWithScheme(rest, '0106') : label === 'OIN' ? normalizeWithScheme(rest, '0190') : label === 'GLN' ? normalizeWithScheme(rest, '0088') : label === 'KBO' || label === 'BCE' ? normalizeBelgian(rest) : normalizeIdentifier(rest);
    return { ...n, input, scheme: null };
  }
  const c = compact(value);
  if (c === '') return result(input, 'other', null, 'ID', 'Empty identifier.', null);
  if (/^BE\d/.test(c)) return normalizeBelgian(input);
  if (/^[A-Z]{2}/.test(c) && VAT_COUNTRIES.has(c.slice(0, 2))) return normalizeVat(input, c, null);
  if (/^\d+$/.test(c)) {
    if (c.length === 9 || c.length === 10) return normalizeBelgian(input);
    if (c.length === 8) return digitsOnly(input, 'nl-kvk', 8, 'NL-KVK', 'Dutch KVK number', null);
    if (c.length === 13) return normalizeGln(input, null);
    if (c.length === 20) return digitsOnly(input, 'nl-oin', 20, 'NL-OIN', 'Dutch OIN', null);
  }
  return result(input, 'other', c, 'ID', null, null);
}

/**
 * Like {@link normalizeIdentifier}, for a value found in a document without a scheme: a shape guess
 * that fails its check (e.g. a Swedish 10-digit org. number read as Belgian) is not reported as an
 * invalid Belgian number but kept as a plain identifier, unless the value itself says it is Belgian.
 */
export function normalizeDocumentIdentifier(input: string, scheme: string | null): NormalizedIdentifier {
  if (scheme && scheme.trim() !== '') return normalizeWithScheme(input, scheme);
  const n = normalizeIdentifier(input);
  if (n.valid || n.value === null) return n;
  const explicit = /^\s*(BE|\d{4}\s*:)/i.test(input) || n.type === 'vat';
  if (explicit) return n;
  const c = compact(input);
  return result(input, 'other', c, 'ID', null, null);
}
