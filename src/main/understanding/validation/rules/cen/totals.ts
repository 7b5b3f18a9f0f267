/**
 * CEN EN16931 totals (BR-12..BR-15, BR-CO-10..BR-CO-17) and decimal places (BR-DEC-*), with the
 * exact arithmetic and rounding of CEN-EN16931-UBL.sch 2026.5: xs:decimal sums, `round(x * 10 * 10)
 * div 100` (half towards +infinity) where the schematron rounds, exact equality where it does not,
 * and the ±1 tolerance of BR-CO-17.
 */
import type { XmlElement } from '../../../safe-xml.ts';
import type { Rule } from '../../types.ts';
import { cen, decimalAt, decimalOf, type CenState } from './context.ts';
import { abs, add, cmp, eq, format, fromInt, isZero, mul, round, shift, sub, sum, trimZeros, ZERO, type Decimal } from '../../../decimal.ts';
import { contextRule, type Verdict } from './support/define.ts';
import { CAC, CBC, decimalsOf, first, has, kids, sel, str } from './support/xpath.ts';

function fatal(id: string, message: string, contexts: (x: CenState) => Iterable<XmlElement>, test: (x: CenState, el: XmlElement) => Verdict): Rule {
  return contextRule(cen, id, 'fatal', message, contexts, test);
}

const money = (d: Decimal): string => format(trimZeros(d), 2);
const totals = (x: CenState) => x.all('cac:LegalMonetaryTotal');
const root = (x: CenState): XmlElement[] => [x.root];

/** xs:decimal of the first `path` below `from`, or null when absent. */
function amount(from: XmlElement | null, path: string, label: string): Decimal | null {
  return decimalOf(first(from, path), label);
}

/** The document-level allowances (false) or charges (true), as `../cac:AllowanceCharge[cbc:ChargeIndicator=…]` from the totals. */
function siblingsAc(x: CenState, lmt: XmlElement, charge: boolean): XmlElement[] {
  return kids(x.parent(lmt), CAC, 'AllowanceCharge').filter((ac) => x.chargeIndicator(ac) === charge);
}

/**
 * BR-CO-11 / BR-CO-12: `xs:decimal(total) = round(sum(../cac:AllowanceCharge[…]/xs:decimal(cbc:Amount)) * 10 * 10) div 100
 * or (not(total) and not(../cac:AllowanceCharge[…]))`.
 */
function allowanceChargeTotal(x: CenState, lmt: XmlElement, charge: boolean, name: string, what: string): Verdict {
  const acs = siblingsAc(x, lmt, charge);
  const totalEl = first(lmt, `cbc:${name}`);
  if (!totalEl) return acs.length === 0 ? true : { at: lmt, detail: `the document has ${acs.length} ${what}${acs.length === 1 ? '' : 's'} but no ${name}` };
  const expected = round(sum(acs.flatMap((ac) => {
    const a = amount(ac, 'cbc:Amount', `the ${what} amount`);
    return a ? [a] : [];
  })), 2, 'half-ceiling');
  const actual = decimalAt(totalEl, `the ${name}`);
  return eq(actual, expected) ? true : { at: totalEl, detail: `the ${what}s add up to ${money(expected)}, the document says ${totalEl.text}` };
}

/** A BR-DEC rule: at most two decimals in the first `name` child of each context element. */
function decimals(id: string, what: string, contexts: (x: CenState) => Iterable<XmlElement>, name: string): Rule {
  return fatal(id, `The ${what} has more than 2 decimals.`, contexts, (_x, el) => {
    const target = first(el, `cbc:${name}`);
    return !target || decimalsOf(target.text) <= 2 ? true : { at: target, detail: target.text };
  });
}

const documentAc = (charge: boolean) => (x: CenState) => x.match('/cac:AllowanceCharge').filter((ac) => x.chargeIndicator(ac) === charge);
const lineAc = (charge: boolean) => (x: CenState) =>
  [...x.match('cac:InvoiceLine/cac:AllowanceCharge'), ...x.match('cac:CreditNoteLine/cac:AllowanceCharge')].filter((ac) => x.chargeIndicator(ac) === charge);
const lines = (x: CenState): XmlElement[] => [...x.all('cac:InvoiceLine'), ...x.all('cac:CreditNoteLine')];
const subtotals = (x: CenState) => x.match('cac:TaxTotal/cac:TaxSubtotal');

