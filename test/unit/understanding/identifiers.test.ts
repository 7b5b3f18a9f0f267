import { describe, expect, it } from 'vitest';
import {
  beMod97Ok,
  glnCheckOk,
  normalizeBelgian,
  normalizeDocumentIdentifier,
  normalizeIdentifier,
  normalizeWithScheme,
  splitSchemeId,
} from '../../../src/main/understanding/identifiers.ts';

describe('Belgian enterprise / VAT numbers', () => {
  it('mod 97: 97 - (first 8 digits mod 97) = last 2 digits', () => {
    expect(beMod97Ok('0123456749')).toBe(true);
    expect(beMod97Ok('0000000196')).toBe(true); // UBL.BE test supplier
    expect(beMod97Ok('0000000295')).toBe(true); // UBL.BE test customer
    expect(beMod97Ok('0202239951')).toBe(true);
    expect(beMod97Ok('0000000097')).toBe(true); // remainder 0 -> check 97
    expect(beMod97Ok('0123456748')).toBe(false);
    expect(beMod97Ok('0000000197')).toBe(false);
    expect(beMod97Ok('123456749')).toBe(false); // 9 digits: not padded here
  });

  it('every spelling normalises to the same key', () => {
    const spellings = ['BE0123.456.749', 'BE 0123 456 749', 'be0123456749', '0123456749', '0123.456.749', '123456749', '123.456.749', 'BE123456749', ' 0123-456-749 '];
    for (const s of spellings) {
      const n = normalizeIdentifier(s);
      expect(n, s).toMatchObject({ type: 'be-enterprise', value: '0123456749', key: 'BE:0123456749', valid: true, problem: null });
    }
    expect(normalizeIdentifier('9925:BE0123456749').key).toBe('BE:0123456749');
    expect(normalizeIdentifier('0208:0123456749').key).toBe('BE:0123456749');
    expect(normalizeIdentifier('iso6523-actorid-upis::0208:0123456749').key).toBe('BE:0123456749');
    expect(normalizeIdentifier('KBO 0123.456.749').key).toBe('BE:0123456749');
    expect(normalizeIdentifier('BTW BE 0123.456.749').key).toBe('BE:0123456749');
  });

  it('invalid numbers have no key and say why', () => {
    const bad = normalizeIdentifier('BE0123.456.748');
    expect(bad).toMatchObject({ type: 'be-enterprise', value: '0123456748', key: null, valid: false });
    expect(bad.problem).toMatch(/mod-97/);
    expect(bad.problem).toMatch(/49/);
    expect(normalizeBelgian('BE12345').valid).toBe(false);
    expect(normalizeBelgian('BE01234567490').problem).toMatch(/10 digits/);
    expect(normalizeWithScheme('01234567', '0208').valid).toBe(false);
  });
});

describe('Dutch, GLN and other identifiers', () => {
  it('KVK: 8 digits (scheme 0106)', () => {
    expect(normalizeIdentifier('12345678')).toMatchObject({ type: 'nl-kvk', key: 'NL-KVK:12345678', valid: true });
    expect(normalizeIdentifier('0106:12345678').key).toBe('NL-KVK:12345678');
    expect(normalizeIdentifier('KvK 1234 5678').key).toBe('NL-KVK:12345678');
    expect(normalizeWithScheme('1234567', '0106')).toMatchObject({ valid: false, key: null });
  });

  it('OIN: 20 digits (scheme 0190)', () => {
    expect(normalizeIdentifier('00000001234567890000')).toMatchObject({ type: 'nl-oin', key: 'NL-OIN:00000001234567890000', valid: true });
    expect(normalizeIdentifier('0190:00000001234567890000').key).toBe('NL-OIN:00000001234567890000');
    expect(normalizeWithScheme('123', '0190').valid).toBe(false);
  });

  it('GLN: 13 digits with the GS1 check digit (scheme 0088)', () => {
    expect(glnCheckOk('5412345000013')).toBe(true);
    expect(glnCheckOk('7300010000001')).toBe(true);
    expect(glnCheckOk('0093007000005')).toBe(true);
    expect(glnCheckOk('5412345000014')).toBe(false);
    expect(glnCheckOk('541234500001')).toBe(false);
    expect(normalizeIdentifier('0088:5412345000013')).toMatchObject({ type: 'gln', key: 'GLN:5412345000013', valid: true });
    expect(normalizeIdentifier('5412345000014')).toMatchObject({ type: 'gln', key: null, valid: false });
    expect(normalizeIdentifier('0088:9482348239847239874').valid).toBe(false);
  });

  it('VAT numbers: country prefix + alphanumerics, uppercased', () => {
    expect(normalizeIdentifier('NL123456789B01')).toMatchObject({ type: 'vat', key: 'VAT:NL123456789B01', valid: true });
    expect(normalizeIdentifier('nl 1234.56.789.b.01').key).toBe('VAT:NL123456789B01');
    expect(normalizeIdentifier('9944:NL123456789B01').key).toBe('VAT:NL123456789B01');
    expect(normalizeIdentifier('NL123456789').valid).toBe(false); // B01 suffix missing
    expect(normalizeIdentifier('DE 123 456 789').key).toBe('VAT:DE123456789');
    expect(normalizeIdentifier('fr12345678901').key).toBe('VAT:FR12345678901');
    expect(normalizeIdentifier('EL123456789').key).toBe('VAT:EL123456789');
    expect(normalizeIdentifier('ATU12345678').key).toBe('VAT:ATU12345678');
    expect(normalizeIdentifier('9930:DE123456789').key).toBe('VAT:DE123456789');
  });

  it('unknown schemes and shapes keep a plain key', () => {
    expect(normalizeIdentifier('0007:5560409011')).toMatchObject({ type: 'other', key: 'ID-0007:5560409011', valid: true });
    expect(splitSchemeId(' 0208 : 0123456749 ')).toEqual({ scheme: '0208', value: '0123456749' });
    expect(splitSchemeId('BE0123456749')).toEqual({ scheme: null, value: 'BE0123456749' });
    expect(normalizeIdentifier('').valid).toBe(false);
  });

  it('values found in documents without a scheme are not reported as bad Belgian numbers by shape alone', () => {
    // A Swedish 10-digit organisation number is not a Belgian number that fails mod 97.
    expect(normalizeDocumentIdentifier('5560409011', null)).toMatchObject({ type: 'other', valid: true, key: 'ID:5560409011' });
    // ...but a value that says it is Belgian is checked.
    expect(normalizeDocumentIdentifier('BE5560409011', null)).toMatchObject({ type: 'be-enterprise', valid: false });
    expect(normalizeDocumentIdentifier('0000000196', '0208')).toMatchObject({ key: 'BE:0000000196', valid: true });
  });
});
