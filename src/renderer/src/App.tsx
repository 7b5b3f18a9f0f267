import { useCallback, useEffect, useMemo, useState } from 'react';
import type { LedgerdropApi } from '../../shared/api.ts';
import type { EngineStatus } from '../../shared/contract.ts';
import { isUiLanguage, languageFromLocale, type UiLanguage } from '../../shared/i18n/index.ts';
import { DoctorCard } from './components/DoctorCard.tsx';
import { EngineStatusCard } from './components/EngineStatusCard.tsx';
import { LanguageSwitcher } from './components/LanguageSwitcher.tsx';
import { errorInfoOf } from './errors.ts';
import { I18nContext, makeI18n } from './i18n.tsx';

export interface AppProps {
  /** `window.ledgerdrop`; undefined when the page is opened outside the desktop app. */
  api: LedgerdropApi | undefined;
}

const MISSING_API = 'This page only works inside the Ledgerdrop desktop app.';

export function App({ api }: AppProps) {
  const [language, setLanguage] = useState<UiLanguage>(() => languageFromLocale(navigator.language));
  const [status, setStatus] = useState<EngineStatus | null>(null);
  const [statusError, setStatusError] = useState<string | null>(api ? null : MISSING_API);
  const [languageError, setLanguageError] = useState<string | null>(null);
  const i18n = useMemo(() => makeI18n(language), [language]);

  const loadStatus = useCallback(() => {
    if (!api) return;
    setStatusError(null);
    api.engineStatus({}).then(setStatus, (error: unknown) => setStatusError(errorInfoOf(error).message));
  }, [api]);

  useEffect(() => {
    if (!api) return undefined;
    loadStatus();
    api.settingsGet({}).then(
      (settings) => setLanguage(settings.language),
      () => {
        // The engine is not there yet: keep the browser's language until settings.changed arrives.
      },
    );
    const offStatus = api.on('engine.status', (next) => {
      setStatus(next);
      setStatusError(null);
    });
    const offSettings = api.on('settings.changed', (settings) => {
      if (isUiLanguage(settings.language)) setLanguage(settings.language);
    });
    return () => {
      offStatus();
      offSettings();
    };
  }, [api, loadStatus]);

  useEffect(() => {
    document.documentElement.lang = language;
    document.title = i18n.t('app.name');
  }, [language, i18n]);

  const chooseLanguage = (next: UiLanguage) => {
    setLanguage(next);
    setLanguageError(null);
    api?.settingsSet({ patch: { language: next } }).catch((error: unknown) => setLanguageError(errorInfoOf(error).message));
  };

  return (
    <I18nContext.Provider value={i18n}>
      <header className="app-header">
        <div className="brand">
          <img src="./favicon.svg" alt="" width={40} height={40} />
          <div>
            <h1>{i18n.t('app.name')}</h1>
            <p className="tagline">{i18n.t('app.tagline')}</p>
          </div>
        </div>
        <LanguageSwitcher value={language} onChange={chooseLanguage} error={languageError} />
      </header>
      <main className="app-main">
        <EngineStatusCard status={status} error={statusError} onRetry={api ? loadStatus : undefined} />
        <DoctorCard api={api} />
      </main>
    </I18nContext.Provider>
  );
}
