import type { RuleModule } from '../../types.ts';

/** SI-UBL 2.0 / NLCIUS rules (BR-NL-*), release 2.0.3.13. */
export const nlciusRules: RuleModule = { source: 'nlcius', rules: [] };
