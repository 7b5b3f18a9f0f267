/**
 * Path templates for every file-based connector (local folder, SFTP, FTP, Dropbox): turns a
 * template such as `[accounting_file_id]/[family]/[year]/[original_name]` and the facts about one
 * document into a relative path that is safe on every file system the file may end up on
 * (Windows, macOS, Linux, a NAS shared to all three).
 *
 * Variables (case-insensitive, written in square brackets):
 *   [client]              the client's name
 *   [accounting_file_id]  the client's accounting file (dossier) id; the caller passes the client id when there is none
 *   [family]              invoices | statements
 *   [direction]           sales | purchase | unknown
 *   [year] [month]        4 and 2 digits, from the issue date, else the date the document was received
 *   [number]              the document number (invoice number, statement number)
 *   [supplier] [customer] the parties' names
 *   [original_name]       the file's name, with its extension
 *   [extension]           the file's extension without the dot (`xml`, `pdf`), or nothing when it has none
 *
 * Rules (all deterministic, so a retry renders the same path):
 * - The template's own `/` (or `\`) separators make folders. A value can never add a folder level:
 *   `/` and `\` inside values become `_`, like the other characters Windows forbids (`<>:"|?*`),
 *   control characters and bidirectional-override characters (which can disguise an extension).
 * - Each folder/file name is NFC-normalised, loses trailing dots and spaces, has leading dots
 *   replaced by `_` (no hidden files, no `.`/`..`), gets `_` after a Windows reserved name
 *   (`CON.xml` → `CON_.xml`), and is cut to `maxSegment` UTF-8 bytes (default 255) at a character
 *   boundary, keeping the file's extension.
 * - A missing or empty value becomes `unknown`, except `[extension]`, which may be empty
 *   (`[number].[extension]` of a file without extension gives `123`, the trailing dot is dropped).
 * - When the file-name part of the template uses neither `[original_name]` nor `[extension]`, the
 *   file's extension is appended (`[supplier]-[number]` → `ACME-12.xml` and `ACME-12.pdf`).
 * - The whole relative path is kept within `maxPath` characters (UTF-16 code units, as Windows
 *   counts them; default 240 for MAX_PATH safety) by shortening the longest names first.
 * - Templates are checked up front (`validateTemplate`, `checkTemplate`): unknown variables, absolute paths, `..`,
 *   empty folder names and Windows-forbidden literal characters are refused with a clear message.
 */
import type { DeliveryClient, DeliveryDocument, DocumentFamily } from './types.ts';

export const TEMPLATE_VARIABLES = [
  'client',
  'accounting_file_id',
  'family',
  'direction',
  'year',
  'month',
  'number',
  'supplier',
  'customer',
  'original_name',
  'extension',
] as const;

export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

export const DEFAULT_PATH_TEMPLATE = '[accounting_file_id]/[family]/[original_name]';
/** What an empty or missing value becomes. */
export const PLACEHOLDER = 'unknown';
/** Most file systems (ext4, NTFS, APFS) allow 255 bytes/units per name; bytes is the stricter count. */
export const DEFAULT_MAX_SEGMENT_BYTES = 255;
/** Windows MAX_PATH is 260 including the drive and the final NUL; leave room for ` (2)` copies. */
export const DEFAULT_MAX_PATH = 240;
/** A name is never shortened below this many characters (plus its extension) to fit `maxPath`. */
const MIN_SHORTENED_SEGMENT = 8;

/** The facts a template can use. Build them from a delivery with `templateValuesFromDelivery`. */
export interface TemplateValues {
  client: string | null;
  accountingFileId: string | null;
  family: DocumentFamily;
  direction: 'sales' | 'purchase' | 'unknown' | null;
  /** The document's issue date (`YYYY-MM-DD…`), taken literally for [year]/[month]. */
  issueDate: string | null;
  /** When the document arrived (ISO): the [year]/[month] fallback. */
  receivedAt: string | null;
  number: string | null;
  supplier: string | null;
  customer?: string | null;
  /** The name of the file being delivered, with its extension. */
  originalName: string;
}

