/**
 * Subject and body templates of the e-mails: text with variables in square brackets, the same
 * names the path templates use (see ../path-template.ts) plus `[issue_date]` and `[files]`:
 *
 *   [client] [accounting_file_id] [family] [direction] [year] [month] [issue_date] [number]
 *   [supplier] [customer] [original_name] [extension] [files]
 *
 * Names are case-insensitive; `[[` writes a literal `[`. An unknown `[name]` is refused (a typo
 * would otherwise go out in every e-mail). A value that is not known becomes empty text.
 *
 * Header safety: every value is one line (line breaks, tabs and other control characters become
 * spaces), and a subject as a whole is one line, so nothing from a document (a supplier called
 * "ACME\r\nBcc: …") can add a header. The body keeps the template's own line breaks only.
 */
import type { DeliveryClient, DeliveryDocument } from '../types.ts';

export const EMAIL_TEMPLATE_VARIABLES = [
  'client',
  'accounting_file_id',
  'family',
  'direction',
  'year',
  'month',
  'issue_date',
  'number',
  'supplier',
  'customer',
  'original_name',
  'extension',
  'files',
] as const;

export type EmailTemplateVariable = (typeof EMAIL_TEMPLATE_VARIABLES)[number];
export type EmailTemplateValues = Record<EmailTemplateVariable, string | null>;

export const DEFAULT_SUBJECT_TEMPLATE = '[original_name] – [client]';
export const DEFAULT_BODY_TEMPLATE = [
  'Document for [client] ([accounting_file_id]), sent by Ledgerdrop.',
  '',
  'File(s): [files]',
  'Type: [family] ([direction])',
  'Number: [number]',
  'Date: [issue_date]',
  'Supplier: [supplier]',
  'Customer: [customer]',
].join('\n');

/** Longest subject sent; longer ones are cut (servers and mail programs truncate anyway). */
export const MAX_SUBJECT_LENGTH = 250;

const KNOWN = new Set<string>(EMAIL_TEMPLATE_VARIABLES);
const TOKEN = /\[\[|\[([A-Za-z_][A-Za-z0-9_]*)\]/g;

// Control characters (C0, DEL, C1), line and paragraph separators, and bidirectional overrides
// (which can make a name read differently from what it is).
// eslint-disable-next-line no-control-regex
const NOT_ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** One line of plain text: control characters and line breaks become spaces, runs of spaces collapse. */
export function oneLine(text: string): string {
  return text.normalize('NFC').replace(NOT_ONE_LINE, ' ').replace(/\s+/g, ' ').trim();
}

/** null when the template can be used, else what is wrong (for settings checks and `test`). */
export function templateProblem(template: string, what: string): string | null {
  const unknown = new Set<string>();
  for (const match of template.matchAll(TOKEN)) {
    const name = match[1];
    if (name !== undefined && !KNOWN.has(name.toLowerCase())) unknown.add(`[${name}]`);
  }
  if (unknown.size === 0) return null;
  const list = [...unknown].join(', ');
  return `The ${what} uses ${unknown.size > 1 ? 'the unknown variables' : 'an unknown variable'} ${list}. Known variables: ${EMAIL_TEMPLATE_VARIABLES.map((v) => `[${v}]`).join(', ')}. Write [[ for a literal [.`;
}

function render(template: string, values: EmailTemplateValues): string {
  return template.replace(TOKEN, (whole, name: string | undefined) => {
    if (name === undefined) return '['; // "[["
    const key = name.toLowerCase();
    if (!KNOWN.has(key)) return whole; // refused earlier by templateProblem
    return oneLine(values[key as EmailTemplateVariable] ?? '');
  });
}

/** The subject: one line, at most MAX_SUBJECT_LENGTH characters; `fallback` when it renders empty. */
export function renderSubject(template: string, values: EmailTemplateValues, fallback: string): string {
  const subject = oneLine(render(template, values)) || oneLine(fallback);
  if (subject.length <= MAX_SUBJECT_LENGTH) return subject;
  const cut = [...new Intl.Segmenter('und', { granularity: 'grapheme' }).segment(subject)];
  let result = '';
  for (const { segment } of cut) {
    if (result.length + segment.length > MAX_SUBJECT_LENGTH - 1) break;
    result += segment;
  }
  return `${result.trimEnd()}…`;
}

/** The body: the template's own lines (CRLF/CR become LF), with each value on the line it is on. */
export function renderBody(template: string, values: EmailTemplateValues): string {
  const lines = template.replace(/\r\n?/g, '\n').split('\n');
  // eslint-disable-next-line no-control-regex
  return lines.map((line) => render(line.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' '), values).trimEnd()).join('\n');
}

function yearMonth(doc: DeliveryDocument): { year: string; month: string } | null {
  for (const text of [doc.meta.issueDate, doc.receivedAt]) {
    const match = /^\s*(\d{4})-(\d{2})/.exec(text ?? '');
    if (match && Number(match[2]) >= 1 && Number(match[2]) <= 12) return { year: match[1]!, month: match[2]! };
  }
  return null;
}

function extensionOf(name: string): string {
  const match = /(?<=[^.])\.([A-Za-z0-9]{1,16})$/.exec(name);
  return match ? match[1]! : '';
}

/** The template values of one e-mail: the document, its client, and the files it carries. */
export function emailTemplateValues(doc: DeliveryDocument, client: DeliveryClient, fileNames: readonly string[]): EmailTemplateValues {
  const date = yearMonth(doc);
  const originalName = fileNames[0] ?? doc.originalName;
  return {
    client: client.name,
    accounting_file_id: client.accountingFileId ?? client.id,
    family: doc.family,
    direction: doc.family === 'statements' ? null : (doc.direction ?? 'unknown'),
    year: date?.year ?? null,
    month: date?.month ?? null,
    issue_date: doc.meta.issueDate,
    number: doc.meta.number,
    supplier: doc.meta.supplier,
    customer: doc.meta.customer,
    original_name: originalName,
    extension: extensionOf(originalName),
    files: fileNames.join(', '),
  };
}

/** Example values for `test()` and the wizard's preview. */
export const SAMPLE_EMAIL_VALUES: EmailTemplateValues = {
  client: 'Dupont SPRL',
  accounting_file_id: 'DOS-0042',
  family: 'invoices',
  direction: 'purchase',
  year: '2025',
  month: '03',
  issue_date: '2025-03-14',
  number: 'F2025-0117',
  supplier: 'ACME Office Supplies',
  customer: 'Dupont SPRL',
  original_name: 'F2025-0117.xml',
  extension: 'xml',
  files: 'F2025-0117.xml',
};
