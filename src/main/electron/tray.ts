/**
 * The tray icon and its menu (GUIDE.md §7). Sync now and Pause stay disabled until the pipeline
 * exists; the menu is rebuilt (and set again, as Linux requires) whenever the language changes.
 */
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import { join } from 'node:path';
import { translate, type UiLanguage } from '../../shared/i18n/index.ts';

export interface TrayActions {
  open: () => void;
  quit: () => void;
}

export interface LedgerdropTray {
  setLanguage(language: UiLanguage): void;
  destroy(): void;
}

export function trayMenuTemplate(language: UiLanguage, actions: TrayActions): MenuItemConstructorOptions[] {
  const t = (key: Parameters<typeof translate>[1]) => translate(language, key);
  return [
    { label: t('tray.open'), click: actions.open },
    { type: 'separator' },
    { label: t('tray.syncNow'), enabled: false },
    {
      label: t('tray.pause'),
      enabled: false,
      submenu: [
        { label: t('tray.pause30m'), enabled: false },
        { label: t('tray.pause1h'), enabled: false },
        { label: t('tray.pauseTomorrow'), enabled: false },
        { label: t('tray.pauseUntilResumed'), enabled: false },
      ],
    },
    { type: 'separator' },
    { label: t('tray.quit'), click: actions.quit },
  ];
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
