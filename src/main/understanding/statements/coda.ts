/**
 * Belgian CODA (Febelfin "coded statement of account", v1 and v2.x): fixed 128-character records.
 *   0 header, 1 old balance, 2.1/2.2/2.3 movement, 3.1/3.2/3.3 information, 4 free message,
 *   8 new balance, 9 trailer; a file may hold several statements (0 … 9, 0 … 9).
 * Positions (1-based in comments, 0-based in code) follow ../shared/facts/formats.md §5.
 *
 * Balance rule: old balance + Σ(record 2.1 amounts whose detail number is 0000) = new balance.
 * A globalised movement (globalisation code > 0) carries the total on its 0000 record; its details
 * reuse the same sequence number with detail numbers 0001… and are not counted again.
 */
import { add, canonical, eq, neg, sign, ZERO, type Decimal } from '../decimal.ts';
import type { BankStatement, StatementParseResult } from './types.ts';
import type { FindingList } from './common.ts';
import {
  blankControlChars,
  checkIban,
  dateFromDDMMYY,
  guardedParse,
  hasControlChars,
  looksBinary,
  withBalanceCheck,
  splitLines,
  statementLabel,
} from './common.ts';

const RECORD_LENGTH = 128;

interface Draft {
  headerLine: number;
  version: string;
  account: string | null;
  accountKind: BankStatement['accountKind'];
  accountField: string | null;
  currency: string | null;
  number: string | null;
  openingDate: string | null;
  closingDate: string | null;
  openingBalance: string | null;
  closingBalance: string | null;
  hasOldBalance: boolean;
  hasNewBalance: boolean;
  newBalanceLine: number | null;
  entries: number;
  total: Decimal;
  /** Sum of the debit movements, as a positive amount. */
  debits: Decimal;
  credits: Decimal;
  /** Records 1, 2.x, 3.x and 8: what record 9 counts. */
  recordCount: number;
  lastMainSequence: string | null;
  lastMovementSequence: string | null;
}

function newDraft(line: number, version: string): Draft {
  return {
    headerLine: line,
    version,
    account: null,
    accountKind: null,
    accountField: null,
    currency: null,
    number: null,
    openingDate: null,
    closingDate: null,
    openingBalance: null,
    closingBalance: null,
    hasOldBalance: false,
    hasNewBalance: false,
    newBalanceLine: null,
    entries: 0,
    total: ZERO,
    debits: ZERO,
    credits: ZERO,
    recordCount: 0,
    lastMainSequence: null,
    lastMovementSequence: null,
  };
}

/** Sign byte ("0" credit, "1" debit) + 15 digits with 3 implied decimals. */
function codaAmount(signByte: string, digits: string): Decimal | null {
  if (signByte !== '0' && signByte !== '1') return null;
  if (!/^\d{15}$/.test(digits)) return null;
  return impliedAmount(digits, signByte === '1');
}

/** A fixed-width amount with 3 implied decimals ("000000017752120" -> 17752.12); null unless all digits. */
function impliedAmount(digits: string, negative = false): Decimal | null {
  if (!/^\d+$/.test(digits)) return null;
  const units = BigInt(digits);
  return { units: negative ? -units : units, scale: 3 };
}

