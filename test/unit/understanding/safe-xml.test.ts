import { describe, expect, it } from 'vitest';
import {
  checkXmlText,
  childElement,
  decodeXmlBytes,
  elementText,
  parseXmlBytes,
  parseXmlText,
  sniffXmlRoot,
} from '../../../src/main/understanding/safe-xml.ts';
import type { SafeXmlResult, XmlElement } from '../../../src/main/understanding/safe-xml.ts';

const INV = 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2';
const CBC = 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2';

function ok(result: SafeXmlResult): XmlElement {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.root;
}

function failCode(result: SafeXmlResult): string {
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.error.code;
}

describe('safe-xml: namespaces', () => {
  it('resolves any prefix the sender chose, and default namespaces', () => {
    const root = ok(
      parseXmlText(`<ns0:Invoice xmlns:ns0="${INV}" xmlns:b="${CBC}"><b:ID>A1</b:ID><x xmlns="urn:other"><y/></x><ID xmlns="${CBC}">A2</ID></ns0:Invoice>`),
    );
    expect(root).toMatchObject({ name: 'ns0:Invoice', local: 'Invoice', ns: INV });
    expect(root.children.map((c) => [c.local, c.ns])).toEqual([
      ['ID', CBC],
      ['x', 'urn:other'],
      ['ID', CBC],
    ]);
    expect(root.children[1]?.children[0]?.ns).toBe('urn:other');
    expect(elementText(childElement(root, CBC, 'ID'))).toBe('A1');
  });

  it('reports the root element and namespace', () => {
    const r = parseXmlText(`<?xml version="1.0"?><!-- c --><Invoice xmlns="${INV}"/>`);
    expect(r.rootInfo).toEqual({ name: 'Invoice', local: 'Invoice', ns: INV });
    expect(sniffXmlRoot(`<?xml version="1.0"?>\n<!-- x --><cn:CreditNote xmlns:cn="urn:x" a="1">`)).toEqual({ name: 'cn:CreditNote', local: 'CreditNote', ns: 'urn:x' });
    expect(sniffXmlRoot('<!DOCTYPE x><x/>')).toBeNull();
  });

  it('unbound prefixes have no namespace', () => {
    const root = ok(parseXmlText('<a><p:b/></a>'));
    expect(root.ns).toBeNull();
    expect(root.children[0]?.ns).toBeNull();
  });
});

describe('safe-xml: entities and text', () => {
  it('decodes only the five predefined entities and character references', () => {
    const root = ok(parseXmlText('<a t="&lt;&amp;&quot;&#65;">x &lt; y &amp;&amp; &apos;z&apos; &#x42;&#67; <![CDATA[<raw &amp;>]]></a>'));
    expect(root.attrs['t']).toBe('<&"A');
    expect(root.text).toBe(`x < y && 'z' BC<raw &amp;>`);
  });

  it('an undefined entity is a well-formedness error, not an expansion', () => {
    expect(failCode(parseXmlText('<a>&nbsp;</a>'))).toBe('xml-malformed');
    expect(failCode(parseXmlText('<a>AT&T</a>'))).toBe('xml-malformed');
    expect(failCode(parseXmlText('<a b="&foo;"/>'))).toBe('xml-malformed');
  });

  it('keeps amounts and ids as strings', () => {
    const root = ok(parseXmlText('<a><n>000123</n><m>1.50</m><e>1e5</e><b>true</b></a>'));
    expect(root.children.map((c) => c.text)).toEqual(['000123', '1.50', '1e5', 'true']);
  });

  it('reads a large leaf text (base64) fast, trimmed and entity-decoded', () => {
    const b64 = 'QUJD'.repeat(2_500_000); // 10 MB
    const started = performance.now();
    const root = ok(parseXmlText(`<a><cbc:Obj xmlns:cbc="${CBC}" mimeCode="application/pdf">\n  ${b64}\n</cbc:Obj><big>${'x'.repeat(5000)}&amp;</big></a>`));
    const ms = performance.now() - started;
    expect(root.children[0]?.text.length).toBe(b64.length);
    expect(root.children[1]?.text).toBe(`${'x'.repeat(5000)}&`);
    expect(ms).toBeLessThan(3000);
  });
});

