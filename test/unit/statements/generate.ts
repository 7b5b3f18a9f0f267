/**
 * Builders for synthetic statement files (edge cases and the performance check). Amounts are
 * decimal strings; positions follow ../shared/facts/formats.md §5-7.
 */

/** A 128-character CODA record with `fields` placed at 1-based positions. */
export function codaRecord(fields: ReadonlyArray<readonly [number, string]>): string {
  const chars = Array.from({ length: 128 }, () => ' ');
  for (const [pos, value] of fields) {
    for (let i = 0; i < value.length; i += 1) chars[pos - 1 + i] = value[i] ?? ' ';
  }
  return chars.join('');
}

/** Sign byte + 15 digits with 3 implied decimals: "-12.5" -> ["1", "000000000012500"]. */
export function codaAmount(value: string): [string, string] {
  const negative = value.startsWith('-');
  const [intPart = '0', fraction = ''] = value.replace(/^[-+]/, '').split('.');
  return [negative ? '1' : '0', (intPart + fraction.padEnd(3, '0')).padStart(15, '0')];
}

export interface CodaSpec {
  iban: string;
  number: string;
  opening: string;
  closing: string;
  movements: string[];
  /** Globalised groups: [total, ...details]; the total is counted, the details are not. */
  globalised?: string[][];
  date?: string;
}

/** A complete CODA statement (records 0, 1, 2.1/2.2, 8, 9) for a Belgian IBAN account. */
export function codaStatement(spec: CodaSpec): string[] {
  const date = spec.date ?? '020124';
  const lines: string[] = [];
  lines.push(codaRecord([[1, '00000'], [6, date], [12, '725'], [15, '05'], [35, 'TEST CLIENT'], [61, 'KREDBEBB'], [128, '2']]));
  const [os, oa] = codaAmount(spec.opening);
  lines.push(codaRecord([[1, '12'], [3, spec.number], [6, spec.iban], [40, 'EUR'], [43, os], [44, oa], [59, '010124'], [65, 'TEST CLIENT'], [126, spec.number]]));
  let seq = 0;
  let debit = 0n;
  let credit = 0n;
  let records = 2; // 1 and 8
  const movement = (sequence: number, detail: number, amount: string, glob: string): void => {
    const [s, a] = codaAmount(amount);
    lines.push(
      codaRecord([[1, '21'], [3, String(sequence).padStart(4, '0')], [7, String(detail).padStart(4, '0')], [11, `REF${sequence}`], [32, s], [33, a], [48, date], [54, '00150000'], [62, '0'], [63, 'PAYMENT'], [116, date], [122, spec.number], [125, glob], [126, '1'], [128, '0']]),
    );
    lines.push(codaRecord([[1, '22'], [3, String(sequence).padStart(4, '0')], [7, String(detail).padStart(4, '0')], [99, 'GEBABEBB'], [126, '0'], [128, '0']]));
    records += 2;
  };
  const tally = (amount: string): void => {
    const [s, a] = codaAmount(amount);
    if (s === '1') debit += BigInt(a);
    else credit += BigInt(a);
  };
  for (const amount of spec.movements) {
    seq += 1;
    movement(seq, 0, amount, '0');
    tally(amount);
  }
  for (const [total = '0', ...details] of spec.globalised ?? []) {
    seq += 1;
    movement(seq, 0, total, '1');
    tally(total);
    details.forEach((amount, i) => movement(seq, i + 1, amount, i === details.length - 1 ? '1' : '0'));
  }
  const [cs, ca] = codaAmount(spec.closing);
  lines.push(codaRecord([[1, '8'], [2, spec.number], [5, spec.iban], [39, 'EUR'], [42, cs], [43, ca], [58, date], [128, '0']]));
  lines.push(codaRecord([[1, '9'], [17, String(records).padStart(6, '0')], [23, debit.toString().padStart(15, '0')], [38, credit.toString().padStart(15, '0')], [128, '2']]));
  return lines;
}

export interface CamtSpec {
  version?: string;
  iban: string;
  opening: string;
  closing: string;
  entries: string[];
  openingCode?: string;
  extra?: string;
}

function camtAmount(value: string): { amt: string; ind: string } {
  return value.startsWith('-') ? { amt: value.slice(1), ind: 'DBIT' } : { amt: value, ind: 'CRDT' };
}

/** One <Stmt> element. */
export function camtStatement(spec: CamtSpec, id = 'STMT-1'): string {
  const bal = (code: string, value: string, date: string): string => {
    const { amt, ind } = camtAmount(value);
    return `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${amt}</Amt><CdtDbtInd>${ind}</CdtDbtInd><Dt><Dt>${date}</Dt></Dt></Bal>`;
  };
  const entries = spec.entries
    .map((value, i) => {
      const { amt, ind } = camtAmount(value);
      return `<Ntry><NtryRef>${i + 1}</NtryRef><Amt Ccy="EUR">${amt}</Amt><CdtDbtInd>${ind}</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2024-01-02</Dt></BookgDt><ValDt><Dt>2024-01-02</Dt></ValDt><NtryDtls><TxDtls><RmtInf><Ustrd>Invoice ${i + 1} &amp; more</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`;
    })
    .join('\n');
  return (
    `<Stmt><Id>${id}</Id><CreDtTm>2024-01-02T10:00:00</CreDtTm><Acct><Id><IBAN>${spec.iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>` +
    bal(spec.openingCode ?? 'OPBD', spec.opening, '2024-01-01') +
    bal('CLBD', spec.closing, '2024-01-02') +
    (spec.extra ?? '') +
    `\n${entries}\n</Stmt>`
  );
}

export function camtDocument(statements: string[], version = '02'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.${version}"><BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId><CreDtTm>2024-01-02T10:00:00</CreDtTm></GrpHdr>\n${statements.join('\n')}\n</BkToCstmrStmt></Document>\n`;
}
