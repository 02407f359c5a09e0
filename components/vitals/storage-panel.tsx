'use client';

import { useTranslations } from 'next-intl';

import { useNow } from '@/components/containers/use-now';
import { TranslatedText } from '@/components/i18n/translated-text';
import { useFormat } from '@/components/i18n/use-format';
import { MediaBreakdownTable } from '@/components/media/media-breakdown';
import { Badge } from '@/components/ui/badge';
import { ErrorBox } from '@/components/ui/error-box';
import { usePanelWhileMeasuring } from '@/components/ui/use-panel';
import type { ErrorView } from '@/lib/errors';
import { renderText, text } from '@/lib/i18n/text';
import type { DockerDiskUsage } from '@/lib/mastodon/storage/docker-disk-usage';
import type { HostDisk } from '@/lib/mastodon/storage/host-disk';
import type { MediaView } from '@/lib/mastodon/storage/media-folder';
import type { PanelResult } from '@/lib/panels/panel';
import type { RedisMemoryPart, StoragePanelData } from '@/lib/panels/storage';

import { agoText, shareOf, untilText } from './format';
import styles from './storage-panel.module.css';
import figures from './vitals.module.css';

function PartError({ error, testId }: { error: ErrorView; testId: string }) {
  return (
    <span className={figures.figureProblem} role="alert" data-testid={testId} data-code={error.code}>
      <TranslatedText text={text('vitals.storage.partError', { title: error.title, detail: error.detail })} />
      {error.fix ? ' ' : ''}
      {error.fix ? <TranslatedText text={text('vitals.storage.partFix', { fix: error.fix })} /> : null}
    </span>
  );
}

function Bar({ percent }: { percent: number }) {
  const tone = percent >= 90 ? styles.barBad : percent >= 80 ? styles.barWarn : undefined;
  return (
    <span className={styles.bar} aria-hidden="true">
      <span
        className={tone ? `${styles.barFill} ${tone}` : styles.barFill}
        style={{ width: `${Math.min(100, Math.max(0, percent))}%` }}
      />
    </span>
  );
}

function Database({ result }: { result: StoragePanelData['database'] }) {
  const t = useTranslations('vitals.storage');
  const format = useFormat();
  return (
    <div className={figures.figure} data-testid="storage-database" data-bytes={result.ok ? result.data.bytes : ''}>
      <span className={figures.figureTitle}>{t('database')}</span>
      {result.ok ? (
        <>
          <span className={figures.figureValue}>{format.bytes(result.data.bytes)}</span>
          <span className={figures.figureDetail}>{result.data.name}</span>
        </>
      ) : (
        <PartError error={result.error} testId="storage-database-error" />
      )}
    </div>
  );
}

function Media({ media, nowMs }: { media: MediaView; nowMs: number }) {
  const t = useTranslations('vitals.storage');
  const tRoot = useTranslations();
  const format = useFormat();
  const bytes = media.state === 'measured' ? media.bytes : '';
  return (
    <div className={figures.figure} data-testid="storage-media" data-state={media.state} data-bytes={bytes}>
      <span className={figures.figureTitle}>{t('mediaFolder')}</span>
      {media.state === 'measured' ? (
        <>
          <span className={figures.figureValue}>{format.bytes(media.bytes)}</span>
          <span className={figures.figureDetail} data-testid="storage-media-age" suppressHydrationWarning>
            {t(media.refreshing ? 'measuredAgain' : 'measured', {
              ago: renderText(tRoot, agoText(media.measuredAtMs, nowMs, format)),
            })}
          </span>
          <MediaBreakdownTable breakdown={media.breakdown} totalBytes={media.bytes} compact />
          {media.unreadable > 0 ? (
            <span className={figures.figureProblem}>
              <TranslatedText
                text={text('vitals.storage.unreadable', { count: media.unreadable, problem: media.problem ?? '' })}
              />
            </span>
          ) : null}
          {media.lastError ? (
            <span className={figures.figureProblem}>
              <TranslatedText text={text('vitals.storage.lastFailed', { title: media.lastError.title })} />
            </span>
          ) : null}
        </>
      ) : media.state === 'measuring' ? (
        <>
          <span className={figures.figureValue}>{t('measuring')}</span>
          <span className={figures.figureDetail}>{t('measuringDetail')}</span>
        </>
      ) : media.state === 'object-storage' ? (
        <>
          <span className={figures.figureValue}>{t('objectStorage')}</span>
          <span className={figures.figureDetail}>{t('objectStorageDetail')}</span>
        </>
      ) : (
        <>
          <PartError error={media.error} testId="storage-media-error" />
          <span className={figures.figureDetail} suppressHydrationWarning>
            {media.refreshing
              ? t('tryingAgain')
              : t('nextTry', { until: renderText(tRoot, untilText(media.retryAtMs, nowMs, format)) })}
          </span>
        </>
      )}
    </div>
  );
}

const DOCKER_LINES: Array<keyof Omit<DockerDiskUsage, 'totalBytes'>> = [
  'images',
  'containers',
  'volumes',
  'buildCache',
];

