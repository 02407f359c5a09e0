import type Docker from 'dockerode';
import { english, german } from '../../support/rendered-texts';
import { describe, expect, it } from 'vitest';

import { containerFindings, hasUnhealthySidekiq } from '@/lib/attention/detectors/containers';
import { SWAP_IN_HARD_BYTES_PER_SECOND, diskFindings, memoryFindings } from '@/lib/attention/detectors/host';
import { NOT_LOOKED } from '@/lib/attention/detector';
import { migrationFindings, serviceFindings } from '@/lib/attention/detectors/mastodon-health';
import { mediaFindings } from '@/lib/attention/detectors/media';
import { doctorFindings, moderationFindings } from '@/lib/attention/detectors/moderation';
import { deadSetFindings, rememberDeadSet, sidekiqFindings } from '@/lib/attention/detectors/sidekiq';
import { toContainerView } from '@/lib/docker/container-view';
import { AppError, toErrorView } from '@/lib/errors';
import { text } from '@/lib/i18n/text';
import type { ServiceProbe } from '@/lib/mastodon/health';
import { mediaVerdict, type MediaEvidence } from '@/lib/mastodon/media-verdict';
import { diagnoseSidekiqHealth, parseHealthcheckGrep } from '@/lib/mastodon/sidekiq-health-check';
import {
  missingQueues,
  parseProcess,
  queueLatency,
  sidekiqWarnings,
  type SidekiqReport,
} from '@/lib/mastodon/sidekiq-report';
import type { HostDisk } from '@/lib/mastodon/storage/host-disk';
import type { HeadlineView } from '@/lib/metrics/types';

import { rootOwnedMediaEvidence, RUNNING_STATE } from '../../support/fixtures';

const NOW = Date.parse('2026-12-04T10:00:00.000Z');

/** `docker inspect` as Docker 27 answers it, trimmed to what the view reads. */
function inspect(service: string, state: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return toContainerView({
    Id: `${service}0123456789abcdef`,
    Name: `/mdtest-${service}-1`,
    Image: 'sha256:deadbeef',
    RestartCount: 0,
    Config: {
      Image: 'ghcr.io/mastodon/mastodon:v4.3.17',
      Labels: { 'com.docker.compose.service': service, 'com.docker.compose.container-number': '1' },
    },
    State: { ...RUNNING_STATE, StartedAt: '2026-12-04T08:00:00.000Z', ...state },
    NetworkSettings: { Ports: {} },
    ...extra,
  } as unknown as Docker.ContainerInspectInfo);
}

const healthy = { Health: { Status: 'healthy', FailingStreak: 0, Log: [] } };
const unhealthy = (output: string) => ({
  Health: {
    Status: 'unhealthy',
    FailingStreak: 4,
    Log: [{ Start: 'a', End: '2026-12-04T09:59:58Z', ExitCode: 1, Output: output }],
  },
});

