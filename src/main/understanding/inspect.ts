/**
 * inspectFile / inspectBuffer: everything the engine needs to know about one received file, in one
 * plain-JSON result. Never throws; hostile input (XXE, billion laughs, ZIP bombs, huge files,
 * truncated XML, binary garbage) ends as a finding plus `error`, with bounded memory.
 *
 * `validation` is always null here: schematron/XSD validation is a later step.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { DEFAULT_ARCHIVE_LIMITS, readZip } from './archive.ts';
import type { ArchiveBudget, ArchiveLimits } from './archive.ts';
import { classifyBytes, classifyHead, SNIFF_BYTES } from './classify.ts';
import { explainDirection } from './direction.ts';
import { readInvoice } from './invoice.ts';
import type { InvoiceData } from './invoice.ts';
import { DEFAULT_XML_LIMITS } from './safe-xml.ts';
import type { XmlLimits } from './safe-xml.ts';
import { parseCamt053 } from './statements/camt053.ts';
import { parseCoda } from './statements/coda.ts';
import { parseMt940 } from './statements/mt940.ts';
import type { StatementParseResult } from './statements/types.ts';
import { finding } from './types.ts';
import type { Direction, DocumentFormat, DocumentKind, Finding, InspectError, UblFormat } from './types.ts';
import { validateUbl } from './validation/validate.ts';
import type { ValidationReport } from './validation/types.ts';

export interface StatementSummary {
  account: string | null;
  currency: string | null;
  number: string | null;
  openingBalance: string | null;
  closingBalance: string | null;
  openingDate: string | null;
  closingDate: string | null;
  entries: number;
  balanced: boolean | null;
}

export interface InspectResult {
  file: string;
  /** SHA-256 (hex) of the bytes; null only when the file was too large to read. */
  sha256: string | null;
  kind: DocumentKind;
  format: DocumentFormat | null;
  direction: Direction | null;
  invoice: InvoiceData | null;
  statements: StatementSummary[] | null;
  members: InspectResult[] | null;
  findings: Finding[];
  /** The e-invoice checked against the rule set its CustomizationID calls for; null for other files and plain UBL. */
  validation: ValidationReport | null;
  error: InspectError | null;
}

export interface InspectLimits {
  /** Files larger than this are not read (classified from their first bytes only). */
  maxFileBytes: number;
  xml: XmlLimits;
  archive: ArchiveLimits;
}

export const DEFAULT_INSPECT_LIMITS: Readonly<InspectLimits> = Object.freeze({
  maxFileBytes: 100 * 1024 * 1024,
  xml: DEFAULT_XML_LIMITS,
  archive: DEFAULT_ARCHIVE_LIMITS,
});

export interface InspectOptions {
  /** The client's identifiers (enterprise/VAT/KVK/OIN/GLN numbers, "scheme:value" endpoints), for direction. */
  clientIds?: readonly string[];
  limits?: { maxFileBytes?: number; xml?: Partial<XmlLimits>; archive?: Partial<ArchiveLimits> };
  /** Check e-invoices against their official rule set (default true). */
  validate?: boolean;
}

interface Context {
  clientIds: readonly string[];
  limits: InspectLimits;
  validate: boolean;
  /** Number of archives this file sits in. */
  archiveLevel: number;
  budget: ArchiveBudget | null;
}

function resolveLimits(options: InspectOptions): InspectLimits {
  const l = options.limits ?? {};
  return {
    maxFileBytes: l.maxFileBytes ?? DEFAULT_INSPECT_LIMITS.maxFileBytes,
    xml: { ...DEFAULT_XML_LIMITS, ...(l.xml ?? {}) },
    archive: { ...DEFAULT_ARCHIVE_LIMITS, ...(l.archive ?? {}) },
  };
}

function base(file: string, sha256: string | null): InspectResult {
  return {
    file,
    sha256,
    kind: 'unknown',
    format: null,
    direction: null,
    invoice: null,
    statements: null,
    members: null,
    findings: [],
    validation: null,
    error: null,
  };
}

function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function withError(result: InspectResult, code: string, message: string): InspectResult {
  result.findings.push(finding(code, 'fatal', message));
  result.error = { code, message };
  return result;
}

/** The result for a file that could not be understood at all (e.g. its inspection ran out of memory). */
export function failedInspection(file: string, sha256: string | null, code: string, message: string): InspectResult {
  return withError(base(file, sha256), code, message);
}

