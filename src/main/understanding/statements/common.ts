/** Shared plumbing of the statement parsers: limits, findings, lines, dates, IBANs, balances. */
import { add, canonical, decimal, eq, type Decimal, type DecimalSyntax } from '../decimal.ts';
import type { BankStatement, StatementFinding, StatementFindingSeverity, StatementFormat, StatementParseResult } from './types.ts';

/** Inputs larger than this are refused: no bank statement comes near it. */
export const MAX_STATEMENT_INPUT_CHARS = 50 * 1024 * 1024;

/** After this many findings, the rest are summarised in one line. */
const MAX_FINDINGS = 200;

export class FindingList {
  readonly items: StatementFinding[] = [];
  #suppressed = 0;
  readonly #onceKeys = new Set<string>();

  add(code: string, severity: StatementFindingSeverity, message: string, line?: number): void {
    // Past the cap only the first fatal finding is still added (so a result always says it failed).
    if (this.items.length >= MAX_FINDINGS && (severity !== 'fatal' || this.hasFatal())) {
      this.#suppressed += 1;
      return;
    }
    const finding: StatementFinding = { code, severity, message };
    if (line !== undefined) finding.line = line;
    this.items.push(finding);
  }

  fatal(code: string, message: string, line?: number): void {
    this.add(code, 'fatal', message, line);
  }

  warn(code: string, message: string, line?: number): void {
    this.add(code, 'warning', message, line);
  }

  /** Adds a warning only the first time `key` is seen (e.g. one bad IBAN repeated in 31 statements). */
  warnOnce(key: string, code: string, message: string, line?: number): void {
    if (this.#onceKeys.has(key)) return;
    this.#onceKeys.add(key);
    this.add(code, 'warning', message, line);
  }

  hasFatal(): boolean {
    return this.items.some((f) => f.severity === 'fatal');
  }

  /** Adds the "and N more" summary, if anything was dropped. Call once, at the end. */
  close(): void {
    if (this.#suppressed > 0) {
      this.items.push({
        code: 'too-many-findings',
        severity: 'warning',
        message: `${this.#suppressed} more problems of the same kinds were found and not listed.`,
      });
      this.#suppressed = 0;
    }
  }
}

/**
 * Runs a parser body with the common guards: input size limit, never-throw, findings summary.
 */
export function guardedParse(
  format: StatementFormat,
  text: string,
  body: (text: string, result: StatementParseResult, findings: FindingList) => void,
): StatementParseResult {
  const findings = new FindingList();
  const result: StatementParseResult = { format, version: null, statements: [], findings: findings.items };
  if (typeof text !== 'string') {
    findings.fatal('malformed', 'The input is not text.');
    return result;
  }
  if (text.length > MAX_STATEMENT_INPUT_CHARS) {
    findings.fatal(
      'too-large',
      `The file is ${Math.round(text.length / (1024 * 1024))} MB; bank statement files above 50 MB are refused.`,
    );
    return result;
  }
  try {
    body(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, result, findings);
  } catch (error) {
    result.statements = [];
    const detail = error instanceof Error ? error.message : String(error);
    findings.fatal('malformed', `The file could not be read as a bank statement (${detail.slice(0, 200)}).`);
  }
  findings.close();
  return result;
}

/** Splits on CRLF, LF or CR. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\n|\r/);
}

function isControl(code: number): boolean {
  return (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0c && code !== 0x0d) || code === 0x7f;
}

/** True when the text holds control characters that never occur in a text statement (tab, CR, LF, FF excepted). */
export function hasControlChars(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) if (isControl(text.charCodeAt(i))) return true;
  return false;
}

/** Replaces those control characters by spaces. */
export function blankControlChars(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    out += isControl(code) ? ' ' : text[i];
  }
  return out;
}

/**
 * True when the first few KB are not text: a NUL byte, at least 1 % control characters, or at least
 * 10 % undecodable characters (U+FFFD; a few are normal when latin-1 text was decoded as UTF-8).
 */
export function looksBinary(text: string): boolean {
  const head = text.slice(0, 4096);
  let controls = 0;
  let undecodable = 0;
  for (let i = 0; i < head.length; i += 1) {
    const c = head.charCodeAt(i);
    if (c === 0) return true;
    if (c === 0xfffd) undecodable += 1;
    else if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d && c !== 0x1a) controls += 1;
  }
  if (controls > 0 && controls * 100 >= head.length) return true;
  return undecodable > 0 && undecodable * 10 >= head.length;
}

