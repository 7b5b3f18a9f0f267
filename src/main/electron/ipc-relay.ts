/**
 * The only IPC entry point of the shell: `ipcMain.handle(IPC_INVOKE_CHANNEL)`. Every call is checked
 * (sender = our window's main frame on our origin; a known operation; input that matches the
 * contract) before it is forwarded to the engine process. Engine events go back to the window on
 * IPC_EVENT_CHANNEL. The checks themselves are in ipc-guard.ts.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { EventName } from '../../shared/contract.ts';
import type { InvokeReply } from '../../shared/engine-protocol.ts';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../shared/operation-names.ts';
import { checkInvokeRequest, senderRejection, type SenderFacts } from './ipc-guard.ts';
import { hasAllowedOrigin } from './url-policy.ts';

export interface IpcRelayOptions {
  /** Forwards a checked request to the engine process. */
  invoke: (name: string, input: unknown) => Promise<InvokeReply>;
  getWindow: () => BrowserWindow | null;
  /** Origins the UI may be served from. */
  origins: readonly string[];
  log: (line: string) => void;
}

export interface IpcRelay {
  /** Sends one engine event to the window, if it is showing our UI. */
  sendEvent(name: EventName, payload: unknown): void;
  dispose(): void;
}

function senderFacts(event: IpcMainInvokeEvent): SenderFacts {
  const frame = event.senderFrame;
  return { webContentsId: event.sender.id, frame: frame ? { url: frame.url, isMainFrame: frame.parent === null } : null };
}

function liveWindow(getWindow: () => BrowserWindow | null): BrowserWindow | null {
  const win = getWindow();
  return win && !win.isDestroyed() ? win : null;
}

export function registerIpcRelay(options: IpcRelayOptions): IpcRelay {
  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, name: unknown, input: unknown): Promise<InvokeReply> => {
    const win = liveWindow(options.getWindow);
    const rejection = senderRejection(senderFacts(event), { webContentsId: win ? win.webContents.id : null, origins: options.origins });
    if (rejection) {
      options.log(`refused an IPC call: ${rejection}`);
      throw new Error('Refused.');
    }
    const checked = checkInvokeRequest(name, input);
    if (!checked.ok) return { ok: false, error: checked.error };
    return options.invoke(checked.name, checked.input);
  });

  return {
    sendEvent(name, payload) {
      const win = liveWindow(options.getWindow);
      if (!win || !hasAllowedOrigin(win.webContents.getURL(), options.origins)) return;
      win.webContents.send(IPC_EVENT_CHANNEL, name, payload);
    },
    dispose() {
      ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
    },
  };
}
