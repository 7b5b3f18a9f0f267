/**
 * The desktop shell's own preferences (window placement, UI language before the engine answers,
 * start at login): their JSON schema, defaults and migrations. Engine settings live in the engine's
 * database; these are only about this computer's window and tray.
 *
 * No `electron` import: electron-store takes these options in the app (desktop-settings.ts) and
 * test/unit/desktop-settings.test.ts hands the same options to the real `conf` in plain Node.
 */
import type { Options, Schema } from 'conf';
import { UI_LANGUAGES, isUiLanguage, primaryLanguage, type UiLanguage } from '../../shared/i18n/index.ts';

export interface WindowBounds {
  /** Absent until the user has moved the window: the OS centres it. */
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export interface DesktopSettings {
  window: WindowBounds;
  /** The last UI language the shell knew of (the engine's setting wins once it answers). */
  language: UiLanguage;
  startAtLogin: boolean;
}

export const SETTINGS_FILE_NAME = 'desktop-settings';

export const DEFAULT_WINDOW: WindowBounds = { width: 1024, height: 720, maximized: false };
export const MIN_WINDOW_SIZE = { width: 640, height: 480 } as const;
const MAX_WINDOW_SIZE = 32_767;

const coordinate = { type: 'integer', minimum: -MAX_WINDOW_SIZE, maximum: MAX_WINDOW_SIZE } as const;

export const desktopSettingsSchema: Schema<DesktopSettings> = {
  window: {
    type: 'object',
    properties: {
      x: coordinate,
      y: coordinate,
      width: { type: 'integer', minimum: MIN_WINDOW_SIZE.width, maximum: MAX_WINDOW_SIZE },
      height: { type: 'integer', minimum: MIN_WINDOW_SIZE.height, maximum: MAX_WINDOW_SIZE },
      maximized: { type: 'boolean' },
    },
    required: ['width', 'height', 'maximized'],
    additionalProperties: false,
  },
  language: { type: 'string', enum: [...UI_LANGUAGES] },
  startAtLogin: { type: 'boolean' },
};

export function desktopSettingsDefaults(language: UiLanguage): DesktopSettings {
  return { window: { ...DEFAULT_WINDOW }, language, startAtLogin: false };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Window bounds that the schema accepts, from whatever a file held (null when nothing usable is left). */
export function repairWindowBounds(value: unknown): WindowBounds | null {
  if (!isRecord(value)) return null;
  const whole = (n: unknown): number | undefined => (typeof n === 'number' && Number.isFinite(n) ? Math.round(n) : undefined);
  const width = whole(value.width);
  const height = whole(value.height);
  if (width === undefined || height === undefined) return null;
  const clamp = (n: number, min: number) => Math.min(Math.max(n, min), MAX_WINDOW_SIZE);
  const bounds: WindowBounds = {
    width: clamp(width, MIN_WINDOW_SIZE.width),
    height: clamp(height, MIN_WINDOW_SIZE.height),
    maximized: value.maximized === true,
  };
  const x = whole(value.x);
  const y = whole(value.y);
  if (x !== undefined && y !== undefined && Math.abs(x) <= MAX_WINDOW_SIZE && Math.abs(y) <= MAX_WINDOW_SIZE) {
    bounds.x = x;
    bounds.y = y;
  }
  return bounds;
}

/**
 * Keyed on the app version, as conf runs them: each step runs once, when a file recorded at an
 * older version is opened by this version or a newer one. conf runs them before it validates, so
 * a step may repair what the schema would refuse.
 */
export const desktopSettingsMigrations: NonNullable<Options<DesktopSettings>['migrations']> = {
  /**
   * 0.1.0, the first released format. A file with no or an older recorded version (hand-edited, or
   * from a development build) is brought to it: a locale where the language belongs ("fr-BE")
   * becomes the language, any other value falls back to the default; window bounds are made whole
   * numbers within limits, or dropped; `startAtLogin` must be a boolean.
   */
  '0.1.0': (store) => {
    const raw = store.store as unknown as Record<string, unknown>;
    if ('language' in raw && !isUiLanguage(raw.language)) {
      const primary = typeof raw.language === 'string' ? primaryLanguage(raw.language) : '';
      if (isUiLanguage(primary)) store.set('language', primary);
      else store.delete('language');
    }
    if ('window' in raw) {
      const bounds = repairWindowBounds(raw.window);
      if (bounds) store.set('window', bounds);
      else store.delete('window');
    }
    if ('startAtLogin' in raw && typeof raw.startAtLogin !== 'boolean') store.delete('startAtLogin');
  },
};

/** The options both electron-store (in the app) and conf (in tests) are built from. */
export function desktopSettingsOptions(language: UiLanguage): Pick<Options<DesktopSettings>, 'schema' | 'defaults' | 'migrations' | 'clearInvalidConfig'> {
  return {
    schema: desktopSettingsSchema,
    defaults: desktopSettingsDefaults(language),
    migrations: desktopSettingsMigrations,
    // These are window positions and a cached language: a file that still fails the schema after
    // the migrations is replaced by the defaults rather than keeping the app from starting.
    clearInvalidConfig: true,
  };
}
