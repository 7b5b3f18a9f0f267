/**
 * The VAT category rule families of CEN-EN16931-UBL.sch 2026.5: BR-S (standard rate), BR-Z (zero
 * rated), BR-E (exempt), BR-AE (reverse charge), BR-IC (intra-community supply, code K), BR-G
 * (export), BR-O (not subject to VAT), BR-AF (IGIC, code L), BR-AG (IPSI, code M), and BR-B (split
 * payment). The families share a shape (-01 breakdown present, -02..-04 identifiers, -05..-07 rates,
 * -08 taxable amount, -09 tax amount, -10 exemption reason) but the official tests differ in small
 * ways (which tax schemes count, tolerances, per-rate sums); each difference is a parameter below
 * and follows the schematron.
 */
import type { XmlElement } from '../../../safe-xml.ts';
import type { Rule } from '../../types.ts';
import { cen, decimalAt, decimalOf, numberAt, type CenState, type LineFacts } from './context.ts';
import { abs, add, cmp, eq, format, fromInt, isZero, mul, round, shift, sub, sum, trimZeros, ZERO, type Decimal } from '../../../decimal.ts';
import { contextRule, type Verdict } from './support/define.ts';
import { CAC, CBC, first, has, is, kids, normalizeSpace, nstr, sel, stringLength, str } from './support/xpath.ts';

function fatal(id: string, message: string, contexts: (x: CenState) => Iterable<XmlElement>, test: (x: CenState, el: XmlElement) => Verdict): Rule {
  return contextRule(cen, id, 'fatal', message, contexts, test);
}

const money = (d: Decimal): string => format(trimZeros(d), 2);
const root = (x: CenState): XmlElement[] => [x.root];

type Breakdown = 'exactlyOne' | 'S' | 'L' | 'M';
type Requirement = 'sellerAny' | 'sellerVat' | 'reverseCharge' | 'intraCommunity' | 'noVatIds';
type RateRule = 'zero' | 'positive' | 'nonNegative' | 'absent';

interface Family {
  /** Rule id prefix: BR-<prefix>-NN. */
  prefix: string;
  /** VAT category code (UNCL5305). */
  code: string;
  label: string;
  breakdown: Breakdown;
  requirement: Requirement;
  /** BR-S-02 fires on a category S of any tax scheme (its test's `or not(...)` branch omits the VAT condition). */
  lineTriggerAnyScheme?: boolean;
  /** BR-O-03/04 look at document-level allowances and charges only; the others at any level. */
  documentLevelOnly?: boolean;
  rate: RateRule;
  /** -08: exact sum per category, or per rate within ±1 (S also requires a line or allowance/charge at that rate). */
  taxable: 'exact' | 'perRate' | 'perRateWithUse';
  /** -09: the tax amount is 0, or taxable × rate within ±1. */
  tax: 'zero' | 'rate';
  /** -10: an exemption reason is required, or forbidden. */
  exemption: 'required' | 'forbidden';
}

const FAMILIES: readonly Family[] = [
  { prefix: 'S', code: 'S', label: 'S (standard rate)', breakdown: 'S', requirement: 'sellerAny', lineTriggerAnyScheme: true, rate: 'positive', taxable: 'perRateWithUse', tax: 'rate', exemption: 'forbidden' },
  { prefix: 'Z', code: 'Z', label: 'Z (zero rated)', breakdown: 'exactlyOne', requirement: 'sellerAny', rate: 'zero', taxable: 'exact', tax: 'zero', exemption: 'forbidden' },
  { prefix: 'E', code: 'E', label: 'E (exempt from VAT)', breakdown: 'exactlyOne', requirement: 'sellerAny', rate: 'zero', taxable: 'exact', tax: 'zero', exemption: 'required' },
  { prefix: 'AE', code: 'AE', label: 'AE (reverse charge)', breakdown: 'exactlyOne', requirement: 'reverseCharge', rate: 'zero', taxable: 'exact', tax: 'zero', exemption: 'required' },
  { prefix: 'IC', code: 'K', label: 'K (intra-community supply)', breakdown: 'exactlyOne', requirement: 'intraCommunity', rate: 'zero', taxable: 'exact', tax: 'zero', exemption: 'required' },
  { prefix: 'G', code: 'G', label: 'G (export outside the EU)', breakdown: 'exactlyOne', requirement: 'sellerVat', rate: 'zero', taxable: 'exact', tax: 'zero', exemption: 'required' },
  { prefix: 'O', code: 'O', label: 'O (not subject to VAT)', breakdown: 'exactlyOne', requirement: 'noVatIds', documentLevelOnly: true, rate: 'absent', taxable: 'exact', tax: 'zero', exemption: 'required' },
  { prefix: 'AF', code: 'L', label: 'L (IGIC, Canary Islands)', breakdown: 'L', requirement: 'sellerAny', rate: 'nonNegative', taxable: 'perRate', tax: 'rate', exemption: 'forbidden' },
  { prefix: 'AG', code: 'M', label: 'M (IPSI, Ceuta and Melilla)', breakdown: 'M', requirement: 'sellerAny', rate: 'nonNegative', taxable: 'perRate', tax: 'rate', exemption: 'forbidden' },
];