describe('safe-xml: refusals and limits', () => {
  it('refuses any DOCTYPE or ENTITY declaration', () => {
    expect(failCode(parseXmlText('<!DOCTYPE a><a/>'))).toBe('xml-doctype-refused');
    expect(failCode(parseXmlText('<?xml version="1.0"?>\n<!doctype a SYSTEM "http://example.com/a.dtd"><a/>'))).toBe('xml-doctype-refused');
    expect(failCode(parseXmlText('<a/><!ENTITY x "y">'))).toBe('xml-entity-refused');
  });

  it('limits size, depth, attributes and element count', () => {
    expect(failCode(parseXmlText('<a>xxxxxxxxxx</a>', { maxBytes: 10 }))).toBe('xml-too-large');
    expect(failCode(parseXmlBytes(Buffer.from('<a>xxxxxxxxxx</a>'), { maxBytes: 10 }))).toBe('xml-too-large');
    expect(failCode(parseXmlText(`${'<a>'.repeat(65)}${'</a>'.repeat(65)}`))).toBe('xml-too-deep');
    ok(parseXmlText(`${'<a>'.repeat(64)}${'</a>'.repeat(64)}`));
    expect(failCode(parseXmlText(`${'<a>'.repeat(11)}${'</a>'.repeat(11)}`, { maxDepth: 10 }))).toBe('xml-too-deep');
    const attrs = (n: number): string => `<a ${Array.from({ length: n }, (_, i) => `x${i}="1"`).join(' ')}/>`;
    expect(failCode(parseXmlText(attrs(257)))).toBe('xml-too-many-attributes');
    ok(parseXmlText(attrs(256)));
    expect(failCode(parseXmlText(`<a>${'<b/>'.repeat(20)}</a>`, { maxElements: 10 }))).toBe('xml-too-many-elements');
    // The element limit is about building a tree; a check alone (enough to classify) does not need it.
    expect(checkXmlText(`<a>${'<b/>'.repeat(20)}</a>`, { maxElements: 10 }).ok).toBe(true);
    expect(failCode(parseXmlText(`<a>${'<b x="1"/>'.repeat(20)}</a>`, { maxTotalAttributes: 10 }))).toBe('xml-too-many-attributes');
  });

  it('limits entity references and long text mixed with markup (fast-xml-parser cost)', () => {
    expect(failCode(parseXmlText(`<a>${'&amp;'.repeat(101)}</a>`, { maxReferences: 100 }))).toBe('xml-too-many-references');
    expect(failCode(parseXmlText(`<a b="${'&lt;'.repeat(101)}"/>`, { maxReferences: 100 }))).toBe('xml-too-many-references');
    const mixed = `<a>${`${'x'.repeat(100_000)}<!-- -->`.repeat(12)}</a>`;
    expect(failCode(parseXmlText(mixed))).toBe('xml-text-too-large');
    const leaf = ok(parseXmlText(`<a><b>${'x'.repeat(2_000_000)}</b></a>`));
    expect(leaf.children[0]?.text.length).toBe(2_000_000);
    const rootText = ok(parseXmlText(`<a>${'y&amp;'.repeat(20_000)}</a>`));
    expect(rootText.text).toBe('y&'.repeat(20_000));
  });

  it('a truncated document says so, with a line number', () => {
    const doc = '<?xml version="1.0"?>\n<Invoice>\n  <ID>1</ID>\n  <Party>\n    <Name>Acme';
    const r = parseXmlText(doc);
    expect(failCode(r)).toBe('xml-malformed');
    if (!r.ok) {
      expect(r.error.message).toMatch(/line 5/);
      expect(r.error.message).toMatch(/truncated/);
      expect(r.rootInfo?.local).toBe('Invoice');
    }
    const cut = parseXmlText('<a>\n<b attr="x');
    expect(failCode(cut)).toBe('xml-malformed');
  });

  it('other well-formedness errors', () => {
    const mismatch = parseXmlText('<a>\n<b>\n</a>');
    expect(failCode(mismatch)).toBe('xml-malformed');
    if (!mismatch.ok) expect(mismatch.error.message).toMatch(/line 3/);
    expect(failCode(parseXmlText('<a/><b/>'))).toBe('xml-malformed');
    expect(failCode(parseXmlText('<a/>trailing'))).toBe('xml-malformed');
    expect(failCode(parseXmlText('<a x=1/>'))).toBe('xml-malformed');
    expect(failCode(parseXmlText('<a x="1" x="2"/>'))).toBe('xml-malformed');
    expect(failCode(parseXmlText('<a x="<"/>'))).toBe('xml-malformed');
    expect(failCode(parseXmlText(''))).toBe('xml-malformed');
    expect(failCode(parseXmlText('<1a/>'))).toBe('xml-malformed');
    expect(failCode(parseXmlText('<a><!-- never closed </a>'))).toBe('xml-malformed');
  });

  it('never throws on garbage', () => {
    const garbage = Buffer.alloc(50_000);
    for (let i = 0; i < garbage.length; i += 1) garbage[i] = (i * 7919 + 13) & 0xff;
    garbage[0] = 0x3c; // '<'
    const r = parseXmlBytes(garbage);
    expect(r.ok).toBe(false);
  });
});

describe('safe-xml: encodings', () => {
  const xml = `<?xml version="1.0" encoding="UTF-16"?><a xmlns="${INV}">Café €</a>`;

  it('UTF-8 with a BOM', () => {
    const root = ok(parseXmlBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<a>Café €</a>')])));
    expect(root.text).toBe('Café €');
  });

  it('UTF-16 LE and BE, with and without BOM', () => {
    const le = Buffer.from(xml, 'utf16le');
    const be = Buffer.from(le).swap16();
    for (const bytes of [Buffer.concat([Buffer.from([0xff, 0xfe]), le]), le, Buffer.concat([Buffer.from([0xfe, 0xff]), be]), be]) {
      const r = parseXmlBytes(bytes);
      expect(ok(r).text).toBe('Café €');
      expect(r.rootInfo?.ns).toBe(INV);
    }
  });

  it('a declared 8-bit encoding', () => {
    const latin = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>Caf\xe9</a>', 'latin1');
    expect(ok(parseXmlBytes(latin)).text).toBe('Café');
    expect(decodeXmlBytes(latin).encoding).toBe('iso-8859-1');
  });

  it('invalid UTF-8 is read with a warning, an unknown encoding is refused', () => {
    const bad = Buffer.concat([Buffer.from('<a>'), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from('</a>')]);
    const r = parseXmlBytes(bad);
    expect(r.ok).toBe(true);
    expect(r.findings.map((f) => f.code)).toContain('xml-encoding-invalid');
    expect(failCode(parseXmlBytes(Buffer.from('<?xml version="1.0" encoding="x-klingon"?><a/>')))).toBe('xml-encoding-unsupported');
  });
});
