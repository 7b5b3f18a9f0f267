import OFFICIAL from './official-rule-ids.json' with { type: 'json' };
import { RULE_MODULES } from './rulesets.ts';
import type { RuleSource } from './types.ts';

export interface SourceCoverage {
  source: RuleSource;
  /** The official source file the ids were read from. */
  official: string;
  fatal: { implemented: number; total: number };
  warning: { implemented: number; total: number };
  implemented: string[];
  missing: { fatal: string[]; warning: string[] };
  /** Implemented ids the official source does not define (profile-specific additions). */
  extra: string[];
}

/**
 * Which official rule ids each of our rule modules implements. Ids compare case-insensitively
 * (GLOBALUBL.BE writes `ubl-CR-001` where CEN writes `UBL-CR-001`).
 */
export function ruleCoverage(): SourceCoverage[] {
  return (Object.keys(RULE_MODULES) as RuleSource[]).map((source) => {
    const official = Object.entries((OFFICIAL.rules as Record<string, Record<string, string>>)[source] ?? {});
    const ours = new Set(RULE_MODULES[source].rules.map((r) => r.id.toUpperCase()));
    const has = (id: string) => ours.has(id.toUpperCase());
    const ofFlag = (flag: 'fatal' | 'warning') => official.filter(([, f]) => (flag === 'fatal' ? f === 'fatal' : f !== 'fatal'));
    const officialIds = new Set(official.map(([id]) => id.toUpperCase()));
    return {
      source,
      official: (OFFICIAL.generatedFrom as Record<string, string>)[source] ?? '',
      fatal: { implemented: ofFlag('fatal').filter(([id]) => has(id)).length, total: ofFlag('fatal').length },
      warning: { implemented: ofFlag('warning').filter(([id]) => has(id)).length, total: ofFlag('warning').length },
      implemented: RULE_MODULES[source].rules.map((r) => r.id),
      missing: {
        fatal: ofFlag('fatal').filter(([id]) => !has(id)).map(([id]) => id),
        warning: ofFlag('warning').filter(([id]) => !has(id)).map(([id]) => id),
      },
      extra: RULE_MODULES[source].rules.map((r) => r.id).filter((id) => !officialIds.has(id.toUpperCase())),
    };
  });
}