const REQUIREMENT_TEXT: Readonly<Record<Requirement, string>> = {
  sellerAny: "requires the seller's VAT or tax registration identifier (BT-31/BT-32) or the tax representative's VAT identifier (BT-63)",
  sellerVat: "requires the seller's VAT identifier (BT-31) or the tax representative's VAT identifier (BT-63)",
  reverseCharge: "requires the seller's VAT identifier (BT-31/BT-32) or the tax representative's (BT-63), and the buyer's VAT identifier (BT-48) or legal registration identifier (BT-47)",
  intraCommunity: "requires the seller's VAT identifier (BT-31) or the tax representative's (BT-63), and the buyer's VAT identifier (BT-48)",
  noVatIds: 'must not come with a seller (BT-31), tax representative (BT-63) or buyer (BT-48) VAT identifier',
};

/** Whether the parties' identifiers satisfy a family's -02/-03/-04 condition. */
function requirementMet(x: CenState, r: Requirement): boolean {
  switch (r) {
    case 'sellerAny':
      return x.sellerTaxIdAnyScheme || x.taxRepresentativeVatId;
    case 'sellerVat':
      return x.sellerVatId || x.taxRepresentativeVatId;
    case 'reverseCharge':
      return (x.sellerTaxIdAnyScheme || x.taxRepresentativeVatId) && (x.buyerVatId || x.buyerLegalId);
    case 'intraCommunity':
      return (x.sellerVatId || x.taxRepresentativeVatId) && x.buyerVatId;
    case 'noVatIds':
      return !(x.sellerVatId || x.taxRepresentativeVatId || x.buyerVatId);
  }
}

function missingIds(x: CenState, r: Requirement): string {
  if (r === 'noVatIds') {
    const present = [x.sellerVatId && 'seller', x.taxRepresentativeVatId && 'tax representative', x.buyerVatId && 'buyer'].filter(Boolean);
    return `VAT identifier of the ${present.join(', ')} present`;
  }
  const parts: string[] = [];
  const seller = r === 'sellerVat' || r === 'intraCommunity' ? x.sellerVatId : x.sellerTaxIdAnyScheme;
  if (!seller && !x.taxRepresentativeVatId) parts.push('no seller or tax representative VAT identifier');
  if (r === 'reverseCharge' && !x.buyerVatId && !x.buyerLegalId) parts.push('no buyer VAT or legal registration identifier');
  if (r === 'intraCommunity' && !x.buyerVatId) parts.push('no buyer VAT identifier');
  return parts.join('; ');
}

const newFiltered = (): Map<readonly XmlElement[], Map<string, XmlElement[]>> => new Map();

/** Tax categories of this code with the VAT scheme (cached per selection and code: the families ask often). */
function vatCategories(x: CenState, elements: readonly XmlElement[], code: string): XmlElement[] {
  // Per document (selections are the document's own arrays).
  const filtered = x.memo('vat:filtered', newFiltered);
  let byCode = filtered.get(elements);
  if (!byCode) {
    byCode = new Map();
    filtered.set(elements, byCode);
  }
  let found = byCode.get(code);
  if (!found) {
    found = elements.filter((c) => x.hasId(c, code) && x.isVat(c));
    byCode.set(code, found);
  }
  return found;
}

