'use client';

import { useTranslations } from 'next-intl';

import { TranslatedText } from '@/components/i18n/translated-text';
import { useFormat } from '@/components/i18n/use-format';
import { RunningVersionText } from '@/components/mastodon/running-version';
import { Badge } from '@/components/ui/badge';
import { ErrorBox } from '@/components/ui/error-box';
import { usePanel } from '@/components/ui/use-panel';
import { text } from '@/lib/i18n/text';
import type { ServiceProbe } from '@/lib/mastodon/health';
import type { HealthPanelData } from '@/lib/panels/health';
import type { PanelResult } from '@/lib/panels/panel';

/** Every migration not yet run, before and after deploy alike. */
function pendingCount(migrations: { pending: readonly unknown[]; postDeployPending: readonly unknown[] }): number {
  return migrations.pending.length + migrations.postDeployPending.length;
}

function Probe({ name, probe, testId }: { name: string; probe: ServiceProbe; testId: string }) {
  const t = useTranslations('vitals.health');
  const format = useFormat();
  return (
    <div data-testid={testId} data-ok={probe.ok} data-source={probe.address.source}>
      <dt>{name}</dt>
      <dd>
        <Badge tone={probe.ok ? 'good' : 'bad'}>{probe.ok ? t('ok') : t('notAnswering')}</Badge>{' '}
        {probe.ms !== undefined ? <span className="muted">{t('ms', { ms: format.number(probe.ms) })}</span> : null}
        {probe.problem ? (
          <span className="small muted">
            {' '}
            <TranslatedText text={text('vitals.health.problem', { url: probe.url, problem: probe.problem })} />
          </span>
        ) : null}
        <span className="small muted" data-testid={`${testId}-address`}>
          {' '}
          <TranslatedText
            text={text('vitals.health.address', { baseUrl: probe.address.baseUrl, how: probe.address.how })}
          />
        </span>
        {probe.hint ? (
          <span className="small" data-testid={`${testId}-hint`}>
            {' '}
            <TranslatedText text={probe.hint} />
          </span>
        ) : null}
      </dd>
    </div>
  );
}

/** Web and streaming health with response times, the running version and pending migrations. */
export function HealthPanel({ initial }: { initial: PanelResult<HealthPanelData> }) {
  const result = usePanel('health', initial, 15_000);
  const t = useTranslations('vitals.health');
  return (
    <section className="panel" aria-labelledby="health-title" data-testid="health-panel">
      <header className="panel-head">
        <h2 id="health-title">{t('title')}</h2>
      </header>
      {!result.ok ? (
        <ErrorBox error={result.error} testId="health-error" />
      ) : (
        <dl className="facts facts-rows">
          <Probe name={t('web')} probe={result.data.web} testId="health-web" />
          <Probe name={t('streaming')} probe={result.data.streaming} testId="health-streaming" />
          <div data-testid="health-version">
            <dt>{t('version')}</dt>
            <dd>
              <RunningVersionText running={result.data.version} testId="health-version-value" withPassedOver />
            </dd>
          </div>
          <div data-testid="health-migrations">
            <dt>{t('migrations')}</dt>
            <dd>
              {!result.data.migrations.ok ? (
                <span className="muted">
                  <TranslatedText
                    text={text('vitals.errorLine', {
                      title: result.data.migrations.error.title,
                      detail: result.data.migrations.error.detail,
                    })}
                  />
                </span>
              ) : pendingCount(result.data.migrations) === 0 ? (
                <Badge tone="good">{t('upToDate')}</Badge>
              ) : (
                <>
                  <Badge tone="warn">{t('pending', { count: pendingCount(result.data.migrations) })}</Badge>{' '}
                  <span className="small">
                    {[
                      ...result.data.migrations.pending,
                      ...result.data.migrations.postDeployPending.map((v) => t('postDeploy', { version: v })),
                    ]
                      .slice(0, 5)
                      .join(', ')}
                  </span>
                  <span className="small muted">
                    {' '}
                    {t('migrate', { command: 'docker compose run --rm web bundle exec rails db:migrate' })}
                  </span>
                </>
              )}
            </dd>
          </div>
        </dl>
      )}
    </section>
  );
}