function collapse(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

export function parseCoda(text: string): StatementParseResult {
  return guardedParse('coda', text, parseCodaBody);
}

function parseCodaBody(text: string, result: StatementParseResult, findings: FindingList): void {
  if (looksBinary(text)) {
    findings.fatal('malformed', 'This is not a CODA file: it contains binary data.');
    return;
  }
  const lines = splitLines(text);
  // Trailing empty lines and a DOS end-of-file mark are normal.
  let end = lines.length;
  while (end > 0) {
    const last = (lines[end - 1] ?? '').replaceAll('\u001a', '');
    if (last.trim() !== '') break;
    end -= 1;
  }
  let first = 0;
  while (first < end && (lines[first] ?? '').trim() === '') first += 1;
  const firstLine = lines[first] ?? '';
  if (first >= end || !/^0\d{4}/.test(firstLine)) {
    findings.fatal('malformed', 'This is not a CODA file: it does not start with a header record (0).', first < end ? first + 1 : undefined);
    return;
  }

  let draft: Draft | null = null;
  let skipping = false; // inside a statement of an unsupported version
  let blankLines = 0;
  let firstBlank = 0;
  let undecodable = 0;
  // Per-line problems that tend to repeat on every line are reported once, with a count.
  const short = { count: 0, line: 0, length: 0 };
  const long = { count: 0, line: 0, length: 0 };
  const control = { count: 0, line: 0 };
  const outside = { count: 0, line: 0, kind: '' };

  const finish = (d: Draft, atLine: number, complete: boolean): void => {
    const index = result.statements.length;
    const label = statementLabel(index, d.account, d.number);
    if (!d.hasOldBalance) {
      findings.fatal('malformed', `${label} (header at line ${d.headerLine}) has no old balance record (1).`, d.headerLine);
    }
    if (!d.hasNewBalance) {
      findings.fatal(
        'truncated',
        `${label} stops at line ${atLine} without a new balance record (8): the file looks cut off, movements may be missing.`,
        atLine,
      );
    } else if (!complete) {
      findings.warn('missing-trailer', `${label} has no trailer record (9).`, atLine);
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
      d.newBalanceLine ?? undefined,
    );
    checkIban(statement.account, statement.accountKind, findings, label, d.headerLine + 1);
    result.statements.push(statement);
  };

  for (let i = first; i < end; i += 1) {
    const lineNo = i + 1;
    let raw = lines[i] ?? '';
    if (raw.trim() === '') {
      if (blankLines === 0) firstBlank = lineNo;
      blankLines += 1;
      continue;
    }
    if (hasControlChars(raw)) {
      if (control.count++ === 0) control.line = lineNo;
      raw = blankControlChars(raw);
    }
    if (raw.includes('\ufffd')) undecodable += 1;
    const kind = raw[0] ?? '';
    if (raw.length < RECORD_LENGTH) {
      if (short.count++ === 0) Object.assign(short, { line: lineNo, length: raw.length });
      raw = raw.padEnd(RECORD_LENGTH, ' ');
    } else if (raw.length > RECORD_LENGTH) {
      if (raw.slice(RECORD_LENGTH).trim() !== '' && long.count++ === 0) Object.assign(long, { line: lineNo, length: raw.length });
      raw = raw.slice(0, RECORD_LENGTH);
    }
    const line = raw;

    if (kind === '0') {
      if (draft) finish(draft, lineNo - 1, false);
      draft = null;
      skipping = false;
      const version = line[127] ?? ' ';
      if (version !== '1' && version !== '2') {
        findings.fatal(
          'unsupported-version',
          `The CODA header at line ${lineNo} has version code "${version.trim() || ' '}"; only CODA versions 1 and 2 exist.`,
          lineNo,
        );
        skipping = true;
        continue;
      }
      result.version ??= `CODA ${version}`;
      draft = newDraft(lineNo, version);
      continue;
    }
    if (skipping) continue;
    if (!draft) {
      if (outside.count++ === 0) Object.assign(outside, { line: lineNo, kind });
      continue;
    }
    const d: Draft = draft;

    switch (kind) {
      case '1': {
        d.recordCount += 1;
        if (d.hasOldBalance) {
          findings.warn('duplicate-record', `Line ${lineNo} repeats the old balance record (1); the first one is kept.`, lineNo);
          break;
        }
        d.hasOldBalance = true;
        readOldBalance(d, line, lineNo, findings);
        break;
      }
      case '2': {
        d.recordCount += 1;
        const article = line[1];
        const sequence = line.slice(2, 6);
        if (article === '1') {
          readMovement(d, line, lineNo, findings);
        } else if (article === '2' || article === '3') {
          if (d.lastMovementSequence !== sequence) {
            findings.warn('sequence', `Line ${lineNo} (record 2.${article}) does not belong to the movement before it.`, lineNo);
          }
        } else {
          findings.warn('unknown-record', `Line ${lineNo} is a movement record of unknown kind 2.${article ?? ''}; it is ignored.`, lineNo);
        }
        if (d.hasNewBalance) findings.warn('sequence', `Line ${lineNo}: movement record after the new balance record (8).`, lineNo);
        break;
      }
      case '3': {
        d.recordCount += 1;
        const article = line[1];
        if (article !== '1' && article !== '2' && article !== '3') {
          findings.warn('unknown-record', `Line ${lineNo} is an information record of unknown kind 3.${article ?? ''}; it is ignored.`, lineNo);
        }
        break;
      }
      case '4':
        break;
      case '8': {
        d.recordCount += 1;
        if (d.hasNewBalance) {
          findings.warn('duplicate-record', `Line ${lineNo} repeats the new balance record (8); the first one is kept.`, lineNo);
          break;
        }
        d.hasNewBalance = true;
        d.newBalanceLine = lineNo;
        readNewBalance(d, line, lineNo, findings);
        break;
      }
      case '9': {
        readTrailer(d, line, lineNo, findings, result.statements.length);
        finish(d, lineNo, true);
        draft = null;
        break;
      }
      default:
        findings.warn('unknown-record', `Line ${lineNo} starts with "${kind}", which is not a CODA record type; it is ignored.`, lineNo);
    }
  }
  if (draft) finish(draft, end, false);
  const more = (count: number): string => (count > 1 ? ` (and ${count - 1} more line${count > 2 ? 's' : ''})` : '');
  if (outside.count > 0) {
    findings.fatal(
      'malformed',
      `Line ${outside.line} (record ${outside.kind})${more(outside.count)} is outside any statement: it does not follow a header record (0).`,
      outside.line,
    );
  }
  if (short.count > 0) {
    findings.warn(
      'short-record',
      `Line ${short.line} has ${short.length} characters instead of 128${more(short.count)}; the missing positions are read as blanks.`,
      short.line,
    );
  }
  if (long.count > 0) {
    findings.warn('long-record', `Line ${long.line} has ${long.length} characters instead of 128${more(long.count)}; the extra characters are ignored.`, long.line);
  }
  if (control.count > 0) {
    findings.warn('invalid-characters', `Line ${control.line}${more(control.count)} contains control characters; they are read as blanks.`, control.line);
  }
  if (blankLines > 0) {
    findings.warn('blank-lines', `The file contains ${blankLines} empty line(s) between records (first at line ${firstBlank}).`, firstBlank);
  }
  if (undecodable > 0) {
    findings.warn(
      'encoding',
      `${undecodable} line(s) contain characters that could not be decoded; CODA files are usually windows-1252 (latin-1).`,
    );
  }
  if (result.statements.length === 0 && !findings.hasFatal()) {
    findings.fatal('malformed', 'The CODA file contains no statement.');
  }
}

function readOldBalance(d: Draft, line: string, lineNo: number, findings: FindingList): void {
  const structure = line[1] ?? '';
  d.number = line.slice(2, 5).trim() || null;
  let account: string;
  let currency: string;
  if (d.version === '1') {
    account = line.slice(5, 17).trim();
    currency = line.slice(18, 21).trim();
    d.accountKind = 'bban';
  } else if (structure === '0') {
    account = line.slice(5, 17).trim();
    currency = line.slice(18, 21).trim();
    d.accountKind = 'bban';
  } else if (structure === '1') {
    account = line.slice(5, 39).trim();
    currency = line.slice(39, 42).trim();
    d.accountKind = 'bban';
  } else if (structure === '2') {
    account = line.slice(5, 21).trim().replace(/\s+/g, '');
    currency = line.slice(39, 42).trim();
    d.accountKind = 'iban';
  } else if (structure === '3') {
    account = line.slice(5, 39).trim().replace(/\s+/g, '');
    currency = line.slice(39, 42).trim();
    d.accountKind = 'iban';
  } else {
    findings.warn('unknown-account-structure', `Line ${lineNo}: unknown account structure code "${structure}"; the account is read as free text.`, lineNo);
    account = collapse(line.slice(5, 42));
    currency = '';
    d.accountKind = 'other';
  }
  d.account = account || null;
  if (!d.account) d.accountKind = null;
  d.currency = currency && /^[A-Z]{3}$/.test(currency) ? currency : null;
  if (currency && !d.currency) findings.warn('invalid-currency', `Line ${lineNo}: "${currency}" is not a currency code.`, lineNo);
  d.accountField = collapse(line.slice(5, 42));

  const amount = codaAmount(line[42] ?? '', line.slice(43, 58));
  if (amount === null) {
    findings.warn('invalid-amount', `Line ${lineNo}: the old balance "${line.slice(42, 58)}" is not a valid CODA amount.`, lineNo);
  }
  d.openingBalance = amount && canonical(amount);
  d.openingDate = readDate(line.slice(58, 64), 'old balance date', lineNo, findings);
}

function readNewBalance(d: Draft, line: string, lineNo: number, findings: FindingList): void {
  const amount = codaAmount(line[41] ?? '', line.slice(42, 57));
  if (amount === null) {
    findings.warn('invalid-amount', `Line ${lineNo}: the new balance "${line.slice(41, 57)}" is not a valid CODA amount.`, lineNo);
  }
  d.closingBalance = amount && canonical(amount);
  d.closingDate = readDate(line.slice(57, 63), 'new balance date', lineNo, findings);
  const account = collapse(line.slice(4, 41));
  if (d.accountField !== null && account !== '' && account !== d.accountField) {
    findings.warn(
      'account-mismatch',
      `Line ${lineNo}: the new balance record names account "${account}", but the old balance record names "${d.accountField}".`,
      lineNo,
    );
  }
}

function readMovement(d: Draft, line: string, lineNo: number, findings: FindingList): void {
  const sequence = line.slice(2, 6);
  const detail = line.slice(6, 10).trim();
  d.lastMovementSequence = sequence;
  const amount = codaAmount(line[31] ?? '', line.slice(32, 47));
  if (amount === null) {
    findings.warn('invalid-amount', `Line ${lineNo}: the movement amount "${line.slice(31, 47)}" is not a valid CODA amount; the movement is skipped.`, lineNo);
    if (/^0*$/.test(detail)) d.lastMainSequence = sequence;
    return;
  }
  let counts: boolean;
  if (/^0*$/.test(detail)) {
    counts = true;
    d.lastMainSequence = sequence;
  } else if (sequence === d.lastMainSequence) {
    counts = false; // detail of a (globalised) movement already counted on its 0000 record
  } else {
    counts = true;
    findings.warn('orphan-detail', `Line ${lineNo}: movement detail ${sequence}/${detail} has no main movement (detail 0000); it is counted on its own.`, lineNo);
  }
  if (!counts) return;
  d.entries += 1;
  d.total = add(d.total, amount);
  if (sign(amount) < 0) d.debits = add(d.debits, neg(amount));
  else d.credits = add(d.credits, amount);
}

function readTrailer(d: Draft, line: string, lineNo: number, findings: FindingList, index: number): void {
  const label = statementLabel(index, d.account, d.number);
  const count = line.slice(16, 22);
  const debit = line.slice(22, 37);
  const credit = line.slice(37, 52);
  if (/^\d{6}$/.test(count) && Number(count) !== d.recordCount) {
    findings.warn(
      'trailer-mismatch',
      `${label}: the trailer announces ${Number(count)} records but the statement has ${d.recordCount} (records 1, 2, 3 and 8).`,
      lineNo,
    );
  }
  const debitTotal = impliedAmount(debit);
  const creditTotal = impliedAmount(credit);
  if (debitTotal === null || creditTotal === null) {
    findings.warn('invalid-amount', `Line ${lineNo}: the trailer totals are not valid CODA amounts.`, lineNo);
    return;
  }
  if (!eq(debitTotal, d.debits) || !eq(creditTotal, d.credits)) {
    findings.warn(
      'trailer-mismatch',
      `${label}: the trailer announces debits ${canonical(debitTotal)} and credits ${canonical(creditTotal)}, but the movements add up to debits ${canonical(d.debits)} and credits ${canonical(d.credits)}.`,
      lineNo,
    );
  }
}

function readDate(value: string, what: string, lineNo: number, findings: FindingList): string | null {
  if (/^(0{6}| {6})$/.test(value)) return null;
  const date = dateFromDDMMYY(value);
  if (date === null) findings.warn('invalid-date', `Line ${lineNo}: the ${what} "${value}" is not a valid date (DDMMYY).`, lineNo);
  return date;
}