/** `cac:AllowanceCharge[cbc:ChargeIndicator=…]/cac:TaxCategory`, at any level, or on the document only. */
function acTaxCategories(x: CenState, charge: boolean, documentLevelOnly = false): readonly XmlElement[] {
  return x.memo(`vat:ac:${charge}:${documentLevelOnly}`, () =>
    x.all('cac:TaxCategory').filter((c) => {
      const ac = x.parent(c);
      return is(ac, CAC, 'AllowanceCharge') && x.chargeIndicator(ac as XmlElement) === charge && (!documentLevelOnly || x.parent(ac as XmlElement) === x.root);
    }),
  );
}

/** `cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory | cac:CreditNoteLine/cac:Item/cac:ClassifiedTaxCategory`. */
function lineCategories(x: CenState): readonly XmlElement[] {
  return x.memo('vat:lineCategories', () => [...x.match('cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory'), ...x.match('cac:CreditNoteLine/cac:Item/cac:ClassifiedTaxCategory')]);
}

/** `/*\/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory` */
function breakdownCategories(x: CenState): readonly XmlElement[] {
  return x.match('/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory');
}

// --- -01: the category in the VAT breakdown ------------------------------------------------------

function breakdownRule(f: Family): Rule {
  const id = `BR-${f.prefix}-01`;
  if (f.breakdown === 'exactlyOne') {
    // (exists(//cac:TaxCategory[VAT]/cbc:ID[.=code]) or exists(//cac:ClassifiedTaxCategory[VAT]/cbc:ID[.=code]))
    //   and count(cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory[VAT]/cbc:ID[.=code]) = 1, or the code is not used at all
    return fatal(id, `The document uses VAT category ${f.label}, so its VAT breakdown (BG-23) must have exactly one group in that category.`, root, (x) => {
      const used = [...vatCategories(x, x.all('cac:TaxCategory'), f.code), ...vatCategories(x, x.all('cac:ClassifiedTaxCategory'), f.code)];
      if (used.length === 0) return true;
      const groups = vatCategories(x, breakdownCategories(x), f.code);
      const n = groups.reduce((total, c) => total + kids(c, CBC, 'ID').filter((i) => normalizeSpace(i.text) === f.code).length, 0);
      if (n === 1) return true;
      return { at: n === 0 ? (used[0] ?? null) : (groups[1] ?? groups[0] ?? null), detail: `${n} ${f.code} groups in the VAT breakdown` };
    });
  }
  // BR-S-01 / BR-AF-01 / BR-AG-01: (used > 0 and in breakdown > 0) or (used = 0 and in breakdown = 0)
  const message = `VAT category ${f.label} is used on lines, allowances or charges but has no group in the VAT breakdown (BG-23), or the other way round.`;
  return fatal(id, message, root, (x) => {
    const acCats = x.memo('vat:acAll', () => x.all('cac:TaxCategory').filter((c) => is(x.parent(c), CAC, 'AllowanceCharge')));
    const classified = x.all('cac:ClassifiedTaxCategory');
    const breakdown = x.match('/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory');
    let used: XmlElement[];
    let inBreakdownIfUsed: number;
    let inBreakdownIfUnused: number;
    if (f.breakdown === 'S') {
      // No tax scheme condition anywhere in BR-S-01.
      used = [...acCats, ...classified].filter((c) => nstr(c, 'cbc:ID') === f.code);
      inBreakdownIfUsed = inBreakdownIfUnused = breakdown.filter((c) => nstr(c, 'cbc:ID') === f.code).length;
    } else {
      used = [...vatCategories(x, acCats, f.code), ...vatCategories(x, classified, f.code)];
      // BR-AF-01 counts TaxCategory[cbc:ID = 'L'] (any scheme) when used; BR-AG-01 requires the VAT scheme in both branches.
      inBreakdownIfUsed = f.breakdown === 'L' ? breakdown.filter((c) => x.hasId(c, f.code)).length : vatCategories(x, breakdown, f.code).length;
      inBreakdownIfUnused = vatCategories(x, breakdown, f.code).length;
    }
    if (used.length > 0) return inBreakdownIfUsed > 0 ? true : { at: used[0] ?? null, detail: `no ${f.code} group in the VAT breakdown` };
    if (inBreakdownIfUnused === 0) return true;
    const group = (f.breakdown === 'S' ? breakdown.filter((c) => nstr(c, 'cbc:ID') === f.code) : vatCategories(x, breakdown, f.code))[0] ?? null;
    return { at: group, detail: `a ${f.code} group in the VAT breakdown but no line, allowance or charge in ${f.code}` };
  });
}

