/**
 * The main window and everything that keeps it on our UI: the `app://ledgerdrop/` protocol,
 * permissions (all denied), navigation and new windows (refused; allow-listed https links open in
 * the system browser), webviews (refused). See GUIDE.md §5 and architecture.md B1.
 */
import { BrowserWindow, app, protocol, screen, shell, type Rectangle, type Session, type WebContents } from 'electron';
import { readFile } from 'node:fs/promises';
import { DEFAULT_WINDOW, MIN_WINDOW_SIZE, type WindowBounds } from './desktop-settings-schema.ts';
import type { DesktopSettingsStore } from './desktop-settings.ts';
import { APP_SCHEME, hasAllowedOrigin, isAllowedExternalUrl, resolveAppFile, responseHeaders } from './url-policy.ts';

/** Must run before `app` is ready: `app:` behaves like https (standard, secure origin, fetch). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** Serves the built renderer (out/renderer) on `app://ledgerdrop/`, with the CSP as a header. */
export function serveRenderer(rendererRoot: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = request.method === 'GET' || request.method === 'HEAD' ? resolveAppFile(rendererRoot, request.url) : null;
    if (!file) return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    try {
      const body = await readFile(file);
      return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers: responseHeaders(file) });
    } catch {
      return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    }
  });
}

/** Denies every permission request and check (camera, notifications, geolocation, …): the UI needs none. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** Applies the navigation rules to every webContents the app ever creates. Call before the first window. */
export function hardenAllWebContents(origins: readonly string[], log: (line: string) => void): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-attach-webview', (event) => {
      event.preventDefault();
      log('refused to attach a webview');
    });
    contents.on('will-navigate', (event) => {
      if (hasAllowedOrigin(event.url, origins)) return;
      event.preventDefault();
      openExternalIfAllowed(event.url, log);
    });
    contents.on('will-redirect', (event) => {
      if (hasAllowedOrigin(event.url, origins)) return;
      event.preventDefault();
      log(`refused a redirect to ${event.url}`);
    });
    contents.setWindowOpenHandler(({ url }) => {
      openExternalIfAllowed(url, log);
      return { action: 'deny' };
    });
  });
}

function openExternalIfAllowed(url: string, log: (line: string) => void): void {
  if (isAllowedExternalUrl(url)) {
    void shell.openExternal(url);
  } else {
    log(`refused to open ${url}`);
  }
}

/** Saved bounds, minus a position that no longer lies on any display (a monitor was unplugged). */
function restorableBounds(saved: WindowBounds): Partial<Rectangle> & { width: number; height: number } {
  const size = { width: Math.max(saved.width, MIN_WINDOW_SIZE.width), height: Math.max(saved.height, MIN_WINDOW_SIZE.height) };
  if (saved.x === undefined || saved.y === undefined) return size;
  const rect = { x: saved.x, y: saved.y, ...size };
  const visible = screen.getAllDisplays().some(({ workArea: a }) => {
    const overlapX = Math.min(rect.x + rect.width, a.x + a.width) - Math.max(rect.x, a.x);
    const overlapY = Math.min(rect.y + rect.height, a.y + a.height) - Math.max(rect.y, a.y);
    return overlapX >= 100 && overlapY >= 50;
  });
  return visible ? rect : size;
}

export interface MainWindowOptions {
  /** app://ledgerdrop/index.html, or the dev server in development. */
  url: string;
  preload: string;
  icon: string | undefined;
  title: string;
  settings: DesktopSettingsStore;
  show: boolean;
  devTools: boolean;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const saved = options.settings.get('window', DEFAULT_WINDOW);
  const win = new BrowserWindow({
    ...restorableBounds(saved),
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    show: false,
    title: options.title,
    ...(options.icon ? { icon: options.icon } : {}),
    backgroundColor: '#f5f6f8',
    autoHideMenuBar: true,
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: options.devTools,
    },
  });
  if (saved.maximized) win.maximize();
  if (options.show) win.once('ready-to-show', () => win.show());

  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  const saveBounds = () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = null;
    if (win.isDestroyed() || win.isMinimized()) return;
    const { x, y, width, height } = win.getNormalBounds();
    options.settings.set('window', { x, y, width, height, maximized: win.isMaximized() });
  };
  const saveSoon = () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(saveBounds, 500);
  };
  win.on('resize', saveSoon);
  win.on('move', saveSoon);
  win.on('maximize', saveSoon);
  win.on('unmaximize', saveSoon);
  win.on('close', saveBounds);

  void win.loadURL(options.url);
  return win;
}

export function showWindow(win: BrowserWindow | null): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}
