/**
 * VAT category codes between Peppol/EN 16931 and UBL.BE (GLOBALUBL.BE 1.31, formats.md §2):
 *
 * - UBL.BE names every VAT breakdown and line tax category with a Belgian tax category code
 *   (BTCC, ubl-BE-10 / ubl-BE-15): 00/01/02/03 for the 0/6/12/21 % rates, 45 reverse charge
 *   (contractor), NA exempt, 46/GO intra-community goods, 47/EX export, NS not subject, …
 * - UBL.BE exemption reason codes are BETE-* codes (BVERC, ubl-BE-11) with a fixed English text
 *   (ubl-BE-12); Peppol/EN 16931 wants VATEX-EU-* codes (BR-CL-22) or free text.
 */
import { eq, fromInt, parseDecimal, type Decimal } from '../decimal.ts';
import { MODEL_NUMBER, type TaxCategory } from './model.ts';

/** Belgian tax category codes (BTCC) accepted by ubl-BE-10. */
export const BTCC_CODES: readonly string[] = [
  '00', '01', '02', '03', '45', 'NA', 'FD', 'SC', '00/44', '03/SE', 'MA', '46/GO', '47/TO', '47/AS', '47/DI', '47/SE', '44', '46/TR',
  '47/EX', '47/EI', '47/EE', 'NS', 'OSS-S', 'OSS-G', 'OSS-I',
];

/** Belgian VAT exemption reason codes (BVERC, ubl-BE-11) with the text ubl-BE-12 requires. */
export const BVERC_TEXT: Readonly<Record<string, string>> = {
  'BETE-45': 'Reverse charge - Contractor',
  'BETE-EX': 'Exempt',
  'BETE-FD': 'Financial discount',
  'BETE-SC': 'Small company',
  'BETE-00/44': '0% Clause 44',
  'BETE-03/SE': 'Standard exchange',
  'BETE-MA': 'Margin',
  'BETE-46/GO': 'Intra-community supply - Goods',
  'BETE-47/TO': 'Intra-community supply - Manufacturing cost',
  'BETE-47/AS': 'Intra-community supply - Assembly',
  'BETE-47/DI': 'Intra-community supply - Distance',
  'BETE-47/SE': 'Intra-community supply - Services',
  'BETE-44': 'Intra-community supply - Services B2B',
  'BETE-46/TR': 'Intra-community supply - Triangle a-B-c',
  'BETE-47/EX': 'Export non E.U.',
  'BETE-47/EI': 'Indirect export',
  'BETE-47/EE': 'Export via E.U.',
  'BETE-NS': 'Not subject to VAT',
};

/** Belgian standard rates and their BTCC. */
const RATE_CODES: ReadonlyArray<readonly [Decimal, string]> = [
  [fromInt(0), '00'],
  [fromInt(6), '01'],
  [fromInt(12), '02'],
  [fromInt(21), '03'],
];

export interface MappedCategory {
  category: TaxCategory;
  /** Set when the mapping had to guess or drop something the accountant should know about. */
  note: string | null;
}

function upper(value: string | null): string {
  return (value ?? '').trim().toUpperCase();
}

function isBverc(code: string | null): code is string {
  return code !== null && Object.hasOwn(BVERC_TEXT, code.trim());
}

/** The BTCC a BETE code stands for (BETE-EX, "exempt", is written NA). */
function btccForBverc(code: string): string {
  const suffix = code.trim().slice('BETE-'.length);
  return suffix === 'EX' ? 'NA' : suffix;
}