// --- -02..-04: identifiers of the parties --------------------------------------------------------

function identifierRules(f: Family): Rule[] {
  const what = ['A line', 'A document-level allowance', 'A document-level charge'];
  return [0, 1, 2].map((i) => {
    const id = `BR-${f.prefix}-0${i + 2}`;
    const where = what[i] ?? '';
    return fatal(id, `${where} in VAT category ${f.label} ${REQUIREMENT_TEXT[f.requirement]}.`, root, (x) => {
      let trigger: XmlElement | undefined;
      if (i === 0) {
        const classified = x.all('cac:ClassifiedTaxCategory');
        trigger = f.lineTriggerAnyScheme ? classified.find((c) => x.hasId(c, f.code)) : vatCategories(x, classified, f.code)[0];
        if (!trigger) return true;
        // BR-S-02: a category S outside the VAT scheme fails even when the identifiers are there.
        if (f.lineTriggerAnyScheme && vatCategories(x, classified, f.code).length === 0) return { at: trigger, detail: 'category S is not in the VAT tax scheme' };
      } else {
        trigger = vatCategories(x, acTaxCategories(x, i === 2, f.documentLevelOnly), f.code)[0];
        if (!trigger) return true;
      }
      return requirementMet(x, f.requirement) ? true : { at: trigger, detail: missingIds(x, f.requirement) };
    });
  });
}

// --- -05..-07: the rate on lines, allowances and charges -----------------------------------------

const RATE_TEXT: Readonly<Record<RateRule, string>> = {
  zero: 'must have a VAT rate of 0',
  positive: 'must have a VAT rate greater than 0',
  nonNegative: 'must have a VAT rate of 0 or more',
  absent: 'must not have a VAT rate',
};

function rateOk(category: XmlElement, rule: RateRule): Verdict {
  const percents = kids(category, CBC, 'Percent');
  const shown = percents[0] ? `rate ${percents[0].text}` : 'no rate';
  switch (rule) {
    case 'absent':
      // not(cbc:Percent)
      return percents.length === 0 ? true : { at: percents[0] ?? null, detail: shown };
    case 'zero':
      // xs:decimal(cbc:Percent) = 0
      return percents[0] && isZero(decimalAt(percents[0], 'the VAT rate')) ? true : { at: percents[0] ?? category, detail: shown };
    case 'positive':
      // (cbc:Percent) > 0
      return percents.some((p) => cmp(numberAt(p, 'the VAT rate'), ZERO) > 0) ? true : { at: percents[0] ?? category, detail: shown };
    case 'nonNegative':
      // (cbc:Percent) >= 0
      return percents.some((p) => cmp(numberAt(p, 'the VAT rate'), ZERO) >= 0) ? true : { at: percents[0] ?? category, detail: shown };
  }
}

function rateRules(f: Family): Rule[] {
  return [
    fatal(`BR-${f.prefix}-05`, `A line in VAT category ${f.label} ${RATE_TEXT[f.rate]} (BT-152).`, (x) => vatCategories(x, lineCategories(x), f.code), (_x, c) => rateOk(c, f.rate)),
    fatal(`BR-${f.prefix}-06`, `A document-level allowance in VAT category ${f.label} ${RATE_TEXT[f.rate]} (BT-96).`, (x) => vatCategories(x, acTaxCategories(x, false), f.code), (_x, c) => rateOk(c, f.rate)),
    fatal(`BR-${f.prefix}-07`, `A document-level charge in VAT category ${f.label} ${RATE_TEXT[f.rate]} (BT-103).`, (x) => vatCategories(x, acTaxCategories(x, true), f.code), (_x, c) => rateOk(c, f.rate)),
  ];
}

// --- -08..-10: the VAT breakdown group ------------------------------------------------------------

function lineAmount(l: LineFacts): Decimal | null {
  return decimalOf(l.amountEl, 'the line net amount');
}

