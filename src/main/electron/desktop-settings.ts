/** The desktop preferences file (`desktop-settings.json` in userData), through electron-store. */
import { app, ipcMain } from 'electron';
import Store from 'electron-store';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { languageFromLocales } from '../../shared/i18n/index.ts';
import { SETTINGS_FILE_NAME, desktopSettingsOptions, type DesktopSettings } from './desktop-settings-schema.ts';

export type DesktopSettingsStore = Store<DesktopSettings>;

export interface OpenedDesktopSettings {
  store: DesktopSettingsStore;
  /** True when the file did not exist yet: the first start of the desktop app on this account. */
  firstRun: boolean;
}

/** The OS's preferred UI language among ours, most preferred first. */
export function systemLanguage(): DesktopSettings['language'] {
  const preferred = app.getPreferredSystemLanguages();
  return languageFromLocales(preferred.length > 0 ? preferred : [app.getLocale()]);
}

/** Call after `app` is ready (the OS locale is only known then). */
export function openDesktopSettings(): OpenedDesktopSettings {
  const firstRun = !existsSync(join(app.getPath('userData'), `${SETTINGS_FILE_NAME}.json`));
  const store = new Store<DesktopSettings>({ name: SETTINGS_FILE_NAME, ...desktopSettingsOptions(systemLanguage()) });
  // electron-store answers this synchronous IPC for stores opened in a renderer. Ours never does,
  // and the shell's only IPC entry point is the relay's channel.
  ipcMain.removeAllListeners('electron-store-get-data');
  return { store, firstRun };
}

/** Registers (or removes) Ledgerdrop as a login item. macOS and Windows only; a no-op on Linux. */
export function applyStartAtLogin(enabled: boolean): void {
  if (process.platform !== 'darwin' && process.platform !== 'win32') return;
  app.setLoginItemSettings({ openAtLogin: enabled, args: enabled ? [HIDDEN_ARG] : [] });
}

/** Given to the login item, so a start at login goes straight to the tray. */
export const HIDDEN_ARG = '--hidden';

export function startedHidden(): boolean {
  if (process.argv.includes(HIDDEN_ARG)) return true;
  return process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true;
}
