import { describe, expect, it } from 'vitest';

import { agoText, shareOf, untilText } from '@/components/vitals/format';
import { formatFor } from '@/lib/i18n/format';
import { AppError } from '@/lib/errors';
import { inEnglish } from '@/lib/i18n/english';
import { summarizeDockerDf } from '@/lib/mastodon/storage/docker-disk-usage';
import { DISK_PATH, diskQueries, telegrafDiskFrom } from '@/lib/mastodon/storage/host-disk';
import { mediaBreakdown } from '@/lib/mastodon/storage/media-breakdown';
import {
  MEDIA_MAX_AGE_MS,
  MEDIA_RETRY_AFTER_MS,
  mediaNeedsMeasuring,
  mediaView,
  parseDuOutput,
  type MediaCache,
  type MediaOutcome,
} from '@/lib/mastodon/storage/media-folder';
import { distinctRedisServers, parseRedisInfo, redisMemoryFromInfo } from '@/lib/mastodon/storage/redis-memory';
import { buildInfluxqlStatement } from '@/lib/metrics/influxql';
import type { RawSeries } from '@/lib/metrics/query-spec';
import { english, german } from '../../support/rendered-texts';

const MIB = 1024 * 1024;
const EMPTY_BREAKDOWN = mediaBreakdown(0, new Map());
const GIB = 1024 * MIB;

// Redis 7's INFO memory, abridged, with its CRLF line ends.
const INFO_MEMORY = [
  '# Memory',
  'used_memory:1519776',
  'used_memory_human:1.45M',
  'used_memory_rss:7262208',
  'used_memory_peak:1587752',
  'used_memory_peak_human:1.51M',
  'used_memory_peak_perc:95.72%',
  'maxmemory:268435456',
  'maxmemory_human:256.00M',
  'maxmemory_policy:noeviction',
  'mem_allocator:jemalloc-5.3.0',
  '',
].join('\r\n');

describe('Redis INFO memory', () => {
  it('parses key:value lines and skips the section header', () => {
    const info = parseRedisInfo(INFO_MEMORY);
    expect(info.get('used_memory')).toBe('1519776');
    expect(info.get('mem_allocator')).toBe('jemalloc-5.3.0');
    expect(info.has('# Memory')).toBe(false);
  });

  it('reads used, peak, limit and policy', () => {
    expect(redisMemoryFromInfo(INFO_MEMORY)).toEqual({
      usedBytes: 1_519_776,
      peakBytes: 1_587_752,
      maxBytes: 268_435_456,
      policy: 'noeviction',
      rssBytes: 7_262_208,
    });
  });

  it('reads maxmemory 0 as no limit, and copes with an old Redis without a peak', () => {
    expect(redisMemoryFromInfo('used_memory:100\nmaxmemory:0\n')).toEqual({
      usedBytes: 100,
      peakBytes: 100,
      maxBytes: 0,
    });
  });

  it('refuses an answer without used_memory', () => {
    expect(() => redisMemoryFromInfo('# Server\nredis_version:7.2.4\n')).toThrow(AppError);
  });
});

describe('distinctRedisServers', () => {
  const target = (url: string) => ({ url, label: 'x' });

  it('shows one server when every role uses the same Redis', () => {
    const url = 'redis://:secret@redis:6379/0';
    expect(distinctRedisServers({ main: target(url), sidekiq: target(url), cache: target(url) })).toEqual([
      { server: 'redis:6379', roles: ['main', 'sidekiq', 'cache'] },
    ]);
  });

  it('treats another db of the same server as the same server (INFO memory is per server)', () => {
    expect(
      distinctRedisServers({
        main: target('redis://redis:6379/0'),
        sidekiq: target('redis://redis/2'),
        cache: target('redis://:pw@redis:6379/1'),
      }),
    ).toEqual([{ server: 'redis:6379', roles: ['main', 'sidekiq', 'cache'] }]);
  });

  it('lists a separate cache Redis apart', () => {
    expect(
      distinctRedisServers({
        main: target('redis://redis:6379/0'),
        sidekiq: target('redis://redis:6379/0'),
        cache: target('redis://cache:6380/0'),
      }),
    ).toEqual([
      { server: 'redis:6379', roles: ['main', 'sidekiq'] },
      { server: 'cache:6380', roles: ['cache'] },
    ]);
  });
});

