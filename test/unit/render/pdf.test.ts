/**
 * The PDF rendering: readable content, pagination with a repeated table header, WinAnsi-safe text
 * and byte-identical output for the same invoice (deliveries are keyed by content hash).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PDF_FOOTER_TEXT, PDF_PRODUCER, displayCompact, money, pdfText, renderInvoicePdf } from '../../../src/main/understanding/render/pdf.ts';
import { invoiceWithLines, line, party } from './fixtures.ts';
import { readPdfText } from './pdf-text.ts';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Rows that fit on a continuation page: (page height - top margin - footer zone - table header) / row height. */
const ROWS_PER_FULL_PAGE = Math.floor((841.89 - 40 - 56 - 16) / 17);

describe('numbers for display', () => {
  it('shows amounts with at least 2 decimals, without losing digits or length', () => {
    expect(money('484')).toBe('484.00');
    expect(money('-1500')).toBe('-1500.00');
    expect(money('1.2345')).toBe('1.2345');
    expect(money('1.2300')).toBe('1.2300');
    expect(money(' .5 ')).toBe('0.50');
    expect(money('n/a')).toBe('n/a');
    expect(money(null)).toBe('');
    const long = `${'9'.repeat(90)}.5`; // longer than the validation rules read: still a number here
    expect(money(long)).toBe(`${long}0`);
  });

  it('shows quantities and rates with as few decimals as needed', () => {
    expect(displayCompact('2.000')).toBe('2');
    expect(displayCompact('6.50')).toBe('6.5');
    expect(displayCompact('-0.0')).toBe('0');
    expect(displayCompact('+021')).toBe('21');
    expect(displayCompact(' 1e3 ')).toBe('1e3');
    expect(displayCompact(null)).toBe('');
  });
});

describe('pdfText (WinAnsi-safe text)', () => {
  it('keeps Latin-1 and WinAnsi letters, and the euro sign', () => {
    expect(pdfText('Société Générale – Grüße € 5')).toBe('Société Générale – Grüße € 5');
  });

  it('writes letters outside WinAnsi (Polish, Czech, Turkish, Romanian) in a close form, keeps the WinAnsi ones', () => {
    expect(pdfText('Łódź Przedsiębiorstwo Żółć')).toBe('Lódz Przedsiebiorstwo Zólc');
    expect(pdfText('Příliš žluťoučký kůň úpěl ďábelské ódy')).toBe('Príliš žlutoucký kun úpel dábelské ódy');
    expect(pdfText('İstanbul Şişli, Brașov Ţară')).toBe('Istanbul Sisli, Brasov Tara');
  });

  it('replaces what has no close form, drops invisible joiners, never throws', () => {
    expect(pdfText('Café 😀 👨‍👩‍👧 OK')).toBe('Café ? ??? OK');
    expect(pdfText('東京 Ελλάδα')).toBe('?? ??????');
    expect(pdfText('a\u00a0b\u2009c\tc')).toBe('a b c c');
    expect(pdfText(null)).toBe('');
  });
});

