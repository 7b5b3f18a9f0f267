export type { BankStatement, StatementFinding, StatementFindingSeverity, StatementFormat, StatementParseResult } from './types.ts';
export { parseCoda } from './coda.ts';
export { parseCamt053 } from './camt053.ts';
export { parseMt940 } from './mt940.ts';
export { looksLikeCamt053, looksLikeCoda, looksLikeMt940 } from './detect.ts';
export { MAX_STATEMENT_INPUT_CHARS } from './common.ts';
