/**
 * Reads back the text our PDFs draw (pdf-lib standard fonts: `<hex> Tj` strings in WinAnsi),
 * page by page, so tests need no external tool. Each drawn string is one entry.
 */
import { PDFArray, PDFDocument, PDFRawStream, decodePDFRawStream } from 'pdf-lib';

/** WinAnsi bytes 0x80..0x9F (the rest of the code page is Latin-1). */
const WIN_ANSI_80_9F = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

function decodeWinAnsi(hex: string): string {
  let out = '';
  for (let i = 0; i + 1 < hex.length; i += 2) {
    const byte = Number.parseInt(hex.slice(i, i + 2), 16);
    out += byte >= 0x80 && byte <= 0x9f ? (WIN_ANSI_80_9F[byte - 0x80] ?? '?') : String.fromCharCode(byte);
  }
  return out;
}

export interface PdfText {
  pageCount: number;
  /** Drawn strings per page, in drawing order. */
  pages: string[][];
  document: PDFDocument;
}

export async function readPdfText(bytes: Uint8Array): Promise<PdfText> {
  const document = await PDFDocument.load(bytes, { updateMetadata: false });
  const pages: string[][] = [];
  for (const page of document.getPages()) {
    const contents = page.node.Contents();
    const streams = contents instanceof PDFArray ? contents.asArray().map((ref) => document.context.lookup(ref)) : [contents];
    const strings: string[] = [];
    for (const stream of streams) {
      if (!(stream instanceof PDFRawStream)) continue;
      const text = Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1');
      for (const m of text.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) strings.push(decodeWinAnsi(m[1] ?? ''));
    }
    pages.push(strings);
  }
  return { pageCount: pages.length, pages, document };
}
