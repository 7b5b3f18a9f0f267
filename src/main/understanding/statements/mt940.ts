/**
 * SWIFT MT940 customer statements, bare or inside `{1:…}{2:…}{4: … -}` blocks, with or without
 * bank-specific header lines (ING "0000 01INGB…", ABN AMRO "ABNANL2A"/"940", Rabobank ":940:").
 * Every `:20:` starts a statement. See ../shared/facts/formats.md §7.
 *
 *   :25: account  :28C:/:28: number  :60F:/:60M: opening  :61: entry  :62F:/:62M: closing
 * Only the first line of a :61: field is read; :86: (information to the owner) is ignored.
 */
import { add, canonical, neg, parseDecimal, ZERO, type Decimal } from '../decimal.ts';
import type { BankStatement, StatementParseResult } from './types.ts';
import type { FindingList } from './common.ts';
import {
  AMOUNT_SYNTAX,
  checkIban,
  dateFromYYMMDD,
  guardedParse,
  ibanChecksumOk,
  looksBinary,
  looksLikeIban,
  withBalanceCheck,
  splitLines,
  statementLabel,
} from './common.ts';

const TAG = /^:(\d{2}[A-Z]?):(.*)$/;
/** C|D, YYMMDD, currency, amount with decimal comma ("C130101EUR000000001000,00", "C140507EUR0,"). */
const BALANCE = /^([CD])(\d{6})([A-Z]{3})(\d{1,17}(?:,\d*)?)$/;
/** Value date, optional entry date MMDD, mark (C, D, RC, RD), optional funds code, amount. */
const ENTRY = /^(\d{6})(\d{4})?(RC|RD|C|D)([A-Z])?(\d{1,17}(?:,\d*)?)/;

interface Draft {
  line: number;
  account: string | null;
  accountKind: BankStatement['accountKind'];
  number: string | null;
  currency: string | null;
  openingBalance: string | null;
  openingDate: string | null;
  closingBalance: string | null;
  closingDate: string | null;
  closingLine: number | null;
  entries: number;
  total: Decimal;
}

function newDraft(line: number): Draft {
  return {
    line,
    account: null,
    accountKind: null,
    number: null,
    currency: null,
    openingBalance: null,
    openingDate: null,
    closingBalance: null,
    closingDate: null,
    closingLine: null,
    entries: 0,
    total: ZERO,
  };
}

/** "1234,5" -> 1234.5, "500," -> 500. */
function commaAmount(value: string): Decimal | null {
  const [intPart = '', fraction = ''] = value.split(',');
  return parseDecimal(fraction.length > 0 ? `${intPart}.${fraction}` : intPart, AMOUNT_SYNTAX);
}

/** Classifies the :25: value: IBAN (possibly with a currency suffix, or after "BANK/"), else national number. */
export function mt940Account(value: string): { account: string | null; kind: BankStatement['accountKind'] } {
  const trimmed = value.trim();
  if (trimmed === '') return { account: null, kind: null };
  const candidates: string[] = [];
  const lastPart = trimmed.includes('/') ? (trimmed.split('/').pop() ?? '') : trimmed;
  for (const part of [trimmed, lastPart]) {
    const compact = part.replace(/\s+/g, '').toUpperCase();
    candidates.push(compact);
    const suffix = /^(.*\d)([A-Z]{3})$/.exec(compact);
    if (suffix?.[1] && !ibanChecksumOk(compact)) candidates.push(suffix[1]);
  }
  for (const c of candidates) if (ibanChecksumOk(c)) return { account: c, kind: 'iban' };
  for (const c of candidates) if (looksLikeIban(c)) return { account: c, kind: 'iban' };
  // National number, e.g. "0001234567", "1291.99.348EUR", "45050050/76198810".
  const national = /^(.*\d)([A-Z]{3})$/.exec(trimmed)?.[1] ?? trimmed;
  return { account: national, kind: /^[\d .\-/]+$/.test(national) ? 'bban' : 'other' };
}

export function parseMt940(text: string): StatementParseResult {
  return guardedParse('mt940', text, parseMt940Body);
}