function mb(n: number): string {
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

// ---------------------------------------------------------------------------------------------
// Bank statements (parsers in ./statements/)
// ---------------------------------------------------------------------------------------------

function parseStatementText(format: DocumentFormat | null, text: string): StatementParseResult | null {
  if (format === 'coda') return parseCoda(text);
  if (format === 'camt053') return parseCamt053(text);
  if (format === 'mt940') return parseMt940(text);
  return null;
}

function applyStatements(result: InspectResult, parsed: StatementParseResult): void {
  result.statements = parsed.statements.map((s) => ({
    account: s.account,
    currency: s.currency,
    number: s.number,
    openingBalance: s.openingBalance,
    closingBalance: s.closingBalance,
    openingDate: s.openingDate,
    closingDate: s.closingDate,
    entries: s.entries,
    balanced: s.balanced,
  }));
  for (const f of parsed.findings) {
    const message = f.line !== undefined && !/\bline \d/.test(f.message) ? `${f.message} (line ${f.line})` : f.message;
    result.findings.push(finding(f.code, f.severity, message));
  }
  const fatal = parsed.findings.find((f) => f.severity === 'fatal');
  if (fatal && parsed.statements.length === 0) result.error = { code: fatal.code, message: fatal.message };
}

// ---------------------------------------------------------------------------------------------
// Core
// ---------------------------------------------------------------------------------------------

async function inspectBytes(bytes: Uint8Array, file: string, ctx: Context): Promise<InspectResult> {
  const result = base(file, sha256Of(bytes));
  try {
    const c = classifyBytes(bytes, ctx.limits.xml);
    result.kind = c.kind;
    result.format = c.format;
    result.findings.push(...c.findings);
    if (c.error) {
      result.error = c.error;
      return result;
    }

    if ((c.kind === 'invoice' || c.kind === 'credit-note') && c.ubl) {
      const read = readInvoice(c.ubl);
      result.invoice = read.invoice;
      result.findings.push(...read.findings);
      const dir = explainDirection(read.invoice, ctx.clientIds);
      result.direction = dir.direction;
      result.findings.push(...dir.findings);
      if (ctx.validate) result.validation = validateUbl(c.ubl, c.format as UblFormat);
      return result;
    }

    if (c.kind === 'bank-statement' && c.text !== null) {
      const parsed = parseStatementText(c.format, c.text);
      if (parsed) applyStatements(result, parsed);
      return result;
    }

    if (c.kind === 'archive') {
      return await expandArchive(result, bytes, ctx);
    }
    return result;
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    return withError(result, 'internal', `The file could not be inspected because of an internal error: ${detail.slice(0, 300)}`);
  }
}

async function expandArchive(result: InspectResult, bytes: Uint8Array, ctx: Context): Promise<InspectResult> {
  const level = ctx.archiveLevel + 1;
  const limits = ctx.limits.archive;
  if (level > limits.maxDepth) {
    return withError(result, 'zip-too-deep', `Archives are nested more than ${limits.maxDepth} levels deep (possible ZIP bomb); this one was not unpacked.`);
  }
  const budget = ctx.budget ?? { remainingBytes: limits.maxTotalBytes };
  const zip = readZip(bytes, limits, budget);
  result.findings.push(...zip.findings);
  if (!zip.ok) {
    result.error = { code: zip.error.code, message: zip.error.message };
    return result;
  }
  const members: InspectResult[] = [];
  const child: Context = { ...ctx, archiveLevel: level, budget };
  for (const m of zip.members) {
    members.push(await inspectBytes(m.bytes, m.name, child));
    // Drop the member bytes as soon as they are inspected.
    m.bytes = Buffer.alloc(0);
  }
  result.members = members;
  return result;
}

/** Inspects bytes already in memory. `name` is only reported back (classification is by content). */
export async function inspectBuffer(bytes: Uint8Array, options: InspectOptions & { name: string }): Promise<InspectResult> {
  const limits = resolveLimits(options);
  const ctx: Context = { clientIds: options.clientIds ?? [], limits, validate: options.validate ?? true, archiveLevel: 0, budget: null };
  if (bytes.length > limits.maxFileBytes) {
    const result = base(options.name, null);
    const guess = classifyHead(bytes.subarray(0, 8192));
    result.kind = guess.kind;
    result.format = guess.format;
    return withError(result, 'file-too-large', `The file is ${mb(bytes.length)}, more than the ${mb(limits.maxFileBytes)} limit; it was not read.`);
  }
  return inspectBytes(bytes, options.name, ctx);
}

/**
 * Inspects a file on disk. The size is checked with fstat first: a file over the limit is never read
 * whole — only its first bytes, to say what it probably is.
 */
export async function inspectFile(path: string, options: InspectOptions = {}): Promise<InspectResult> {
  const limits = resolveLimits(options);
  let handle: Awaited<ReturnType<typeof open>> | null = null;
  try {
    try {
      handle = await open(path, 'r');
    } catch (cause) {
      const code = (cause as { code?: string }).code;
      const message =
        code === 'ENOENT' ? 'The file does not exist (any more).' : code === 'EACCES' || code === 'EPERM' ? 'The file cannot be read (no permission).' : 'The file cannot be opened.';
      return withError(base(path, null), 'file-unreadable', message);
    }
    const st = await handle.stat();
    if (!st.isFile()) return withError(base(path, null), 'not-a-file', 'This is not a regular file (a folder or a device).');
    if (st.size > limits.maxFileBytes) {
      const head = Buffer.alloc(Math.max(SNIFF_BYTES, 8192));
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      const result = base(path, null);
      const guess = classifyHead(head.subarray(0, bytesRead));
      result.kind = guess.kind;
      result.format = guess.format;
      return withError(result, 'file-too-large', `The file is ${mb(st.size)}, more than the ${mb(limits.maxFileBytes)} limit; it was not read.`);
    }
    // Read at most limit + 1 bytes even if the file grows after fstat.
    const cap = limits.maxFileBytes + 1;
    let buf = Buffer.alloc(Math.min(cap, Math.max(st.size, 0) + 1));
    let length = 0;
    for (;;) {
      if (length === buf.length) {
        if (buf.length >= cap) break;
        const bigger = Buffer.alloc(Math.min(cap, buf.length * 2));
        buf.copy(bigger, 0, 0, length);
        buf = bigger;
      }
      const { bytesRead } = await handle.read(buf, length, buf.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > limits.maxFileBytes) {
      const result = base(path, null);
      const guess = classifyHead(buf.subarray(0, 8192));
      result.kind = guess.kind;
      result.format = guess.format;
      return withError(result, 'file-too-large', `The file grew past the ${mb(limits.maxFileBytes)} limit while being read; it was not inspected.`);
    }
    return await inspectBuffer(buf.subarray(0, length), { ...options, name: path });
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    return withError(base(path, null), 'file-unreadable', `The file could not be read: ${detail.slice(0, 300)}`);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
