/**
 * The checks the IPC relay makes before anything reaches the engine: who is asking (our window's
 * main frame, on our origin) and what (a known operation with input that matches the contract).
 * No `electron` import, so test/unit/desktop-ipc-guard.test.ts runs them in plain Node and the
 * browser-test bridge applies the same validation.
 */
import { contract, describeZodError, type OperationName } from '../../shared/contract.ts';
import type { ErrorInfo } from '../../shared/errors.ts';
import { isOperationName } from '../../shared/operation-names.ts';
import { hasAllowedOrigin } from './url-policy.ts';

/** What the relay knows about the sender of an IPC message (from `event.sender` and `event.senderFrame`). */
export interface SenderFacts {
  webContentsId: number;
  /** null when the frame navigated away or was destroyed before the message was handled. */
  frame: { url: string; isMainFrame: boolean } | null;
}

export interface SenderPolicy {
  /** The webContents of our window; null while there is no window. */
  webContentsId: number | null;
  /** `app://ledgerdrop`, plus the dev server's origin in development. */
  origins: readonly string[];
}

/** Why a sender is refused, or null when it is our window's main frame on our origin. */
export function senderRejection(facts: SenderFacts, policy: SenderPolicy): string | null {
  if (policy.webContentsId === null || facts.webContentsId !== policy.webContentsId) return 'the message does not come from the Ledgerdrop window';
  if (!facts.frame) return 'the sending frame is gone';
  if (!facts.frame.isMainFrame) return 'the message comes from a sub-frame';
  if (!hasAllowedOrigin(facts.frame.url, policy.origins)) return `the sending page is not on an allowed origin (${facts.frame.url})`;
  return null;
}

export type CheckedRequest = { ok: true; name: OperationName; input: unknown } | { ok: false; error: ErrorInfo };

/** Refuses unknown operations and input the contract rejects; returns the parsed input otherwise. */
export function checkInvokeRequest(name: unknown, input: unknown): CheckedRequest {
  if (!isOperationName(name)) {
    return { ok: false, error: { code: 'unknown-operation', message: `Unknown operation "${typeof name === 'string' ? name.slice(0, 100) : typeof name}".` } };
  }
  const parsed = contract[name].input.safeParse(input ?? {});
  if (!parsed.success) {
    return { ok: false, error: { code: 'invalid-input', message: `Invalid input for ${name}: ${describeZodError(parsed.error)}` } };
  }
  return { ok: true, name, input: parsed.data };
}
