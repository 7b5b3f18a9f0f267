/**
 * Small helpers that reproduce the XPath 2.0 functions and path steps the official schematrons use,
 * on the safe-xml tree: relative child paths in `cac:`/`cbc:`/`ext:` prefixes, string values,
 * normalize-space, string-length (in code points), the ' A B C ' token-list idiom, xs:date.
 *
 * Element text comes from safe-xml already trimmed, so leading/trailing whitespace inside a value
 * cannot be seen (the official validators count it, e.g. in string-length); everything else follows
 * XPath.
 */
import type { XmlElement } from '../../../../safe-xml.ts';
import { PREFIXES } from '../../../document.ts';

type Step = readonly [ns: string, local: string];
const compiled = new Map<string, readonly Step[]>();

/** Compiles `cac:A/cbc:B` once; unknown prefixes are a programming error and throw. */
export function steps(path: string): readonly Step[] {
  let result = compiled.get(path);
  if (result) return result;
  result = path.split('/').map((step): Step => {
    const colon = step.indexOf(':');
    const ns = colon > 0 ? PREFIXES[step.slice(0, colon)] : undefined;
    if (!ns) throw new Error(`Path step "${step}" in "${path}" needs a known prefix (cac:, cbc:, ext:)`);
    return [ns, step.slice(colon + 1)];
  });
  compiled.set(path, result);
  return result;
}

export const CAC = PREFIXES['cac'] as string;
export const CBC = PREFIXES['cbc'] as string;

export function is(el: XmlElement | null | undefined, ns: string, local: string): boolean {
  return !!el && el.local === local && el.ns === ns;
}

/** Every element the relative path reaches from `from` (XPath `from/a/b`), in document order. */
export function sel(from: XmlElement | null | undefined, path: string): XmlElement[] {
  if (!from) return [];
  const s = steps(path);
  const [ns0, local0] = s[0] as Step;
  let current: XmlElement[] = [];
  for (const c of from.children) if (c.local === local0 && c.ns === ns0) current.push(c);
  for (let i = 1; i < s.length && current.length > 0; i += 1) {
    const [ns, local] = s[i] as Step;
    const next: XmlElement[] = [];
    for (const el of current) for (const c of el.children) if (c.local === local && c.ns === ns) next.push(c);
    current = next;
  }
  return current;
}

/** The first element the path reaches (document order), or null. */
export function first(from: XmlElement | null | undefined, path: string): XmlElement | null {
  if (!from) return null;
  const s = steps(path);
  const walk = (el: XmlElement, i: number): XmlElement | null => {
    if (i === s.length) return el;
    const [ns, local] = s[i] as Step;
    for (const c of el.children) {
      if (c.local !== local || c.ns !== ns) continue;
      const found = walk(c, i + 1);
      if (found) return found;
    }
    return null;
  };
  return walk(from, 0);
}

/** XPath `exists(from/path)`. */
export function has(from: XmlElement | null | undefined, path: string): boolean {
  return first(from, path) !== null;
}

/** XPath `count(from/path)`. */
export function count(from: XmlElement | null | undefined, path: string): number {
  return sel(from, path).length;
}

/** Direct children with this name. */
export function kids(el: XmlElement | null | undefined, ns: string, local: string): XmlElement[] {
  if (!el) return [];
  const out: XmlElement[] = [];
  for (const c of el.children) if (c.local === local && c.ns === ns) out.push(c);
  return out;
}

/** The string value of the first match ('' when there is none), as XPath string() of a singleton. */
export function str(from: XmlElement | null | undefined, path: string): string {
  return first(from, path)?.text ?? '';
}

/** XPath normalize-space(): trims and collapses runs of space, tab, CR, LF. */
export function normalizeSpace(s: string): string {
  return s.replace(/[ \t\r\n]+/g, ' ').trim();
}

/** normalize-space() of the first match of a path ('' when absent). */
export function nstr(from: XmlElement | null | undefined, path: string): string {
  return normalizeSpace(str(from, path));
}

/** XPath string-length(): length in Unicode code points. */
export function stringLength(s: string): number {
  let n = 0;
  for (const _ of s) n += 1;
  return n;
}

/** XPath substring-after(s, t): '' when t does not occur. */
export function substringAfter(s: string, t: string): string {
  const i = s.indexOf(t);
  return i < 0 ? '' : s.slice(i + t.length);
}

/** XPath substring-before(s, t): '' when t does not occur. */
export function substringBefore(s: string, t: string): string {
  const i = s.indexOf(t);
  return i < 0 ? '' : s.slice(0, i);
}

/** XPath substring(s, start, length) with 1-based start, in code points (integer arguments). */
export function substring(s: string, start: number, length: number): string {
  return Array.from(s).slice(Math.max(start - 1, 0), Math.max(start - 1 + length, 0)).join('');
}

/** Number of decimals as the rules count them: string-length(substring-after(value, '.')). */
export function decimalsOf(value: string): number {
  return stringLength(substringAfter(value, '.'));
}

/**
 * The code-list idiom of the rules:
 * `not(contains(normalize-space(v), ' ')) and contains(' A B C ', concat(' ', normalize-space(v), ' '))`,
 * i.e. membership of the normalised value in a list of tokens (the empty value is never a member).
 */
export function inTokenList(list: ReadonlySet<string>, value: string): boolean {
  const v = normalizeSpace(value);
  return v !== '' && !v.includes(' ') && list.has(v);
}

/** XPath upper-case(). */
export function upperCase(s: string): string {
  return s.toUpperCase();
}

/** XPath boolean cast of a ChargeIndicator: true/1, false/0 (whitespace collapsed); null when not castable. */
export function xsBoolean(text: string): boolean | null {
  const t = text.trim();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  return null;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysFromCivil(y: number, m: number, d: number): number {
  // Howard Hinnant's algorithm: days since 1970-01-01 in the proleptic Gregorian calendar.
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * `xs:date(text)` as a comparable number (minutes since 1970-01-01T00:00Z, the date's start in its
 * timezone; dates without a timezone are taken as UTC), or null when the text is not a valid xs:date
 * (XPath would raise an error).
 */
export function parseXsDate(text: string): number | null {
  const m = /^(-?\d{4,})-(\d{2})-(\d{2})(Z|[+-]\d{2}:\d{2})?$/.exec(text.trim());
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if ((m[1] ?? '').replace('-', '').length > 4 && (m[1] ?? '').replace('-', '').startsWith('0')) return null;
  if (year === 0 || month < 1 || month > 12 || day < 1) return null;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const max = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 31);
  if (day > max) return null;
  let offset = 0;
  const tz = m[4];
  if (tz && tz !== 'Z') {
    const hours = Number(tz.slice(1, 3));
    const minutes = Number(tz.slice(4, 6));
    if (minutes > 59 || hours > 14 || (hours === 14 && minutes > 0)) return null;
    offset = (tz.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
  }
  return daysFromCivil(year, month, day) * 1440 - offset;
}
