'use client';

import { useCallback, useMemo, useState } from 'react';
import { useTranslations } from 'next-intl';

import { TranslatedText } from '@/components/i18n/translated-text';
import { useFormat } from '@/components/i18n/use-format';

import { ErrorBox } from '@/components/ui/error-box';
import { SERVICE_ORDER } from '@/lib/docker/grouping';
import type { PanelResult } from '@/lib/panels/panel';
import { liveMetricsView } from '@/lib/metrics/live-view';
import type { ChartId, MetricsView } from '@/lib/metrics/types';

import { formatTime } from './format';
import { Notices, SourceLine } from './source-line';
import { MetricsChart } from './metrics-chart';
import { RangePicker } from './range-picker';
import { useLiveSamples } from './use-live-samples';
import { useVisibleInterval } from '@/components/ui/use-visible-interval';

const HOST_CHARTS: ChartId[] = ['host-memory', 'host-cpu', 'host-load'];
const SERVICE_CHARTS: ChartId[] = ['service-memory', 'service-cpu', 'service-network'];

/**
 * The graphs page's body. InfluxDB data refreshes at Telegraf's interval while the tab is visible; live
 * data streams from the shared sampler, and the page keeps asking the server so that it switches back
 * to InfluxDB as soon as that answers again.
 */
export function GraphsView({
  initial,
  query,
  preset,
}: {
  initial: PanelResult<MetricsView>;
  query: string;
  preset: string;
}) {
  const t = useTranslations('graphs');
  const format = useFormat();
  const [result, setResult] = useState(initial);
  const view = result.ok ? result.data : undefined;
  const live = view?.source.kind === 'live';
  const { samples, windowMs } = useLiveSamples(live);

  const refresh = useCallback(async () => {
    try {
      const response = await fetch(`/api/metrics?${query}`, { cache: 'no-store' });
      if (response.status === 401) return window.location.reload();
      setResult((await response.json()) as PanelResult<MetricsView>);
    } catch {
      // The next tick tries again; the page keeps what it shows.
    }
  }, [query]);
  const refreshMs = view?.refreshMs ?? 10_000;
  useVisibleInterval(refresh, live ? refreshMs * 3 : refreshMs, preset !== 'custom' || live);

  const shown: MetricsView | undefined = useMemo(() => {
    if (!view || view.source.kind !== 'live' || samples.length === 0) return view;
    const rebuilt = liveMetricsView(samples, {
      intervalMs: view.refreshMs,
      windowMs: windowMs ?? view.source.windowMs,
      reason: view.source.reason,
      nowMs: samples[samples.length - 1]!.atMs,
      serviceOrder: SERVICE_ORDER,
    });
    return view.influxError ? { ...rebuilt, influxError: view.influxError } : rebuilt;
  }, [view, samples, windowMs]);

  return (
    <section className="panel graphs" aria-labelledby="graphs-title" data-testid="graphs-panel">
      <header className="panel-head">
        <h1 id="graphs-title">{t('title')}</h1>
        {shown ? <SourceLine source={shown.source} /> : null}
      </header>
      {shown?.source.kind !== 'live' ? <RangePicker preset={preset} range={shown?.range} /> : null}
      {!result.ok ? <ErrorBox error={result.error} testId="graphs-error" /> : null}
      {shown?.influxError ? (
        <ErrorBox error={shown.influxError} testId="influx-error" note={t('influxFallbackGraphs')} />
      ) : null}
      {shown ? <Notices notices={shown.notices} /> : null}
      {shown ? (
        <>
          <ChartSection title={t('host')} ids={HOST_CHARTS} view={shown} markers={[]} />
          <ChartSection title={t('services')} ids={SERVICE_CHARTS} view={shown} markers={shown.markers} />
          {shown.markers.length > 0 ? (
            <div className="markers" data-testid="restart-markers">
              <h2 className="graphs-section">{t('restartsHeading')}</h2>
              <ul>
                {shown.markers.map((marker) => (
                  <li key={`${marker.atMs}-${marker.service}`}>
                    <time dateTime={new Date(marker.atMs).toISOString()}>{formatTime(format, marker.atMs)}</time>{' '}
                    <TranslatedText text={marker.label} />
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

/** One titled grid of charts; restart markers go on the service charts only. */
function ChartSection({
  title,
  ids,
  view,
  markers,
}: {
  title: string;
  ids: ChartId[];
  view: MetricsView;
  markers: MetricsView['markers'];
}) {
  return (
    <>
      <h2 className="graphs-section">{title}</h2>
      <div className="chart-grid">
        {ids
          .map((id) => view.charts.find((chart) => chart.id === id))
          .map((chart) =>
            chart ? (
              <MetricsChart
                key={chart.id}
                chart={chart}
                fromMs={view.range.fromMs}
                toMs={view.range.toMs}
                markers={markers}
              />
            ) : null,
          )}
      </div>
    </>
  );
}
