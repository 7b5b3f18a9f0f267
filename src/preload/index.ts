/**
 * The preload: exposes `window.ledgerdrop` (src/shared/api.ts) and nothing else — no ipcRenderer,
 * no process, no Node. Built as one CommonJS file, because a sandboxed preload cannot load modules.
 * It imports only operation-names.ts and api.ts so zod stays out of this bundle; the shell's relay
 * validates every call against the contract, and the engine validates it again.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { methodName, type LedgerdropApi } from '../shared/api.ts';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, OPERATION_NAMES, isEventName, type EventName } from '../shared/operation-names.ts';

type Listener = (payload: unknown) => void;
const listeners = new Map<EventName, Set<Listener>>();

ipcRenderer.on(IPC_EVENT_CHANNEL, (_event, name: unknown, payload: unknown) => {
  if (!isEventName(name)) return;
  for (const listener of listeners.get(name) ?? []) {
    try {
      listener(payload);
    } catch (error) {
      console.error(`A listener for ${name} failed`, error);
    }
  }
});

function isReply(value: unknown): value is { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } } {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

/** Resolves with the engine's answer; rejects with a plain `{ code, message }` (an Error's extra fields would not survive the bridge). */
function operation(name: string) {
  return async (input?: unknown): Promise<unknown> => {
    const reply: unknown = await ipcRenderer.invoke(IPC_INVOKE_CHANNEL, name, input ?? {});
    if (!isReply(reply)) throw { code: 'internal', message: 'The desktop app gave an unreadable answer.' };
    if (reply.ok) return reply.value;
    throw { code: reply.error.code, message: reply.error.message };
  };
}

const api = {
  ...Object.fromEntries(OPERATION_NAMES.map((name) => [methodName(name), operation(name)])),
  on(event: EventName, listener: Listener): () => void {
    if (!isEventName(event)) throw new TypeError(`Unknown event "${String(event)}".`);
    if (typeof listener !== 'function') throw new TypeError('The listener must be a function.');
    let set = listeners.get(event);
    if (!set) {
      set = new Set();
      listeners.set(event, set);
    }
    set.add(listener);
    return () => {
      listeners.get(event)?.delete(listener);
    };
  },
  pathForFile(file: unknown): string {
    try {
      // Throws for anything that is not a File; files that do not come from disk give ''.
      return webUtils.getPathForFile(file as Parameters<typeof webUtils.getPathForFile>[0]);
    } catch {
      return '';
    }
  },
} as unknown as LedgerdropApi;

contextBridge.exposeInMainWorld('ledgerdrop', api);
