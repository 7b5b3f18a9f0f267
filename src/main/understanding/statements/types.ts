/**
 * What the bank-statement parsers (CODA, camt.053, MT940) report about a file.
 * Amounts are exact decimal strings ("-1234.56"), never floats.
 */

export interface BankStatement {
  /** IBAN when known, else the BBAN / account number as written in the file. */
  account: string | null;
  accountKind: 'iban' | 'bban' | 'other' | null;
  currency: string | null;
  /** Statement sequence number as written in the file (CODA paper statement number, camt ElctrncSeqNb, MT940 :28C:). */
  number: string | null;
  /** ISO yyyy-mm-dd. */
  openingDate: string | null;
  closingDate: string | null;
  /** Signed decimal string, e.g. "-1234.56". */
  openingBalance: string | null;
  closingBalance: string | null;
  /** Number of entries (movements) that make up the balance. */
  entries: number;
  /** Signed sum of the entry amounts. */
  entriesTotal: string;
  /** opening + entriesTotal = closing, exactly; null when a balance is missing. */
  balanced: boolean | null;
}

export type StatementFindingSeverity = 'fatal' | 'warning';

export interface StatementFinding {
  code: string;
  severity: StatementFindingSeverity;
  /** Plain language, for the accountant. */
  message: string;
  /** 1-based line number in the input, when it applies. */
  line?: number;
}

export type StatementFormat = 'coda' | 'camt053' | 'mt940';

export interface StatementParseResult {
  format: StatementFormat;
  /** e.g. "camt.053.001.08", "CODA 2"; null when unknown (and for MT940). */
  version: string | null;
  statements: BankStatement[];
  findings: StatementFinding[];
}