describe('renderInvoicePdf', () => {
  it('renders a one-line invoice on one A4 page with number, parties, totals, payment and footer', async () => {
    const pdf = await renderInvoicePdf(invoiceWithLines(1));
    expect(Buffer.from(pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    const text = await readPdfText(pdf);
    expect(text.pageCount).toBe(1);
    const page = text.document.getPage(0);
    expect(Math.round(page.getWidth())).toBe(595);
    expect(Math.round(page.getHeight())).toBe(842);
    const all = text.pages[0] ?? [];
    expect(all).toContain('Invoice INV-2025-0042');
    expect(all).toEqual(expect.arrayContaining(['Acme Consulting BV', 'Client NV', 'VAT: BE0123456749', 'VAT: BE0987654312', 'Rue de la Loi 16', '1000 Bruxelles']));
    expect(all).toEqual(expect.arrayContaining(['Description', 'Quantity', 'Unit price', 'VAT %', 'Net amount', 'Consulting service 1', '2 HUR', '50.00', '21']));
    expect(all).toEqual(expect.arrayContaining(['Total excluding VAT', '100.00 EUR', '21.00 EUR', 'Total including VAT', 'Amount due (EUR)', '121.00 EUR']));
    expect(all).toEqual(expect.arrayContaining(['IBAN / account: BE71096123456769 BIC: GKCCBEBB', 'Payment reference: +++123/4567/89002+++', 'Due date: 2025-04-13']));
    expect(all).toContain(PDF_FOOTER_TEXT);
    expect(all).toContain('Page 1 of 1');
    expect(text.document.getTitle()).toBe('Invoice INV-2025-0042');
    expect(text.document.getProducer()).toBe(PDF_PRODUCER);
    expect(text.document.getCreationDate()?.toISOString()).toBe('2025-03-14T00:00:00.000Z');
    expect(text.document.getModificationDate()?.toISOString()).toBe('2025-03-14T00:00:00.000Z');
  });

  it('titles credit notes as credit notes', async () => {
    const pdf = await renderInvoicePdf(invoiceWithLines(1, { kind: 'credit-note', typeCode: '381', id: 'CN-9' }));
    const text = await readPdfText(pdf);
    expect(text.pages[0]).toContain('Credit note CN-9');
    expect(text.pages[0]).toContain('Credit note (381)');
  });

  it('is byte-identical across renders of the same invoice', async () => {
    const model = invoiceWithLines(40);
    const first = await renderInvoicePdf(model);
    const second = await renderInvoicePdf(structuredClone(model));
    expect(sha256(second)).toBe(sha256(first));
    const other = await renderInvoicePdf({ ...model, issueDate: '2025-03-15' });
    expect(sha256(other)).not.toBe(sha256(first));
  });

  it('paginates 500 lines: every line once and in order, the table header on every page with lines', async () => {
    const pdf = await renderInvoicePdf(invoiceWithLines(500));
    const text = await readPdfText(pdf);
    const perPage = text.pages.map((strings) => strings.filter((s) => /^Consulting service \d+$/.test(s)));
    const names = perPage.flat();
    expect(names).toEqual(Array.from({ length: 500 }, (_, i) => `Consulting service ${i + 1}`));
    const firstPageRows = perPage[0]?.length ?? 0;
    expect(firstPageRows).toBeGreaterThan(20);
    const expectedPages = 1 + Math.ceil((500 - firstPageRows) / ROWS_PER_FULL_PAGE);
    expect(text.pageCount).toBe(expectedPages);
    perPage.forEach((rows, i) => {
      const strings = text.pages[i] ?? [];
      if (rows.length > 0) expect(strings.indexOf('Description'), `header on page ${i + 1}`).toBeLessThan(strings.indexOf(rows[0] ?? ''));
      if (i > 0 && i < perPage.length - 1) expect(rows.length, `rows on page ${i + 1}`).toBe(ROWS_PER_FULL_PAGE);
      expect(strings).toContain(`Page ${i + 1} of ${text.pageCount}`);
      expect(strings).toContain(PDF_FOOTER_TEXT);
    });
    const last = text.pages[text.pageCount - 1] ?? [];
    expect(last).toEqual(expect.arrayContaining(['Amount due (EUR)', '60500.00 EUR', '10500.00 EUR']));
  });

  it('wraps long descriptions inside the description column', async () => {
    const long = `${'Very long item description with many words '.repeat(12)}END`;
    const pdf = await renderInvoicePdf(invoiceWithLines(1, { lines: [line(1, long)] }));
    const text = await readPdfText(pdf);
    const pieces = (text.pages[0] ?? []).filter((s) => s.startsWith('Very long') || s.includes('many words') || s.endsWith('END'));
    expect(pieces.length).toBeGreaterThan(3);
    expect(pieces.join(' ').replace(/\s+/g, ' ')).toBe(long.replace(/\s+/g, ' '));
    const font = await text.document.embedFont('Helvetica');
    for (const piece of pieces) expect(font.widthOfTextAtSize(piece, 8.5)).toBeLessThanOrEqual(235 - 8);
  });

  it('does not fail on names outside WinAnsi (Polish, Czech, emoji)', async () => {
    const model = invoiceWithLines(2, {
      supplier: party('Zakład Usług Łódź sp. z o.o. 🚀', 'PL5260250995', 'PL'),
      customer: party('Výroba Šťastný s.r.o.', 'CZ12345678', 'CZ'),
      notes: ['Děkujeme 🙏 – dziękujemy'],
    });
    const pdf = await renderInvoicePdf(model);
    const all = (await readPdfText(pdf)).pages.flat();
    expect(all).toContain('Zaklad Uslug Lódz sp. z o.o. ?');
    expect(all).toContain('Výroba Štastný s.r.o.');
    expect(all).toContain('Dekujeme ? – dziekujemy');
  });
});

describe('renderInvoicePdf with pathological values', () => {
  it('keeps the header on the first page when names and references are absurdly long', async () => {
    const huge = 'Aa'.repeat(3000);
    const model = invoiceWithLines(1, { buyerReference: huge, supplier: party(huge, 'BE0123456749', 'BE'), notes: [huge] });
    const text = await readPdfText(await renderInvoicePdf(model));
    expect(text.pageCount).toBeGreaterThanOrEqual(1);
    expect(text.pages[0]).toContain('Consulting service 1');
  });

  it('cuts a line description longer than a page instead of drawing off the page', async () => {
    const words = Array.from({ length: 3000 }, (_, i) => `word${i}`).join(' ');
    const text = await readPdfText(await renderInvoicePdf(invoiceWithLines(1, { lines: [line(1, words)] })));
    const pieces = text.pages.flat().filter((s) => s.startsWith('word'));
    expect(pieces.length).toBe(40);
    expect(pieces[39]).toMatch(/ …$/);
    expect(text.pages.flat()).toContain('Amount due (EUR)');
  });
});
