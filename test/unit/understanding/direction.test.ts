import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { directionFor, explainDirection } from '../../../src/main/understanding/direction.ts';
import type { DirectionInput } from '../../../src/main/understanding/direction.ts';
import { inspectFile } from '../../../src/main/understanding/inspect.ts';
import { corpusDir } from '../../helpers/corpus.ts';

const party = (p: Partial<DirectionInput['supplier'] & object>): NonNullable<DirectionInput['supplier']> => ({
  endpointId: null,
  endpointScheme: null,
  vatId: null,
  companyId: null,
  ...p,
});

const beInvoice: DirectionInput = {
  supplier: party({ endpointId: '0123456749', endpointScheme: '0208', vatId: 'BE0123456749' }),
  customer: party({ endpointId: 'BE0202239951', endpointScheme: '9925', companyId: '0202.239.951' }),
};

describe('directionFor', () => {
  it('BE0123.456.749, 0123456749 and 9925:BE0123456749 are the same party', () => {
    for (const id of ['BE0123.456.749', '0123456749', '9925:BE0123456749', '0208:0123456749', '123456749', 'be 0123 456 749']) {
      expect(directionFor(beInvoice, [id]), id).toBe('sales');
    }
    for (const id of ['BE0202.239.951', '0202239951', '9925:BE0202239951', '0208:0202239951']) {
      expect(directionFor(beInvoice, [id]), id).toBe('purchase');
    }
  });

  it('both or neither is unknown', () => {
    expect(directionFor(beInvoice, ['BE0123456749', '0202239951'])).toBe('unknown');
    expect(directionFor(beInvoice, ['BE0403170701'])).toBe('unknown');
    expect(directionFor(beInvoice, [])).toBe('unknown');
    const both = explainDirection(beInvoice, ['BE0123456749', '0202239951']);
    expect(both.findings.map((f) => f.code)).toContain('direction-ambiguous');
  });

  it('an invalid check digit never matches, and is reported', () => {
    const badClient = explainDirection(beInvoice, ['BE0123456748']);
    expect(badClient.direction).toBe('unknown');
    expect(badClient.findings.map((f) => f.code)).toContain('client-id-invalid');

    const badParty: DirectionInput = { supplier: party({ endpointId: '0123456748', endpointScheme: '0208' }), customer: null };
    const explained = explainDirection(badParty, ['0123456748']);
    expect(explained.direction).toBe('unknown');
    expect(explained.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['client-id-invalid', 'party-id-invalid']));
  });

  it('Dutch identifiers: VAT, KVK, OIN, GLN in several spellings', () => {
    const nl: DirectionInput = {
      supplier: party({ vatId: 'NL1111.11.111.B.01', companyId: '87654321', endpointId: '00000001234567890000', endpointScheme: '0190' }),
      customer: party({ endpointId: '5412345000013', endpointScheme: '0088', companyId: '11111111' }),
    };
    for (const id of ['NL111111111B01', 'nl 1111 11 111 b01', '9944:NL111111111B01', '0190:00000001234567890000', 'KvK 87654321']) {
      expect(directionFor(nl, [id]), id).toBe('sales');
    }
    for (const id of ['5412345000013', '0088:5412345000013', '11111111', '0106:11111111', 'KVK: 1111 1111']) {
      expect(directionFor(nl, [id]), id).toBe('purchase');
    }
    expect(directionFor(nl, ['5412345000014'])).toBe('unknown'); // wrong GLN check digit
  });
});

const corpus = corpusDir();
if (!corpus) console.warn('Corpus not found (set LEDGERDROP_CORPUS or provide ../shared/corpus): corpus direction tests skipped.');
const describeCorpus = corpus ? describe : describe.skip;

describeCorpus('direction on corpus documents', () => {
  const at = (local: string): string => join(corpus ?? '', local);

  it('UBL.BE 15000001: 0000000196 is the supplier, 0000000295 the customer', async () => {
    const file = at('efff/ublbe131_UBLBE_BE0000000196_V01-15000001.xml');
    for (const id of ['BE0000000196', 'BE 0000.000.196', '0208:0000000196', '9925:BE0000000196', '000000196']) {
      expect((await inspectFile(file, { clientIds: [id] })).direction, id).toBe('sales');
    }
    for (const id of ['BE0000000295', '0000.000.295', '0208:0000000295']) {
      expect((await inspectFile(file, { clientIds: [id] })).direction, id).toBe('purchase');
    }
    expect((await inspectFile(file, { clientIds: ['BE0000000197'] })).direction).toBe('unknown');
  });

  it('UBL.BE credit note 15000002 keeps the seller as supplier: sales for the seller', async () => {
    const file = at('efff/ublbe131_UBLBE_BE0000000196_V01-15000002.xml');
    expect((await inspectFile(file, { clientIds: ['BE0000000196'] })).direction).toBe('sales');
    expect((await inspectFile(file, { clientIds: ['BE0000000295'] })).direction).toBe('purchase');
  });

  it('UBL.BE 15000022: the same number on both sides needs review', async () => {
    const r = await inspectFile(at('efff/ublbe131_UBLBE_BE0000000196_V01-15000022.xml'), { clientIds: ['0000000295'] });
    expect(r.direction).toBe('unknown');
    expect(r.findings.map((f) => f.code)).toContain('direction-ambiguous');
  });

  it('NLCIUS: supplier by NL VAT, customer by KVK', async () => {
    const file = at('ubl/nlcius_SI-UBL-2.0_ok_base.xml');
    expect((await inspectFile(file, { clientIds: ['NL111111111B01'] })).direction).toBe('sales');
    expect((await inspectFile(file, { clientIds: ['KvK 11111111'] })).direction).toBe('purchase');
    expect((await inspectFile(file, { clientIds: ['0106:11111111'] })).direction).toBe('purchase');
  });

  it('UBL.BE 15000015: a customer identified by GLN', async () => {
    const r = await inspectFile(at('efff/ublbe131_UBLBE_BE0000000196_V01-15000015.xml'), { clientIds: ['GLN 0093007000005'] });
    expect(r.direction).toBe('purchase');
  });
});