/** 20yy for yy < 80, else 19yy. Returns an ISO date or null when the date does not exist. */
export function isoDate(year: number, month: number, day: number): string | null {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return null;
  if (month < 1 || month > 12 || day < 1) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function yearFrom2Digits(yy: number): number {
  return yy < 80 ? 2000 + yy : 1900 + yy;
}

/** "DDMMYY" -> ISO, or null. */
export function dateFromDDMMYY(value: string): string | null {
  if (!/^\d{6}$/.test(value)) return null;
  return isoDate(yearFrom2Digits(Number(value.slice(4, 6))), Number(value.slice(2, 4)), Number(value.slice(0, 2)));
}

/** "YYMMDD" -> ISO, or null. */
export function dateFromYYMMDD(value: string): string | null {
  if (!/^\d{6}$/.test(value)) return null;
  return isoDate(yearFrom2Digits(Number(value.slice(0, 2))), Number(value.slice(2, 4)), Number(value.slice(4, 6)));
}

/** "YYYY-MM-DD" (optionally followed by a time) -> ISO date, or null. */
export function dateFromIso(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value.trim());
  if (!m) return null;
  return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

const IBAN_SHAPE = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/;

/** Two letters, two check digits, 11-30 alphanumerics (spaces removed by the caller). */
export function looksLikeIban(value: string): boolean {
  return IBAN_SHAPE.test(value);
}

/** ISO 13616 mod-97 check. */
export function ibanChecksumOk(iban: string): boolean {
  if (!IBAN_SHAPE.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const digits = code >= 65 ? String(code - 55) : ch;
    for (const d of digits) remainder = (remainder * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

/** Warns (once per account and file) when an IBAN fails its check digits (anonymised samples do). */
export function checkIban(account: string | null, kind: BankStatement['accountKind'], findings: FindingList, where: string, line?: number): void {
  if (account && kind === 'iban' && !ibanChecksumOk(account)) {
    findings.warnOnce(`iban:${account}`, 'iban-checksum', `${where}: the account ${account} looks like an IBAN but its check digits are wrong.`, line);
  }
}

/**
 * How the parsers read an amount written in a file (after turning a decimal comma into a point): a
 * plain decimal such as "-12.50", "+3." or ".5", no spaces around it, at most 64 characters (bank
 * amounts have at most ~18 digits). The statement keeps amounts as canonical text ("12.5").
 */
export const AMOUNT_SYNTAX: DecimalSyntax = { trim: false, maxChars: 64 };

/** The value of an amount a parser has put in a statement (canonical text); RangeError for anything else. */
function statementAmount(text: string): Decimal {
  return decimal(text, { maxChars: Infinity });
}

/** opening + total = closing (null when a balance is missing). */
export function isBalanced(opening: string | null, total: string, closing: string | null): boolean | null {
  if (opening === null || closing === null) return null;
  return eq(add(statementAmount(opening), statementAmount(total)), statementAmount(closing));
}

/** Adds the standard "does not balance" warning. */
export function reportBalance(statement: BankStatement, findings: FindingList, where: string, line?: number): void {
  if (statement.balanced === false && statement.openingBalance !== null && statement.closingBalance !== null) {
    const expected = canonical(add(statementAmount(statement.openingBalance), statementAmount(statement.entriesTotal)));
    findings.warn(
      'unbalanced',
      `${where} does not add up: opening balance ${statement.openingBalance} plus ${statement.entries} ` +
        `entries totalling ${statement.entriesTotal} gives ${expected}, but the closing balance is ${statement.closingBalance}.`,
      line,
    );
  } else if (statement.balanced === null) {
    const missing = statement.openingBalance === null ? (statement.closingBalance === null ? 'opening and closing balances' : 'opening balance') : 'closing balance';
    findings.warn('missing-balance', `${where} has no ${missing}, so it cannot be checked.`, line);
  }
}

/** A parsed statement with its balance check done and reported: the last step of every parser. */
export function withBalanceCheck(fields: Omit<BankStatement, 'balanced'>, findings: FindingList, where: string, line?: number): BankStatement {
  const statement: BankStatement = { ...fields, balanced: isBalanced(fields.openingBalance, fields.entriesTotal, fields.closingBalance) };
  reportBalance(statement, findings, where, line);
  return statement;
}

/** Human label of a statement for messages: "Statement 2 (BE12…, no. 042)". */
export function statementLabel(index: number, account: string | null, number: string | null): string {
  const parts = [account, number !== null && number !== '' ? `no. ${number}` : null].filter((p): p is string => p !== null && p !== '');
  return `Statement ${index + 1}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}
