/**
 * Helpers to write schematron-style rules: a rule has a context (the elements its `<rule context>`
 * selects) and a test evaluated on each of them. A test returns a verdict; a value XPath could not
 * cast (xs:decimal('abc'), xs:date('31/12')) is thrown as {@link NotCastable} and reported as a
 * failure of the rule at that element, where the official validators would stop with an error.
 */
import type { XmlElement } from '../../../../safe-xml.ts';
import type { UblDocument } from '../../../document.ts';
import type { Rule, RuleSeverity } from '../../../types.ts';

/** true: the rule holds; false: it fails (at the context element); a string: it fails, with this detail; or a place and detail. */
export type Verdict = boolean | string | { at: XmlElement | null; detail?: string };

export class NotCastable extends Error {
  readonly at: XmlElement | null;
  constructor(at: XmlElement | null, message: string) {
    super(message);
    this.at = at;
  }
}

type Fail = (at: XmlElement | null, detail?: string) => void;

function report(verdict: Verdict, context: XmlElement | null, fail: Fail): void {
  if (verdict === true) return;
  if (verdict === false) fail(context);
  else if (typeof verdict === 'string') fail(context, verdict);
  else fail(verdict.at ?? context, verdict.detail);
}

function evaluate<S>(x: S, el: XmlElement, test: (x: S, el: XmlElement) => Verdict, fail: Fail): void {
  let verdict: Verdict;
  try {
    verdict = test(x, el);
  } catch (error) {
    if (!(error instanceof NotCastable)) throw error;
    fail(error.at ?? el, error.message);
    return;
  }
  report(verdict, el, fail);
}

/**
 * A rule over the elements `contexts(x)` selects, `x` being the per-document state built once by
 * `state(doc)` (cached by the caller).
 */
export function contextRule<S>(
  state: (doc: UblDocument) => S,
  id: string,
  severity: RuleSeverity,
  message: string,
  contexts: (x: S) => Iterable<XmlElement>,
  test: (x: S, el: XmlElement) => Verdict,
): Rule {
  return {
    id,
    severity,
    message,
    check(doc, fail) {
      const x = state(doc);
      const selected = contexts(x);
      if (Array.isArray(selected)) {
        // Most contexts are arrays: an index loop allocates no iterator results.
        const list = selected as readonly XmlElement[];
        for (let i = 0; i < list.length; i += 1) evaluate(x, list[i]!, test, fail);
      } else {
        for (const el of selected) evaluate(x, el, test, fail);
      }
    },
  };
}