/** Sums for -08: lines of one kind and document-level charges minus allowances, selected by `pickLine` / `pickAc`. */
function categoryTotal(x: CenState, lineKind: 'InvoiceLine' | 'CreditNoteLine', pickLine: (l: LineFacts) => boolean, pickAc: (categories: readonly XmlElement[]) => boolean): Decimal {
  const lineSum = sum(x.lines.filter((l) => l.line.local === lineKind && pickLine(l)).flatMap((l) => {
    const a = lineAmount(l);
    return a ? [a] : [];
  }));
  let total = lineSum;
  for (const ac of x.documentAllowanceCharges) {
    if (ac.charge === null || !pickAc(ac.taxCategories)) continue;
    const a = decimalOf(ac.amountEl, ac.charge ? 'the charge amount' : 'the allowance amount');
    if (a) total = ac.charge ? add(total, a) : sub(total, a);
  }
  return total;
}

/** `cac:TaxCategory/xs:decimal(cbc:Percent) = $rate` over several categories. */
function hasRate(categories: readonly XmlElement[], rate: Decimal): boolean {
  return categories.some((c) => kids(c, CBC, 'Percent').some((p) => eq(decimalAt(p, 'the VAT rate'), rate)));
}

function taxableRule(f: Family): Rule {
  const id = `BR-${f.prefix}-08`;
  const byRate = f.taxable !== 'exact';
  const message = byRate
    ? `The taxable amount (BT-116) of a VAT breakdown group in category ${f.label} is not the sum of the line net amounts plus charges minus allowances in that category and rate (a difference of 1.00 or more).`
    : `The taxable amount (BT-116) of the VAT breakdown group in category ${f.label} is not the sum of the line net amounts plus charges minus allowances in that category.`;
  return fatal(id, message, (x) => vatCategories(x, breakdownCategories(x), f.code), (x, category) => {
    const subtotal = x.parent(category) as XmlElement;
    const taxableEl = first(subtotal, 'cbc:TaxableAmount');
    const taxable = decimalOf(taxableEl, 'the VAT category taxable amount');
    const hasInvoiceLines = x.all('cac:InvoiceLine').length > 0;
    const hasCreditNoteLines = x.all('cac:CreditNoteLine').length > 0;
    const at = taxableEl ?? subtotal;
    if (!byRate) {
      const pickLine = (l: LineFacts) => l.categoryIds.includes(f.code);
      const pickAc = (cats: readonly XmlElement[]) => cats.some((c) => nstr(c, 'cbc:ID') === f.code);
      const inv = categoryTotal(x, 'InvoiceLine', pickLine, pickAc);
      const cn = categoryTotal(x, 'CreditNoteLine', pickLine, pickAc);
      if (taxable && ((hasInvoiceLines && eq(taxable, inv)) || (hasCreditNoteLines && eq(taxable, cn)))) return true;
      const expected = x.isCreditNote ? cn : inv;
      return { at, detail: `the lines, allowances and charges in ${f.code} add up to ${money(expected)}, the breakdown says ${taxableEl?.text ?? 'nothing'}` };
    }
    // every $rate in xs:decimal(cbc:Percent) satisfies …
    const rateEl = first(category, 'cbc:Percent');
    if (!rateEl) return true;
    const rate = decimalAt(rateEl, 'the VAT rate');
    const pickLine = (l: LineFacts) => l.categoryIds.includes(f.code) && hasRate(l.categories, rate);
    const pickAc = (cats: readonly XmlElement[]) => cats.some((c) => nstr(c, 'cbc:ID') === f.code) && hasRate(cats, rate);
    const within = (total: Decimal) => !!taxable && cmp(sub(taxable, fromInt(1)), total) < 0 && cmp(add(taxable, fromInt(1)), total) > 0;
    const inv = categoryTotal(x, 'InvoiceLine', pickLine, pickAc);
    const cn = categoryTotal(x, 'CreditNoteLine', pickLine, pickAc);
    let invoiceBranch: boolean;
    let creditNoteBranch: boolean;
    if (f.taxable === 'perRateWithUse') {
      // BR-S-08 also needs a line (any depth) or an allowance/charge (any level) in S at that rate.
      const anyAc = x.all('cac:AllowanceCharge').some((ac) => {
        const cats = kids(ac, CAC, 'TaxCategory');
        return cats.some((c) => nstr(c, 'cbc:ID') === f.code) && hasRate(cats, rate);
      });
      const used = (name: string) =>
        anyAc || x.all(name).some((line) => {
          const cats = sel(line, 'cac:Item/cac:ClassifiedTaxCategory');
          return cats.some((c) => nstr(c, 'cbc:ID') === f.code) && hasRate(cats, rate);
        });
      invoiceBranch = used('cac:InvoiceLine') && within(inv);
      creditNoteBranch = used('cac:CreditNoteLine') && within(cn);
    } else {
      invoiceBranch = hasInvoiceLines && within(inv);
      creditNoteBranch = hasCreditNoteLines && within(cn);
    }
    if (invoiceBranch || creditNoteBranch) return true;
    const expected = x.isCreditNote ? cn : inv;
    return { at, detail: `the lines, allowances and charges in ${f.code} at ${rateEl.text} % add up to ${money(expected)}, the breakdown says ${taxableEl?.text ?? 'nothing'}` };
  });
}

