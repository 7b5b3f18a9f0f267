/**
 * The validator's vocabulary. Rules are implemented in our own code from the published rule
 * sources (../shared/reference/rules): each rule keeps its official id, its flag (fatal/warning)
 * and a plain-language message.
 */
import type { XmlElement } from '../safe-xml.ts';
import type { UblDocument } from './document.ts';

export type RuleSeverity = 'fatal' | 'warning';

/** The rule sets we implement, by their source. */
export type RuleSource = 'cen' | 'peppol' | 'peppol-selfbilling' | 'ublbe' | 'nlcius';

export interface ValidationIssue {
  /** Official rule id, e.g. BR-CO-10, PEPPOL-EN16931-R001, UBL-BE-01, BR-NL-1. */
  rule: string;
  severity: RuleSeverity;
  /** Plain language: what is wrong, naming the business term (BT-…) where the rule does. */
  message: string;
  /** Where: an XPath-like location with positions, e.g. /Invoice/cac:InvoiceLine[2]/cbc:LineExtensionAmount. */
  path: string;
}

export interface ValidationReport {
  valid: boolean;
  /** Which rule set applied, named after the document's format: peppol-bis-3, ubl-be, nlcius, … */
  ruleset: string;
  /** Release of the rule sources the implementation follows, e.g. "2026.5" for Peppol. */
  release: string;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
}

export interface Rule {
  id: string;
  severity: RuleSeverity;
  /** The message reported when the rule fails (plain language, from the official assertion text). */
  message: string;
  /**
   * Checks the document and calls `fail(element)` for each place that breaks the rule (the element
   * gives the location; `detail` is appended to the message, e.g. the values compared).
   * Rules must not throw; the runner turns a throw into an `internal` finding so one bug never hides the rest.
   */
  check(doc: UblDocument, fail: (at: XmlElement | null, detail?: string) => void): void;
}

export interface RuleModule {
  source: RuleSource;
  rules: readonly Rule[];
}
