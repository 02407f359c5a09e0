import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

import type { Locale } from '@/lib/i18n/locales';
import { text } from '@/lib/i18n/text';
import { withIntl } from '@/test/support/intl';

import { StoragePanel } from '@/components/vitals/storage-panel';
import { mediaBreakdown } from '@/lib/mastodon/storage/media-breakdown';
import type { PanelResult } from '@/lib/panels/panel';
import type { StoragePanelData } from '@/lib/panels/storage';
import type { DockerDiskUsage } from '@/lib/mastodon/storage/docker-disk-usage';

const AT = '2026-11-26T12:00:00.000Z';
const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const line = (bytes: number) => ({ count: 1, active: 1, bytes, reclaimableBytes: 0 });

function render(data: StoragePanelData, locale: Locale = 'en'): string {
  return renderToString(
    withIntl(
      createElement(StoragePanel, { initial: { ok: true, at: AT, data } satisfies PanelResult<StoragePanelData> }),
      locale,
    ),
  );
}

const BASE: StoragePanelData = {
  database: { ok: true, at: AT, data: { name: 'mastodon_production', bytes: 3.5 * GIB } },
  redis: [
    {
      server: 'redis:6379',
      roles: ['main', 'sidekiq', 'cache'],
      memory: { ok: true, at: AT, data: { usedBytes: 200 * MIB, peakBytes: 300 * MIB, maxBytes: 0 } },
    },
  ],
  disk: {
    ok: true,
    at: AT,
    data: {
      source: 'telegraf',
      path: '/',
      usedBytes: 120 * GIB,
      totalBytes: 150 * GIB,
      usedPercent: 84.2,
      atMs: Date.now(),
      influx: { version: '1.8.10', language: 'influxql', database: 'telegraf' },
    },
  },
  media: {
    state: 'measured',
    bytes: 42 * GIB,
    breakdown: mediaBreakdown(
      42 * GIB,
      new Map([
        ['cache', 40 * GIB],
        ['media_attachments', 1 * GIB],
        ['accounts', 512 * MIB],
        ['site_uploads', 256 * MIB],
      ]),
    ),
    measuredAtMs: Date.now() - 12 * 60_000 - 5_000,
    durationMs: 900,
    container: 'mastodon-web-1',
    unreadable: 0,
    refreshing: false,
  },
};

describe('StoragePanel (server render)', () => {
  it('shows sizes in binary units and the media measurement with its age', () => {
    const html = render(BASE);
    expect(html).toMatch(/data-testid="storage-database" data-bytes="3758096384">.*3\.5 GiB/);
    expect(html).toMatch(/data-testid="storage-media" data-state="measured" data-bytes="45097156608">.*42\.0 GiB/);
    expect(html).toContain('measured 12 min ago');
    // The breakdown: each named folder with its size and share; the rest (site_uploads/ and loose files) last.
    expect(html).toMatch(/data-testid="media-part-cache" data-bytes="42949672960">.*cache\/.*40\.0 GiB.*95\.2 %/);
    expect(html).toMatch(/data-testid="media-part-preview_cards" data-bytes="0".*none.*0\.0 %/);
    expect(html).toMatch(/data-testid="media-part-rest" data-bytes="536870912">.*the rest.*512 MiB/);
    expect(html).toMatch(/data-testid="storage-disk" data-source="telegraf".*84\.2 %.*used.*120\.0 GiB of 150\.0 GiB/);
    expect(html).toMatch(/data-roles="main sidekiq cache" data-bytes="209715200">.*200 MiB.*limit none/);
  });

  it('says "measuring…" before the first measurement, and object storage with S3', () => {
    expect(render({ ...BASE, media: { state: 'measuring', sinceMs: Date.now() } })).toMatch(
      /data-state="measuring".*measuring…/,
    );
    expect(
      render({
        ...BASE,
        media: { state: 'object-storage', checkedAtMs: Date.now(), container: 'web', refreshing: false },
      }),
    ).toMatch(/data-state="object-storage".*Object storage/);
  });

  it('blanks only the part whose backend failed', () => {
    const html = render({
      ...BASE,
      database: {
        ok: false,
        at: AT,
        error: {
          code: 'postgres_unreachable',
          title: "Mastodon's Postgres is down",
          detail: '127.0.0.1:5432 refused',
          fix: 'Start db.',
        },
      },
    });
    expect(html).toContain('data-testid="storage-database-error" data-code="postgres_unreachable"');
    expect(html).toContain('42.0 GiB');
    expect(html).toContain('200 MiB');
    expect(html).not.toContain('data-testid="storage-error"');
  });

  /** Docker's df as the disk's source, with the note that Telegraf had no reading. */
  const dockerDisk = (usage: DockerDiskUsage) => ({
    ok: true as const,
    at: AT,
    data: {
      source: 'docker' as const,
      usage,
      measuredAtMs: Date.now(),
      influxNote: text('vitals.disk.noReading', { path: '/', minutes: 15 }),
    },
  });

  it("names Docker's df as the source, with its lines and why Telegraf is not used", () => {
    const html = render({
      ...BASE,
      disk: dockerDisk({
        images: line(3 * GIB),
        containers: line(10 * MIB),
        volumes: line(0),
        buildCache: { count: 2, active: 0, bytes: GIB, reclaimableBytes: GIB },
        totalBytes: 4 * GIB + 10 * MIB,
      }),
    });
    expect(html).toMatch(/data-testid="storage-disk" data-source="docker"/);
    expect(html).toMatch(/data-testid="storage-docker-images" data-bytes="3221225472"/);
    expect(html).toMatch(/Build cache.*1\.0 GiB reclaimable/);
    expect(html).toContain('docker system df');
    expect(html).toContain('data-testid="storage-disk-influx-note"');
    expect(html).toContain(
      'InfluxDB has no Telegraf disk reading for path / in the last 15 min. Enable [[inputs.disk]]',
    );
  });

  it('says why Telegraf is not used in German too', () => {
    const none = { count: 0, active: 0, bytes: 0, reclaimableBytes: 0 };
    const html = render(
      {
        ...BASE,
        disk: dockerDisk({ images: none, containers: none, volumes: none, buildCache: none, totalBytes: 0 }),
      },
      'de',
    );
    expect(html).toContain('InfluxDB hat in den letzten 15 Min. keinen Telegraf-Messwert für den Pfad /.');
  });

  it('shows a failed measurement and when it is tried again', () => {
    const html = render({
      ...BASE,
      media: {
        state: 'failed',
        error: { code: 'conflict', title: 'web is not running', detail: 'x' },
        atMs: Date.now(),
        retryAtMs: Date.now() + 9 * 60_000 + 1000,
        refreshing: false,
      },
    });
    expect(html).toContain('data-testid="storage-media-error" data-code="conflict"');
    expect(html).toContain('next try in 10 min');
  });

  it('reads in German, with decimal commas', () => {
    const html = render(BASE, 'de');
    expect(html).toContain('Speicherplatz');
    expect(html).toContain('Datenbank');
    expect(html).toContain('3,5 GiB');
    expect(html).toContain('Redis-Arbeitsspeicher');
    expect(html).not.toContain('Media folder');
  });
});
