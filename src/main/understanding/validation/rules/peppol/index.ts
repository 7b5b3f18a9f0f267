import type { RuleModule } from '../../types.ts';
import { coreRules } from './core-rules.ts';
import { nationalRules } from './national-rules.ts';

/**
 * Peppol BIS Billing 3.0 rules (PEPPOL-EN16931-*, PEPPOL-COMMON-* and the national NO/DK/IT/SE/GR/
 * IS/NL/DE rules of PEPPOL-EN16931-UBL.sch), release 2026.5.
 */
export const peppolRules: RuleModule = { source: 'peppol', rules: orderBySeverity([...coreRules('billing'), ...nationalRules()]) };

/** Peppol self-billing rules (PEPPOL-EN16931-UBL-SB.sch: no national rules), release 2026.5. */
export const peppolSelfBillingRules: RuleModule = { source: 'peppol-selfbilling', rules: coreRules('selfbilling') };

function orderBySeverity<T extends { severity: string }>(rules: T[]): T[] {
  return [...rules.filter((r) => r.severity === 'fatal'), ...rules.filter((r) => r.severity === 'warning')];
}
