import { useId, useState } from 'react';
import type { LedgerdropApi } from '../../../shared/api.ts';
import type { DoctorReport } from '../../../shared/contract.ts';
import { errorInfoOf } from '../errors.ts';
import { useI18n } from '../i18n.tsx';

type DoctorState = { kind: 'idle' } | { kind: 'running' } | { kind: 'done'; report: DoctorReport } | { kind: 'failed'; message: string };

export function DoctorCard({ api }: { api: LedgerdropApi | undefined }) {
  const { t } = useI18n();
  const headingId = useId();
  const [state, setState] = useState<DoctorState>({ kind: 'idle' });
  const running = state.kind === 'running';

  const run = () => {
    if (!api || running) return;
    setState({ kind: 'running' });
    api.doctor({}).then(
      (report) => setState({ kind: 'done', report }),
      (error: unknown) => setState({ kind: 'failed', message: errorInfoOf(error).message }),
    );
  };

  return (
    <section className="card" aria-labelledby={headingId} aria-busy={running}>
      <h2 id={headingId}>{t('doctor.title')}</h2>
      <p className="muted">{t('doctor.intro')}</p>
      <button type="button" className="primary" onClick={run} disabled={!api || running}>
        {running ? t('doctor.running') : t('doctor.run')}
      </button>
      <div aria-live="polite">
        {state.kind === 'failed' ? (
          <p role="alert" className="problem">
            {t('doctor.error', { message: state.message })}
          </p>
        ) : null}
        {state.kind === 'done' ? (
          <>
            <p className={state.report.ok ? 'summary ok' : 'summary failed'}>{state.report.ok ? t('doctor.allOk') : t('doctor.someFailed')}</p>
            <ul className="checks">
              {state.report.checks.map((check) => (
                <li key={check.id} className={check.ok ? 'check ok' : 'check failed'} data-check={check.id}>
                  <span className="badge">{check.ok ? t('doctor.ok') : t('doctor.failed')}</span>
                  <div className="check-body">
                    <h3>{t(`doctor.check.${check.id}`)}</h3>
                    <p className="detail">{check.detail}</p>
                    {check.fix ? (
                      <p className="fix">
                        <strong>{t('doctor.fix')}</strong> {check.fix}
                      </p>
                    ) : null}
                  </div>
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </div>
    </section>
  );
}