describe('containers detector', () => {
  it('says nothing of running, healthy containers', () => {
    expect(english(containerFindings([inspect('web', healthy), inspect('db', {})], { nowMs: NOW }))).toEqual([]);
  });

  it('reports exited, OOM-killed, dead, restarting and unhealthy containers, each with a fix', () => {
    const findings = english(
      containerFindings(
        [
          inspect('streaming', { Status: 'exited', Running: false, ExitCode: 137, FinishedAt: '2026-12-04T09:55:00Z' }),
          inspect('sidekiq', {
            Status: 'exited',
            Running: false,
            OOMKilled: true,
            ExitCode: 137,
            FinishedAt: '2026-12-04T09:56:00Z',
          }),
          inspect('es', { Status: 'dead', Running: false, Dead: true }),
          inspect('web', { Status: 'restarting', Restarting: true, ExitCode: 1 }, { RestartCount: 7 }),
          inspect('redis', unhealthy('unhealthy: /tmp/unhealthy present')),
        ],
        { nowMs: NOW },
      ),
    );
    expect(findings.map((f) => [f.key, f.severity, f.fix?.kind])).toEqual([
      ['container.stopped:mdtest-streaming-1', 'critical', 'restart'],
      ['container.oom-killed:mdtest-sidekiq-1', 'critical', 'restart'],
      ['container.stopped:mdtest-es-1', 'critical', 'restart'],
      ['container.restart-loop:mdtest-web-1', 'critical', 'command'],
      ['container.unhealthy:mdtest-redis-1', 'warning', 'restart'],
    ]);
    expect(findings[0]!.evidence).toBe('mdtest-streaming-1 exited with code 137 at 2026-12-04T09:55:00Z.');
    expect(findings[1]!.evidence).toContain('OOMKilled');
    expect(findings[3]!.evidence).toContain('restarted mdtest-web-1 7 times');
    expect(findings[4]!.evidence).toContain('failed 4 times in a row; the last probe said: unhealthy: /tmp/unhealthy');
    const [stopped] = german(
      containerFindings(
        [inspect('streaming', { Status: 'exited', Running: false, ExitCode: 137, FinishedAt: '2026-12-04T09:55:00Z' })],
        { nowMs: NOW },
      ),
    );
    expect(stopped).toMatchObject({
      title: 'streaming ist beendet',
      evidence: 'mdtest-streaming-1 wurde mit Code 137 beendet um 2026-12-04T09:55:00Z.',
    });
  });

  it('calls a running container that Docker restarted often in the last minutes a loop', () => {
    const recent = inspect('web', { StartedAt: '2026-12-04T09:58:00Z' }, { RestartCount: 5 });
    const old = inspect('streaming', { StartedAt: '2026-12-03T09:58:00Z' }, { RestartCount: 5 });
    expect(english(containerFindings([recent, old], { nowMs: NOW })).map((f) => [f.key, f.severity])).toEqual([
      ['container.restart-loop:mdtest-web-1', 'warning'],
    ]);
  });

  it('diagnoses a stale Sidekiq health check as such, not as a dead Sidekiq', () => {
    // Mastodon 4.4 ships Sidekiq 7; the compose file still greps for the 4.3 release's Sidekiq 6.
    const sidekiq = inspect('sidekiq', unhealthy(''), {
      Config: {
        Image: 'ghcr.io/mastodon/mastodon:v4.4.0',
        Labels: { 'com.docker.compose.service': 'sidekiq', 'com.docker.compose.container-number': '1' },
        Healthcheck: { Test: ['CMD-SHELL', "ps aux | grep '[s]idekiq\\ 6' || false"] },
      },
    });
    expect(hasUnhealthySidekiq([sidekiq])).toBe(true);
    const sidekiqHealth = diagnoseSidekiqHealth({
      containers: [sidekiq],
      heartbeats: [{ hostname: 'sidekiq01234', beatAgeSeconds: 2, version: '7.3.9' }],
      checks: new Map([[sidekiq.id, parseHealthcheckGrep(['CMD-SHELL', "ps aux | grep '[s]idekiq\\ 6' || false"])]]),
    });
    const [finding] = english(containerFindings([sidekiq], { nowMs: NOW, sidekiqHealth }));
    expect(finding).toMatchObject({
      key: 'container.stale-healthcheck:mdtest-sidekiq-1',
      severity: 'warning',
      title: 'sidekiq: stale health check, Sidekiq itself runs',
      fix: { kind: 'command', where: expect.stringContaining('docker compose up -d sidekiq') },
    });
    expect(finding!.evidence).toContain('live Sidekiq heartbeat (2 s ago)');
    // Without Redis's word it stays an unhealthy container.
    expect(english(containerFindings([sidekiq], { nowMs: NOW }))[0]!.key).toBe('container.unhealthy:mdtest-sidekiq-1');
  });
});

function mediaEvidence(overrides: Partial<MediaEvidence> = {}): MediaEvidence {
  return rootOwnedMediaEvidence({
    found: { uid: 0, gid: 0, user: 'root', group: 'root', mode: '755', changedAt: '2026-12-04T09:00:00.000Z' },
    log: {
      line: 'Errno::EACCES (Permission denied @ dir_s_mkdir - /opt/mastodon/public/system/accounts):',
      at: '2026-12-04T09:59:00.000Z',
      count: 3,
      searched: 1000,
    },
    checkedAt: '2026-12-04T10:00:00.000Z',
    ...overrides,
  });
}