function Disk({ result, nowMs }: { result: PanelResult<HostDisk>; nowMs: number }) {
  const t = useTranslations('vitals.storage');
  const tRoot = useTranslations();
  const format = useFormat();
  if (!result.ok) {
    return (
      <div className={figures.figure} data-testid="storage-disk">
        <span className={figures.figureTitle}>{t('disk')}</span>
        <PartError error={result.error} testId="storage-disk-error" />
      </div>
    );
  }
  const disk = result.data;
  if (disk.source === 'telegraf') {
    return (
      <div
        className={figures.figure}
        data-testid="storage-disk"
        data-source="telegraf"
        data-used-percent={disk.usedPercent}
      >
        <span className={figures.figureTitle}>{t('hostDisk', { path: disk.path })}</span>
        <span className={figures.figureValue}>{t('used', { percent: format.percent(disk.usedPercent) })}</span>
        <Bar percent={disk.usedPercent} />
        <span className={figures.figureDetail}>
          {disk.freeBytes !== undefined
            ? t('usedOfFree', {
                used: format.bytes(disk.usedBytes),
                total: format.bytes(disk.totalBytes),
                free: format.bytes(disk.freeBytes),
              })
            : t('usedOf', { used: format.bytes(disk.usedBytes), total: format.bytes(disk.totalBytes) })}
        </span>
        <p className={styles.source} suppressHydrationWarning>
          {t('telegrafSource', {
            version: disk.influx.version,
            ago: renderText(tRoot, agoText(disk.atMs, nowMs, format)),
          })}
        </p>
      </div>
    );
  }
  return (
    <div className={figures.figure} data-testid="storage-disk" data-source="docker" data-bytes={disk.usage.totalBytes}>
      <span className={figures.figureTitle}>{t('dockerDisk')}</span>
      <span className={figures.figureValue}>{format.bytes(disk.usage.totalBytes)}</span>
      <table className={styles.usage}>
        <tbody>
          {DOCKER_LINES.map((key) => (
            <tr key={key} data-testid={`storage-docker-${key}`} data-bytes={disk.usage[key].bytes}>
              <th scope="row">{t(`docker.${key}`)}</th>
              <td>{format.bytes(disk.usage[key].bytes)}</td>
              <td className="muted">
                {disk.usage[key].reclaimableBytes > 0
                  ? t('reclaimable', { bytes: format.bytes(disk.usage[key].reclaimableBytes) })
                  : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className={styles.source} suppressHydrationWarning>
        {t('dockerSource', { ago: renderText(tRoot, agoText(disk.measuredAtMs, nowMs, format)) })}
      </p>
      {disk.influxNote ? (
        <p className={styles.source} data-testid="storage-disk-influx-note">
          <TranslatedText text={disk.influxNote} />
        </p>
      ) : null}
    </div>
  );
}

function Redis({ parts }: { parts: RedisMemoryPart[] }) {
  const t = useTranslations('vitals.storage');
  const format = useFormat();
  return (
    <div className={figures.figure} data-testid="storage-redis">
      <span className={figures.figureTitle}>{t('redisMemory')}</span>
      <div className={styles.redisList}>
        {parts.map((part) => {
          const limit = part.memory.ok ? part.memory.data.maxBytes : 0;
          const share = part.memory.ok ? shareOf(part.memory.data.usedBytes, limit) : undefined;
          return (
            <div
              key={part.server}
              className={styles.redisServer}
              data-testid="storage-redis-server"
              data-server={part.server}
              data-roles={part.roles.join(' ')}
              data-bytes={part.memory.ok ? part.memory.data.usedBytes : ''}
            >
              {part.memory.ok ? (
                <>
                  <span className={figures.figureValue}>{format.bytes(part.memory.data.usedBytes)}</span>
                  {share !== undefined ? <Bar percent={share} /> : null}
                  <span className={figures.figureDetail}>
                    {limit > 0
                      ? t('peakLimit', {
                          peak: format.bytes(part.memory.data.peakBytes),
                          limit: format.bytes(limit),
                          policy: part.memory.data.policy ?? t('policyUnknown'),
                        })
                      : t('peakNoLimit', { peak: format.bytes(part.memory.data.peakBytes) })}
                  </span>
                </>
              ) : (
                <PartError error={part.memory.error} testId="storage-redis-error" />
              )}
              <span className={figures.figureDetail}>
                {part.server} <Badge tone="neutral">{part.roles.join(', ')}</Badge>
              </span>
            </div>
          );
        })}
      </div>
    </div>
  );
}

function measuring(result: PanelResult<StoragePanelData>): boolean {
  if (!result.ok) return false;
  const { media } = result.data;
  return media.state === 'measuring' || media.refreshing;
}

/** Database size, media folder, host disk and Redis memory; each part fails alone. */
export function StoragePanel({ initial }: { initial: PanelResult<StoragePanelData> }) {
  const result = usePanelWhileMeasuring('storage', initial, measuring);
  const nowMs = useNow(30_000);
  const t = useTranslations('vitals.storage');
  return (
    <section className="panel" aria-labelledby="storage-title" data-testid="storage-panel">
      <header className="panel-head">
        <h2 id="storage-title">{t('title')}</h2>
      </header>
      {!result.ok ? (
        <ErrorBox error={result.error} testId="storage-error" />
      ) : (
        <div className={figures.figures}>
          <Database result={result.data.database} />
          <Media media={result.data.media} nowMs={nowMs} />
          <Disk result={result.data.disk} nowMs={nowMs} />
          <Redis parts={result.data.redis} />
        </div>
      )}
    </section>
  );
}
