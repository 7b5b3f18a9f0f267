/**
 * The UI's words in English, French and Dutch, for the renderer and for the shell's tray.
 * No side effects, no host API: the renderer, the main process and tests all import it.
 */
import { en, type MessageKey, type Messages } from './en.ts';
import { fr } from './fr.ts';
import { nl } from './nl.ts';

export type { MessageKey, Messages } from './en.ts';

/** The UI languages; the same list as `LANGUAGES` in contract.ts (test/unit/i18n.test.ts checks they agree). */
export const UI_LANGUAGES = ['en', 'fr', 'nl'] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];

export const dictionaries: { readonly [L in UiLanguage]: Messages } = { en, fr, nl };

export function isUiLanguage(value: unknown): value is UiLanguage {
  return typeof value === 'string' && (UI_LANGUAGES as readonly string[]).includes(value);
}

/** `translate('fr', 'status.unavailable', { message })`: unknown placeholders are left as written. */
export function translate(language: UiLanguage, key: MessageKey, params: Readonly<Record<string, string | number>> = {}): string {
  const text = dictionaries[language][key];
  return text.replace(/\{([a-zA-Z]+)\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

/**
 * The UI language for an OS or browser locale ("fr-BE" → fr, "nl_BE.UTF-8" → nl, "de-DE" → en).
 * Belgian accountants work in French or Dutch; anything else gets English.
 */
export function languageFromLocale(locale: string | undefined | null): UiLanguage {
  const primary = primaryLanguage(locale ?? '');
  return isUiLanguage(primary) ? primary : 'en';
}

/** The language part of a locale, lower-cased: "fr-BE" → "fr", "nl_BE.UTF-8" → "nl". */
export function primaryLanguage(locale: string): string {
  return locale.trim().toLowerCase().split(/[-_.@]/, 1)[0] ?? '';
}

/** The first of several preferred locales (most preferred first) that is a UI language, else English. */
export function languageFromLocales(locales: readonly string[]): UiLanguage {
  for (const locale of locales) {
    const primary = primaryLanguage(locale);
    if (isUiLanguage(primary)) return primary;
  }
  return 'en';
}
