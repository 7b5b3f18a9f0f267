/**
 * GLOBALUBL.BE 1.31 (UBL.BE / e-FFF 3.0) rules, implemented from
 * ../shared/reference/rules/ublbe-1.31/GLOBALUBL.BE.sch.
 *
 * GLOBALUBL.BE embeds its OWN, OLDER copy of the CEN EN16931 rules and of the Peppol BIS rules. The
 * 'ubl-be' rule set runs [ublbeRules, cenRules] restricted to the ids GLOBALUBL.BE defines; the first
 * module wins for an id (case-insensitive). So this module holds:
 *  1. the UBL.BE rules ubl-BE-01..15 (./be.ts);
 *  2. GLOBALUBL.BE's version of every CEN rule whose test, context or flag differs from CEN 2026.5
 *     (./cen-variants.ts, ./cr-variants.ts), under the id as GLOBALUBL.BE spells it;
 *  3. the rules only GLOBALUBL.BE has: CEN-style (./cen-only-in-ublbe.ts), its Peppol copy
 *     (./peppol.ts) and national Peppol rules (./national.ts);
 * CEN rules whose test is identical are not re-implemented: the CEN module provides them.
 *
 * Diff GLOBALUBL.BE 1.31 vs CEN-EN16931-UBL 2026.5 (asserts by id, ids compared case-insensitively,
 * commented-out asserts excluded; context, test and flag compared after whitespace normalization):
 *
 * | class                  | count | ids |
 * |------------------------|-------|-----|
 * | identical              |  836  | BR-08, BR-10, BR-12..17, BR-19, BR-22..24, BR-26..33, BR-36..38, BR-41..49, BR-53..57, BR-61..65, BR-AE-01..07, BR-AE-09, BR-AE-10, BR-CL-06, BR-CL-08, BR-CL-14, BR-CL-17, BR-CL-18, BR-CL-23, BR-CL-24, BR-CO-03..08, BR-CO-11..14, BR-CO-16, BR-CO-18..24, BR-DEC-01, BR-DEC-02, BR-DEC-05, BR-DEC-06, BR-DEC-09..20, BR-DEC-24, BR-DEC-25, BR-DEC-27, BR-DEC-28, BR-E-02..07, BR-E-09, BR-E-10, BR-G-01..07, BR-G-09, BR-G-10, BR-IC-02..07, BR-IC-09..11, BR-O-01, BR-O-03..07, BR-O-09..14, BR-S-01..07, BR-S-10, BR-Z-01..07, BR-Z-09, BR-Z-10, UBL-CR-002..680 except the ids below, UBL-DT-06..28, UBL-SR-01..05, UBL-SR-07..21, UBL-SR-24..26, UBL-SR-28..37, UBL-SR-39, UBL-SR-40, UBL-SR-42, UBL-SR-44..50 |
 * | different (here)       |   85  | BR-01..07, BR-09, BR-11, BR-18, BR-20, BR-21, BR-25, BR-50, BR-52 ("(x) != ''" instead of normalize-space); BR-51 (fatal, 4-6 chars on CardAccount; CEN: warning, <= 10); BR-AE-08, BR-G-08, BR-IC-08 (warning), BR-O-08, BR-Z-08 (sum of LINE VAT breakdowns); BR-CL-01, -03, -04, -05, -07, -10, -11, -13, -15, -16, -19, -20, -21, -25, -26 (older code lists); BR-CO-09 (older prefix list); BR-CO-15 (no "exactly one VAT total" condition); BR-CO-26 (SEPA identifier counts); ubl-CR-001, -022, -028, -051, -067, -084, -100, -115, -183, -247, -282, -358, -384, -419, -487, -512, -538, -572, -577, -583, -607, -625..630, -632..644, UBL-CR-674 (other element names); UBL-SR-06 (document context), UBL-SR-22, -23 (cac:Party path), UBL-SR-27 (InstructionNote), UBL-SR-43 (@scheme) |
 * | only in CEN 2026.5     |   58  | BR-AF-01..10, BR-AG-01..10, BR-B-01, BR-B-02, BR-CO-17, BR-E-01, BR-E-08, BR-O-02, BR-S-08, BR-S-09, UBL-CR-406, -456, -459, -463, -498, -504, -561, -597, -600, -601, -656, -657, -672, -681, -682, UBL-SR-51..56 (not run for UBL.BE); and, commented out in GLOBALUBL.BE (so not in official-rule-ids.json, and left out of the ubl-be set): BR-CL-22, BR-CO-10, BR-DEC-23, BR-IC-01, BR-IC-12, ubl-CR-119, ubl-CR-202, ubl-CR-477, UBL-DT-01 |
 * | only in GLOBALUBL.BE   |  129  | ubl-BE-01..15; BR-66, BR-67, BR-CO-25, BR-IG-01..04, BR-IP-01..04, ubl-CR-631, UBL-SR-38; PEPPOL-EN16931-R001..R008, R010, R020, R040..R044, R046, R051, R053..R055, R061, R080, R100, R101, R110, R111, R121, R130, CL001..CL003, CL006..CL008, F001, P0100, P0101, P0104..P0111; PEPPOL-COMMON-R040..R042; NO-R-001, -002; DK-R-002..011, -013..016; IT-R-001..004; SE-R-001..012; GR-R-001-1..7, GR-R-002..006, GR-R-007-1..3, GR-R-008-2, -3, GR-R-009, GR-R-010, GR-S-008-1 |
 *
 * Where the official XPath would stop with a dynamic error (a value that is not a number or a date,
 * a repeated element where one is expected), a rule reports nothing: the format rules (BR-DEC-*,
 * PEPPOL-EN16931-F001, the UBL schema) report such values. Exception: ubl-BE-07/08/13, whose very
 * purpose is "must be numeric", report a value that is not a number.
 */
import type { RuleModule } from '../../types.ts';
import { beRules } from './be.ts';
import { cenVariantRules } from './cen-variants.ts';
import { onlyInUblbeRules } from './cen-only-in-ublbe.ts';
import { crVariantRules } from './cr-variants.ts';
import { nationalRules } from './national.ts';
import { peppolCopyRules } from './peppol.ts';

/** GLOBALUBL.BE 1.31 (UBL.BE / e-FFF 3.0) rules. */
export const ublbeRules: RuleModule = {
  source: 'ublbe',
  rules: [...beRules, ...cenVariantRules, ...crVariantRules, ...onlyInUblbeRules, ...peppolCopyRules, ...nationalRules],
};
