/**
 * Shared vocabulary of the understanding step: what a file is, and what we noticed about it.
 * Severities follow the Peppol/schematron flags (and the statement parsers): `fatal` means the file
 * could not be understood, `warning` means it was understood but something deserves a look,
 * `info` is context for the accountant.
 */

export type FindingSeverity = 'fatal' | 'warning' | 'info';

export interface Finding {
  code: string;
  severity: FindingSeverity;
  /** Plain language, for the accountant. */
  message: string;
}

/** The blocking problem of a file that could not be understood (same code as its fatal finding). */
export interface InspectError {
  code: string;
  message: string;
}

export type DocumentKind = 'invoice' | 'credit-note' | 'bank-statement' | 'pdf' | 'image' | 'archive' | 'unknown';

export type UblFormat = 'peppol-bis-3' | 'peppol-selfbilling' | 'ubl-be' | 'nlcius' | 'en16931' | 'ubl';
export type StatementFormatName = 'coda' | 'camt053' | 'mt940';
export type BinaryFormat = 'pdf' | 'jpeg' | 'png' | 'tiff' | 'zip';
export type DocumentFormat = UblFormat | StatementFormatName | BinaryFormat;

export type Direction = 'sales' | 'purchase' | 'unknown';

export function finding(code: string, severity: FindingSeverity, message: string): Finding {
  return { code, severity, message };
}
