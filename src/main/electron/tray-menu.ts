/**
 * The tray menu as data (no electron import, so it is unit-tested in plain Node): Open · Sync now ·
 * Pause ▸ (30 min, 1 h, until tomorrow, until resumed, resume) · Quit.
 */
import { translate, type UiLanguage } from '../../shared/i18n/index.ts';

/** The subset of Electron's MenuItemConstructorOptions the tray uses. */
export interface TrayMenuItem {
  label?: string;
  type?: 'separator';
  click?: () => void;
  submenu?: TrayMenuItem[];
}

export interface TrayActions {
  open: () => void;
  quit: () => void;
  syncNow: () => void;
  /** Minutes, or null for "until I resume". */
  pause: (minutes: number | null) => void;
  resume: () => void;
}

/** Minutes from now until 07:00 tomorrow (local time): "pause until tomorrow". */
export function minutesUntilTomorrowMorning(now = new Date()): number {
  const tomorrow = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 7, 0, 0);
  return Math.max(1, Math.round((tomorrow.getTime() - now.getTime()) / 60_000));
}

export function trayMenuTemplate(language: UiLanguage, actions: TrayActions): TrayMenuItem[] {
  const t = (key: Parameters<typeof translate>[1]) => translate(language, key);
  return [
    { label: t('tray.open'), click: actions.open },
    { type: 'separator' },
    { label: t('tray.syncNow'), click: actions.syncNow },
    {
      label: t('tray.pause'),
      submenu: [
        { label: t('tray.pause30m'), click: () => actions.pause(30) },
        { label: t('tray.pause1h'), click: () => actions.pause(60) },
        { label: t('tray.pauseTomorrow'), click: () => actions.pause(minutesUntilTomorrowMorning()) },
        { label: t('tray.pauseUntilResumed'), click: () => actions.pause(null) },
        { type: 'separator' },
        { label: t('tray.resume'), click: actions.resume },
      ],
    },
    { type: 'separator' },
    { label: t('tray.quit'), click: actions.quit },
  ];
}