function btccFor(cat: TaxCategory): { code: string; guessed: boolean } {
  if (cat.name !== null && BTCC_CODES.includes(cat.name.trim())) return { code: cat.name.trim(), guessed: false };
  const id = upper(cat.id);
  const exemption = upper(cat.exemptionReasonCode);
  if (isBverc(cat.exemptionReasonCode) && id !== 'S' && id !== 'Z') return { code: btccForBverc(cat.exemptionReasonCode), guessed: false };
  switch (id) {
    case 'S': {
      const percent = parseDecimal(cat.percent, MODEL_NUMBER);
      const rate = percent && RATE_CODES.find(([r]) => eq(percent, r));
      return rate ? { code: rate[1], guessed: false } : { code: 'NA', guessed: true };
    }
    case 'Z':
      return { code: '00', guessed: false };
    case 'AE':
      return { code: '45', guessed: false };
    case 'K':
      return { code: '46/GO', guessed: false };
    case 'G':
      return { code: '47/EX', guessed: false };
    case 'O':
      return { code: 'NS', guessed: false };
    case 'E':
      // Margin schemes (travel agents, second-hand goods, works of art, antiques).
      if (['VATEX-EU-D', 'VATEX-EU-F', 'VATEX-EU-I', 'VATEX-EU-J'].includes(exemption)) return { code: 'MA', guessed: false };
      return { code: 'NA', guessed: false };
    default:
      return { code: 'NA', guessed: true };
  }
}

/**
 * A tax category as UBL.BE wants it: a BTCC name, and for exempt/zero-VAT categories other than
 * Z a BETE exemption code with its fixed text (the original free text cannot be kept: ubl-BE-12).
 */
export function toUblBeCategory(cat: TaxCategory): MappedCategory {
  const { code, guessed } = btccFor(cat);
  const id = upper(cat.id);
  let exemptionCode: string | null = null;
  if (isBverc(cat.exemptionReasonCode)) exemptionCode = cat.exemptionReasonCode.trim();
  else if (id !== 'S' && id !== 'Z' && !code.startsWith('OSS-') && !/^0[0-3]$/.test(code)) {
    const candidate = code === 'NA' ? 'BETE-EX' : `BETE-${code}`;
    exemptionCode = isBverc(candidate) ? candidate : null;
  }
  const exemptionReason = exemptionCode ? (BVERC_TEXT[exemptionCode] ?? null) : null;
  const notes: string[] = [];
  if (guessed) {
    notes.push(`VAT category ${cat.id ?? '(none)'}${cat.percent !== null ? ` at ${cat.percent} %` : ''} has no Belgian tax category code; it was written as NA.`);
  }
  if (cat.exemptionReason !== null && exemptionReason !== null && cat.exemptionReason.trim() !== exemptionReason) {
    notes.push(`The VAT exemption reason "${cat.exemptionReason}" was written as the UBL.BE text "${exemptionReason}".`);
  }
  return {
    category: { ...cat, name: code, exemptionReasonCode: exemptionCode, exemptionReason },
    note: notes.length > 0 ? notes.join(' ') : null,
  };
}

/** The VATEX code a BETE code corresponds to, for the VAT category it is used with (P0104..P0107). */
function vatexFor(bverc: string, categoryId: string): string | null {
  const btcc = btccForBverc(bverc);
  if (categoryId === 'AE' && btcc === '45') return 'VATEX-EU-AE';
  if (categoryId === 'K' && (btcc === '44' || btcc.startsWith('46/') || btcc.startsWith('47/')) && !['47/EX', '47/EI', '47/EE'].includes(btcc)) return 'VATEX-EU-IC';
  if (categoryId === 'G' && ['47/EX', '47/EI', '47/EE'].includes(btcc)) return 'VATEX-EU-G';
  if (categoryId === 'O' && btcc === 'NS') return 'VATEX-EU-O';
  return null;
}

/**
 * A tax category as Peppol BIS wants it: no Belgian name (UBL-CR-504/597), and a BETE exemption
 * code replaced by the matching VATEX code or, when there is none, by its text alone (BR-CL-22).
 */
export function toPeppolCategory(cat: TaxCategory): MappedCategory {
  const code = cat.exemptionReasonCode;
  if (!isBverc(code)) return { category: { ...cat, name: null }, note: null };
  const vatex = vatexFor(code.trim(), upper(cat.id));
  const reason = cat.exemptionReason ?? BVERC_TEXT[code.trim()] ?? null;
  return {
    category: { ...cat, name: null, exemptionReasonCode: vatex, exemptionReason: reason },
    note: vatex ? null : `The Belgian exemption code ${code} has no VATEX equivalent; only its text "${reason ?? ''}" was kept.`,
  };
}