function parseMt940Body(text: string, result: StatementParseResult, findings: FindingList): void {
  if (looksBinary(text)) {
    findings.fatal('malformed', 'This is not an MT940 file: it contains binary data.');
    return;
  }
  const lines = splitLines(text);
  let draft: Draft | null = null;
  let outside = 0;
  let firstOutside = 0;

  const finish = (d: Draft, last: boolean): void => {
    const index = result.statements.length;
    const label = statementLabel(index, d.account, d.number);
    if (d.account === null) findings.warn('missing-account', `${label} (line ${d.line}) has no account (:25:).`, d.line);
    if (d.closingLine === null && last) {
      findings.fatal('truncated', `${label} (line ${d.line}) has no closing balance (:62F:/:62M:): the file looks cut off.`, d.line);
    }
    const statement = withBalanceCheck(
      {
        account: d.account,
        accountKind: d.accountKind,
        currency: d.currency,
        number: d.number,
        openingDate: d.openingDate,
        closingDate: d.closingDate,
        openingBalance: d.openingBalance,
        closingBalance: d.closingBalance,
        entries: d.entries,
        entriesTotal: canonical(d.total),
      },
      findings,
      label,
      d.closingLine ?? d.line,
    );
    checkIban(statement.account, statement.accountKind, findings, label, d.line);
    result.statements.push(statement);
  };

  for (let i = 0; i < lines.length; i += 1) {
    const lineNo = i + 1;
    let line = lines[i] ?? '';
    if (line.startsWith('{')) {
      // SWIFT envelope: keep what follows "{4:" (usually nothing), drop {1:}{2:}{3:}{5:} blocks.
      const body = line.indexOf('{4:');
      if (body < 0) continue;
      line = line.slice(body + 3);
    }
    const tag = TAG.exec(line);
    if (!tag) continue; // continuation lines, headers, "-" / "-}" message ends
    const name = tag[1] ?? '';
    const value = (tag[2] ?? '').trim();
    if (name === '20') {
      if (draft) finish(draft, false);
      draft = newDraft(lineNo);
      continue;
    }
    if (!draft) {
      if (outside === 0) firstOutside = lineNo;
      outside += 1;
      continue;
    }
    const d: Draft = draft;
    switch (name) {
      case '25': {
        const { account, kind } = mt940Account(value);
        d.account = account;
        d.accountKind = kind;
        break;
      }
      case '28':
      case '28C':
        d.number = value || null;
        break;
      case '60F':
      case '60M': {
        if (d.openingBalance !== null) {
          findings.warn('duplicate-field', `Line ${lineNo}: a second opening balance in the same statement is ignored.`, lineNo);
          break;
        }
        const balance = readBalance(value, 'opening balance', lineNo, findings);
        if (balance) {
          d.openingBalance = balance.amount;
          d.openingDate = balance.date;
          d.currency ??= balance.currency;
        }
        break;
      }
      case '62F':
      case '62M': {
        d.closingLine = lineNo;
        const balance = readBalance(value, 'closing balance', lineNo, findings);
        if (balance) {
          d.closingBalance = balance.amount;
          d.closingDate = balance.date;
          d.currency ??= balance.currency;
        }
        break;
      }
      case '61': {
        const entry = ENTRY.exec(value);
        const amount = entry ? commaAmount(entry[5] ?? '') : null;
        if (!entry || amount === null) {
          findings.warn('invalid-entry', `Line ${lineNo}: the statement line (:61:) "${value.slice(0, 40)}" cannot be read; it is not counted.`, lineNo);
          break;
        }
        if (dateFromYYMMDD(entry[1] ?? '') === null) {
          findings.warn('invalid-date', `Line ${lineNo}: the value date "${entry[1] ?? ''}" is not a valid date (YYMMDD).`, lineNo);
        }
        const mark = entry[3];
        const negative = mark === 'D' || mark === 'RC';
        d.entries += 1;
        d.total = add(d.total, negative ? neg(amount) : amount);
        break;
      }
      default:
        break; // :21:, :86:, :64:, :65:, …
    }
  }
  if (draft) finish(draft, true);
  if (outside > 0) {
    findings.warn('outside-statement', `${outside} field(s) appear before any statement reference (:20:) and are ignored (first at line ${firstOutside}).`, firstOutside);
  }
  if (result.statements.length === 0) {
    findings.fatal('malformed', 'No MT940 statement was found (no :20: field).');
  }
}

function readBalance(
  value: string,
  what: string,
  lineNo: number,
  findings: FindingList,
): { amount: string; date: string | null; currency: string } | null {
  const m = BALANCE.exec(value.replace(/\s+/g, ''));
  const amount = m ? commaAmount(m[4] ?? '') : null;
  if (!m || amount === null) {
    findings.warn('invalid-balance', `Line ${lineNo}: the ${what} "${value.slice(0, 40)}" cannot be read.`, lineNo);
    return null;
  }
  const date = dateFromYYMMDD(m[2] ?? '');
  if (date === null) findings.warn('invalid-date', `Line ${lineNo}: the date of the ${what} "${m[2] ?? ''}" is not a valid date (YYMMDD).`, lineNo);
  return { amount: canonical(m[1] === 'D' ? neg(amount) : amount), date, currency: m[3] ?? '' };
}
