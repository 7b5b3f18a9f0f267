/**
 * SOURCES.tsv of the shared corpus, and what its `expected` column (free text written by whoever
 * collected the file) says about kind and format in our vocabulary.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DocumentFormat, DocumentKind } from '../../../src/main/understanding/types.ts';

export interface SourceRow {
  localFile: string;
  originRepo: string;
  path: string;
  license: string;
  expected: string;
  /** What the official validators reported: `cen=OK ; peppol=E:ID W:ID ; …`. */
  observed: string;
}

/** The official validators' fatal rule ids for a file, for the given validator names (cen, peppol, peppol-sb, siubl, ublbe). */
export function officialErrors(row: SourceRow, validators: readonly string[]): string[] {
  return row.observed
    .split(';')
    .map((part) => part.trim().split('='))
    .filter(([name]) => validators.includes(name ?? ''))
    .flatMap(([, result]) => [...(result ?? '').matchAll(/E:([\w.-]+)/g)].map((m) => m[1]!));
}

export function readSources(corpus: string): SourceRow[] {
  const lines = readFileSync(join(corpus, 'SOURCES.tsv'), 'utf8').split(/\r?\n/).slice(1);
  return lines
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const c = l.split('\t');
      return { localFile: c[0] ?? '', originRepo: c[1] ?? '', path: c[2] ?? '', license: c[4] ?? '', expected: c[5] ?? '', observed: c[7] ?? '' };
    });
}

/** The root element of an XML file by a plain regex (independent of the code under test). */
export function rawUblRoot(xml: string): 'Invoice' | 'CreditNote' | null {
  const withoutComments = xml.replace(/<!--[\s\S]*?-->/g, '');
  const m = /<(?:[A-Za-z_][\w.-]*:)?(Invoice|CreditNote)[\s>]/.exec(withoutComments);
  return (m?.[1] as 'Invoice' | 'CreditNote' | undefined) ?? null;
}

export interface ExpectedClass {
  kind: DocumentKind;
  format: DocumentFormat;
  /** True when SOURCES.tsv does not say Invoice/CreditNote and the file's root element decided. */
  kindFromFile: boolean;
}

/** Maps the free-text `expected` column to (kind, format). */
export function expectedClass(row: SourceRow, fileText: string): ExpectedClass | null {
  const e = row.expected;
  if (/camt\.053/i.test(e) || row.localFile.startsWith('camt053/')) return { kind: 'bank-statement', format: 'camt053', kindFromFile: false };
  if (/\bCODA\b/.test(e) || row.localFile.startsWith('coda/')) return { kind: 'bank-statement', format: 'coda', kindFromFile: false };
  if (/\bMT940\b/.test(e) || row.localFile.startsWith('mt940/')) return { kind: 'bank-statement', format: 'mt940', kindFromFile: false };

  let format: DocumentFormat | null = null;
  if (/Self-Billing/i.test(e)) format = 'peppol-selfbilling';
  else if (/NLCIUS/.test(e)) format = 'nlcius';
  else if (/UBL\.BE/.test(e)) format = 'ubl-be';
  else if (/EN16931 core/.test(e)) format = 'en16931';
  else if (/Peppol BIS/i.test(e)) format = 'peppol-bis-3';
  else if (/INVALID FRAGMENT/.test(e)) format = 'ubl';
  if (!format) return null;

  if (/\(CreditNote\)/.test(e)) return { kind: 'credit-note', format, kindFromFile: false };
  if (/\((?:official example, )?Invoice[);]/.test(e)) return { kind: 'invoice', format, kindFromFile: false };
  const root = rawUblRoot(fileText);
  if (!root) return null;
  return { kind: root === 'CreditNote' ? 'credit-note' : 'invoice', format, kindFromFile: true };
}
