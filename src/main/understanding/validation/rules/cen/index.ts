import type { RuleModule } from '../../types.ts';

/** CEN EN16931 UBL rules (BR-*, BR-CO-*, BR-DEC-*, BR-CL-*, VAT category rules, UBL-SR/DT/CR), release 2026.5. */
export const cenRules: RuleModule = { source: 'cen', rules: [] };
