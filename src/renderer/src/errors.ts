import { isErrorInfo, type ErrorInfo } from '../../shared/errors.ts';

/** What a rejected `window.ledgerdrop` call carries: `{ code, message }` from the engine, or anything else turned into one. */
export function errorInfoOf(error: unknown): ErrorInfo {
  if (isErrorInfo(error)) return error;
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}
