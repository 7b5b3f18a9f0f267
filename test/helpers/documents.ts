/**
 * Documents for tests: distinct, valid files Ledgerdrop takes in and delivers without holding them
 * for review — small CODA statements (no direction to decide, no e-invoice rules) and UBL.BE sales
 * invoices made from a corpus sample.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusDir } from './corpus.ts';

/**
 * A CODA bank statement (after the corpus's phpcoda_sample8.cod, with a valid IBAN) whose statement
 * sequence number is `n` (1–999): distinct bytes per `n`, no warnings, nothing to decide. `movements`
 * (default 2) sets its size: about 260 bytes per movement.
 */
export function codaStatement(n: number, movements = 2): Buffer {
  if (!Number.isInteger(n) || n < 1 || n > 999) throw new Error(`CODA statement numbers go from 1 to 999, not ${n}`);
  if (!Number.isInteger(movements) || movements < 1 || movements > 9999) throw new Error(`1 to 9999 movements, not ${movements}`);
  const seq = String(n).padStart(3, '0');
  const money = (thousandths: number) => String(thousandths).padStart(15, '0');
  const opening = 1_293_450; // 1,293.450 EUR; every movement is a 1.000 EUR debit
  const lines = [
    '0000006032320005                  BV XXXXXXX                GEBABEBB   00111111111 00000                                       2',
    `12${seq}BE68539007547034                  EUR0${money(opening)}030323BV XXXXXXX                                                   002`,
  ];
  for (let i = 1; i <= movements; i += 1) {
    const m = String(i).padStart(4, '0');
    lines.push(`21${m}00002303061130436215     1${money(1000)}060323101070000                                                     06032300611 0`);
    lines.push(`22${m}0000                                                     ACERTA/I/03948039/230306/${String(i).padEnd(5)}                                0 0`);
  }
  lines.push(`8${seq}BE68539007547034                  EUR0${money(opening - movements * 1000)}060323                                                                0`);
  lines.push(`9               ${String(2 * movements + 2).padStart(6, '0')}${money(movements * 1000)}000000000000000                                                                           1`);
  return Buffer.from(lines.join('\n'), 'latin1');
}

/** The client identifier of the sales invoices below (their supplier). */
export const INVOICE_ISSUER = 'BE0000000196';
const INVOICE_TEMPLATE = 'efff/ublbe131_UBLBE_BE0000000196_V01-15000001.xml';

/**
 * A valid UBL.BE sales invoice issued by INVOICE_ISSUER with invoice number `number` (about 250 KB:
 * it embeds a PDF), or null when the shared corpus is not there.
 */
let invoiceTemplate: string | null | undefined;
export function salesInvoice(number: string): Buffer | null {
  if (invoiceTemplate === undefined) {
    const corpus = corpusDir();
    invoiceTemplate = corpus ? readFileSync(join(corpus, INVOICE_TEMPLATE), 'utf8') : null;
  }
  const base = invoiceTemplate;
  if (base === null) return null;
  const out = base.replace('<cbc:ID>V01/15000001</cbc:ID>', `<cbc:ID>${number}</cbc:ID>`);
  if (out === base) throw new Error(`${INVOICE_TEMPLATE} no longer has the invoice number this fixture replaces`);
  return Buffer.from(out);
}
