import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTempName } from '../../../src/main/intake/readiness.ts';
import { isIgnoredPath } from '../../../src/main/intake/scan.ts';

describe('isTempName', () => {
  it.each([
    ['~$a.xlsx', 'Office owner file'],
    ['~$Factuur 2024.docx', 'Office owner file'],
    ['~WRL0001.tmp', 'Word save temporary'],
    ['.~lock.factuur.odt#', 'LibreOffice lock'],
    ['factuur.pdf.crdownload', 'Chrome download'],
    ['Unconfirmed 123456.crdownload', 'Chrome download before naming'],
    ['factuur.pdf.part', 'Firefox download'],
    ['factuur.pdf.PART', 'case-insensitive ending'],
    ['factuur.pdf.partial', 'old Edge download'],
    ['factuur.pdf.download', 'Safari download bundle'],
    ['factuur.xml.filepart', 'WinSCP upload'],
    ['x.tmp', 'temporary'],
    ['x.TEMP', 'temporary'],
    ['.factuur.pdf.Xy12Ab', 'rsync temporary'],
    ['.factuur.xml.0123456789ab.partial', 'our own partial'],
    ['.DS_Store', 'macOS folder settings'],
    ['._factuur.pdf', 'AppleDouble'],
    ['.hidden', 'any hidden name'],
    ['Thumbs.db', 'Explorer thumbnails'],
    ['thumbs.db', 'Explorer thumbnails, any case'],
    ['desktop.ini', 'Explorer folder settings'],
    ['Desktop.ini', 'Explorer folder settings, any case'],
    ['$RECYCLE.BIN', 'recycle bin'],
    ['System Volume Information', 'system folder'],
    ['factuur.xml~', 'editor backup'],
    ['#factuur.xml#', 'Emacs autosave'],
    ['factuur.pdf.sb-1a2b3c4d-XyZ123', 'macOS safe save'],
    ['', 'empty name'],
  ])('%s is a temporary/system name (%s)', (name) => {
    expect(isTempName(name)).toBe(true);
  });

  it.each([
    'factuur.pdf',
    'Factuur 2024-001.xml',
    'INV-001.XML',
    'statement.cod',
    'camt053.xml',
    '20240131', // looks like an Excel save temporary, but is a plausible real name
    '5A3B2C10',
    'tmp-invoice.pdf',
    'report.temporary.pdf',
    'part1.pdf',
    'archive.part1.rar',
    'partial-payment.pdf',
    'invoice.tmp.pdf',
    '~invoice.pdf',
    '$invoice.pdf',
    '#1234.pdf',
    'Thumbs.db.pdf',
    'processed',
  ])('%s is a document name', (name) => {
    expect(isTempName(name)).toBe(false);
  });
});

describe('isIgnoredPath', () => {
  const root = path.resolve('/watch/.client-a'); // a hidden root is still watched

  it('never ignores the root itself', () => {
    expect(isIgnoredPath(root, root)).toBe(false);
  });

  it('ignores temporary names at any level, and everything inside hidden or temporary folders', () => {
    expect(isIgnoredPath(root, path.join(root, 'x.xml'))).toBe(false);
    expect(isIgnoredPath(root, path.join(root, '2024', 'q1', 'x.xml'))).toBe(false);
    expect(isIgnoredPath(root, path.join(root, '2024', '~$x.xlsx'))).toBe(true);
    expect(isIgnoredPath(root, path.join(root, '.git', 'config'))).toBe(true);
    expect(isIgnoredPath(root, path.join(root, 'x.pdf.download', 'x.pdf'))).toBe(true);
  });

  it('ignores our processed/ and failed/ folders only directly under the root, in any letter case', () => {
    expect(isIgnoredPath(root, path.join(root, 'processed'))).toBe(true);
    expect(isIgnoredPath(root, path.join(root, 'processed', 'x.xml'))).toBe(true);
    expect(isIgnoredPath(root, path.join(root, 'Failed', 'x.xml'))).toBe(true);
    expect(isIgnoredPath(root, path.join(root, 'clients', 'processed', 'x.xml'))).toBe(false);
  });

  it('ignores paths outside the root', () => {
    expect(isIgnoredPath(root, path.resolve('/watch/other/x.xml'))).toBe(true);
    expect(isIgnoredPath(root, path.resolve('/watch'))).toBe(true);
  });
});
