import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { looksLikeCamt053, looksLikeCoda, looksLikeMt940 } from '../../../src/main/understanding/statements/detect.ts';
import { corpusDir, corpusFiles } from '../../helpers/corpus.ts';
import { camtDocument, camtStatement, codaStatement } from './generate.ts';

const CORPUS = corpusDir();
if (!CORPUS) console.warn('Statement corpus missing (set LEDGERDROP_CORPUS or provide ../shared/corpus): sniffer corpus tests skipped.');
const describeCorpus = CORPUS ? describe : describe.skip;

function head(file: string): string {
  return readFileSync(file, 'latin1').slice(0, 4096);
}

describeCorpus('statement sniffers on the corpus', () => {
  const cases: Array<[string, [boolean, boolean, boolean]]> = [
    ['coda', [true, false, false]],
    ['mt940', [false, true, false]],
    ['camt053', [false, false, true]],
    ['ubl', [false, false, false]],
    ['creditnote', [false, false, false]],
    ['efff', [false, false, false]],
  ];
  for (const [folder, expected] of cases) {
    it(`${folder}/: coda=${expected[0]} mt940=${expected[1]} camt053=${expected[2]}`, () => {
      for (const file of corpusFiles(folder)) {
        const h = head(file);
        expect([looksLikeCoda(h), looksLikeMt940(h), looksLikeCamt053(h)], basename(file)).toEqual(expected);
      }
    });
  }
});

describe('statement sniffers on generated input', () => {
  it('recognise generated files', () => {
    const coda = codaStatement({ iban: 'BE68539007547034', number: '001', opening: '0', closing: '0', movements: [] }).join('\r\n');
    expect(looksLikeCoda(coda)).toBe(true);
    expect(looksLikeCoda(`\ufeff${coda}`)).toBe(true);
    expect(looksLikeCamt053(camtDocument([camtStatement({ iban: 'BE68539007547034', opening: '0', closing: '0', entries: [] })]))).toBe(true);
    expect(looksLikeMt940(':20:REF\r\n:25:NL91ABNA0417164300\r\n:28C:1/1\r\n:60F:C240101EUR0,00\r\n')).toBe(true);
    expect(looksLikeMt940('{1:F01ASNBNL21XXXX0000000000}{2:O940ASNBNL21XXXXN}{3:}{4:\n')).toBe(true);
  });

  it('reject other content', () => {
    for (const text of ['', 'hello', '%PDF-1.7', '0000'.repeat(10), `0000${'x'.repeat(124)}\nrandom text line`, ':20:only a reference', '<Invoice/>']) {
      expect([looksLikeCoda(text), looksLikeMt940(text), looksLikeCamt053(text)], text.slice(0, 20)).toEqual([false, false, false]);
    }
  });
});
