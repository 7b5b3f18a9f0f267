/** The UI dictionaries (src/shared/i18n): same keys everywhere, nothing empty, placeholders kept. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { LANGUAGES, type Language } from '../../src/shared/contract.ts';
import { UI_LANGUAGES, dictionaries, languageFromLocale, languageFromLocales, translate, type UiLanguage } from '../../src/shared/i18n/index.ts';

const placeholders = (text: string) => [...text.matchAll(/\{([a-zA-Z]+)\}/g)].map((m) => m[1]).sort();

describe('i18n dictionaries', () => {
  it('covers exactly the languages of the contract', () => {
    expect([...UI_LANGUAGES]).toEqual([...LANGUAGES]);
    expectTypeOf<UiLanguage>().toEqualTypeOf<Language>();
  });

  it('has the same keys in every language', () => {
    const reference = Object.keys(dictionaries.en).sort();
    for (const language of UI_LANGUAGES) {
      expect(Object.keys(dictionaries[language]).sort(), language).toEqual(reference);
    }
  });

  it('has no empty values, and the same placeholders as English', () => {
    for (const language of UI_LANGUAGES) {
      for (const [key, value] of Object.entries(dictionaries[language])) {
        expect(value.trim(), `${language} ${key}`).not.toBe('');
        expect(placeholders(value), `${language} ${key}`).toEqual(placeholders(dictionaries.en[key as keyof typeof dictionaries.en]));
      }
    }
  });

  it('really translates the words a user reads first', () => {
    for (const key of ['doctor.run', 'status.home', 'tray.quit'] as const) {
      expect(new Set(UI_LANGUAGES.map((l) => translate(l, key))).size, key).toBe(3);
    }
  });

  it('fills placeholders and leaves unknown ones alone', () => {
    expect(translate('fr', 'status.unavailable', { message: 'boom' })).toBe('Le moteur n’est pas disponible : boom');
    expect(translate('en', 'status.unavailable')).toBe('The engine is not available: {message}');
    expect(translate('en', 'status.unavailable', { constructor: 'x' })).toBe('The engine is not available: {message}');
  });

  it('picks the UI language from OS locales', () => {
    expect(languageFromLocale('fr-BE')).toBe('fr');
    expect(languageFromLocale('nl_BE.UTF-8')).toBe('nl');
    expect(languageFromLocale('NL')).toBe('nl');
    expect(languageFromLocale('de-DE')).toBe('en');
    expect(languageFromLocale('')).toBe('en');
    expect(languageFromLocale(undefined)).toBe('en');
    expect(languageFromLocales(['de-DE', 'nl-BE', 'fr-BE'])).toBe('nl');
    expect(languageFromLocales(['de-DE'])).toBe('en');
    expect(languageFromLocales([])).toBe('en');
  });
});
