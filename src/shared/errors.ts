/**
 * Error codes the engine returns across every boundary (IPC, CLI, engine host).
 * The message is plain language and says what to do; the code lets the UI translate and react.
 */
export const ERROR_CODES = [
  'invalid-input',
  'not-found',
  'unknown-operation',
  'home-unwritable',
  'home-in-use',
  'database-corrupt',
  'database-too-new',
  'keychain-unavailable',
  'keychain-locked',
  'keychain-failed',
  'engine-closed',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

export function isErrorInfo(value: unknown): value is ErrorInfo {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.message === 'string' && typeof v.code === 'string' && (ERROR_CODES as readonly string[]).includes(v.code);
}
