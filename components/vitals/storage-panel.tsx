'use client';

import { useNow } from '@/components/containers/use-now';
import { MediaBreakdownTable } from '@/components/media/media-breakdown';
import { formatBytes, formatPercent } from '@/components/metrics/format';
import { Badge } from '@/components/ui/badge';
import { ErrorBox } from '@/components/ui/error-box';
import { usePanelWhileMeasuring } from '@/components/ui/use-panel';
import type { ErrorView } from '@/lib/errors';
import type { DockerDiskUsage } from '@/lib/mastodon/storage/docker-disk-usage';
import type { HostDisk } from '@/lib/mastodon/storage/host-disk';
import type { MediaView } from '@/lib/mastodon/storage/media-folder';
import type { PanelResult } from '@/lib/panels/panel';
import type { RedisMemoryPart, StoragePanelData } from '@/lib/panels/storage';

import { formatAgo, formatUntil, shareOf } from './format';
import styles from './storage-panel.module.css';
import figures from './vitals.module.css';

function PartError({ error, testId }: { error: ErrorView; testId: string }) {
  return (
    <span className={figures.figureProblem} role="alert" data-testid={testId} data-code={error.code}>
      {`${error.title}. ${error.detail}`}
      {error.fix ? ` Fix: ${error.fix}` : ''}
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
  return (
    <div className={figures.figure} data-testid="storage-database" data-bytes={result.ok ? result.data.bytes : ''}>
      <span className={figures.figureTitle}>Database</span>
      {result.ok ? (
        <>
          <span className={figures.figureValue}>{formatBytes(result.data.bytes)}</span>
          <span className={figures.figureDetail}>{result.data.name}</span>
        </>
      ) : (
        <PartError error={result.error} testId="storage-database-error" />
      )}
    </div>
  );
}

function Media({ media, nowMs }: { media: MediaView; nowMs: number }) {
  const bytes = media.state === 'measured' ? media.bytes : '';
  return (
    <div className={figures.figure} data-testid="storage-media" data-state={media.state} data-bytes={bytes}>
      <span className={figures.figureTitle}>Media folder</span>
      {media.state === 'measured' ? (
        <>
          <span className={figures.figureValue}>{formatBytes(media.bytes)}</span>
          <span className={figures.figureDetail} data-testid="storage-media-age" suppressHydrationWarning>
            {`measured ${formatAgo(media.measuredAtMs, nowMs)}${media.refreshing ? ', measuring again…' : ''}`}
          </span>
          <MediaBreakdownTable breakdown={media.breakdown} totalBytes={media.bytes} compact />
          {media.unreadable > 0 ? (
            <span className={figures.figureProblem}>
              {`At least this much: du could not read` +
                ` ${media.unreadable} folder${media.unreadable === 1 ? '' : 's'} (${media.problem ?? ''}).`}
            </span>
          ) : null}
          {media.lastError ? (
            <span className={figures.figureProblem}>{`Last attempt failed: ${media.lastError.title}.`}</span>
          ) : null}
        </>
      ) : media.state === 'measuring' ? (
        <>
          <span className={figures.figureValue}>measuring…</span>
          <span className={figures.figureDetail}>du runs in the background inside web; this can take minutes.</span>
        </>
      ) : media.state === 'object-storage' ? (
        <>
          <span className={figures.figureValue}>Object storage</span>
          <span className={figures.figureDetail}>
            S3_ENABLED=true: uploads are stored in the bucket, not on this server; the folder is not used.
          </span>
        </>
      ) : (
        <>
          <PartError error={media.error} testId="storage-media-error" />
          <span className={figures.figureDetail} suppressHydrationWarning>
            {media.refreshing ? 'trying again…' : `next try ${formatUntil(media.retryAtMs, nowMs)}`}
          </span>
        </>
      )}
    </div>
  );
}

const DOCKER_LINES: Array<[keyof Omit<DockerDiskUsage, 'totalBytes'>, string]> = [
  ['images', 'Images'],
  ['containers', 'Containers'],
  ['volumes', 'Volumes'],
  ['buildCache', 'Build cache'],
];

function Disk({ result, nowMs }: { result: PanelResult<HostDisk>; nowMs: number }) {
  if (!result.ok) {
    return (
      <div className={figures.figure} data-testid="storage-disk">
        <span className={figures.figureTitle}>Disk</span>
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
        <span className={figures.figureTitle}>{`Host disk ${disk.path}`}</span>
        <span className={figures.figureValue}>{formatPercent(disk.usedPercent)} used</span>
        <Bar percent={disk.usedPercent} />
        <span className={figures.figureDetail}>{`${formatBytes(disk.usedBytes)} of ${formatBytes(disk.totalBytes)}${
          disk.freeBytes !== undefined ? `, ` + `${formatBytes(disk.freeBytes)} free` : ''
        }`}</span>
        <p
          className={styles.source}
          suppressHydrationWarning
        >{`Telegraf disk, InfluxDB ${disk.influx.version}, ${formatAgo(disk.atMs, nowMs)}`}</p>
      </div>
    );
  }
  return (
    <div className={figures.figure} data-testid="storage-disk" data-source="docker" data-bytes={disk.usage.totalBytes}>
      <span className={figures.figureTitle}>Docker disk usage</span>
      <span className={figures.figureValue}>{formatBytes(disk.usage.totalBytes)}</span>
      <table className={styles.usage}>
        <tbody>
          {DOCKER_LINES.map(([key, label]) => (
            <tr key={key} data-testid={`storage-docker-${key}`} data-bytes={disk.usage[key].bytes}>
              <th scope="row">{label}</th>
              <td>{formatBytes(disk.usage[key].bytes)}</td>
              <td className="muted">
                {disk.usage[key].reclaimableBytes > 0
                  ? `${formatBytes(disk.usage[key].reclaimableBytes)} reclaimable`
                  : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p
        className={styles.source}
        suppressHydrationWarning
      >{`Docker's own usage (docker system df), ${formatAgo(disk.measuredAtMs, nowMs)}; not the disk's fill level.`}</p>
      {disk.influxNote ? (
        <p className={styles.source} data-testid="storage-disk-influx-note">
          {disk.influxNote}
        </p>
      ) : null}
    </div>
  );
}

function Redis({ parts }: { parts: RedisMemoryPart[] }) {
  return (
    <div className={figures.figure} data-testid="storage-redis">
      <span className={figures.figureTitle}>Redis memory</span>
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
                  <span className={figures.figureValue}>{formatBytes(part.memory.data.usedBytes)}</span>
                  {share !== undefined ? <Bar percent={share} /> : null}
                  <span className={figures.figureDetail}>
                    {`peak ${formatBytes(part.memory.data.peakBytes)}, limit ${
                      limit > 0 ? `${formatBytes(limit)} (` + `${part.memory.data.policy ?? 'policy unknown'})` : 'none'
                    }`}
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
  return (
    <section className="panel" aria-labelledby="storage-title" data-testid="storage-panel">
      <header className="panel-head">
        <h2 id="storage-title">Storage</h2>
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
