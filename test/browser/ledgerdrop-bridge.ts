/**
 * Gives a Playwright page the `window.ledgerdrop` the preload gives the real window, wired to a
 * real engine in the test process: every call goes through the relay's request check
 * (ipc-guard.ts) and then `engine.invoke`; engine events are pushed into the page. Replies use
 * the relay's envelope and failures reject with `{ code, message }`, as the preload does.
 */
import type { Page } from 'playwright-core';
import { checkInvokeRequest } from '../../src/main/electron/ipc-guard.ts';
import type { Engine } from '../../src/main/engine/engine.ts';
import { toErrorInfo } from '../../src/main/engine/errors.ts';
import { methodName } from '../../src/shared/api.ts';
import type { InvokeReply } from '../../src/shared/engine-protocol.ts';
import { EVENT_NAMES, OPERATION_NAMES } from '../../src/shared/operation-names.ts';

interface BridgeGlobals {
  __ledgerdropInvoke(name: string, input: unknown): Promise<InvokeReply>;
  __ledgerdropEmit?: (name: string, payload: unknown) => void;
  ledgerdrop?: unknown;
}

/** Installs the bridge; call before `page.goto`. Returns a function that stops relaying events. */
export async function installLedgerdropBridge(page: Page, engine: Engine): Promise<() => void> {
  await page.exposeFunction('__ledgerdropInvoke', async (name: unknown, input: unknown): Promise<InvokeReply> => {
    const checked = checkInvokeRequest(name, input);
    if (!checked.ok) return { ok: false, error: checked.error };
    try {
      return { ok: true, value: await engine.invoke(checked.name, checked.input) };
    } catch (error) {
      return { ok: false, error: toErrorInfo(error) };
    }
  });

  // Runs in the page, before its own scripts: the same shape as src/preload/index.ts.
  await page.addInitScript(
    ({ operations, events }: { operations: Array<[string, string]>; events: string[] }) => {
      const g = globalThis as unknown as BridgeGlobals;
      const listeners = new Map<string, Set<(payload: unknown) => void>>();
      g.__ledgerdropEmit = (name, payload) => {
        for (const listener of listeners.get(name) ?? []) listener(payload);
      };
      const api: Record<string, unknown> = {};
      for (const [operation, method] of operations) {
        api[method] = async (input?: unknown) => {
          const reply = await g.__ledgerdropInvoke(operation, input ?? {});
          if (reply.ok) return reply.value;
          throw { code: reply.error.code, message: reply.error.message };
        };
      }
      api.on = (event: string, listener: (payload: unknown) => void) => {
        if (!events.includes(event)) throw new TypeError(`Unknown event "${event}".`);
        const set = listeners.get(event) ?? new Set();
        listeners.set(event, set);
        set.add(listener);
        return () => set.delete(listener);
      };
      api.pathForFile = () => '';
      Object.defineProperty(g, 'ledgerdrop', { value: Object.freeze(api), enumerable: true });
    },
    { operations: OPERATION_NAMES.map((name): [string, string] => [name, methodName(name)]), events: [...EVENT_NAMES] },
  );

  return engine.onAny((name, payload) => {
    page
      .evaluate(([n, p]) => (globalThis as unknown as BridgeGlobals).__ledgerdropEmit?.(n, p), [name, payload] as [string, unknown])
      .catch(() => {
        // The page is navigating or closed; the next load subscribes again.
      });
  });
}