describe('media detector', () => {
  it('reports a root-owned folder with EACCES in the log as critical, with Fix ownership', () => {
    const evidence = mediaEvidence();
    const [finding, ...rest] = english(mediaFindings({ evidence, verdict: mediaVerdict(evidence) }));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      key: 'media.broken',
      detector: 'media',
      severity: 'critical',
      fix: { kind: 'media-ownership', container: 'mdtest-web-1', path: '/mastodon/public/system', owner: '991:991' },
    });
    expect(finding!.title).toMatch(/^Uploads fail: The media folder belongs to 0:0 \(root:root\)/);
    expect(finding!.evidence).toBe(
      "3 Errno::EACCES lines in mdtest-web-1's log, the newest at 2026-12-04T09:59:00.000Z.",
    );
  });

  it('says nothing once the folder is fixed and the old lines predate the fix', () => {
    const evidence = mediaEvidence({
      writable: true,
      found: {
        uid: 991,
        gid: 991,
        user: 'mastodon',
        group: 'mastodon',
        mode: '755',
        changedAt: '2026-12-04T09:59:30Z',
      },
    });
    expect(english(mediaFindings({ evidence, verdict: mediaVerdict(evidence) }))).toEqual([]);
  });
});

function probe(overrides: Partial<ServiceProbe>): ServiceProbe {
  return {
    url: 'http://127.0.0.1:33000/health',
    ok: false,
    problem: text('vitals.probe.refused'),
    address: { baseUrl: 'http://127.0.0.1:33000', source: 'published', how: 'published port' },
    container: { name: 'mdtest-web-1', health: 'healthy' },
    ...overrides,
  } as ServiceProbe;
}

describe('mastodon detector', () => {
  it('reports web not answering while Docker runs it, and leaves a stopped web to the containers detector', () => {
    const [finding] = english(serviceFindings('web', probe({}), () => true));
    expect(finding).toMatchObject({
      key: 'service.not-answering:web',
      severity: 'critical',
      fix: { kind: 'restart', container: 'mdtest-web-1', service: 'web' },
    });
    expect(finding!.evidence).toBe(
      'http://127.0.0.1:33000/health connection refused: nothing listens there while Docker runs mdtest-web-1 (healthy).',
    );
    expect(german(serviceFindings('web', probe({}), () => true))[0]!.evidence).toContain(
      'Verbindung abgelehnt: dort lauscht nichts',
    );
    expect(english(serviceFindings('web', probe({}), () => false))).toEqual([]);
    expect(english(serviceFindings('web', probe({ ok: true }), () => true))).toEqual([]);
  });

  it('reports pending migrations with the command, post-deployment ones as info', () => {
    const findings = english(
      migrationFindings({
        ok: true,
        applied: 400,
        files: 402,
        pending: ['20241014010506'],
        postDeployPending: ['20241022214312'],
        container: 'mdtest-web-1',
      }),
    );
    if (findings === NOT_LOOKED) throw new Error('the state was read, so the detector looked');
    expect(findings.map((f) => [f.key, f.severity, f.fix?.kind])).toEqual([
      ['migrations.pending', 'warning', 'command'],
      ['migrations.post-deploy-pending', 'info', 'command'],
    ]);
    expect(findings[0]!.title).toBe('1 database migration pending');
  });

  it('without a running web or sidekiq says it did not look (the containers detector says why), not "none pending"', () => {
    const error = toErrorView(new AppError('not_found', 'Cannot list migrations', 'No running web or sidekiq.'));
    expect(english(migrationFindings({ ok: false, error }))).toBe(NOT_LOOKED);
  });
});

