/**
 * ISO 20022 camt.053 (BankToCustomerStatement), versions .001.02 to .001.08 (later versions share
 * the fields read here and are parsed with a warning). See ../shared/facts/formats.md §6.
 *
 * Safety: any DOCTYPE or ENTITY declaration is refused before anything else (no XXE, no entity
 * expansion); the document is read by a linear tokenizer (./xml-scan.ts) that never expands
 * entities nor fetches anything.
 *
 * Per Stmt: account Acct/Id/IBAN (else Acct/Id/Othr/Id), currency Acct/Ccy (else the balance or
 * entry Amt@Ccy), number ElctrncSeqNb > LglSeqNb > Id, opening balance OPBD (else PRCD), closing
 * CLBD, sign from CdtDbtInd (DBIT = negative), entries = every Ntry, signed by its CdtDbtInd.
 */
import { add, canonical, neg, parseDecimal, ZERO } from '../decimal.ts';
import type { BankStatement, StatementParseResult } from './types.ts';
import type { FindingList } from './common.ts';
import { AMOUNT_SYNTAX, checkIban, dateFromIso, guardedParse, looksLikeIban, statementLabel, withBalanceCheck } from './common.ts';
import { scanXml, xmlAttribute, xmlText } from './xml-scan.ts';

const AMOUNT = /^\d{1,18}(\.\d{0,5})?$/;

