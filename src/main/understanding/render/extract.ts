/**
 * The PDF copy embedded in an e-invoice, for destinations that want "the PDF alongside the
 * e-invoice": the first AdditionalDocumentReference attachment whose decoded bytes really are a
 * PDF (start with %PDF-), whatever its mimeCode claims.
 */
import { classifyBytes, startsWithPdf } from '../classify.ts';
import { embeddedDocumentBytes, embeddedDocuments } from '../invoice.ts';
import type { XmlElement } from '../safe-xml.ts';

export interface EmbeddedPdf {
  /** The attachment's filename (made safe, ending in .pdf), or one derived from its reference. */
  filename: string;
  bytes: Buffer;
}

function pdfFilename(name: string | null, id: string | null): string {
  // A filename keeps only its last path segment; a reference (e.g. "V01/15000001") is flattened.
  const base = name !== null ? (name.split(/[\\/]/).pop() ?? '') : (id ?? '').replace(/[\\/]+/g, '_');
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f<>:"|?*]+/g, '_').trim();
  const safe = cleaned === '' || /^\.+$/.test(cleaned) ? 'attachment' : cleaned;
  return /\.pdf$/i.test(safe) ? safe : `${safe.replace(/[^A-Za-z0-9._-]+/g, '_')}.pdf`;
}

/** The first embedded PDF of a parsed UBL Invoice/CreditNote element, or null. */
export function embeddedPdfOf(doc: XmlElement): EmbeddedPdf | null {
  for (const embedded of embeddedDocuments(doc)) {
    const bytes = embeddedDocumentBytes(embedded);
    if (startsWithPdf(bytes)) return { filename: pdfFilename(embedded.filename, embedded.id), bytes };
  }
  return null;
}

/**
 * The PDF embedded in an e-invoice (UBL Invoice or CreditNote, SBDH-wrapped or not), or null when
 * the file is not a UBL document or carries no PDF.
 */
export function extractEmbeddedPdf(bytes: Uint8Array): EmbeddedPdf | null {
  const classified = classifyBytes(bytes);
  if ((classified.kind !== 'invoice' && classified.kind !== 'credit-note') || classified.ubl === null) return null;
  return embeddedPdfOf(classified.ubl);
}
