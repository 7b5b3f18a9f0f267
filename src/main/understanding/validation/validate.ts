import type { XmlElement } from '../safe-xml.ts';
import type { UblFormat } from '../types.ts';
import { UblDocument } from './document.ts';
import { ruleSetFor, rulesOf, type RuleSet } from './rulesets.ts';
import type { Rule, ValidationIssue, ValidationReport } from './types.ts';

/** At most this many issues of one rule are listed; a document with 10,000 bad lines stays readable. */
const MAX_ISSUES_PER_RULE = 50;

/**
 * Validates a UBL Invoice or CreditNote (its root element, SBDH already unwrapped) against the
 * rule set its format calls for. Returns null for plain UBL, which no official rule set covers.
 */
export function validateUbl(root: XmlElement, format: UblFormat): ValidationReport | null {
  const set = ruleSetFor(format);
  return set ? validateWith(root, set) : null;
}

export function validateWith(root: XmlElement, set: RuleSet): ValidationReport {
  const doc = new UblDocument(root);
  const errors: ValidationIssue[] = [];
  const warnings: ValidationIssue[] = [];
  // One `fail` for the whole run (rules are synchronous): the rule being checked and its count of
  // failures are kept here rather than in a new closure per rule.
  let rule: Rule | null = null;
  let count = 0;
  const fail = (at: XmlElement | null, detail?: string): void => {
    count += 1;
    if (count > MAX_ISSUES_PER_RULE || !rule) return;
    const issue: ValidationIssue = {
      rule: rule.id,
      severity: rule.severity,
      message: detail ? `${rule.message} (${detail})` : rule.message,
      path: doc.locate(at),
    };
    (rule.severity === 'fatal' ? errors : warnings).push(issue);
  };
  const rules = rulesOf(set);
  for (let r = 0; r < rules.length; r += 1) {
    const current = rules[r]!;
    rule = current;
    count = 0;
    try {
      current.check(doc, fail);
    } catch (error) {
      warnings.push({
        rule: current.id,
        severity: 'warning',
        message: `Ledgerdrop could not evaluate this rule on this document (${error instanceof Error ? error.message : String(error)}); please report it.`,
        path: doc.locate(null),
      });
    }
    if (count > MAX_ISSUES_PER_RULE) {
      (current.severity === 'fatal' ? errors : warnings).push({
        rule: current.id,
        severity: current.severity,
        message: `${count - MAX_ISSUES_PER_RULE} more places break ${current.id}.`,
        path: doc.locate(null),
      });
    }
  }
  rule = null;
  return { valid: errors.length === 0, ruleset: set.id, release: set.release, errors, warnings };
}
