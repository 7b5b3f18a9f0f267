/**
 * One entry point for `ledgerdrop render` and the outbox: turn an e-invoice into the format a
 * connection delivers (as received, Peppol BIS 3.0, UBL.BE/e-FFF 3.0) or a readable PDF.
 */
import { classifyBytes } from '../classify.ts';
import { readInvoiceModel } from './model.ts';
import { renderInvoicePdf } from './pdf.ts';
import { convertUbl } from './ubl-writer.ts';

export type RenderTarget = 'as-received' | 'peppol-bis-3' | 'ubl-be' | 'pdf';

export type RenderResult = { ok: true; bytes: Buffer; mimeType: string; extension: string } | { ok: false; code: string; message: string };

export async function renderDocument(bytes: Uint8Array, target: RenderTarget): Promise<RenderResult> {
  if (target === 'as-received') return { ok: true, bytes: Buffer.from(bytes), mimeType: 'application/octet-stream', extension: '' };
  const classified = classifyBytes(bytes);
  if ((classified.kind !== 'invoice' && classified.kind !== 'credit-note') || !classified.ubl) {
    return { ok: false, code: 'not-an-e-invoice', message: `Only UBL invoices and credit notes can be converted; this is ${classified.kind === 'unknown' ? 'not a document Ledgerdrop recognises' : `a ${classified.kind}${classified.format ? ` (${classified.format})` : ''}`}.` };
  }
  if (target === 'pdf') {
    const { model } = readInvoiceModel(classified.ubl);
    return { ok: true, bytes: Buffer.from(await renderInvoicePdf(model)), mimeType: 'application/pdf', extension: 'pdf' };
  }
  const converted = await convertUbl(bytes, target);
  if (!converted.ok) return { ok: false, code: converted.error.code, message: converted.error.message };
  return { ok: true, bytes: converted.xml, mimeType: 'application/xml', extension: 'xml' };
}
