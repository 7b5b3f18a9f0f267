/**
 * The helpers the CEN rules are built on: the XPath string and date functions, the per-document
 * index, and the UBL-CR path language (their exact decimals: test/unit/understanding/decimal.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { parseXmlText } from '../../../src/main/understanding/safe-xml.ts';
import { indexXml } from '../../../src/main/understanding/validation/rules/cen/support/xml-index.ts';
import { CAC, CBC, decimalsOf, inTokenList, normalizeSpace, parseXsDate, stringLength, substring, xsBoolean } from '../../../src/main/understanding/validation/rules/cen/support/xpath.ts';
import { parseCrPath } from '../../../src/main/understanding/validation/rules/cen/ubl-cr-path.ts';

describe('XPath helpers', () => {
  it('normalize-space, string-length (code points), substring', () => {
    expect(normalizeSpace('  a \t\n b  ')).toBe('a b');
    expect(stringLength('a😀b')).toBe(3);
    expect(substring('😀BE123', 1, 2)).toBe('😀B');
    expect(decimalsOf('12.345')).toBe(3);
    expect(decimalsOf('12')).toBe(0);
  });

  it('code-list membership: a whole token, never empty, never two tokens', () => {
    const list = new Set(['AE', 'S']);
    expect(inTokenList(list, ' S ')).toBe(true);
    expect(inTokenList(list, '')).toBe(false);
    expect(inTokenList(list, 'AE S')).toBe(false);
    expect(inTokenList(list, 'A')).toBe(false);
  });

  it('xs:boolean for charge indicators', () => {
    expect([xsBoolean('true'), xsBoolean(' 1 '), xsBoolean('false'), xsBoolean('0'), xsBoolean('TRUE'), xsBoolean('')]).toEqual([true, true, false, false, null, null]);
  });

  it('xs:date: valid dates only, leap years, timezones', () => {
    expect(parseXsDate('2024-02-29')).not.toBeNull();
    expect(parseXsDate('2023-02-29')).toBeNull();
    expect(parseXsDate('1900-02-29')).toBeNull();
    expect(parseXsDate('2000-02-29')).not.toBeNull();
    expect(parseXsDate('2026-13-01')).toBeNull();
    expect(parseXsDate('2026-1-01')).toBeNull();
    expect(parseXsDate('20260101')).toBeNull();
    expect(parseXsDate('2026-01-31T00:00:00')).toBeNull();
    expect((parseXsDate('2026-01-02') as number) > (parseXsDate('2026-01-01') as number)).toBe(true);
    // The same calendar day starts earlier in a timezone east of UTC.
    expect((parseXsDate('2026-01-01+02:00') as number) < (parseXsDate('2026-01-01Z') as number)).toBe(true);
  });
});

describe('per-document index', () => {
  it('finds elements by name in document order, their ancestors and attributes', () => {
    const parsed = parseXmlText(`<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="${CAC}" xmlns:c="${CBC}">
      <cac:A><c:ID schemeID="x">1</c:ID></cac:A><cac:B><cac:A><c:ID>2</c:ID></cac:A></cac:B></Invoice>`);
    if (!parsed.ok) throw new Error('parse');
    const index = indexXml(parsed.root);
    expect(indexXml(parsed.root)).toBe(index);
    expect(index.byName(CBC, 'ID').map((e) => e.text)).toEqual(['1', '2']);
    const second = index.byName(CBC, 'ID')[1];
    expect(second && index.ancestor(second, CAC, 'B')?.local).toBe('B');
    expect(index.attrOwner('schemeID')?.text).toBe('1');
    expect(index.attrCount('schemeID')).toBe(1);
    expect(index.byName(CBC, 'Nope')).toEqual([]);
  });
});

describe('UBL-CR path language', () => {
  it('parses relative, anywhere, union, predicate and attribute steps', () => {
    expect(parseCrPath('cac:AccountingSupplierParty/cac:Party/cac:Language').steps.map((s) => s.names[0]?.[1])).toEqual(['AccountingSupplierParty', 'Party', 'Language']);
    const union = parseCrPath('(cac:InvoiceLine|cac:CreditNoteLine)/cbc:UUID');
    expect(union.steps[0]?.names.map((n) => n[1])).toEqual(['InvoiceLine', 'CreditNoteLine']);
    const pred = parseCrPath("//cac:AdditionalDocumentReference[cbc:DocumentTypeCode != '130' or not(cbc:DocumentTypeCode)]/cbc:ID/@schemeID");
    expect(pred.anywhere).toBe(true);
    expect(pred.attribute).toBe('schemeID');
    expect(pred.steps[0]?.predicate).toMatchObject({ op: '!=', value: '130', orAbsent: true });
    expect(parseCrPath('//@unitCodeListID')).toMatchObject({ anywhere: true, steps: [], attribute: 'unitCodeListID' });
  });

  it('refuses what it does not understand', () => {
    expect(() => parseCrPath('cac:A[position() = 1]')).toThrow(/unsupported predicate/);
    expect(() => parseCrPath('x:A')).toThrow(/element name/);
    expect(() => parseCrPath('cac:A/@*')).toThrow(/attribute/);
  });
});
