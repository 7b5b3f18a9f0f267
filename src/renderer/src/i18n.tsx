import { createContext, useContext } from 'react';
import { translate, type MessageKey, type UiLanguage } from '../../shared/i18n/index.ts';

export type Translate = (key: MessageKey, params?: Readonly<Record<string, string | number>>) => string;

export interface I18n {
  language: UiLanguage;
  t: Translate;
}

export function makeI18n(language: UiLanguage): I18n {
  return { language, t: (key, params) => translate(language, key, params) };
}

export const I18nContext = createContext<I18n>(makeI18n('en'));

export function useI18n(): I18n {
  return useContext(I18nContext);
}
