import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PATH_TEMPLATE,
  PathTemplateError,
  SAMPLE_TEMPLATE_VALUES,
  TEMPLATE_VARIABLES,
  assertValidTemplate,
  checkTemplate,
  numberedName,
  renderPathTemplate,
  sanitizeSegment,
  templateValuesFromDelivery,
  utf8Length,
  validateTemplate,
  type RenderOptions,
  type TemplateValues,
} from '../../../src/main/connectors/path-template.ts';
import type { DeliveryClient, DeliveryDocument } from '../../../src/main/connectors/types.ts';

const values = (overrides: Partial<TemplateValues> = {}): TemplateValues => ({ ...SAMPLE_TEMPLATE_VALUES, ...overrides });
const render = (template: string, overrides: Partial<TemplateValues> = {}, options: RenderOptions = {}): string =>
  renderPathTemplate(template, values(overrides), { timeZone: 'Europe/Brussels', ...options });

/** Every rule a rendered name must satisfy on Windows, macOS and Linux. */
function expectSafeSegments(rendered: string, expectedLevels: number): void {
  const segments = rendered.split('/');
  expect(segments).toHaveLength(expectedLevels);
  for (const segment of segments) {
    expect(segment).not.toBe('');
    expect(segment).not.toMatch(/^\.+$/);
    // eslint-disable-next-line no-control-regex
    expect(segment).not.toMatch(/[<>:"\\|?*\u0000-\u001f]/);
    expect(segment).not.toMatch(/[. ]$/);
    expect(segment).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i);
    expect(utf8Length(segment)).toBeLessThanOrEqual(255);
    expect(segment).toBe(segment.normalize('NFC'));
  }
}

describe('renderPathTemplate: variables', () => {
  it('renders the default template', () => {
    expect(DEFAULT_PATH_TEMPLATE).toBe('[accounting_file_id]/[family]/[original_name]');
    expect(render(DEFAULT_PATH_TEMPLATE)).toBe('DOS-0042/invoices/F2025-0117.xml');
  });

  it('knows every documented variable', () => {
    const template = 'x/' + TEMPLATE_VARIABLES.map((name) => `[${name}]`).join('_');
    expect(checkTemplate(template)).toEqual({ ok: true, variables: TEMPLATE_VARIABLES });
    expect(render('[client]/[accounting_file_id]/[family]/[direction]/[year]/[month]/[number] [supplier] [customer] [original_name]')).toBe(
      'Dupont SPRL/DOS-0042/invoices/purchase/2025/03/F2025-0117 ACME Office Supplies Dupont SPRL F2025-0117.xml',
    );
  });

  it('accepts variables in any case', () => {
    expect(render('[Year]/[MONTH]/[Original_Name]')).toBe('2025/03/F2025-0117.xml');
  });

  it('renders each direction and family', () => {
    expect(render('[family]/[direction]/[original_name]', { direction: 'sales' })).toBe('invoices/sales/F2025-0117.xml');
    expect(render('[family]/[direction]/[original_name]', { family: 'statements', direction: 'unknown' })).toBe('statements/unknown/F2025-0117.xml');
    expect(render('[direction]/[original_name]', { direction: null })).toBe('unknown/F2025-0117.xml');
  });

  it('takes [year]/[month] from the issue date, else from the received date', () => {
    expect(render('[year]/[month]/[original_name]', { issueDate: '2024-07-02' })).toBe('2024/07/F2025-0117.xml');
    expect(render('[year]/[month]/[original_name]', { issueDate: null, receivedAt: '2025-11-05T10:00:00Z' })).toBe('2025/11/F2025-0117.xml');
    // 23:30 UTC on 31 January is already February in Brussels.
    expect(render('[year]-[month]/[original_name]', { issueDate: null, receivedAt: '2025-01-31T23:30:00Z' })).toBe('2025-02/F2025-0117.xml');
    expect(render('[year]-[month]/[original_name]', { issueDate: null, receivedAt: '2025-01-31T23:30:00Z' }, { timeZone: 'UTC' })).toBe('2025-01/F2025-0117.xml');
    expect(render('[year]/[month]/[original_name]', { issueDate: 'not a date', receivedAt: '2023-12-31' })).toBe('2023/12/F2025-0117.xml');
    expect(render('[year]/[month]/[original_name]', { issueDate: null, receivedAt: null })).toBe('unknown/unknown/F2025-0117.xml');
  });

  it('[extension] is the extension without its dot, and may be empty', () => {
    expect(render('[number].[extension]')).toBe('F2025-0117.xml');
    expect(render('[number].[extension]', { originalName: 'statement.PDF' })).toBe('F2025-0117.PDF');
    expect(render('[number].[extension]', { originalName: 'README' })).toBe('F2025-0117');
  });

  it('appends the file extension when the file name uses neither [original_name] nor [extension]', () => {
    expect(render('[supplier]/[number]')).toBe('ACME Office Supplies/F2025-0117.xml');
    expect(render('[supplier]/[number]', { originalName: 'scan.pdf' })).toBe('ACME Office Supplies/F2025-0117.pdf');
    expect(render('[number].xml')).toBe('F2025-0117.xml');
    expect(render('[number]', { originalName: 'no-extension' })).toBe('F2025-0117');
  });

  it('builds its values from a delivery, falling back to the client id without an accounting file id', () => {
    const doc: DeliveryDocument = {
      deliveryId: 'd1',
      sha256: 'x',
      family: 'statements',
      direction: null,
      kind: 'coda',
      format: null,
      originalName: 'arrived.cod',
      receivedAt: '2025-06-01T08:00:00Z',
      meta: { number: '12', issueDate: null, supplier: null, customer: null },
      files: [{ name: 'converted.cod', bytes: new Uint8Array(), mimeType: 'text/plain' }],
    };
    const client: DeliveryClient = { id: 'client-7', name: 'Martin & Fils', accountingFileId: null, fields: {} };
    const built = templateValuesFromDelivery(doc, client);
    expect(built).toMatchObject({ client: 'Martin & Fils', accountingFileId: 'client-7', originalName: 'converted.cod', family: 'statements' });
    expect(templateValuesFromDelivery(doc, { ...client, accountingFileId: 'ACC-1' }, 'other.pdf')).toMatchObject({ accountingFileId: 'ACC-1', originalName: 'other.pdf' });
    expect(renderPathTemplate('[accounting_file_id]/[year]/[supplier]/[original_name]', built, { timeZone: 'UTC' })).toBe('client-7/2025/unknown/converted.cod');
  });
});

describe('renderPathTemplate: sanitising values', () => {
  it('never lets a value climb out or add a folder level (traversal in a supplier name)', () => {
    for (const supplier of ['../../etc/passwd', '..\\..\\Windows\\System32', '/etc/passwd', '\\\\server\\share', 'C:\\Windows', 'C:', '..', '.', 'a/../../b']) {
      const rendered = render('[supplier]/[original_name]', { supplier });
      expectSafeSegments(rendered, 2);
      expect(rendered.split('/')[1]).toBe('F2025-0117.xml');
    }
    expect(render('[supplier]/[original_name]', { supplier: '../../etc/passwd' })).toBe('__.._etc_passwd/F2025-0117.xml');
    expect(render('[supplier]/[original_name]', { supplier: 'C:\\Windows' })).toBe('C__Windows/F2025-0117.xml');
    expect(render('[original_name]', { originalName: '../../../root/.ssh/authorized_keys' })).toBe('__.._.._root_.ssh_authorized_keys');
  });

  it('drops NUL and control characters, and bidi overrides that disguise an extension', () => {
    expect(render('[number]/[original_name]', { number: 'A\u0000B\u0007C', originalName: 'invoice\u202Efdp.exe' })).toBe('A_B_C/invoice_fdp.exe');
    expect(render('[supplier]/[original_name]', { supplier: 'Line\r\nbreak\tand  spaces' })).toBe('Line break and spaces/F2025-0117.xml');
  });

  it('replaces the characters Windows forbids by _', () => {
    expect(render('[supplier]/[original_name]', { supplier: 'A<B>C:D"E/F\\G|H?I*J' })).toBe('A_B_C_D_E_F_G_H_I_J/F2025-0117.xml');
    expect(render('[number].[extension]', { number: '2024/001' })).toBe('2024_001.xml');
  });

  it('suffixes Windows reserved names with _, whatever the case or extension', () => {
    expect(render('[original_name]', { originalName: 'CON.xml' })).toBe('CON_.xml');
    expect(render('[original_name]', { originalName: 'con.tar.gz' })).toBe('con_.tar.gz');
    expect(render('[supplier]/[original_name]', { supplier: 'nul', originalName: 'Lpt9.pdf' })).toBe('nul_/Lpt9_.pdf');
    for (const name of ['PRN', 'AUX', 'COM1', 'com9', 'LPT1', 'CONIN$', 'CON .txt']) {
      expectSafeSegments(render('[original_name]', { originalName: name }), 1);
    }
    // Only the whole name before the first dot counts.
    expect(render('[original_name]', { originalName: 'CONTRACT.xml' })).toBe('CONTRACT.xml');
    expect(render('[original_name]', { originalName: 'COM10.xml' })).toBe('COM10.xml');
  });

  it('removes trailing dots and spaces and hides nothing behind a leading dot', () => {
    expect(render('[supplier]/[original_name]', { supplier: 'ACME Inc. ', originalName: 'scan.pdf. . ' })).toBe('ACME Inc/scan.pdf');
    expect(render('[original_name]', { originalName: '.htaccess' })).toBe('_htaccess');
    expect(render('[supplier]/[original_name]', { supplier: '...' })).toBe('unknown/F2025-0117.xml');
  });

  it('normalises Unicode to NFC', () => {
    const decomposed = 'Socie\u0301te\u0301 Ge\u0301ne\u0301rale';
    expect(decomposed).not.toBe(decomposed.normalize('NFC'));
    const rendered = render('[supplier]/[original_name]', { supplier: decomposed });
    expect(rendered).toBe('Société Générale/F2025-0117.xml');
    expect(rendered.split('/')[0]).toHaveLength('Société Générale'.length);
  });

  it('keeps emoji whole', () => {
    const rendered = render('[supplier]/[original_name]', { supplier: '🧾 Bakkerij 🥐', originalName: '👨‍👩‍👧'.repeat(40) + '.pdf' });
    const [supplier, file] = rendered.split('/') as [string, string];
    expect(supplier).toBe('🧾 Bakkerij 🥐');
    expect(file.endsWith('.pdf')).toBe(true);
    expect(utf8Length(file)).toBeLessThanOrEqual(255);
    // Cut between family emoji, never inside one (each is 3 people joined by ZWJ).
    expect(file.slice(0, -4)).toMatch(/^(?:👨‍👩‍👧)+$/u);
  });

  it('replaces empty or missing values by "unknown"', () => {
    expect(render('[client]/[supplier]/[number]/[original_name]', { client: '', supplier: null, number: '   ', originalName: '' })).toBe('unknown/unknown/unknown/unknown');
    expect(render('[supplier]-[number]', { supplier: null, number: '7' })).toBe('unknown-7.xml');
    expect(render('[customer]/[original_name]', { customer: undefined })).toBe('unknown/F2025-0117.xml');
  });
});

describe('renderPathTemplate: lengths', () => {
  it('cuts a 300-character name to 255 bytes, keeping its extension', () => {
    const rendered = render('[original_name]', { originalName: `${'a'.repeat(300)}.xml` }, { maxPath: 1000 });
    expect(rendered).toBe(`${'a'.repeat(251)}.xml`);
    expect(utf8Length(rendered)).toBe(255);
  });

  it('counts bytes, not characters, per name', () => {
    const rendered = render('[original_name]', { originalName: `${'é'.repeat(200)}.xml` });
    expect(rendered).toBe(`${'é'.repeat(125)}.xml`);
    expect(utf8Length(rendered)).toBe(254);
    expect(render('[supplier]/[original_name]', { supplier: 'x'.repeat(300) }, { maxSegment: 50, maxPath: 1000 })).toBe(`${'x'.repeat(50)}/F2025-0117.xml`);
  });

  it('keeps the whole path within maxPath (240 by default) by shortening the longest names first', () => {
    const long = render('[client]/[supplier]/[original_name]', { client: 'c'.repeat(200), supplier: 's'.repeat(150), originalName: `${'o'.repeat(120)}.xml` });
    expect(long).toHaveLength(240);
    const [client, supplier, file] = long.split('/') as [string, string, string];
    expect(file.endsWith('.xml')).toBe(true);
    // Evened out: no name is sacrificed to keep another whole.
    expect(Math.max(client.length, supplier.length, file.length) - Math.min(client.length, supplier.length, file.length)).toBeLessThanOrEqual(6);
    expect(render('[client]/[original_name]', { client: 'c'.repeat(100) }, { maxPath: 60 })).toHaveLength(60);
  });

  it('fails clearly when even shortened names cannot fit', () => {
    const template = `${'[client]/'.repeat(30)}[original_name]`;
    expect(() => render(template)).toThrow(PathTemplateError);
    expect(() => render(template)).toThrow(/longer than 240 characters/);
  });

  it('renders the same path every time (a retry lands on the same name)', () => {
    const overrides = { supplier: '../🧾 Ünïcode:*?', originalName: `${'z'.repeat(400)}.pdf` };
    expect(render('[supplier]/[year]/[original_name]', overrides)).toBe(render('[supplier]/[year]/[original_name]', overrides));
  });
});

describe('validateTemplate', () => {
  it('accepts good templates', () => {
    expect(validateTemplate(DEFAULT_PATH_TEMPLATE)).toBeNull();
    expect(validateTemplate('Boekhouding/[year]/[month] - [supplier] [number].[extension]')).toBeNull();
    expect(validateTemplate('[client]\\[original_name]')).toBeNull();
    expect(render('[client]\\[original_name]')).toBe('Dupont SPRL/F2025-0117.xml');
  });

  it('names the unknown variables', () => {
    const problem = validateTemplate('[clinet]/[yaer]/[original_name]');
    expect(problem).toContain('Unknown variables [clinet], [yaer]');
    expect(problem).toContain('[original_name]'); // lists the known ones
    const detail = checkTemplate('[clinet]/[original_name]');
    expect(detail).toMatchObject({ ok: false, unknownVariables: ['clinet'] });
    expect(() => assertValidTemplate('[date]/[original_name]')).toThrow(/Unknown variable \[date\]/);
    expect(() => renderPathTemplate('[date]/[original_name]', values())).toThrow(PathTemplateError);
  });

  it('refuses absolute templates, traversal, empty folders and a fixed file name', () => {
    expect(validateTemplate('/[client]/[original_name]')).toMatch(/must be relative/);
    expect(validateTemplate('\\[client]/[original_name]')).toMatch(/must be relative/);
    expect(validateTemplate('C:/[original_name]')).toMatch(/must be relative/);
    expect(validateTemplate('../[original_name]')).toMatch(/"\." or "\.\."/);
    expect(validateTemplate('[client]/./[original_name]')).toMatch(/"\." or "\.\."/);
    expect(validateTemplate('[client]//[original_name]')).toMatch(/empty folder name/);
    expect(validateTemplate('[client]/')).toMatch(/empty folder name/);
    expect(validateTemplate('')).toMatch(/empty/);
    expect(validateTemplate('[client]/invoice.xml')).toMatch(/must contain a variable/);
  });

  it('refuses Windows-forbidden characters, control characters and stray brackets', () => {
    expect(validateTemplate('[client]:[year]/[original_name]')).toMatch(/not allowed in file names on Windows: :/);
    expect(validateTemplate('[client]/[original_name]?')).toMatch(/\?/);
    expect(validateTemplate('[client]\n/[original_name]')).toMatch(/control characters/);
    expect(validateTemplate('[client/[original_name]')).toMatch(/"\[" or "\]"/);
    expect(validateTemplate('client]/[original_name]')).toMatch(/"\[" or "\]"/);
  });
});

describe('helpers', () => {
  it('sanitizeSegment makes any single name safe', () => {
    expect(sanitizeSegment('a/b\\c')).toBe('a_b_c');
    expect(sanitizeSegment('AUX')).toBe('AUX_');
    expect(sanitizeSegment('')).toBe('unknown');
    expect(sanitizeSegment('x'.repeat(300), 255, false)).toHaveLength(255);
  });

  it('numberedName numbers copies before the extension and stays within 255 bytes', () => {
    expect(numberedName('invoice.xml', 1)).toBe('invoice.xml');
    expect(numberedName('invoice.xml', 2)).toBe('invoice (2).xml');
    expect(numberedName('README', 12)).toBe('README (12)');
    const long = numberedName(`${'a'.repeat(251)}.xml`, 3);
    expect(long).toBe(`${'a'.repeat(247)} (3).xml`);
    expect(utf8Length(long)).toBe(255);
  });
});
