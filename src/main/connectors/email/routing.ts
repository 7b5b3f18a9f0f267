/**
 * Where one document goes and what it carries, from the client's fields:
 *
 * - `inboundEmail`: purchase invoices (and invoices whose direction is unknown — see below);
 * - `outboundEmail`: sales invoices;
 * - `sameAddress: true`: every invoice, and statements when no statements address is set, go to
 *   `inboundEmail`;
 * - `statementsEmail`: bank statements.
 *
 * Direction unknown (a PDF or scan, or an e-invoice whose parties match none of the client's
 * identifiers; only delivered when the user set unknownDirection to "export"): to the inbound
 * address, the accounting package's general "documents in" mailbox, where most such documents
 * (scanned purchase invoices) belong. A missing or malformed address fails that document
 * (no-retry), naming the client field to fill in.
 *
 * `attachPdf` (per client) decides about the PDF copy of an e-invoice: true always attaches it
 * (the outbox's, or one taken from the e-invoice here when the connection does not add it);
 * false never does (the PDF the connection adds is left out); not set follows the connection's
 * "PDF alongside" setting. The main file is always sent.
 */
import { extractEmbeddedPdf } from '../../understanding/render/extract.ts';
import { renderDocument } from '../../understanding/render/render-file.ts';
import type { DeliveryClient, DeliveryDocument } from '../types.ts';
import { DeliveryError } from '../types.ts';
import { isMailboxAddress } from './settings.ts';

export type AddressField = 'inboundEmail' | 'outboundEmail' | 'statementsEmail';

export interface Recipient {
  address: string;
  /** The client field it came from, named in errors (a refused mailbox, a missing address). */
  field: AddressField;
}

function fieldText(client: DeliveryClient, key: string): string | null {
  const value = client.fields[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function what(doc: DeliveryDocument): string {
  if (doc.family === 'statements') return 'bank statements';
  if (doc.direction === 'sales') return 'sales invoices';
  if (doc.direction === 'purchase') return 'purchase invoices';
  return 'invoices whose direction is unknown';
}

/** The client field a document goes to, before looking at its value. */
function fieldFor(doc: DeliveryDocument, client: DeliveryClient): AddressField {
  const same = client.fields.sameAddress === true;
  if (doc.family === 'statements') return fieldText(client, 'statementsEmail') === null && same ? 'inboundEmail' : 'statementsEmail';
  if (same) return 'inboundEmail';
  return doc.direction === 'sales' ? 'outboundEmail' : 'inboundEmail';
}

export function recipientFor(doc: DeliveryDocument, client: DeliveryClient): Recipient {
  const field = fieldFor(doc, client);
  const address = fieldText(client, field);
  if (address === null) {
    const hint = field === 'outboundEmail'
      ? ' (the mailbox the accounting package reads sales invoices from), or set sameAddress to send everything to inboundEmail'
      : field === 'statementsEmail'
        ? ' (the mailbox for bank statements), or set sameAddress to send them to inboundEmail'
        : ' (the mailbox the accounting package reads purchase documents from)';
    throw new DeliveryError('no-retry', 'address-missing', `${client.name} has no e-mail address for ${what(doc)}. Fill in the client's ${field}${hint}, then retry.`);
  }
  if (!isMailboxAddress(address)) {
    throw new DeliveryError('no-retry', 'invalid-address', `The client ${client.name}'s ${field} "${address.replace(/[^\x20-\x7e\u00a0-\uffff]/g, '?')}" is not a single e-mail address such as dossier@import.example.be. Correct it in the client's settings, then retry.`);
  }
  return { address, field };
}

function isEInvoice(doc: DeliveryDocument): boolean {
  return doc.kind === 'invoice' || doc.kind === 'credit-note';
}

function withExtension(name: string, extension: string): string {
  const dot = name.lastIndexOf('.');
  return `${dot > 0 ? name.slice(0, dot) : name}.${extension}`;
}

/** The files to attach for this client (see the module comment on attachPdf). Deterministic, so a retry sends the same bytes. */
export async function filesToAttach(doc: DeliveryDocument, client: DeliveryClient): Promise<DeliveryDocument['files']> {
  const [main, ...rest] = doc.files;
  if (main === undefined) throw new DeliveryError('no-retry', 'nothing-to-deliver', `The document ${doc.originalName} has no file to deliver.`);
  const attachPdf = client.fields.attachPdf;
  if (attachPdf === false) return [main, ...rest.filter((file) => file.mimeType !== 'application/pdf')];
  if (attachPdf !== true || !isEInvoice(doc) || rest.some((file) => file.mimeType === 'application/pdf')) return doc.files;
  // Asked for, but the connection does not add PDFs: take the e-invoice's own, else render one.
  const embedded = extractEmbeddedPdf(main.bytes);
  const pdf = embedded ? embedded.bytes : await renderDocument(main.bytes, 'pdf').then((result) => (result.ok ? result.bytes : null));
  return pdf ? [...doc.files, { name: withExtension(doc.originalName, 'pdf'), bytes: pdf, mimeType: 'application/pdf' }] : doc.files;
}
