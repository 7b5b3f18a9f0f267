import { describe, expect, it } from 'vitest';
import type { RuleSet } from '../../../src/main/understanding/validation/rulesets.ts';
import type { Rule } from '../../../src/main/understanding/validation/types.ts';
import { loadUbl } from './validate-file.ts';
import { validateWith } from '../../../src/main/understanding/validation/validate.ts';

const XML = `<?xml version="1.0"?>
<x:Invoice xmlns:x="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:a="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:b="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <b:ID>1</b:ID>
  <a:InvoiceLine><b:ID>1</b:ID><b:LineExtensionAmount currencyID="EUR">10.00</b:LineExtensionAmount></a:InvoiceLine>
  <a:InvoiceLine><b:ID>2</b:ID></a:InvoiceLine>
</x:Invoice>`;

const lineAmount: Rule = {
  id: 'TEST-01',
  severity: 'fatal',
  message: 'Each line has a net amount (BT-131).',
  check(doc, fail) {
    for (const line of doc.lines()) if (!doc.exists(line, 'cbc:LineExtensionAmount')) fail(line, `line ${doc.text(line, 'cbc:ID')}`);
  },
};
const broken: Rule = {
  id: 'TEST-02',
  severity: 'warning',
  message: 'never mind',
  check() {
    throw new Error('boom');
  },
};
const set = (rules: Rule[], restrictTo?: Set<string>): RuleSet => ({ id: 'en16931', release: 'test', modules: [{ source: 'cen', rules }], ...(restrictTo ? { restrictTo } : {}) });

describe('validation framework', () => {
  it('reports a broken rule with its id, severity, message and an XPath-like location, whatever the prefixes', () => {
    const { root } = loadUbl(XML);
    const report = validateWith(root, set([lineAmount]));
    expect(report).toEqual({
      valid: false,
      ruleset: 'en16931',
      release: 'test',
      errors: [{ rule: 'TEST-01', severity: 'fatal', message: 'Each line has a net amount (BT-131). (line 2)', path: '/Invoice/cac:InvoiceLine[2]' }],
      warnings: [],
    });
  });

  it('turns a rule that throws into a warning and still runs the others', () => {
    const { root } = loadUbl(XML);
    const report = validateWith(root, set([broken, lineAmount]));
    expect(report.errors.map((e) => e.rule)).toEqual(['TEST-01']);
    expect(report.warnings).toEqual([expect.objectContaining({ rule: 'TEST-02', message: expect.stringContaining('boom') })]);
  });

  it('runs only the rules a restricted set allows', () => {
    const { root } = loadUbl(XML);
    expect(validateWith(root, set([lineAmount], new Set(['OTHER']))).valid).toBe(true);
    expect(validateWith(root, set([lineAmount], new Set(['test-01'.toUpperCase()]))).valid).toBe(false);
  });
});
