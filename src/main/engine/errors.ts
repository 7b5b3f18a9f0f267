import type { ErrorCode, ErrorInfo } from '../../shared/errors.ts';

/**
 * An error the user can act on: a code the UI can translate and a one-line message that says
 * what happened and what to do. Anything else that escapes the engine is reported as `internal`.
 */
export class EngineError extends Error {
  readonly code: ErrorCode;
  /** What happened, without the remedy. */
  readonly problem: string;
  /** What the user can do about it, when there is something. */
  readonly fix: string | null;

  /** `message` says what happened; `options.fix` what to do. The full message is both, in one line. */
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; fix?: string }) {
    super(options?.fix ? `${message} ${options.fix}` : message, options);
    this.name = 'EngineError';
    this.code = code;
    this.problem = message;
    this.fix = options?.fix ?? null;
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}

export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof EngineError) return error.toInfo();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `Unexpected error: ${firstLine(message)}` };
}

export function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.trim();
}

/** The errno-style code of a Node system error, if there is one. */
export function systemErrorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
