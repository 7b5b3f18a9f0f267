import type { RuleModule } from '../../types.ts';

/** Peppol BIS Billing 3.0 rules (PEPPOL-EN16931-*, PEPPOL-COMMON-*), release 2026.5. */
export const peppolRules: RuleModule = { source: 'peppol', rules: [] };

/** Peppol self-billing rules, release 2026.5. */
export const peppolSelfBillingRules: RuleModule = { source: 'peppol-selfbilling', rules: [] };
