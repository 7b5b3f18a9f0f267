import { readFileSync } from 'node:fs';
import { unwrapSbdh, ublFormatFor, UBL_NS } from '../../../src/main/understanding/classify.ts';
import { parseXmlBytes, type XmlElement } from '../../../src/main/understanding/safe-xml.ts';
import { UblDocument } from '../../../src/main/understanding/validation/document.ts';
import { validateUbl, validateWith } from '../../../src/main/understanding/validation/validate.ts';
import type { RuleSet } from '../../../src/main/understanding/validation/rulesets.ts';
import type { UblFormat } from '../../../src/main/understanding/types.ts';
import type { ValidationReport } from '../../../src/main/understanding/validation/types.ts';

/** Parses a UBL file (or XML text) the way inspect does and returns its root and format. */
export function loadUbl(source: string | Buffer): { root: XmlElement; format: UblFormat } {
  const bytes = typeof source === 'string' && !source.trimStart().startsWith('<') ? readFileSync(source) : Buffer.from(source);
  const parsed = parseXmlBytes(bytes);
  if (!parsed.ok) throw new Error(`not parsable: ${parsed.error.message}`);
  const root = unwrapSbdh(parsed.root) ?? parsed.root;
  if (root.ns !== UBL_NS.invoice && root.ns !== UBL_NS.creditNote) throw new Error(`not a UBL invoice or credit note: ${root.name}`);
  const doc = new UblDocument(root);
  const format = ublFormatFor(doc.text(root, 'cbc:CustomizationID'), doc.text(root, 'cbc:ProfileID')).format;
  return { root, format };
}

/** Validates a file with the rule set its CustomizationID selects (or a given one). */
export function validateFile(source: string | Buffer, set?: RuleSet): ValidationReport | null {
  const { root, format } = loadUbl(source);
  return set ? validateWith(root, set) : validateUbl(root, format);
}

/** The ids of the rules a report says were broken (errors and warnings). */
export function brokenRules(report: ValidationReport | null): string[] {
  return report ? [...new Set([...report.errors, ...report.warnings].map((i) => i.rule))].sort() : [];
}
