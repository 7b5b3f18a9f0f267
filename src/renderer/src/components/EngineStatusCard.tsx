import { useId } from 'react';
import type { EngineStatus } from '../../../shared/contract.ts';
import { useI18n } from '../i18n.tsx';

export interface EngineStatusCardProps {
  status: EngineStatus | null;
  error: string | null;
  onRetry: (() => void) | undefined;
}

export function EngineStatusCard({ status, error, onRetry }: EngineStatusCardProps) {
  const { t } = useI18n();
  const headingId = useId();
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('status.title')}</h2>
      {error ? (
        <div role="alert" className="problem">
          <p>{t('status.unavailable', { message: error })}</p>
          {onRetry ? (
            <button type="button" onClick={onRetry}>
              {t('status.retry')}
            </button>
          ) : null}
        </div>
      ) : status ? (
        <dl className="facts" data-testid="engine-status">
          <dt>{t('status.state')}</dt>
          <dd>
            <span className={`state state-${status.state}`}>{t(`state.${status.state}`)}</span>
          </dd>
          <dt>{t('status.version')}</dt>
          <dd>{status.version}</dd>
          <dt>{t('status.home')}</dt>
          <dd>
            <code data-testid="engine-home">{status.home}</code>
          </dd>
          <dt>{t('status.keychain')}</dt>
          <dd>{status.keychain.backend}</dd>
        </dl>
      ) : (
        <p aria-live="polite">{t('status.loading')}</p>
      )}
    </section>
  );
}
