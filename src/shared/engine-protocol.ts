/**
 * The messages between the desktop shell (Electron main) and the engine host (the utilityProcess
 * that runs the engine). Both sides import this file, so a change to the protocol is a compile
 * error on whichever side was forgotten. Plain data only: everything crosses a structured clone.
 */
import type { EngineStatus } from './contract.ts';
import { isErrorInfo, type ErrorInfo } from './errors.ts';
import { isEventName, type EventName } from './operation-names.ts';

/** How the shell tells the engine host where its data folder is. */
export const ENGINE_HOME_ARG = '--home=';
export const ENGINE_HOME_ENV = 'LEDGERDROP_HOME';

/** Shell → engine host. */
export type ShellMessage =
  | { type: 'invoke'; id: number; name: string; input: unknown }
  | { type: 'shutdown' };

/** Engine host → shell. */
export type HostMessage =
  /** The engine opened its data folder and is ready for requests. */
  | { type: 'ready'; status: EngineStatus }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: ErrorInfo }
  | { type: 'event'; name: EventName; payload: unknown }
  /** The engine could not start (data folder in use, corrupt database…): restarting will not help. */
  | { type: 'fatal'; error: ErrorInfo };

/** What the IPC relay and the browser-test bridge hand back to the preload: never a thrown Error, whose code would be lost. */
export type InvokeReply = { ok: true; value: unknown } | { ok: false; error: ErrorInfo };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRequestId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Reads a message from the shell; anything malformed is `null` and is ignored by the host. */
export function parseShellMessage(value: unknown): ShellMessage | null {
  if (!isRecord(value)) return null;
  if (value.type === 'shutdown') return { type: 'shutdown' };
  if (value.type === 'invoke' && isRequestId(value.id) && typeof value.name === 'string') {
    return { type: 'invoke', id: value.id, name: value.name, input: value.input };
  }
  return null;
}

/** Reads a message from the engine host; anything malformed is `null` and is ignored by the shell. */
export function parseHostMessage(value: unknown): HostMessage | null {
  if (!isRecord(value)) return null;
  switch (value.type) {
    case 'ready':
      return isRecord(value.status) ? { type: 'ready', status: value.status as EngineStatus } : null;
    case 'result':
      if (!isRequestId(value.id)) return null;
      if (value.ok === true) return { type: 'result', id: value.id, ok: true, value: value.value };
      if (value.ok === false && isErrorInfo(value.error)) return { type: 'result', id: value.id, ok: false, error: value.error };
      return null;
    case 'event':
      return isEventName(value.name) ? { type: 'event', name: value.name, payload: value.payload } : null;
    case 'fatal':
      return isErrorInfo(value.error) ? { type: 'fatal', error: value.error } : null;
    default:
      return null;
  }
}

/** Reads the data folder the shell gave the host: `--home=<dir>` first, then the environment. */
export function homeFromArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): string | undefined {
  for (const arg of argv) {
    if (arg.startsWith(ENGINE_HOME_ARG) && arg.length > ENGINE_HOME_ARG.length) return arg.slice(ENGINE_HOME_ARG.length);
  }
  const fromEnv = env[ENGINE_HOME_ENV];
  return fromEnv ? fromEnv : undefined;
}