describe('parseDuOutput', () => {
  it('reads BusyBox and GNU du -sk output as bytes', () => {
    expect(parseDuOutput({ exitCode: 0, stdout: '4\t/opt/mastodon/public/system\n', stderr: '' })).toEqual({
      bytes: 4096,
      breakdown: mediaBreakdown(4096, new Map()),
      problems: [],
    });
    expect(parseDuOutput({ exitCode: 0, stdout: '123456789\t/opt/mastodon/public/system\n', stderr: '' }).bytes).toBe(
      123_456_789 * 1024,
    );
  });

  it('keeps the total when some folders could not be read (exit 1), and says so', () => {
    const reading = parseDuOutput({
      exitCode: 1,
      stdout: '2048\t/opt/mastodon/public/system\n',
      stderr:
        "du: cannot read directory '/opt/mastodon/public/system/cache': Permission denied\n" +
        "du: cannot read directory '/opt/mastodon/public/system/x': Permission denied\n",
    });
    expect(reading.bytes).toBe(2048 * 1024);
    expect(reading.problems).toHaveLength(2);
  });

  it('names a missing media folder', () => {
    try {
      parseDuOutput({
        exitCode: 1,
        stdout: '',
        stderr: "du: cannot access '/opt/mastodon/public/system': No such file or directory\n",
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('not_found');
      expect(inEnglish((error as AppError).detail)).toContain('/opt/mastodon/public/system');
    }
  });

  it('fails on output that is not a du total', () => {
    expect(() =>
      parseDuOutput({ exitCode: 127, stdout: '', stderr: 'exec: "du": executable file not found in $PATH' }),
    ).toThrow(AppError);
    expect(() => parseDuOutput({ exitCode: 0, stdout: 'hello\n', stderr: '' })).toThrow(/du/);
  });
});

describe('media cache freshness', () => {
  const NOW = 1_800_000_000_000;
  const size = (atMs: number): MediaOutcome => ({
    kind: 'size',
    bytes: 5 * GIB,
    breakdown: EMPTY_BREAKDOWN,
    atMs,
    durationMs: 1200,
    container: 'mastodon-web-1',
    unreadable: 0,
  });
  const error = { code: 'conflict' as const, title: 'web is not running', detail: 'x' };

  it('measures on the first visit', () => {
    expect(mediaNeedsMeasuring({}, NOW)).toBe(true);
  });

  it('keeps a measurement younger than the limit and repeats an older one', () => {
    expect(mediaNeedsMeasuring({ last: size(NOW - MEDIA_MAX_AGE_MS + 1) }, NOW)).toBe(false);
    expect(mediaNeedsMeasuring({ last: size(NOW - MEDIA_MAX_AGE_MS) }, NOW)).toBe(true);
    expect(MEDIA_MAX_AGE_MS).toBe(6 * 3_600_000);
  });

  it('never starts a second measurement while one runs', () => {
    const running = { startedAtMs: NOW - 1000, promise: Promise.resolve() };
    expect(mediaNeedsMeasuring({ running }, NOW)).toBe(false);
    expect(mediaNeedsMeasuring({ last: size(NOW - 10 * MEDIA_MAX_AGE_MS), running }, NOW)).toBe(false);
  });

  it('waits after a failure before trying again', () => {
    expect(mediaNeedsMeasuring({ failure: { error, atMs: NOW - MEDIA_RETRY_AFTER_MS + 1 } }, NOW)).toBe(false);
    expect(mediaNeedsMeasuring({ failure: { error, atMs: NOW - MEDIA_RETRY_AFTER_MS } }, NOW)).toBe(true);
    // A stale measurement followed by a fresh failure: the failure's back-off wins.
    expect(
      mediaNeedsMeasuring({ last: size(NOW - 2 * MEDIA_MAX_AGE_MS), failure: { error, atMs: NOW - 1000 } }, NOW),
    ).toBe(false);
  });

  it('accepts other limits (the constants are only defaults)', () => {
    expect(mediaNeedsMeasuring({ last: size(NOW - 61_000) }, NOW, { maxAgeMs: 60_000, retryAfterMs: 1000 })).toBe(true);
  });
});

describe('mediaView', () => {
  const NOW = 1_800_000_000_000;
  const error = { code: 'conflict' as const, title: 'web is not running', detail: 'x' };
  const running = { startedAtMs: NOW - 3000, promise: Promise.resolve() };

  it('says "measuring" before the first measurement', () => {
    expect(mediaView({ running })).toEqual({ state: 'measuring', sinceMs: NOW - 3000 });
  });

  it('shows the cached size with its time while a newer one runs', () => {
    const last: MediaCache['last'] = {
      kind: 'size',
      bytes: 42,
      breakdown: EMPTY_BREAKDOWN,
      atMs: NOW - 7 * 3_600_000,
      durationMs: 900,
      container: 'web',
      unreadable: 0,
    };
    expect(mediaView({ last, running })).toEqual({
      state: 'measured',
      bytes: 42,
      breakdown: EMPTY_BREAKDOWN,
      measuredAtMs: NOW - 7 * 3_600_000,
      durationMs: 900,
      container: 'web',
      unreadable: 0,
      refreshing: true,
    });
  });

  it('keeps the last size and adds a newer failure', () => {
    const last: MediaCache['last'] = {
      kind: 'size',
      bytes: 42,
      breakdown: EMPTY_BREAKDOWN,
      atMs: NOW - 1000,
      durationMs: 900,
      container: 'web',
      unreadable: 1,
      problem: 'du: cannot read',
    };
    expect(mediaView({ last, failure: { error, atMs: NOW } })).toMatchObject({
      state: 'measured',
      bytes: 42,
      unreadable: 1,
      problem: 'du: cannot read',
      lastError: error,
    });
  });

  it('shows a failure with no size yet, and when it is tried again', () => {
    expect(mediaView({ failure: { error, atMs: NOW } })).toEqual({
      state: 'failed',
      error,
      atMs: NOW,
      retryAtMs: NOW + MEDIA_RETRY_AFTER_MS,
      refreshing: false,
    });
  });

  it('says object storage when S3 is enabled', () => {
    expect(mediaView({ last: { kind: 'object-storage', atMs: NOW, container: 'web' } })).toEqual({
      state: 'object-storage',
      checkedAtMs: NOW,
      container: 'web',
      refreshing: false,
    });
  });
});

describe('host disk from Telegraf', () => {
  it('asks for the newest used, total, free and used_percent of /', () => {
    const statements = diskQueries().map((query) =>
      buildInfluxqlStatement(query, { fromMs: 1000, toMs: 901_001, intervalMs: 60_000 }),
    );
    expect(statements).toEqual(
      ['used', 'total', 'free', 'used_percent'].map(
        (field) =>
          `SELECT last("${field}") AS "value" FROM "disk" WHERE "path" = '/' AND time >= 1000ms AND time < 901001ms`,
      ),
    );
    expect(DISK_PATH).toBe('/');
  });

  const series = (id: string, points: Array<[number, number | null]>): RawSeries => ({ queryId: id, tags: {}, points });

  it("takes Telegraf's used_percent as is", () => {
    const raw = [
      series('disk_used', [[2000, 49 * GIB]]),
      series('disk_total', [[2000, 150 * GIB]]),
      series('disk_free', [[2000, 93 * GIB]]),
      series('disk_used_percent', [[2000, 34.5]]),
    ];
    expect(telegrafDiskFrom(raw)).toEqual({
      usedBytes: 49 * GIB,
      totalBytes: 150 * GIB,
      freeBytes: 93 * GIB,
      usedPercent: 34.5,
      atMs: 2000,
    });
  });

  it('computes the share as Telegraf does when used_percent is missing', () => {
    const raw = [
      series('disk_used', [[2000, 30]]),
      series('disk_total', [[1000, 110]]),
      series('disk_free', [[2000, 70]]),
    ];
    expect(telegrafDiskFrom(raw)).toEqual({
      usedBytes: 30,
      totalBytes: 110,
      freeBytes: 70,
      usedPercent: 30,
      atMs: 1000,
    });
  });

  it('has nothing to say without used and total', () => {
    expect(telegrafDiskFrom([])).toBeUndefined();
    expect(telegrafDiskFrom([series('disk_used', [[1, 5]]), series('disk_total', [[1, null]])])).toBeUndefined();
  });
});

describe('summarizeDockerDf', () => {
  it('computes the four lines of docker system df as the CLI does', () => {
    const usage = summarizeDockerDf({
      LayersSize: 1000,
      Images: [
        { Containers: 2, Size: 300, SharedSize: 100 },
        { Containers: 0, Size: 500, SharedSize: 100 },
        { Containers: 1, Size: -1, SharedSize: -1 },
      ],
      Containers: [
        { SizeRw: 10, State: 'running' },
        { SizeRw: 20, State: 'exited' },
        { SizeRw: -1, State: 'created' },
      ],
      Volumes: [
        { UsageData: { Size: 400, RefCount: 1 } },
        { UsageData: { Size: 50, RefCount: 0 } },
        { UsageData: { Size: -1, RefCount: 0 } },
        { UsageData: null },
      ],
      BuildCache: [
        { Size: 70, InUse: false, Shared: false },
        { Size: 30, InUse: true, Shared: false },
        { Size: 999, InUse: false, Shared: true },
      ],
    });
    expect(usage).toEqual({
      images: { count: 3, active: 2, bytes: 1000, reclaimableBytes: 800 },
      containers: { count: 3, active: 1, bytes: 30, reclaimableBytes: 20 },
      volumes: { count: 4, active: 1, bytes: 450, reclaimableBytes: 50 },
      buildCache: { count: 2, active: 1, bytes: 100, reclaimableBytes: 70 },
      totalBytes: 1580,
    });
  });

  it('copes with null lists (an old daemon, no build cache)', () => {
    expect(
      summarizeDockerDf({ LayersSize: 0, Images: null, Containers: null, Volumes: null, BuildCache: null }).totalBytes,
    ).toBe(0);
  });

  it('adds up the images when LayersSize is missing (the socket proxy answers for the project only)', () => {
    const usage = summarizeDockerDf({
      Images: [
        { Containers: 2, Size: 300, SharedSize: 100 },
        { Containers: 1, Size: 200, SharedSize: 0 },
      ],
      BuildCache: [],
    });
    expect(usage.images).toEqual({ count: 2, active: 2, bytes: 500, reclaimableBytes: 0 });
  });
});

describe('formatting', () => {
  const NOW = 1_800_000_000_000;

  it('says how old a measurement is, in whole minutes, in either language', () => {
    const en = formatFor('en');
    expect(english(agoText(NOW - 20_000, NOW, en))).toBe('just now');
    expect(english(agoText(NOW - 12 * 60_000 - 30_000, NOW, en))).toBe('12 min ago');
    expect(english(agoText(NOW - (3 * 60 + 5) * 60_000 - 59_000, NOW, en))).toBe('3 h 5 min ago');
    expect(english(agoText(NOW - 2 * 86_400_000, NOW, en))).toBe('2 d ago');
    expect(german(agoText(NOW - 12 * 60_000 - 30_000, NOW, formatFor('de')))).toBe('vor 12 Min.');
  });

  it('says when something planned happens, rounding up to whole minutes', () => {
    expect(english(untilText(NOW + 30_000, NOW, formatFor('en')))).toBe('soon');
    expect(english(untilText(NOW + 8 * 60_000 + 1_000, NOW, formatFor('en')))).toBe('in 9 min');
    expect(german(untilText(NOW + 8 * 60_000 + 1_000, NOW, formatFor('de')))).toBe('in 9 Min.');
  });

  it('gives a share only when there is a limit', () => {
    expect(shareOf(MIB, 4 * MIB)).toBe(25);
    expect(shareOf(MIB, 0)).toBeUndefined();
  });
});
