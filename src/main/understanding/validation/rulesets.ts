/**
 * Which rules apply to a document, chosen by its format (from cbc:CustomizationID), and which
 * release of the official sources each set follows.
 */
import type { UblFormat } from '../types.ts';
import { cenRules } from './rules/cen/index.ts';
import { nlciusRules } from './rules/nlcius/index.ts';
import { peppolRules, peppolSelfBillingRules } from './rules/peppol/index.ts';
import { ublbeRules } from './rules/ublbe/index.ts';
import OFFICIAL from './official-rule-ids.json' with { type: 'json' };
import type { Rule, RuleModule, RuleSource } from './types.ts';

export interface RuleSet {
  /** Named after the document format it validates. */
  id: Exclude<UblFormat, 'ubl'>;
  release: string;
  /** Earlier modules win when two define the same rule id (a profile's own wording of a CEN rule). */
  modules: readonly RuleModule[];
  /** When set, only rules whose id (compared case-insensitively) the official source of this set defines. */
  restrictTo?: ReadonlySet<string>;
}

export const RULE_MODULES: Readonly<Record<RuleSource, RuleModule>> = {
  cen: cenRules,
  peppol: peppolRules,
  'peppol-selfbilling': peppolSelfBillingRules,
  ublbe: ublbeRules,
  nlcius: nlciusRules,
};

export const RULESETS: Readonly<Record<RuleSet['id'], RuleSet>> = {
  en16931: { id: 'en16931', release: '2026.5', modules: [cenRules] },
  'peppol-bis-3': { id: 'peppol-bis-3', release: '2026.5', modules: [cenRules, peppolRules] },
  'peppol-selfbilling': { id: 'peppol-selfbilling', release: '2026.5', modules: [cenRules, peppolSelfBillingRules] },
  // GLOBALUBL.BE embeds its own, older copy of the CEN rules. The ublbe module holds the UBL.BE rules
  // and its own versions of CEN rules that differ (same id, so they win over CEN 2026.5); CEN rules
  // that GLOBALUBL.BE 1.31 does not define are left out.
  'ubl-be': { id: 'ubl-be', release: '1.31', modules: [ublbeRules, cenRules], restrictTo: officialIds('ublbe') },
  nlcius: { id: 'nlcius', release: '2.0.3.13', modules: [cenRules, nlciusRules] },
};

export function ruleSetFor(format: UblFormat): RuleSet | null {
  return format === 'ubl' ? null : RULESETS[format];
}

/** The rule ids (upper case) an official source defines, from official-rule-ids.json. */
export function officialIds(source: RuleSource): ReadonlySet<string> {
  return new Set(Object.keys(OFFICIAL.rules[source] ?? {}).map((id) => id.toUpperCase()));
}

const cache = new WeakMap<RuleSet, Rule[]>();

/** Every implemented rule of a set, in order (a rule id appears once). */
export function rulesOf(set: RuleSet): Rule[] {
  const cached = cache.get(set);
  if (cached) return cached;
  const seen = new Set<string>();
  const rules: Rule[] = [];
  for (const module of set.modules) {
    for (const rule of module.rules) {
      const key = rule.id.toUpperCase();
      if (seen.has(key) || (set.restrictTo && !set.restrictTo.has(key))) continue;
      seen.add(key);
      rules.push(rule);
    }
  }
  cache.set(set, rules);
  return rules;
}