function sidekiqReport(
  overrides: { processes?: boolean; oldestJob?: string | null; dead?: number } = {},
): SidekiqReport {
  const processes =
    overrides.processes === false
      ? []
      : [
          parseProcess(
            'mdtest-sidekiq:1:abc',
            {
              info: JSON.stringify({
                hostname: 'mdtest-sidekiq',
                queues: ['default', 'push', 'mailers', 'pull', 'scheduler', 'ingress'],
              }),
              beat: String(NOW / 1000 - 2),
              busy: '0',
            },
            NOW,
          )!,
        ];
  const missing = missingQueues(['default', 'push', 'mailers', 'pull', 'scheduler', 'ingress'], processes);
  const latency = queueLatency(overrides.oldestJob ?? null, NOW);
  return {
    redis: '127.0.0.1:56379/0',
    prefix: '',
    namespace: { mode: 'none' },
    readAtMs: NOW,
    queues: [{ name: 'default', size: 12, required: true, ...latency }],
    enqueued: 12,
    stats: { processed: 10, failed: 1, day: '2026-12-04', processedToday: 1, failedToday: 0 },
    sets: { retry: 0, scheduled: 0, dead: overrides.dead ?? 0 },
    processes,
    goneProcesses: overrides.processes === false ? 1 : 0,
    requiredQueues: [],
    missingQueues: missing,
    warnings: sidekiqWarnings({ namespace: { mode: 'none' }, prefix: '', processes, goneProcesses: 0, missing }),
  };
}

describe('sidekiq detector', () => {
  it('says nothing of a working Sidekiq with a short queue', () => {
    expect(
      english(sidekiqFindings(sidekiqReport({ oldestJob: JSON.stringify({ enqueued_at: NOW / 1000 - 5 }) }))),
    ).toEqual([]);
  });

  it('reports no live process as critical and a queue older than the panel’s slow rule as a warning', () => {
    expect(english(sidekiqFindings(sidekiqReport({ processes: false }))).map((f) => [f.key, f.severity])).toEqual([
      ['sidekiq.no-processes', 'critical'],
    ]);
    const [slow] = english(
      sidekiqFindings(sidekiqReport({ oldestJob: JSON.stringify({ enqueued_at: NOW / 1000 - 600 }) })),
    );
    expect(slow).toMatchObject({ key: 'sidekiq.slow-queues', severity: 'warning' });
    expect(slow!.evidence).toBe('default: 12 waiting, oldest 600 s (over 60 s).');
  });

  it('reports a dead set that grew within the hour, and forgets readings older than that', () => {
    let history = rememberDeadSet([], { atMs: NOW - 90 * 60_000, dead: 0 });
    history = rememberDeadSet(history, { atMs: NOW - 20 * 60_000, dead: 4 });
    expect(english(deadSetFindings(history))).toEqual([]);
    history = rememberDeadSet(history, { atMs: NOW, dead: 9 });
    expect(history).toHaveLength(2);
    expect(english(deadSetFindings(history))[0]!.evidence).toMatch(/^The dead set grew from 4 to 9 in 20 min/);
  });
});

