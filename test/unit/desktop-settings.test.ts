/**
 * The desktop settings schema, defaults and migrations (src/main/electron/desktop-settings-schema.ts)
 * with the real `conf` package, which electron-store extends: the same options, a temp folder
 * instead of Electron's userData.
 */
import Conf from 'conf';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW, SETTINGS_FILE_NAME, desktopSettingsOptions, repairWindowBounds, type DesktopSettings } from '../../src/main/electron/desktop-settings-schema.ts';
import { tempDirs } from '../helpers/temp.ts';
import pkg from '../../package.json' with { type: 'json' };

const temp = tempDirs('ledgerdrop-settings-');
afterEach(() => temp.cleanup());

function open(cwd: string, language: DesktopSettings['language'] = 'en', projectVersion = pkg.version): Conf<DesktopSettings> {
  return new Conf<DesktopSettings>({ ...desktopSettingsOptions(language), cwd, configName: SETTINGS_FILE_NAME, projectVersion });
}

const file = (cwd: string) => join(cwd, `${SETTINGS_FILE_NAME}.json`);
const writeJson = (cwd: string, value: unknown) => writeFileSync(file(cwd), JSON.stringify(value));

describe('desktop settings', () => {
  it('starts from the defaults, with the language taken from the OS locale', () => {
    const cwd = temp.make();
    const store = open(cwd, 'nl');
    expect(store.store).toEqual({ window: DEFAULT_WINDOW, language: 'nl', startAtLogin: false });
    // A new file records the current version, so no migration runs on it later.
    expect(JSON.parse(readFileSync(file(cwd), 'utf8')).__internal__.migrations.version).toBe(pkg.version);
  });

  it('persists valid values', () => {
    const cwd = temp.make();
    open(cwd).set({ window: { x: 10, y: -20, width: 1200, height: 800, maximized: true }, startAtLogin: true, language: 'fr' });
    expect(open(cwd).store).toEqual({ window: { x: 10, y: -20, width: 1200, height: 800, maximized: true }, language: 'fr', startAtLogin: true });
  });

  it('refuses values that violate the schema', () => {
    const store = open(temp.make());
    expect(() => store.set('language', 'de' as never)).toThrow(/Config schema violation: `language` must be equal to one of the allowed values/);
    expect(() => store.set('startAtLogin', 'yes' as never)).toThrow(/schema violation/);
    expect(() => store.set('window', { width: 100, height: 100, maximized: false })).toThrow(/schema violation: `window\/width` must be >= 640/);
    expect(() => store.set('window', { width: 800, height: 600, maximized: false, fullscreen: true } as never)).toThrow(/must NOT have additional properties/);
    expect(store.get('language')).toBe('en');
  });

  it('migrates a file written by an older version', () => {
    const cwd = temp.make();
    writeJson(cwd, {
      language: 'fr-BE',
      window: { x: 100.4, y: 50.6, width: 300, height: 900.2, maximized: 'no' },
      startAtLogin: 'true',
      __internal__: { migrations: { version: '0.0.9' } },
    });
    const store = open(cwd, 'nl');
    expect(store.store).toEqual({ language: 'fr', window: { x: 100, y: 51, width: 640, height: 900, maximized: false }, startAtLogin: false });
    expect(JSON.parse(readFileSync(file(cwd), 'utf8')).__internal__.migrations.version).toBe(pkg.version);
  });

  it('migrates a file with no recorded version, dropping what cannot be repaired', () => {
    const cwd = temp.make();
    writeJson(cwd, { language: 'de-DE', window: { width: 'wide' } });
    expect(open(cwd, 'nl').store).toEqual({ language: 'nl', window: DEFAULT_WINDOW, startAtLogin: false });
  });

  it('does not run a migration again, and replaces a file that still violates the schema with the defaults', () => {
    const cwd = temp.make();
    writeJson(cwd, { language: 'fr-BE', startAtLogin: true, __internal__: { migrations: { version: pkg.version } } });
    // At the current version the 0.1.0 step does not run; the value is invalid, so the file is reset.
    expect(open(cwd, 'en').store).toEqual({ language: 'en', window: DEFAULT_WINDOW, startAtLogin: false });
  });

  it('repairs window bounds into what the schema accepts', () => {
    expect(repairWindowBounds({ width: 5000.7, height: 99999, maximized: true })).toEqual({ width: 5001, height: 32767, maximized: true });
    expect(repairWindowBounds({ width: 800, height: 600, x: 10 })).toEqual({ width: 800, height: 600, maximized: false });
    expect(repairWindowBounds({ width: Number.NaN, height: 600 })).toBeNull();
    expect(repairWindowBounds([800, 600])).toBeNull();
  });
});