export const totalRules: readonly Rule[] = [
  fatal('BR-12', 'The document totals have no sum of line net amounts (BT-106).', totals, (_x, t) => has(t, 'cbc:LineExtensionAmount')),
  fatal('BR-13', 'The document totals have no total without VAT (BT-109).', totals, (_x, t) => has(t, 'cbc:TaxExclusiveAmount')),
  fatal('BR-14', 'The document totals have no total with VAT (BT-112).', totals, (_x, t) => has(t, 'cbc:TaxInclusiveAmount')),
  fatal('BR-15', 'The document totals have no amount due for payment (BT-115).', totals, (_x, t) => has(t, 'cbc:PayableAmount')),

  // xs:decimal(cbc:LineExtensionAmount) = xs:decimal(round(sum(//(cac:InvoiceLine|cac:CreditNoteLine)/xs:decimal(cbc:LineExtensionAmount)) * 10 * 10) div 100)
  fatal('BR-CO-10', 'The sum of line net amounts (BT-106) is not the total of the line net amounts (BT-131).', totals, (x, lmt) => {
    const expected = round(sum(lines(x).flatMap((line) => {
      const a = amount(line, 'cbc:LineExtensionAmount', 'the line net amount');
      return a ? [a] : [];
    })), 2, 'half-ceiling');
    const el = first(lmt, 'cbc:LineExtensionAmount');
    if (!el) return `the lines add up to ${money(expected)}, the document gives no sum`;
    return eq(decimalAt(el, 'the sum of line net amounts'), expected) ? true : { at: el, detail: `the lines add up to ${money(expected)}, the document says ${el.text}` };
  }),
  fatal('BR-CO-11', 'The sum of allowances on document level (BT-107) is not the total of the document-level allowances (BT-92).', totals, (x, lmt) =>
    allowanceChargeTotal(x, lmt, false, 'AllowanceTotalAmount', 'allowance'),
  ),
  fatal('BR-CO-12', 'The sum of charges on document level (BT-108) is not the total of the document-level charges (BT-99).', totals, (x, lmt) =>
    allowanceChargeTotal(x, lmt, true, 'ChargeTotalAmount', 'charge'),
  ),
  // Four cases on the presence of ChargeTotalAmount / AllowanceTotalAmount; rounded to cents except when neither is present.
  fatal('BR-CO-13', 'The total without VAT (BT-109) is not the sum of line net amounts (BT-106) minus allowances (BT-107) plus charges (BT-108).', totals, (_x, lmt) => {
    const lea = amount(lmt, 'cbc:LineExtensionAmount', 'the sum of line net amounts');
    const charges = amount(lmt, 'cbc:ChargeTotalAmount', 'the sum of charges');
    const allowances = amount(lmt, 'cbc:AllowanceTotalAmount', 'the sum of allowances');
    const teaEl = first(lmt, 'cbc:TaxExclusiveAmount');
    const tea = decimalOf(teaEl, 'the total without VAT');
    if (!lea || !tea) return { at: teaEl ?? lmt, detail: !tea ? 'the total without VAT is missing' : 'the sum of line net amounts is missing' };
    const expected = charges || allowances ? round(sub(add(lea, charges ?? ZERO), allowances ?? ZERO), 2, 'half-ceiling') : lea;
    return eq(tea, expected) ? true : { at: teaEl, detail: `expected ${money(expected)}, the document says ${teaEl?.text ?? ''}` };
  }),
  // (exists(Prepaid) and not(Rounding) and Payable = round((TaxInclusive - Prepaid) * 100) div 100)
  // or (not(Prepaid) and not(Rounding) and Payable = TaxInclusive)
  // or (Prepaid and Rounding and round((Payable - Rounding) * 100) div 100 = round((TaxInclusive - Prepaid) * 100) div 100)
  // or (not(Prepaid) and Rounding and round((Payable - Rounding) * 100) div 100 = TaxInclusive)
  fatal('BR-CO-16', 'The amount due (BT-115) is not the total with VAT (BT-112) minus the paid amount (BT-113) plus the rounding amount (BT-114).', totals, (_x, lmt) => {
    const payableEl = first(lmt, 'cbc:PayableAmount');
    const prepaidEl = first(lmt, 'cbc:PrepaidAmount');
    const roundingEl = first(lmt, 'cbc:PayableRoundingAmount');
    const inclusive = amount(lmt, 'cbc:TaxInclusiveAmount', 'the total with VAT');
    const payable = decimalOf(payableEl, 'the amount due');
    const prepaid = decimalOf(prepaidEl, 'the paid amount');
    const rounding = decimalOf(roundingEl, 'the rounding amount');
    if (!payable || !inclusive) return { at: payableEl ?? lmt, detail: !payable ? 'the amount due is missing' : 'the total with VAT is missing' };
    const due = prepaid ? round(sub(inclusive, prepaid), 2, 'half-ceiling') : inclusive;
    const given = rounding ? round(sub(payable, rounding), 2, 'half-ceiling') : payable;
    if (eq(given, due)) return true;
    const expected = rounding ? add(due, rounding) : due;
    return { at: payableEl, detail: `expected ${money(expected)}, the document says ${payableEl?.text ?? ''}` };
  }),
  // every $Currency in cbc:DocumentCurrencyCode satisfies count(cac:TaxTotal/xs:decimal(cbc:TaxAmount[@currencyID=$Currency])) eq 1
  //   and cac:LegalMonetaryTotal/xs:decimal(cbc:TaxInclusiveAmount) = round((TaxExclusiveAmount + that TaxAmount) * 10 * 10) div 100
  fatal('BR-CO-15', 'The total with VAT (BT-112) is not the total without VAT (BT-109) plus the total VAT (BT-110), or the total VAT in the document currency is not given exactly once.', root, (x) => {
    for (const currencyEl of kids(x.root, CBC, 'DocumentCurrencyCode')) {
      const currency = currencyEl.text;
      const taxAmounts = kids(x.root, CAC, 'TaxTotal').flatMap((tt) => {
        const a = sel(tt, 'cbc:TaxAmount').find((e) => e.attrs['currencyID'] === currency);
        return a ? [a] : [];
      });
      if (taxAmounts.length !== 1) return { at: kids(x.root, CAC, 'TaxTotal')[1] ?? first(x.root, 'cac:TaxTotal') ?? currencyEl, detail: `${taxAmounts.length} total VAT amounts in ${currency}` };
      const taxEl = taxAmounts[0] as XmlElement;
      const tax = decimalAt(taxEl, 'the total VAT amount');
      const lmt = first(x.root, 'cac:LegalMonetaryTotal');
      const inclusiveEl = first(lmt, 'cbc:TaxInclusiveAmount');
      const inclusive = decimalOf(inclusiveEl, 'the total with VAT');
      const exclusive = amount(lmt, 'cbc:TaxExclusiveAmount', 'the total without VAT');
      if (!inclusive || !exclusive) return { at: inclusiveEl ?? lmt ?? x.root, detail: !inclusive ? 'the total with VAT is missing' : 'the total without VAT is missing' };
      const expected = round(add(exclusive, tax), 2, 'half-ceiling');
      if (!eq(inclusive, expected)) return { at: inclusiveEl, detail: `${money(exclusive)} + ${money(tax)} VAT = ${money(expected)}, the document says ${inclusiveEl?.text ?? ''}` };
    }
    return true;
  }),
  // On /ubl:Invoice/cac:TaxTotal: xs:decimal(cbc:TaxAmount) = round(sum(cac:TaxSubtotal/xs:decimal(cbc:TaxAmount)) * 10 * 10) div 100 or not(cac:TaxSubtotal)
  fatal('BR-CO-14', 'The total VAT amount (BT-110) is not the sum of the VAT amounts of the VAT breakdown (BT-117).', (x) => x.match('/cac:TaxTotal'), (_x, tt) => {
    const subs = kids(tt, CAC, 'TaxSubtotal');
    if (subs.length === 0) return true;
    const expected = round(sum(subs.flatMap((st) => {
      const a = amount(st, 'cbc:TaxAmount', 'the VAT category tax amount');
      return a ? [a] : [];
    })), 2, 'half-ceiling');
    const el = first(tt, 'cbc:TaxAmount');
    if (!el) return `the breakdown adds up to ${money(expected)}, the total VAT amount is missing`;
    return eq(decimalAt(el, 'the total VAT amount'), expected) ? true : { at: el, detail: `the breakdown adds up to ${money(expected)}, the document says ${el.text}` };
  }),
  // (round(Percent) = 0 and round(TaxAmount) = 0)
  // or (round(Percent) != 0 and abs(TaxAmount) - 1 < R and abs(TaxAmount) + 1 > R), R = round(abs(TaxableAmount) * (Percent div 100) * 10 * 10) div 100
  // or (not(Percent) and round(TaxAmount) = 0)
  fatal('BR-CO-17', 'A VAT category tax amount (BT-117) is not the taxable amount (BT-116) times the VAT rate (BT-119), rounded to 2 decimals.', subtotals, (x, st) => {
    const category = kids(st, CAC, 'TaxCategory').find((c) => x.isVat(c)) ?? null;
    const percent = amount(category, 'cbc:Percent', 'the VAT rate');
    const taxEl = first(st, 'cbc:TaxAmount');
    const tax = decimalOf(taxEl, 'the VAT category tax amount');
    const taxable = amount(st, 'cbc:TaxableAmount', 'the VAT category taxable amount');
    if (!tax) return 'the VAT amount is missing';
    if (!percent) return isZero(round(tax, 0, 'half-ceiling')) ? true : { at: taxEl, detail: `no VAT rate, but a VAT amount of ${taxEl?.text ?? ''}` };
    if (isZero(round(percent, 0, 'half-ceiling'))) return isZero(round(tax, 0, 'half-ceiling')) ? true : { at: taxEl, detail: `rate ${str(category, 'cbc:Percent')} %, but a VAT amount of ${taxEl?.text ?? ''}` };
    if (!taxable) return 'the taxable amount is missing';
    const expected = round(mul(abs(taxable), shift(percent, -2)), 2, 'half-ceiling');
    const t = abs(tax);
    const ok = cmp(sub(t, fromInt(1)), expected) < 0 && cmp(add(t, fromInt(1)), expected) > 0;
    return ok ? true : { at: taxEl, detail: `${money(taxable)} × ${str(category, 'cbc:Percent')} % = ${money(expected)}, the document says ${taxEl?.text ?? ''}` };
  }),

  // --- Decimals ---------------------------------------------------------------------------------
  decimals('BR-DEC-01', 'document-level allowance amount (BT-92)', documentAc(false), 'Amount'),
  decimals('BR-DEC-02', 'document-level allowance base amount (BT-93)', documentAc(false), 'BaseAmount'),
  decimals('BR-DEC-05', 'document-level charge amount (BT-99)', documentAc(true), 'Amount'),
  decimals('BR-DEC-06', 'document-level charge base amount (BT-100)', documentAc(true), 'BaseAmount'),
  decimals('BR-DEC-09', 'sum of line net amounts (BT-106)', totals, 'LineExtensionAmount'),
  decimals('BR-DEC-10', 'sum of allowances on document level (BT-107)', totals, 'AllowanceTotalAmount'),
  decimals('BR-DEC-11', 'sum of charges on document level (BT-108)', totals, 'ChargeTotalAmount'),
  decimals('BR-DEC-12', 'total without VAT (BT-109)', totals, 'TaxExclusiveAmount'),
  decimals('BR-DEC-14', 'total with VAT (BT-112)', totals, 'TaxInclusiveAmount'),
  decimals('BR-DEC-16', 'paid amount (BT-113)', totals, 'PrepaidAmount'),
  decimals('BR-DEC-17', 'rounding amount (BT-114)', totals, 'PayableRoundingAmount'),
  decimals('BR-DEC-18', 'amount due for payment (BT-115)', totals, 'PayableAmount'),
  decimals('BR-DEC-19', 'VAT category taxable amount (BT-116)', subtotals, 'TaxableAmount'),
  decimals('BR-DEC-20', 'VAT category tax amount (BT-117)', subtotals, 'TaxAmount'),
  decimals('BR-DEC-23', 'line net amount (BT-131)', lines, 'LineExtensionAmount'),
  decimals('BR-DEC-24', 'line allowance amount (BT-136)', lineAc(false), 'Amount'),
  decimals('BR-DEC-25', 'line allowance base amount (BT-137)', lineAc(false), 'BaseAmount'),
  decimals('BR-DEC-27', 'line charge amount (BT-141)', lineAc(true), 'Amount'),
  decimals('BR-DEC-28', 'line charge base amount (BT-142)', lineAc(true), 'BaseAmount'),
  // BR-DEC-13 / BR-DEC-15 test `//cac:TaxTotal/cbc:TaxAmount[@currencyID = cbc:DocumentCurrencyCode]`, where
  // cbc:DocumentCurrencyCode is read below the TaxAmount itself: the selection is always empty, so the
  // official rules can never fail. The two decimals of these amounts are still checked by UBL-DT-01.
  fatal('BR-DEC-13', 'The total VAT amount (BT-110) has more than 2 decimals.', () => [], () => true),
  fatal('BR-DEC-15', 'The total VAT amount in accounting currency (BT-111) has more than 2 decimals.', () => [], () => true),
];
