/**
 * The tray icon and its menu (GUIDE.md §7): Open · Sync now · Pause ▸ · Quit. The menu is rebuilt
 * (and set again, as Linux requires) whenever the language changes.
 */
import { Menu, Tray, nativeImage } from 'electron';
import { join } from 'node:path';
import { translate, type UiLanguage } from '../../shared/i18n/index.ts';
import { trayMenuTemplate, type TrayActions } from './tray-menu.ts';

export type { TrayActions } from './tray-menu.ts';

export interface LedgerdropTray {
  setLanguage(language: UiLanguage): void;
  destroy(): void;
}


/** `resourcesDir` holds tray.png and, for macOS, trayTemplate.png (each with an @2x sibling). */
export function createTray(resourcesDir: string, language: UiLanguage, actions: TrayActions): LedgerdropTray {
  const mac = process.platform === 'darwin';
  const image = nativeImage.createFromPath(join(resourcesDir, mac ? 'trayTemplate.png' : 'tray.png'));
  if (mac) image.setTemplateImage(true);
  const tray = new Tray(image);
  const apply = (lang: UiLanguage) => {
    tray.setToolTip(translate(lang, 'tray.tooltip'));
    tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(lang, actions)));
  };
  apply(language);
  // Windows and macOS report clicks; on Linux the menu (Open first) is the way in.
  tray.on('click', actions.open);
  let current = language;
  return {
    setLanguage(lang) {
      if (lang === current) return;
      current = lang;
      apply(lang);
    },
    destroy() {
      tray.destroy();
    },
  };
}
