'use client';

import { useMemo } from 'react';
import { useTranslations } from 'next-intl';

import { useFormat } from '@/components/i18n/use-format';

import { ErrorBox } from '@/components/ui/error-box';
import { useNow } from '@/components/ui/use-now';
import { showsFailure, usePanel } from '@/components/ui/use-panel';
import { liveHeadline } from '@/lib/metrics/live-view';
import type { HeadlineFigure, HeadlineView } from '@/lib/metrics/types';
import type { PanelResult } from '@/lib/panels/panel';

import { formatTime } from './format';
import { Notices, SourceLine } from './source-line';
import { Sparkline } from './sparkline';
import { useLiveSamples } from './use-live-samples';

// staleMs is a minute or more, so noticing staleness up to 5 s late is fine.
const STALE_CHECK_MS = 5_000;

function Stale({ figure, staleMs }: { figure: HeadlineFigure; staleMs: number }) {
  const now = useNow(STALE_CHECK_MS);
  const t = useTranslations('graphs.headline');
  const format = useFormat();
  if (figure.atMs === undefined || now - figure.atMs <= staleMs) return null;
  return <span className="headline-stale">{t('stale', { time: formatTime(format, figure.atMs) })}</span>;
}

function Figure({
  testId,
  title,
  figure,
  value,
  detail,
  staleMs,
}: {
  testId: string;
  title: string;
  figure: HeadlineFigure;
  value: string;
  detail?: string;
  staleMs: number;
}) {
  return (
    <div className="headline-figure" data-testid={testId} data-value={figure.value ?? ''}>
      <span className="headline-title">{title}</span>
      <span className="headline-value">{figure.value === null ? '—' : value}</span>
      {detail ? <span className="headline-detail muted">{detail}</span> : null}
      <Sparkline points={figure.trend} label={title} />
      <Stale figure={figure} staleMs={staleMs} />
    </div>
  );
}

/** The glance at the top of the home page: RAM, CPU, load, and the biggest memory user, each with its last hour. */
export function Headline({ initial }: { initial: PanelResult<HeadlineView> }) {
  const initialRefreshMs = initial.ok ? (initial.data.refreshMs ?? 10_000) : 10_000;
  const live = initial.ok && initial.data.source.kind === 'live';
  // Live numbers stream over SSE; without InfluxDB configured the panel is re-asked less often, and while
  // InfluxDB is failing it is re-asked quickly, to notice it coming back.
  const result = usePanel(
    'headline',
    initial,
    live ? initialRefreshMs * 3 : initialRefreshMs,
    (current) => showsFailure(current) || (current.ok && current.data.influxError !== undefined),
  );
  const view = result.ok ? result.data : undefined;
  const { samples, windowMs } = useLiveSamples(view?.source.kind === 'live');
  const refreshMs = view?.refreshMs ?? initialRefreshMs;

  const shown = useMemo(() => {
    if (!view || view.source.kind !== 'live' || samples.length === 0) return view;
    const rebuilt = liveHeadline(samples, view.source.reason, windowMs ?? view.source.windowMs);
    return { ...rebuilt, refreshMs: view.refreshMs, ...(view.influxError ? { influxError: view.influxError } : {}) };
  }, [view, samples, windowMs]);

  const staleMs = 3 * refreshMs + 60_000;
  const t = useTranslations('graphs');
  const format = useFormat();
  return (
    <section className="panel headline" aria-labelledby="headline-title" data-testid="headline-panel">
      <header className="panel-head">
        <h2 id="headline-title">
          {t('title')}{' '}
          <a href="/graphs" className="small">
            {t('graphsLink')}
          </a>
        </h2>
        {shown ? <SourceLine source={shown.source} /> : null}
      </header>
      {!result.ok ? <ErrorBox error={result.error} testId="headline-error" /> : null}
      {shown?.influxError ? (
        <ErrorBox error={shown.influxError} testId="headline-influx-error" note={t('influxFallbackHeadline')} />
      ) : null}
      {shown ? (
        <div className="headline-figures">
          <Figure
            testId="headline-ram"
            title={t('headline.ram')}
            figure={shown.ram}
            value={shown.ram.value === null ? '' : format.percent(shown.ram.value)}
            detail={
              shown.ram.usedBytes !== null && shown.ram.totalBytes !== null
                ? t('headline.usedOf', {
                    used: format.bytes(shown.ram.usedBytes),
                    total: format.bytes(shown.ram.totalBytes),
                  })
                : undefined
            }
            staleMs={staleMs}
          />
          <Figure
            testId="headline-cpu"
            title={t('headline.cpu')}
            figure={shown.cpu}
            value={shown.cpu.value === null ? '' : format.percent(shown.cpu.value)}
            staleMs={staleMs}
          />
          <Figure
            testId="headline-load"
            title={t('headline.load')}
            figure={shown.load}
            value={shown.load.value === null ? '' : format.fixed(shown.load.value, 2)}
            staleMs={staleMs}
          />
          {shown.biggest ? (
            <Figure
              testId="headline-biggest"
              title={t('headline.biggest')}
              figure={shown.biggest}
              value={
                shown.biggest.value === null
                  ? shown.biggest.service
                  : `${shown.biggest.service} ${format.bytes(shown.biggest.value)}`
              }
              staleMs={staleMs}
            />
          ) : (
            <div className="headline-figure muted" data-testid="headline-biggest">
              <span className="headline-title">{t('headline.biggest')}</span>
              <span className="headline-value">—</span>
              <span className="headline-detail">{t('headline.noContainerData')}</span>
            </div>
          )}
        </div>
      ) : null}
      {shown ? <Notices notices={shown.notices} /> : null}
    </section>
  );
}
