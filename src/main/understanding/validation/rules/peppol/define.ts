import type { XmlElement } from '../../../safe-xml.ts';
import type { Rule, RuleSeverity } from '../../types.ts';
import { factsOf, type DocFacts } from './context.ts';

export type Fail = (at: XmlElement | null, detail?: string) => void;

/** A rule whose check receives the document's cached facts. */
export function defineRule(id: string, severity: RuleSeverity, message: string, check: (f: DocFacts, fail: Fail) => void): Rule {
  return {
    id,
    severity,
    message,
    check(doc, fail) {
      check(factsOf(doc), fail);
    },
  };
}

/** Shortens a value for a message. */
export function quote(value: string, max = 60): string {
  const v = value.length > max ? `${value.slice(0, max)}…` : value;
  return `"${v}"`;
}
