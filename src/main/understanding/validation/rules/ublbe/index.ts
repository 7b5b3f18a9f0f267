import type { RuleModule } from '../../types.ts';

/** GLOBALUBL.BE 1.31 (UBL.BE / e-FFF 3.0) rules. */
export const ublbeRules: RuleModule = { source: 'ublbe', rules: [] };