function taxRule(f: Family): Rule {
  const id = `BR-${f.prefix}-09`;
  if (f.tax === 'zero') {
    // xs:decimal(../cbc:TaxAmount) = 0
    return fatal(id, `The VAT amount (BT-117) of the VAT breakdown group in category ${f.label} must be 0.`, (x) => vatCategories(x, breakdownCategories(x), f.code), (x, category) => {
      const taxEl = first(x.parent(category), 'cbc:TaxAmount');
      const tax = decimalOf(taxEl, 'the VAT category tax amount');
      return tax && isZero(tax) ? true : { at: taxEl ?? x.parent(category), detail: taxEl ? `VAT amount ${taxEl.text}` : 'no VAT amount' };
    });
  }
  // abs(TaxAmount) - 1 < round(abs(TaxableAmount) * (Percent div 100) * 10 * 10) div 100 < abs(TaxAmount) + 1
  return fatal(id, `The VAT amount (BT-117) of a VAT breakdown group in category ${f.label} is not its taxable amount (BT-116) times its rate (BT-119) (a difference of 1.00 or more).`, (x) => vatCategories(x, breakdownCategories(x), f.code), (x, category) => {
    const subtotal = x.parent(category) as XmlElement;
    const taxEl = first(subtotal, 'cbc:TaxAmount');
    const tax = decimalOf(taxEl, 'the VAT category tax amount');
    const taxable = decimalOf(first(subtotal, 'cbc:TaxableAmount'), 'the VAT category taxable amount');
    const percent = decimalOf(first(category, 'cbc:Percent'), 'the VAT rate');
    if (!tax || !taxable || !percent) return { at: taxEl ?? subtotal, detail: !tax ? 'no VAT amount' : !taxable ? 'no taxable amount' : 'no VAT rate' };
    const expected = round(mul(abs(taxable), shift(percent, -2)), 2, 'half-ceiling');
    const t = abs(tax);
    if (cmp(sub(t, fromInt(1)), expected) < 0 && cmp(add(t, fromInt(1)), expected) > 0) return true;
    return { at: taxEl, detail: `${money(taxable)} × ${str(category, 'cbc:Percent')} % = ${money(expected)}, the breakdown says ${taxEl?.text ?? ''}` };
  });
}

function exemptionRule(f: Family): Rule {
  const id = `BR-${f.prefix}-10`;
  const contexts = (x: CenState) => vatCategories(x, breakdownCategories(x), f.code);
  if (f.exemption === 'required') {
    return fatal(id, `The VAT breakdown group in category ${f.label} needs an exemption reason (BT-120) or an exemption reason code (BT-121).`, contexts, (_x, c) =>
      has(c, 'cbc:TaxExemptionReason') || has(c, 'cbc:TaxExemptionReasonCode'),
    );
  }
  return fatal(id, `A VAT breakdown group in category ${f.label} must not have an exemption reason (BT-120) or exemption reason code (BT-121).`, contexts, (_x, c) => {
    const reason = first(c, 'cbc:TaxExemptionReason') ?? first(c, 'cbc:TaxExemptionReasonCode');
    return reason ? { at: reason, detail: reason.text } : true;
  });
}

// --- Rules outside the common shape ---------------------------------------------------------------

