/**
 * The desktop shell: lifecycle, the window, the tray, and the relay between the window and the
 * engine, which runs in a utilityProcess (src/main/engine-host.ts). It holds no business logic.
 */
import { app, session, utilityProcess, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import type { EngineSettings } from '../../shared/contract.ts';
import { ENGINE_HOME_ARG, ENGINE_HOME_ENV } from '../../shared/engine-protocol.ts';
import { isUiLanguage, translate } from '../../shared/i18n/index.ts';
import { applyStartAtLogin, openDesktopSettings, startedHidden, type DesktopSettingsStore } from './desktop-settings.ts';
import { EngineProcess, type EngineChild } from './engine-process.ts';
import { registerIpcRelay } from './ipc-relay.ts';
import { createTray, type LedgerdropTray } from './tray.ts';
import { APP_ENTRY_URL, APP_ORIGIN, originOf } from './url-policy.ts';
import { createMainWindow, hardenAllWebContents, hardenSession, registerAppScheme, serveRenderer, showWindow } from './window.ts';

const log = (line: string) => console.log(`[ledgerdrop] ${line}`);

const here = import.meta.dirname; // out/main
const paths = {
  engineHost: join(here, 'engine-host.js'),
  preload: join(here, '../preload/index.cjs'),
  renderer: join(here, '../renderer'),
  resources: app.isPackaged ? join(process.resourcesPath, 'resources') : join(app.getAppPath(), 'resources'),
};

/** In development electron-vite serves the renderer; its origin is then trusted as well. */
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const devOrigin = devServerUrl ? originOf(devServerUrl) : null;
const origins: readonly string[] = devOrigin ? [APP_ORIGIN, devOrigin] : [APP_ORIGIN];

registerAppScheme();
hardenAllWebContents(origins, log);

if (!app.requestSingleInstanceLock()) {
  // Another Ledgerdrop is running; it shows its window (see 'second-instance') and we leave.
  app.quit();
} else {
  void run().catch((error: unknown) => {
    console.error('[ledgerdrop] the desktop shell could not start', error);
    app.exit(1);
  });
}

async function run(): Promise<void> {
  let window: BrowserWindow | null = null;
  let tray: LedgerdropTray | null = null;
  let quitting = false;
  let engineStopped = false;

  // Chromium's caches go in a subfolder, so the data folder (shared with the CLI) stays readable.
  app.setPath('sessionData', join(app.getPath('userData'), 'Chromium'));
  app.on('second-instance', () => showWindow(window));
  app.on('activate', () => showWindow(window));
  app.on('window-all-closed', () => {
    // Stay in the tray; Quit is in the tray menu.
  });

  await app.whenReady();

  const home = app.getPath('userData'); // the same folder as the CLI's default (engine/home.ts defaultHome)
  const { store: settings, firstRun } = openDesktopSettings();
  applyStartAtLogin(settings.get('startAtLogin'));
  settings.onDidChange('startAtLogin', (enabled) => applyStartAtLogin(enabled === true));
  hardenSession(session.defaultSession);
  serveRenderer(paths.renderer);

  const relay = registerIpcRelay({ invoke: (name, input) => engine.invoke(name, input), getWindow: () => window, origins, log });

  const engine = new EngineProcess({
    fork: () => forkEngine(paths.engineHost, home),
    onEvent: (name, payload) => {
      relay.sendEvent(name, payload);
      if (name === 'settings.changed') mirrorLanguage(settings, tray, (payload as EngineSettings).language);
    },
    onStateChange: (state) => {
      log(`engine ${state.kind}${state.kind === 'fatal' ? `: ${state.error.message}` : ''}`);
      if (state.kind === 'ready') void syncLanguage();
    },
    log,
  });

  /** The engine's language is the UI's language; on the very first start it is proposed from the OS. */
  let seeded = !firstRun;
  async function syncLanguage(): Promise<void> {
    const reply = await engine.invoke('settings.get', {});
    if (!reply.ok) return;
    const engineLanguage = (reply.value as EngineSettings).language;
    const osLanguage = settings.get('language');
    if (!seeded) {
      seeded = true;
      if (engineLanguage === 'en' && osLanguage !== 'en') {
        await engine.invoke('settings.set', { patch: { language: osLanguage } }); // answered by a settings.changed event
        return;
      }
    }
    mirrorLanguage(settings, tray, engineLanguage);
  }

  engine.start();

  const language = settings.get('language');
  window = createMainWindow({
    url: devServerUrl ?? APP_ENTRY_URL,
    preload: paths.preload,
    icon: process.platform === 'linux' ? join(paths.resources, 'icon.png') : undefined,
    title: translate(language, 'app.name'),
    settings,
    show: !startedHidden(),
    devTools: !app.isPackaged,
  });
  window.on('close', (event) => {
    if (quitting) return;
    event.preventDefault(); // close hides to the tray
    window?.hide();
  });

  const trayInvoke = (name: 'sync.now' | 'outbox.pause' | 'outbox.resume', input: object) => {
    void engine.invoke(name, input).then((reply) => {
      if (!reply.ok) log(`tray: ${name} failed: ${reply.error.message}`);
    });
  };
  tray = createTray(paths.resources, language, {
    open: () => showWindow(window),
    quit: () => app.quit(),
    syncNow: () => trayInvoke('sync.now', {}),
    pause: (minutes) => trayInvoke('outbox.pause', minutes === null ? {} : { minutes }),
    resume: () => trayInvoke('outbox.resume', {}),
  });

  app.on('before-quit', (event) => {
    quitting = true;
    if (engineStopped) return;
    event.preventDefault();
    // Let the engine close its database and release the data folder, then quit for real.
    void engine.shutdown(5_000).finally(() => {
      engineStopped = true;
      relay.dispose();
      tray?.destroy();
      app.quit();
    });
  });
}

function forkEngine(modulePath: string, home: string): EngineChild {
  const child = utilityProcess.fork(modulePath, [`${ENGINE_HOME_ARG}${home}`], {
    serviceName: 'Ledgerdrop engine',
    stdio: 'inherit',
    env: { ...process.env, [ENGINE_HOME_ENV]: home },
  });
  return {
    postMessage: (message) => child.postMessage(message),
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.once('exit', listener),
    kill: () => child.kill(),
  };
}

function mirrorLanguage(settings: DesktopSettingsStore, tray: LedgerdropTray | null, language: unknown): void {
  if (!isUiLanguage(language)) return;
  if (settings.get('language') !== language) settings.set('language', language);
  tray?.setLanguage(language);
}