export interface RenderOptions {
  /** Most UTF-8 bytes per folder/file name (default 255). */
  maxSegment?: number;
  /** Most characters in the whole relative path (default 240). */
  maxPath?: number;
  /** Time zone for the [year]/[month] of `receivedAt` timestamps (default: this computer's). */
  timeZone?: string;
}

/** A template that cannot be used, or a path that cannot be made short enough. */
export class PathTemplateError extends Error {
  readonly code: 'invalid-template' | 'path-too-long';
  /** One plain sentence per problem. */
  readonly problems: readonly string[];
  /** Unknown variable names, as written (without brackets). */
  readonly unknownVariables: readonly string[];

  constructor(code: 'invalid-template' | 'path-too-long', problems: readonly string[], unknownVariables: readonly string[] = []) {
    super(problems.join(' '));
    this.name = 'PathTemplateError';
    this.code = code;
    this.problems = problems;
    this.unknownVariables = unknownVariables;
  }
}

export type TemplateValidation =
  | { ok: true; variables: readonly TemplateVariable[] }
  | { ok: false; problems: readonly string[]; unknownVariables: readonly string[] };

type Part = { literal: string } | { variable: TemplateVariable };

interface ParsedTemplate {
  segments: Part[][];
  variables: TemplateVariable[];
}

const KNOWN = new Set<string>(TEMPLATE_VARIABLES);
const knownList = TEMPLATE_VARIABLES.map((name) => `[${name}]`).join(', ');

// ---------------------------------------------------------------------------------------------
// Parsing and validation