/** The root's VAT breakdown has a group with this code (VAT scheme). */
function inBreakdown(x: CenState, code: string): XmlElement | null {
  return vatCategories(x, x.match('/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory'), code)[0] ?? null;
}

/** BR-O-11..14: `count(… [normalize-space(cbc:ID) != 'O'][VAT]) = 0` when the breakdown has an O group. */
function onlyO(id: string, message: string, candidates: (x: CenState) => readonly XmlElement[]): Rule {
  return fatal(id, message, root, (x) => {
    if (!inBreakdown(x, 'O')) return true;
    const other = candidates(x).find((c) => x.isVat(c) && nstr(c, 'cbc:ID') !== 'O');
    return other ? { at: other, detail: `category ${nstr(other, 'cbc:ID') || '(none)'}` } : true;
  });
}

const extraRules: Rule[] = [
  // (K in breakdown and (string-length(cac:Delivery/cbc:ActualDeliveryDate) > 1 or (cac:InvoicePeriod/*))) or not(K in breakdown)
  fatal('BR-IC-11', 'An intra-community supply (VAT category K) needs the actual delivery date (BT-72) or the invoicing period (BG-14).', root, (x) => {
    const group = inBreakdown(x, 'K');
    if (!group) return true;
    return stringLength(str(x.root, 'cac:Delivery/cbc:ActualDeliveryDate')) > 1 || sel(x.root, 'cac:InvoicePeriod').some((p) => p.children.length > 0) ? true : { at: group };
  }),
  fatal('BR-IC-12', 'An intra-community supply (VAT category K) needs the deliver-to country code (BT-80).', root, (x) => {
    const group = inBreakdown(x, 'K');
    if (!group) return true;
    return stringLength(str(x.root, 'cac:Delivery/cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode')) > 1 ? true : { at: first(x.root, 'cac:Delivery') ?? group };
  }),
  onlyO('BR-O-11', 'A document with a VAT breakdown group in category O (not subject to VAT) may not have VAT breakdown groups in other categories.', (x) => x.match('/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory')),
  onlyO('BR-O-12', 'A document with a VAT breakdown group in category O (not subject to VAT) may not have lines in other VAT categories (BT-151).', (x) => x.all('cac:ClassifiedTaxCategory')),
  onlyO('BR-O-13', 'A document with a VAT breakdown group in category O (not subject to VAT) may not have allowances in other VAT categories (BT-95).', (x) => acTaxCategories(x, false)),
  onlyO('BR-O-14', 'A document with a VAT breakdown group in category O (not subject to VAT) may not have charges in other VAT categories (BT-102).', (x) => acTaxCategories(x, true)),
  // (not(//cbc:IdentificationCode != 'IT') and (//cac:TaxCategory/cbc:ID = 'B' or //cac:ClassifiedTaxCategory/cbc:ID = 'B')) or not(B used)
  fatal('BR-B-01', 'VAT category B (split payment) may only be used when every country code of the document is IT (Italy).', root, (x) => {
    const b = [...x.all('cac:TaxCategory'), ...x.all('cac:ClassifiedTaxCategory')].find((c) => kids(c, CBC, 'ID').some((i) => i.text === 'B'));
    if (!b) return true;
    const other = x.all('cbc:IdentificationCode').find((c) => c.text !== 'IT');
    return other ? { at: other, detail: `country code ${other.text}` } : true;
  }),
  // B (in the breakdown, on document allowances/charges or on lines) and no S in the same places, or no B
  fatal('BR-B-02', 'A document with VAT category B (split payment) may not also use category S (standard rate).', root, (x) => {
    const places = [...x.match('/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory'), ...x.match('/cac:AllowanceCharge/cac:TaxCategory'), ...x.all('cac:ClassifiedTaxCategory')];
    const withId = (code: string) => places.find((c) => kids(c, CBC, 'ID').some((i) => i.text === code));
    const b = withId('B');
    const s = b ? withId('S') : undefined;
    return b && s ? { at: s } : true;
  }),
];

export const vatRules: readonly Rule[] = [
  ...FAMILIES.flatMap((f) => [breakdownRule(f), ...identifierRules(f), ...rateRules(f), taxableRule(f), taxRule(f), exemptionRule(f)]),
  ...extraRules,
];
