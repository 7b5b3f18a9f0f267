import { useId } from 'react';
import { UI_LANGUAGES, type UiLanguage } from '../../../shared/i18n/index.ts';
import { useI18n } from '../i18n.tsx';

export interface LanguageSwitcherProps {
  value: UiLanguage;
  onChange: (language: UiLanguage) => void;
  error: string | null;
}

/** Three real buttons in a labelled group; the current language is `aria-pressed`. */
export function LanguageSwitcher({ value, onChange, error }: LanguageSwitcherProps) {
  const { t } = useI18n();
  const labelId = useId();
  return (
    <div className="language">
      <span id={labelId} className="language-label">
        {t('language.label')}
      </span>
      <div role="group" aria-labelledby={labelId} className="segmented">
        {UI_LANGUAGES.map((language) => (
          <button key={language} type="button" lang={language} aria-pressed={language === value} onClick={() => onChange(language)}>
            {t(`language.${language}`)}
          </button>
        ))}
      </div>
      {error ? (
        <p role="alert" className="inline-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