/** Paths inside a Stmt that are read (with their ancestors); every other subtree is skipped cheaply. */
const READ_PATHS = [
  'Id',
  'ElctrncSeqNb',
  'LglSeqNb',
  'Acct/Id/IBAN',
  'Acct/Id/Othr/Id',
  'Acct/Id/Othr/SchmeNm/Cd',
  'Acct/Ccy',
  'Bal/Tp/CdOrPrtry/Cd',
  'Bal/Tp/CdOrPrtry/Prtry',
  'Bal/Amt',
  'Bal/CdtDbtInd',
  'Bal/Dt/Dt',
  'Bal/Dt/DtTm',
  'Ntry/Amt',
  'Ntry/CdtDbtInd',
  'Ntry/Sts/Cd',
  'TxsSummry/TtlNtries/NbOfNtries',
];
const KEPT = new Set(READ_PATHS.flatMap((p) => p.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'))));

interface Balance {
  code: string | null;
  amount: string | null;
  rawAmount: string | null;
  currency: string | null;
  side: string | null;
  date: string | null;
}

interface Entry {
  amount: string | null;
  currency: string | null;
  side: string | null;
  status: string | null;
}

interface StmtDraft {
  id: string | null;
  electronicNumber: string | null;
  legalNumber: string | null;
  iban: string | null;
  otherId: string | null;
  otherScheme: string | null;
  accountCurrency: string | null;
  balances: Balance[];
  balance: Balance | null;
  entry: Entry | null;
  entries: Entry[];
  announcedEntries: string | null;
}

function newStmt(): StmtDraft {
  return {
    id: null,
    electronicNumber: null,
    legalNumber: null,
    iban: null,
    otherId: null,
    otherScheme: null,
    accountCurrency: null,
    balances: [],
    balance: null,
    entry: null,
    entries: [],
    announcedEntries: null,
  };
}

export function parseCamt053(xml: string): StatementParseResult {
  return guardedParse('camt053', xml, parseCamtBody);
}

function parseCamtBody(xml: string, result: StatementParseResult, findings: FindingList): void {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    findings.fatal(
      'doctype-forbidden',
      'The XML contains a DOCTYPE or ENTITY declaration. Bank statements never need one and it can be used for attacks (XXE, entity expansion), so the file is refused.',
    );
    return;
  }
  const start = xml.search(/\S/);
  if (start < 0 || xml[start] !== '<') {
    findings.fatal('malformed', 'This is not an XML file.');
    return;
  }
  const ns = /urn:iso:std:iso:20022:tech:xsd:(camt\.\d{3}\.\d{3}\.\d{2})/.exec(xml);
  const namespace = ns?.[1] ?? null;
  if (namespace !== null && !namespace.startsWith('camt.053.')) {
    findings.fatal('not-camt053', `This is a ${namespace} message, not a camt.053 bank statement.`);
    return;
  }

  // Element path from the root (local names) and, inside a Stmt, the path relative to it.
  const stack: string[] = [];
  let skipDepth = -1; // depth of an uninteresting subtree being skipped
  let rootName: string | null = null;
  let bodyName: string | null = null;
  let stmtDepth = -1;
  let rel = '';
  const relLengths: number[] = [];
  let stmt: StmtDraft | null = null;
  const drafts: StmtDraft[] = [];

  const error = scanXml(xml, {
    open(name, attributes) {
      const depth = stack.length;
      stack.push(name);
      if (depth === 0) rootName = name;
      if (bodyName === null && (depth === 1 || (depth === 0 && name === 'BkToCstmrStmt'))) bodyName = name;
      if (stmt === null) {
        if (name === 'Stmt' && depth >= 1 && stack[depth - 1] === 'BkToCstmrStmt') {
          stmt = newStmt();
          stmtDepth = depth;
          rel = '';
        }
        return;
      }
      if (skipDepth >= 0) return;
      const path = rel === '' ? name : `${rel}/${name}`;
      if (!KEPT.has(path)) {
        skipDepth = depth;
        return;
      }
      relLengths.push(rel.length);
      rel = path;
      const s: StmtDraft = stmt;
      switch (rel) {
        case 'Bal':
          s.balance = { code: null, amount: null, rawAmount: null, currency: null, side: null, date: null };
          break;
        case 'Bal/Amt':
          if (s.balance) s.balance.currency = xmlAttribute(attributes, 'Ccy');
          break;
        case 'Ntry':
          s.entry = { amount: null, currency: null, side: null, status: null };
          break;
        case 'Ntry/Amt':
          if (s.entry) s.entry.currency = xmlAttribute(attributes, 'Ccy');
          break;
        default:
          break;
      }
    },
    close(_name, contentStart, contentEnd, leaf) {
      stack.pop();
      if (stmt === null) return;
      if (skipDepth >= 0) {
        if (stack.length === skipDepth) skipDepth = -1;
        return;
      }
      const s: StmtDraft = stmt;
      if (stack.length === stmtDepth) {
        drafts.push(s);
        stmt = null;
        return;
      }
      const value = (): string | null => (leaf ? xmlText(xml.slice(contentStart, contentEnd)) || null : null);
      switch (rel) {
        case 'Id':
          s.id ??= value();
          break;
        case 'ElctrncSeqNb':
          s.electronicNumber ??= value();
          break;
        case 'LglSeqNb':
          s.legalNumber ??= value();
          break;
        case 'Acct/Id/IBAN':
          s.iban ??= value();
          break;
        case 'Acct/Id/Othr/Id':
          s.otherId ??= value();
          break;
        case 'Acct/Id/Othr/SchmeNm/Cd':
          s.otherScheme ??= value();
          break;
        case 'Acct/Ccy':
          s.accountCurrency ??= value();
          break;
        case 'Bal/Tp/CdOrPrtry/Cd':
        case 'Bal/Tp/CdOrPrtry/Prtry':
          if (s.balance) s.balance.code ??= value();
          break;
        case 'Bal/Amt':
          if (s.balance) s.balance.rawAmount = value();
          break;
        case 'Bal/CdtDbtInd':
          if (s.balance) s.balance.side = value();
          break;
        case 'Bal/Dt/Dt':
        case 'Bal/Dt/DtTm':
          if (s.balance) s.balance.date ??= value();
          break;
        case 'Bal':
          if (s.balance) s.balances.push(s.balance);
          s.balance = null;
          break;
        case 'Ntry/Amt':
          if (s.entry) s.entry.amount = value();
          break;
        case 'Ntry/CdtDbtInd':
          if (s.entry) s.entry.side = value();
          break;
        case 'Ntry/Sts':
        case 'Ntry/Sts/Cd':
          if (s.entry) s.entry.status ??= value();
          break;
        case 'Ntry':
          if (s.entry) s.entries.push(s.entry);
          s.entry = null;
          break;
        case 'TxsSummry/TtlNtries/NbOfNtries':
          s.announcedEntries ??= value();
          break;
        default:
          break;
      }
      rel = rel.slice(0, relLengths.pop() ?? 0);
    },
  });

  if (error) {
    findings.fatal('malformed', `The XML is not well-formed: ${error.message}.`, error.line);
    return;
  }
  if (bodyName !== 'BkToCstmrStmt') {
    const kind =
      bodyName === 'BkToCstmrAcctRpt'
        ? 'a camt.052 account report'
        : bodyName === 'BkToCstmrDbtCdtNtfctn'
          ? 'a camt.054 notification'
          : `an XML document of another kind (<${rootName ?? '?'}>)`;
    findings.fatal('not-camt053', `This is ${kind}, not a camt.053 bank statement.`);
    return;
  }
  if (namespace !== null) {
    result.version = namespace;
    const minor = Number(namespace.slice(-2));
    if (minor < 2 || minor > 8) {
      findings.warn('unsupported-version', `${namespace} is outside the versions checked (camt.053.001.02 to .08); it was read the same way.`);
    }
  } else {
    findings.warn('no-namespace', 'The statement has no camt.053 namespace; the version is unknown.');
  }
  if (drafts.length === 0) {
    findings.fatal('no-statements', 'The camt.053 message contains no statement (Stmt).');
    return;
  }
  drafts.forEach((draft, index) => result.statements.push(finishStatement(draft, index, findings)));
}

function finishStatement(d: StmtDraft, index: number, findings: FindingList): BankStatement {
  let account: string | null = null;
  let accountKind: BankStatement['accountKind'] = null;
  if (d.iban) {
    account = d.iban.replace(/\s+/g, '').toUpperCase();
    accountKind = 'iban';
  } else if (d.otherId) {
    const compact = d.otherId.replace(/\s+/g, '').toUpperCase();
    if (looksLikeIban(compact)) {
      account = compact;
      accountKind = 'iban';
    } else {
      account = d.otherId;
      accountKind = d.otherScheme === 'BBAN' || /^[\d .\-/]+$/.test(d.otherId) ? 'bban' : 'other';
    }
  }
  const number = d.electronicNumber ?? d.legalNumber ?? d.id;
  const label = statementLabel(index, account, number);
  if (!account) findings.warn('missing-account', `${label} does not name its account.`);

  d.balances.forEach((b, i) => readBalance(b, `${label}, balance ${i + 1}`, findings));
  const opening = d.balances.find((b) => b.code === 'OPBD') ?? d.balances.find((b) => b.code === 'PRCD') ?? null;
  const closing = d.balances.find((b) => b.code === 'CLBD') ?? null;

  let total = ZERO;
  let notBooked = 0;
  let entryCurrency: string | null = null;
  d.entries.forEach((entry, i) => {
    entryCurrency ??= entry.currency;
    if (entry.status !== null && entry.status !== 'BOOK') notBooked += 1;
    const raw = entry.amount;
    if (raw === null || !AMOUNT.test(raw)) {
      findings.warn('invalid-amount', `${label}, entry ${i + 1}: the amount "${(raw ?? '').slice(0, 40)}" is not a valid amount; the entry is not counted in the total.`);
      return;
    }
    if (entry.side !== 'CRDT' && entry.side !== 'DBIT') {
      findings.warn('invalid-sign', `${label}, entry ${i + 1}: the credit/debit indicator "${(entry.side ?? '').slice(0, 10)}" is missing or unknown; the entry is not counted in the total.`);
      return;
    }
    const amount = parseDecimal(raw, AMOUNT_SYNTAX) ?? ZERO;
    total = add(total, entry.side === 'DBIT' ? neg(amount) : amount);
  });
  if (notBooked > 0) {
    findings.warn('not-booked', `${label} contains ${notBooked} entries that are not booked (pending or information only); they are included in the entry count and total.`);
  }
  const count = d.entries.length;
  if (d.announcedEntries !== null && /^\d+$/.test(d.announcedEntries) && Number(d.announcedEntries) !== count) {
    findings.warn('entry-count-mismatch', `${label} announces ${Number(d.announcedEntries)} entries in its summary but contains ${count}.`);
  }

  const currency = d.accountCurrency ?? opening?.currency ?? closing?.currency ?? entryCurrency;
  const entriesTotal = canonical(total);
  const openingBalance = opening?.amount ?? null;
  const closingBalance = closing?.amount ?? null;
  const statement = withBalanceCheck(
    { account, accountKind, currency, number, openingDate: opening?.date ?? null, closingDate: closing?.date ?? null, openingBalance, closingBalance, entries: count, entriesTotal },
    findings,
    label,
  );
  checkIban(account, accountKind, findings, label);
  return statement;
}

/** Validates a balance in place: amount signed by CdtDbtInd, date as ISO. */
function readBalance(b: Balance, where: string, findings: FindingList): void {
  const code = b.code ?? '?';
  if (b.date !== null) {
    const iso = dateFromIso(b.date);
    if (iso === null) findings.warn('invalid-date', `${where} (${code}): "${b.date.slice(0, 40)}" is not a valid date.`);
    b.date = iso;
  }
  const raw = b.rawAmount;
  if (raw === null || !AMOUNT.test(raw)) {
    findings.warn('invalid-amount', `${where} (${code}): "${(raw ?? '').slice(0, 40)}" is not a valid amount.`);
    b.amount = null;
    return;
  }
  const amount = parseDecimal(raw, AMOUNT_SYNTAX);
  if (b.side !== 'DBIT' && b.side !== 'CRDT' && (b.code === 'OPBD' || b.code === 'PRCD' || b.code === 'CLBD')) {
    findings.warn('missing-sign', `${where} (${code}) has no credit/debit indicator; it is read as a credit (positive) balance.`);
  }
  b.amount = amount && canonical(b.side === 'DBIT' ? neg(amount) : amount);
}
