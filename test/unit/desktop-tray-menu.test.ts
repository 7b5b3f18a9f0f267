import { describe, expect, it } from 'vitest';
import { minutesUntilTomorrowMorning, trayMenuTemplate, type TrayMenuItem } from '../../src/main/electron/tray-menu.ts';

describe('tray menu', () => {
  it('offers Open, Sync now, Pause ▸ and Quit, each wired to its action, in every language', () => {
    const calls: string[] = [];
    const actions = {
      open: () => calls.push('open'),
      quit: () => calls.push('quit'),
      syncNow: () => calls.push('sync'),
      pause: (minutes: number | null) => calls.push(`pause:${minutes}`),
      resume: () => calls.push('resume'),
    };
    const menu = trayMenuTemplate('nl', actions);
    expect(menu.map((m) => m.label ?? '—')).toEqual(['Ledgerdrop openen', '—', 'Nu synchroniseren', 'Pauzeren', '—', 'Ledgerdrop afsluiten']);
    expect(menu[3]?.submenu?.map((m) => m.label ?? '—')).toEqual(['Gedurende 30 minuten', 'Gedurende 1 uur', 'Tot morgen', 'Tot ik hervat', '—', 'Nu hervatten']);
    const click = (items: TrayMenuItem[]) => items.forEach((m) => m.click?.());
    click(menu);
    const pause = menu.find((m) => m.submenu)!.submenu!;
    click(pause);
    expect(calls.slice(0, 3)).toEqual(['open', 'sync', 'quit']);
    expect(calls.slice(3, 5)).toEqual(['pause:30', 'pause:60']);
    expect(calls[5]).toMatch(/^pause:\d+$/);
    expect(calls.slice(6)).toEqual(['pause:null', 'resume']);
    for (const lang of ['en', 'fr', 'nl'] as const) expect(trayMenuTemplate(lang, actions).every((m) => m.type === 'separator' || (m.label ?? '').length > 0)).toBe(true);
  });

  it('pauses "until tomorrow" until 07:00 the next morning', () => {
    expect(minutesUntilTomorrowMorning(new Date(2026, 10, 21, 22, 0, 0))).toBe(9 * 60);
    expect(minutesUntilTomorrowMorning(new Date(2026, 10, 21, 6, 30, 0))).toBe(24 * 60 + 30);
  });
});
