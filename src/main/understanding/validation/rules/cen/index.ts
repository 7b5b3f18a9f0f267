import type { RuleModule } from '../../types.ts';
import { codeRules } from './codes.ts';
import { cardNumberRule, coreRules } from './core.ts';
import { syntaxRules } from './syntax.ts';
import { totalRules } from './totals.ts';
import { ublCrRules } from './ubl-cr.ts';
import { vatRules } from './vat.ts';

/**
 * CEN EN16931 UBL rules (BR-*, BR-CO-*, BR-DEC-*, BR-CL-*, VAT category rules, UBL-SR/DT/CR),
 * release 2026.5 (CEN-EN16931-UBL.sch, schematron 1.3.16), implemented in our own code.
 */
export const cenRules: RuleModule = {
  source: 'cen',
  rules: [...coreRules, ...totalRules, ...vatRules, ...codeRules, ...syntaxRules, cardNumberRule, ...ublCrRules],
};