function parse(template: string): { parsed: ParsedTemplate; problems: string[]; unknownVariables: string[] } {
  const problems: string[] = [];
  const unknown: string[] = [];
  const variables: TemplateVariable[] = [];
  const segments: Part[][] = [];

  if (template.trim() === '') {
    return { parsed: { segments, variables }, problems: ['The path template is empty: it needs at least a file name such as [original_name].'], unknownVariables: [] };
  }
  if (/^[/\\]/.test(template) || /^[A-Za-z]:/.test(template)) {
    problems.push(`The path template "${template}" must be relative: it is placed inside the destination folder. Remove the leading "/", "\\" or drive letter.`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(template)) problems.push('The path template contains control characters (such as a line break); remove them.');

  const rawSegments = template.replace(/^[/\\]+|^[A-Za-z]:[/\\]*/, '').split(/[/\\]/);
  let emptySegment = false;
  let dotSegment = false;
  let unmatched = false;
  const forbidden = new Set<string>();

  rawSegments.forEach((raw) => {
    if (raw.trim() === '') {
      emptySegment = true;
      return;
    }
    const parts: Part[] = [];
    const tokenRe = /\[([^[\]]*)\]/g;
    let last = 0;
    for (let match = tokenRe.exec(raw); match !== null; match = tokenRe.exec(raw)) {
      if (match.index > last) parts.push({ literal: raw.slice(last, match.index) });
      const name = (match[1] ?? '').trim().toLowerCase();
      if (KNOWN.has(name)) {
        const variable = name as TemplateVariable;
        parts.push({ variable });
        if (!variables.includes(variable)) variables.push(variable);
      } else {
        const written = match[1] ?? '';
        if (!unknown.includes(written)) unknown.push(written);
      }
      last = match.index + match[0].length;
    }
    if (last < raw.length) parts.push({ literal: raw.slice(last) });
    for (const part of parts) {
      if (!('literal' in part)) continue;
      if (/[[\]]/.test(part.literal)) unmatched = true;
      for (const char of part.literal.match(/[<>:"|?*]/g) ?? []) forbidden.add(char);
    }
    if (/^[\s.]+$/.test(raw)) dotSegment = true;
    segments.push(parts);
  });

  if (emptySegment) problems.push('The path template has an empty folder name (two "/" in a row, or a "/" at the end): the last part must be the file name.');
  if (dotSegment) problems.push('The path template may not contain "." or ".." folders.');
  if (unmatched) problems.push('The path template has a "[" or "]" that does not belong to a variable; variables look like [year].');
  if (forbidden.size > 0) problems.push(`The path template contains characters that are not allowed in file names on Windows: ${[...forbidden].join(' ')}`);
  if (unknown.length > 0) {
    const names = unknown.map((name) => `[${name}]`).join(', ');
    problems.push(`Unknown variable${unknown.length > 1 ? 's' : ''} ${names} in the path template. Known variables: ${knownList}.`);
  }
  const fileName = segments.at(-1);
  if (!emptySegment && fileName && fileName.every((part) => 'literal' in part)) {
    problems.push('The last part of the path template is the file name and must contain a variable (for example [original_name]); otherwise every document would get the same name.');
  }
  return { parsed: { segments, variables }, problems, unknownVariables: unknown };
}

/** Checks a template in detail: the variables it uses, or every problem and the unknown variables. */
export function checkTemplate(template: string): TemplateValidation {
  const { parsed, problems, unknownVariables } = parse(template);
  if (problems.length > 0) return { ok: false, problems, unknownVariables };
  return { ok: true, variables: parsed.variables };
}

/** Checks a template before it is saved or used: null when it is usable, else what is wrong (plain sentences). */
export function validateTemplate(template: string): string | null {
  const result = checkTemplate(template);
  return result.ok ? null : result.problems.join(' ');
}

/** Throws PathTemplateError when the template cannot be used. */
export function assertValidTemplate(template: string): void {
  const result = checkTemplate(template);
  if (!result.ok) throw new PathTemplateError('invalid-template', result.problems, result.unknownVariables);
}

// ---------------------------------------------------------------------------------------------
// Sanitising

const encoder = new TextEncoder();
const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' });

/** UTF-8 size of a string. */
export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

/** The longest prefix of `text` (whole characters, emoji sequences included) for which `fits` holds. */
function cutToFit(text: string, fits: (candidate: string) => boolean): string {
  if (fits(text)) return text;
  let result = '';
  for (const { segment } of graphemes.segment(text)) {
    if (!fits(result + segment)) break;
    result += segment;
  }
  return result;
}

const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;
// Bidirectional controls can make "invoice\u202Efdp.exe" display as "invoiceexe.pdf".
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069<>:"/\\|?*]/g;

/**
 * One value made safe to sit inside a name: NFC, line breaks and tabs become spaces, forbidden and
 * control characters become `_`, runs of white space collapse, no surrounding white space. May be ''.
 */
export function sanitizeValue(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return value
    .normalize('NFC')
    .replace(/[\t\n\v\f\r\u0085\u2028\u2029]/g, ' ')
    .replace(UNSAFE_CHARS, '_')
    .replace(/\s+/g, ' ')
    .trim();
}

const EXTENSION = /(?<=[^.])\.([A-Za-z0-9]{1,16})$/;

/** `{ stem, ext }` where ext includes the dot (`.xml`) or is '' (no extension, or not a plausible one). */
export function splitExtension(name: string): { stem: string; ext: string } {
  const match = EXTENSION.exec(name);
  if (!match) return { stem: name, ext: '' };
  return { stem: name.slice(0, match.index), ext: match[0] };
}

function trimEnds(name: string): string {
  return name.replace(/^\s+/, '').replace(/[. ]+$/, '');
}

/**
 * Cuts a name to `maxBytes` UTF-8 bytes at a character boundary; file names keep their extension.
 * Never returns a name ending in a dot or space.
 */
export function truncateName(name: string, maxBytes: number, keepExtension = true): string {
  if (utf8Length(name) <= maxBytes) return name;
  const { stem, ext } = keepExtension ? splitExtension(name) : { stem: name, ext: '' };
  const room = maxBytes - utf8Length(ext);
  if (room < 1) return trimEnds(cutToFit(name, (candidate) => utf8Length(candidate) <= maxBytes)) || PLACEHOLDER.slice(0, maxBytes);
  const cut = trimEnds(cutToFit(stem, (candidate) => utf8Length(candidate) <= room));
  return `${cut || '_'}${ext}`;
}

/**
 * Makes one folder or file name safe on Windows, macOS and Linux (see the module comment).
 * `name` must not contain separators any more (values were sanitised with sanitizeValue).
 */
export function sanitizeSegment(name: string, maxBytes = DEFAULT_MAX_SEGMENT_BYTES, isFileName = true): string {
  let result = trimEnds(name.normalize('NFC').replace(UNSAFE_CHARS, '_')).replace(/^\.+/, '_');
  if (result === '') result = PLACEHOLDER;
  result = avoidReserved(truncateName(avoidReserved(result), maxBytes, isFileName));
  return utf8Length(result) <= maxBytes ? result : truncateName(result, maxBytes, isFileName);
}

/** `CON.xml` → `CON_.xml`, `lpt1` → `lpt1_`: Windows reserves these names whatever the extension. */
function avoidReserved(name: string): string {
  const firstDot = name.indexOf('.');
  const base = (firstDot === -1 ? name : name.slice(0, firstDot)).trimEnd();
  if (!RESERVED.test(base)) return name;
  return `${base}_${firstDot === -1 ? '' : name.slice(firstDot)}`;
}

/**
 * `name`, `name (2).ext`, `name (3).ext` …: the n-th name to try when a different file already
 * has the name. Stays within `maxBytes` by shortening the stem.
 */
export function numberedName(name: string, n: number, maxBytes = DEFAULT_MAX_SEGMENT_BYTES): string {
  if (n <= 1) return name;
  const { stem, ext } = splitExtension(name);
  const suffix = ` (${n})${ext}`;
  const room = Math.max(1, maxBytes - utf8Length(suffix));
  const cut = utf8Length(stem) <= room ? stem : cutToFit(stem, (candidate) => utf8Length(candidate) <= room).replace(/[. ]+$/, '');
  return `${cut || '_'}${suffix}`;
}

// ---------------------------------------------------------------------------------------------
// Dates

function literalYearMonth(text: string | null): { year: string; month: string } | null {
  const match = /^\s*(\d{4})-(\d{2})(?:-\d{2})?/.exec(text ?? '');
  if (!match) return null;
  const [, year = '', month = ''] = match;
  const monthNumber = Number(month);
  return monthNumber >= 1 && monthNumber <= 12 ? { year, month } : null;
}

function yearMonth(values: TemplateValues, timeZone: string | undefined): { year: string; month: string } | null {
  const fromIssue = literalYearMonth(values.issueDate);
  if (fromIssue) return fromIssue;
  const received = values.receivedAt?.trim() ?? '';
  if (/^\d{4}-\d{2}(-\d{2})?$/.test(received)) return literalYearMonth(received);
  const time = Date.parse(received);
  if (Number.isNaN(time)) return null;
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(new Date(time));
  const year = parts.find((part) => part.type === 'year')?.value;
  const month = parts.find((part) => part.type === 'month')?.value;
  return year && month ? { year: year.padStart(4, '0'), month } : null;
}

// ---------------------------------------------------------------------------------------------
// Rendering

function variableValue(variable: TemplateVariable, values: TemplateValues, date: { year: string; month: string } | null): string {
  switch (variable) {
    case 'client':
      return sanitizeValue(values.client);
    case 'accounting_file_id':
      return sanitizeValue(values.accountingFileId);
    case 'family':
      return sanitizeValue(values.family);
    case 'direction':
      return sanitizeValue(values.direction ?? 'unknown');
    case 'year':
      return date?.year ?? '';
    case 'month':
      return date?.month ?? '';
    case 'number':
      return sanitizeValue(values.number);
    case 'supplier':
      return sanitizeValue(values.supplier);
    case 'customer':
      return sanitizeValue(values.customer);
    case 'original_name':
      return sanitizeValue(values.originalName);
    case 'extension':
      return splitExtension(sanitizeValue(values.originalName)).ext.slice(1);
  }
}

/** Shortens the longest names until the joined path fits `maxPath` characters. */
function fitPath(segments: string[], maxPath: number): string[] {
  const result = [...segments];
  const total = (): number => result.reduce((sum, segment) => sum + segment.length, 0) + result.length - 1;
  const lastIndex = result.length - 1;
  const parts = (index: number): { stem: string; ext: string } => {
    const segment = result[index] ?? '';
    return index === lastIndex ? splitExtension(segment) : { stem: segment, ext: '' };
  };
  for (let excess = total() - maxPath; excess > 0; excess = total() - maxPath) {
    // Level the longest names down towards the next longest, so every name keeps as much as it can.
    let best = -1;
    let bestRoom = 0;
    let secondRoom = 0;
    for (let index = 0; index < result.length; index++) {
      const room = parts(index).stem.length - MIN_SHORTENED_SEGMENT;
      if (room > bestRoom) {
        secondRoom = bestRoom;
        best = index;
        bestRoom = room;
      } else if (room > secondRoom) {
        secondRoom = room;
      }
    }
    if (best === -1) {
      throw new PathTemplateError('path-too-long', [
        `The path "${result.join('/')}" is longer than ${maxPath} characters even after shortening names. Use fewer folders in the path template, or a destination folder closer to the top of the drive.`,
      ]);
    }
    const { stem, ext } = parts(best);
    const targetLength = stem.length - Math.min(excess, Math.max(1, bestRoom - secondRoom));
    const cut = trimEnds(cutToFit(stem, (candidate) => candidate.length <= targetLength)) || '_';
    result[best] = avoidReserved(`${cut}${ext}`);
  }
  return result;
}

/**
 * Renders a template for one file. Returns a relative path with `/` separators whose every part is a
 * safe name. Throws PathTemplateError for an invalid template or a path that cannot fit `maxPath`.
 */
export function renderPathTemplate(template: string, values: TemplateValues, options: RenderOptions = {}): string {
  const maxSegment = options.maxSegment ?? DEFAULT_MAX_SEGMENT_BYTES;
  const maxPath = options.maxPath ?? DEFAULT_MAX_PATH;
  const { parsed, problems, unknownVariables } = parse(template);
  if (problems.length > 0) throw new PathTemplateError('invalid-template', problems, unknownVariables);

  const date = parsed.variables.includes('year') || parsed.variables.includes('month') ? yearMonth(values, options.timeZone) : null;
  const lastIndex = parsed.segments.length - 1;
  const segments = parsed.segments.map((parts, index) => {
    let text = parts
      .map((part) => {
        if ('literal' in part) return part.literal;
        const value = variableValue(part.variable, values, date);
        return value === '' && part.variable !== 'extension' ? PLACEHOLDER : value;
      })
      .join('');
    const isFileName = index === lastIndex;
    if (isFileName && !parts.some((part) => 'variable' in part && (part.variable === 'original_name' || part.variable === 'extension'))) {
      const { ext } = splitExtension(sanitizeValue(values.originalName));
      if (ext !== '' && !trimEnds(text).toLowerCase().endsWith(ext.toLowerCase())) text = `${trimEnds(text)}${ext}`;
    }
    return sanitizeSegment(text, maxSegment, isFileName);
  });
  return fitPath(segments, maxPath).join('/');
}

/**
 * The template facts for one file of a delivery: `[client]` is the client's name,
 * `[accounting_file_id]` its accounting file id or, when it has none, its client id, and
 * `[original_name]` the name of `fileName` (default: the first file to deliver, else the name the
 * document arrived with).
 */
export function templateValuesFromDelivery(doc: DeliveryDocument, client: DeliveryClient, fileName?: string): TemplateValues {
  return {
    client: client.name,
    accountingFileId: client.accountingFileId ?? client.id,
    family: doc.family,
    direction: doc.direction,
    issueDate: doc.meta.issueDate,
    receivedAt: doc.receivedAt,
    number: doc.meta.number,
    supplier: doc.meta.supplier,
    customer: doc.meta.customer,
    originalName: fileName || doc.files[0]?.name || doc.originalName,
  };
}

/** Example facts for previews in the wizard and for `test()`. */
export const SAMPLE_TEMPLATE_VALUES: TemplateValues = {
  client: 'Dupont SPRL',
  accountingFileId: 'DOS-0042',
  family: 'invoices',
  direction: 'purchase',
  issueDate: '2025-03-14',
  receivedAt: '2025-03-15T09:30:00Z',
  number: 'F2025-0117',
  supplier: 'ACME Office Supplies',
  customer: 'Dupont SPRL',
  originalName: 'F2025-0117.xml',
};
