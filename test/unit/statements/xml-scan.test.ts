import { describe, expect, it } from 'vitest';
import { scanXml, xmlAttribute, xmlText } from '../../../src/main/understanding/statements/xml-scan.ts';

function events(xml: string): { log: string[]; error: ReturnType<typeof scanXml> } {
  const log: string[] = [];
  const error = scanXml(xml, {
    open: (name, attributes) => log.push(`<${name}${attributes}>`),
    close: (name, start, end, leaf) => log.push(`</${name}>${leaf ? `=${JSON.stringify(xmlText(xml.slice(start, end)))}` : ''}`),
  });
  return { log, error };
}

describe('scanXml', () => {
  it('reports elements, local names, leaves and their text', () => {
    const { log, error } = events(
      '<?xml version="1.0"?>\n<!-- head --><a:Doc xmlns:a="urn:x"><a:Amt Ccy="EUR" note=\'a > b\'>1.50</a:Amt><Empty/><T><![CDATA[<x&y>]]> &amp; &#65;&#x42;<!-- c --></T></a:Doc>\n',
    );
    expect(error).toBeNull();
    expect(log).toEqual([
      '<Doc xmlns:a="urn:x">',
      `<Amt Ccy="EUR" note='a > b'>`,
      '</Amt>="1.50"',
      '<Empty>',
      '</Empty>=""',
      '<T>',
      '</T>="<x&y> & AB"',
      '</Doc>',
    ]);
  });

  it('finds the problems of broken documents, with a line number', () => {
    const cases: Array<[string, RegExp, number]> = [
      ['<a><b></a>', /closes <b>/, 1],
      ['<a>\n<b>\n</b>', /cut off/, 3],
      ['<a></a><b></b>', /second root/, 1],
      ['<a></a>trailing', /after the end/, 1],
      ['text<a/>', /before the first element/, 1],
      ['<a>\n</b>', /closes <a>/, 2],
      ['</a>', /no matching start tag/, 1],
      ['<a><!DOCTYPE x></a>', /declarations/, 1],
      ['<a><1b/></a>', /does not start a valid tag/, 1],
      ['<a x=1></a>', /malformed/, 1],
      ['<a x="1"y="2"></a>', /malformed/, 1],
      ['<a attr="x></a>', /not closed/, 1],
      ['<a><!-- never closed </a>', /comment/, 1],
      ['', /no element/, 1],
      ['   ', /no element/, 1],
    ];
    for (const [xml, message, line] of cases) {
      const { error } = events(xml);
      expect(error, xml).not.toBeNull();
      expect(error?.message, xml).toMatch(message);
      expect(error?.line, xml).toBe(line);
    }
  });

  it('is linear on deep nesting (no recursion)', () => {
    const depth = 200_000;
    const xml = '<a>'.repeat(depth) + '</a>'.repeat(depth);
    let closes = 0;
    expect(scanXml(xml, { open() {}, close() { closes += 1; } })).toBeNull();
    expect(closes).toBe(depth);
  });
});

describe('xmlText and xmlAttribute', () => {
  it('decodes only the predefined entities and character references', () => {
    expect(xmlText('  a &lt;b&gt; &quot;c&quot; &apos;d&apos; &amp;amp; &unknown; &#0; ')).toBe('a <b> "c" \'d\' &amp; &unknown; &#0;');
  });
  it('reads attributes with either quote, with or without a prefix', () => {
    expect(xmlAttribute(' Ccy="EUR"', 'Ccy')).toBe('EUR');
    expect(xmlAttribute(" x:Ccy = 'USD' ", 'Ccy')).toBe('USD');
    expect(xmlAttribute(' OtherCcy="EUR"', 'Ccy')).toBeNull();
    expect(xmlAttribute('', 'Ccy')).toBeNull();
  });
});