describe('host detectors', () => {
  const disk = (usedPercent: number): HostDisk => ({
    source: 'telegraf',
    path: '/',
    influx: { version: '1.6.7', language: 'influxql', database: 'telegraf' },
    usedBytes: usedPercent * 1e9,
    totalBytes: 100e9,
    usedPercent,
    atMs: NOW,
  });

  it('warns over 85 % of the disk and is critical over 95 %', () => {
    expect(english(diskFindings(disk(84.9)))).toEqual([]);
    expect(english(diskFindings(disk(85)))[0]!.severity).toBe('warning');
    expect(english(diskFindings(disk(96.2)))[0]).toMatchObject({
      severity: 'critical',
      title: 'The disk is 96 % full',
    });
  });

  const headline = (ram: number | null, atMs: number, kind: 'influx' | 'live' = 'influx'): HeadlineView => ({
    source:
      kind === 'influx'
        ? { kind: 'influx', version: '1.6.7', language: 'influxql', database: 'telegraf' }
        : { kind: 'live', reason: 'not_configured', windowMs: 600_000 },
    ram: { value: ram, atMs, usedBytes: 15e9, totalBytes: 16e9, trend: [] },
    cpu: { value: 10, trend: [] },
    load: { value: 1, trend: [] },
    biggest: { service: 'sidekiq', value: 6e9, trend: [] },
    notices: [],
  });

  it('warns over 90 % of memory, from Telegraf or the live sampler', () => {
    expect(english(memoryFindings(headline(89, NOW), NOW, 10_000))).toEqual([]);
    expect(english(memoryFindings(headline(93.7, NOW), NOW, 10_000))[0]).toMatchObject({
      key: 'host.memory-full',
      title: 'Memory is 94 % used',
    });
    expect(english(memoryFindings(headline(93.7, NOW, 'live'), NOW, 10_000))[0]!.evidence).toContain('Docker (live)');
  });

  it('warns when the host reads back from swap at 1 MiB/s or more, not when swap only holds pages', () => {
    const swapping = (bytesPerSecond: number | null): HeadlineView => ({
      ...headline(70, NOW),
      swapIn: { value: bytesPerSecond, atMs: NOW, trend: [] },
    });
    expect(english(memoryFindings(headline(70, NOW), NOW, 10_000))).toEqual([]);
    expect(english(memoryFindings(swapping(0), NOW, 10_000))).toEqual([]);
    expect(english(memoryFindings(swapping(SWAP_IN_HARD_BYTES_PER_SECOND - 1), NOW, 10_000))).toEqual([]);
    const [found] = english(memoryFindings(swapping(3 * 1024 ** 2), NOW, 10_000));
    expect(found).toMatchObject({ key: 'host.swapping', severity: 'warning', title: 'The host is swapping hard' });
    expect(found!.evidence).toBe(
      "3.0 MiB/s read back from swap on average over the last minutes (Telegraf's swap input; RAM 70 % used).",
    );
    const [de] = german(memoryFindings(swapping(3 * 1024 ** 2), NOW, 10_000));
    expect(de).toMatchObject({ title: 'Der Host lagert stark aus' });
    expect(de!.evidence).toBe(
      '3,0 MiB/s im Schnitt der letzten Minuten aus dem Swap zurückgelesen (Swap-Eingang von Telegraf; RAM 70 % belegt).',
    );
  });

  it('says when Telegraf stopped writing while InfluxDB answers, not after a late flush', () => {
    expect(english(memoryFindings(headline(50, NOW - 4 * 60_000), NOW, 10_000))).toEqual([]);
    const [stale] = english(memoryFindings(headline(50, NOW - 15 * 60_000), NOW, 10_000));
    expect(stale).toMatchObject({ key: 'telegraf.stale', severity: 'warning' });
    expect(stale!.evidence).toContain('15 min ago');
  });
});

describe('config and moderation detectors', () => {
  it('turns doctor problems (not warnings or passes) into findings', () => {
    const findings = english(
      doctorFindings([
        {
          id: 'required-missing',
          severity: 'error',
          key: 'SECRET_KEY_BASE',
          title: 'SECRET_KEY_BASE is missing',
          why: 'Rails needs it.',
        },
        { id: 'smtp-unset', severity: 'warning', title: 'No SMTP', why: 'No mail.' },
        { id: 'ports-ok', severity: 'ok', title: 'Ports', why: '' },
      ]),
    );
    expect(findings.map((f) => [f.key, f.severity])).toEqual([['doctor.required-missing:SECRET_KEY_BASE', 'warning']]);
  });

  it('lists pending sign-ups and open reports as info, with the admin pages', () => {
    const findings = english(moderationFindings({ pendingSignUps: 2, openReports: 1 }, 'social.example'));
    expect(findings.map((f) => [f.title, f.severity, f.fix])).toEqual([
      [
        '2 sign-ups waiting for approval',
        'info',
        { kind: 'link', href: 'https://social.example/admin/accounts?status=pending', label: 'Review in Mastodon' },
      ],
      [
        '1 open report',
        'info',
        { kind: 'link', href: 'https://social.example/admin/reports', label: 'Review in Mastodon' },
      ],
    ]);
    expect(english(moderationFindings({ pendingSignUps: 0, openReports: 0 }))).toEqual([]);
    expect(english(moderationFindings({ pendingSignUps: 0, openReports: 4 }))[0]!.fix).toEqual({
      kind: 'link',
      href: '/#people-title',
      label: 'People and moderation',
    });
  });
});
