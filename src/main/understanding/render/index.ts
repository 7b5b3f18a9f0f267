/**
 * Rendering and conversion of e-invoices: the document model, UBL writers (Peppol BIS 3.0,
 * UBL.BE), the PDF rendering and the embedded-PDF extraction.
 */
export { readInvoiceModel, partyName, partyVatId, documentTaxTotal, firstPdfAttachment } from './model.ts';
export type { InvoiceModel, InvoiceLine, Party, TaxCategory, ModelRead } from './model.ts';
export { convertUbl, writeUbl, LEDGERDROP_PRODUCER, UBL_BE_CUSTOMIZATION_ID } from './ubl-writer.ts';
export type { ConversionResult, ConversionTarget, ConvertOptions, UblTarget, WriteOptions, WriteResult } from './ubl-writer.ts';
export { renderInvoicePdf, pdfText, PDF_FOOTER_TEXT, PDF_PRODUCER } from './pdf.ts';
export { extractEmbeddedPdf, embeddedPdfOf } from './extract.ts';
export type { EmbeddedPdf } from './extract.ts';
