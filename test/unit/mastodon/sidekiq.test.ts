import { describe, expect, it } from 'vitest';

import {
  decideNamespace,
  epochToMs,
  missingQueues,
  orderQueues,
  parseProcess,
  queueLatency,
  requiredQueuesFor,
  sidekiqWarnings,
  utcDay,
  type SidekiqProcess,
} from '@/lib/mastodon/sidekiq-report';
import { parseMastodonVersion, type MastodonVersion } from '@/lib/mastodon/version';

const v = (text: string) => parseMastodonVersion(text) as MastodonVersion;
const NOW = Date.UTC(2026, 10, 26, 17, 0, 0, 250);

describe('queueLatency: enqueued_at in both of Sidekiq’s formats', () => {
  it('reads float epoch seconds (Sidekiq ≤7)', () => {
    const job = JSON.stringify({ class: 'DistributionWorker', enqueued_at: (NOW - 42_000) / 1000 });
    expect(queueLatency(job, NOW)).toEqual({ latencySeconds: 42, enqueuedAtFormat: 'seconds' });
  });

  it('reads integer epoch milliseconds (Sidekiq 8)', () => {
    const job = JSON.stringify({ class: 'DistributionWorker', enqueued_at: NOW - 95_000 });
    expect(queueLatency(job, NOW)).toEqual({ latencySeconds: 95, enqueuedAtFormat: 'milliseconds' });
  });

  it('keeps sub-second precision from a float seconds value', () => {
    const latency = queueLatency(JSON.stringify({ enqueued_at: NOW / 1000 - 0.375 }), NOW).latencySeconds;
    expect(latency).toBeCloseTo(0.375, 6);
  });

  it('gives the same latency for the same moment in either format', () => {
    const at = NOW - 3_723_500;
    const seconds = queueLatency(JSON.stringify({ enqueued_at: at / 1000 }), NOW).latencySeconds;
    const ms = queueLatency(JSON.stringify({ enqueued_at: at }), NOW).latencySeconds;
    expect(seconds).toBeCloseTo(3723.5, 6);
    expect(ms).toBe(3723.5);
  });

  it('an empty queue has no latency', () => {
    expect(queueLatency(null, NOW)).toEqual({ latencySeconds: null });
  });

  it('an unreadable oldest job is said, not guessed', () => {
    expect(queueLatency('not json', NOW)).toEqual({ latencySeconds: null, problem: 'the oldest job is not JSON' });
    expect(queueLatency('[1,2]', NOW)).toEqual({
      latencySeconds: null,
      problem: 'the oldest job is not a Sidekiq job',
    });
    expect(queueLatency(JSON.stringify({ class: 'X' }), NOW)).toEqual({
      latencySeconds: null,
      problem: 'the oldest job has no enqueued_at',
    });
    expect(queueLatency(JSON.stringify({ enqueued_at: '2026-11-26' }), NOW).latencySeconds).toBeNull();
  });

  it('a job stamped slightly in the future (clock skew) has latency 0, not a negative one', () => {
    expect(queueLatency(JSON.stringify({ enqueued_at: NOW + 1500 }), NOW).latencySeconds).toBe(0);
  });

  it('tells the formats apart at 1e11', () => {
    expect(epochToMs(1_795_713_472.177).ms).toBeCloseTo(1_795_713_472_177, 2);
    expect(epochToMs(1_795_713_472.5).format).toBe('seconds');
    expect(epochToMs(1_795_713_472_500)).toEqual({ ms: 1_795_713_472_500, format: 'milliseconds' });
    expect(epochToMs(99_999_999_999).format).toBe('seconds');
    expect(epochToMs(100_000_000_001).format).toBe('milliseconds');
  });
});

describe('decideNamespace: REDIS_NAMESPACE applies only up to 4.3', () => {
  it.each([
    ['4.0.2', 'applied'],
    ['4.2.0', 'applied'],
    ['4.3.17', 'applied'],
    ['4.4.0', 'ignored'],
    ['4.4.4', 'ignored'],
    ['4.5.0', 'ignored'],
  ])('Mastodon %s: %s', (version, mode) => {
    expect(decideNamespace('mastodon_ns', v(version))).toEqual({ mode, namespace: 'mastodon_ns' });
  });

  it('is none without a namespace, whatever the version', () => {
    expect(decideNamespace(undefined, v('4.3.17'))).toEqual({ mode: 'none' });
    expect(decideNamespace('', undefined)).toEqual({ mode: 'none' });
  });

  it('leaves it to the keys when the version is unknown', () => {
    expect(decideNamespace('mastodon_ns', undefined)).toEqual({ mode: 'detect', namespace: 'mastodon_ns' });
  });
});

describe('required queues and Mastodon’s process check', () => {
  it('adds fasp from 4.4', () => {
    expect(requiredQueuesFor(v('4.3.17'))).toEqual(['default', 'push', 'mailers', 'pull', 'scheduler', 'ingress']);
    expect(requiredQueuesFor(v('4.4.0'))).toEqual([
      'default',
      'push',
      'mailers',
      'pull',
      'scheduler',
      'ingress',
      'fasp',
    ]);
    expect(requiredQueuesFor(undefined)).not.toContain('fasp');
  });

  const proc = (queues: string[]): SidekiqProcess => ({ identity: 'h:1:a', hostname: 'h', queues, quiet: false });

  it('takes the union of every process’s queues', () => {
    const required = requiredQueuesFor(v('4.4.4'));
    expect(
      missingQueues(required, [proc(['default', 'push', 'mailers']), proc(['pull', 'scheduler', 'ingress'])]),
    ).toEqual(['fasp']);
    expect(
      missingQueues(required, [proc(['default', 'push', 'mailers', 'pull', 'scheduler', 'ingress', 'fasp'])]),
    ).toEqual([]);
    expect(missingQueues(required, [])).toEqual(required);
  });

  it('orders queues by weight, others after by name, no duplicates (Sidekiq 6 repeats weighted queues)', () => {
    expect(orderQueues(['zz', 'scheduler', 'default', 'default', 'default', 'ingress', 'aa', 'push', 'fasp'])).toEqual([
      'default',
      'push',
      'ingress',
      'scheduler',
      'fasp',
      'aa',
      'zz',
    ]);
  });
});

describe('parseProcess: the heartbeat hash', () => {
  const info = {
    hostname: '5c1f0e2a9b7d',
    pid: 7,
    tag: 'mastodon',
    concurrency: 25,
    queues: ['default', 'push'],
    started_at: (NOW - 3_600_000) / 1000,
  };

  it('reads Sidekiq 7/8’s hash, with the version', () => {
    const hash = {
      info: JSON.stringify({ ...info, version: '8.0.8', weights: [{ default: 8 }] }),
      busy: '2',
      beat: String((NOW - 4_000) / 1000),
      quiet: 'false',
      rss: '512000',
      rtt_us: '180',
    };
    expect(parseProcess('5c1f0e2a9b7d:7:0a1b', hash, NOW)).toEqual({
      identity: '5c1f0e2a9b7d:7:0a1b',
      hostname: '5c1f0e2a9b7d',
      pid: 7,
      tag: 'mastodon',
      version: '8.0.8',
      queues: ['default', 'push'],
      concurrency: 25,
      busy: 2,
      beatAtMs: NOW - 4_000,
      beatAgeSeconds: 4,
      startedAtMs: NOW - 3_600_000,
      quiet: false,
      rssKb: 512000,
    });
  });

  it('reads Sidekiq 6’s hash, which has no version', () => {
    const process = parseProcess(
      'h:7:n',
      { info: JSON.stringify(info), busy: '0', beat: String(NOW / 1000), quiet: 'true' },
      NOW,
    );
    expect(process?.version).toBeUndefined();
    expect(process?.busy).toBe(0);
    expect(process?.quiet).toBe(true);
    expect(process?.beatAgeSeconds).toBe(0);
  });

  it('an expired hash means the process is gone', () => {
    expect(parseProcess('h:7:n', {}, NOW)).toBeUndefined();
  });

  it('a hash with unreadable info still counts as alive, named by its identity', () => {
    const process = parseProcess('worker-2:31:ffee', { info: '{not json', busy: 'x', beat: String(NOW / 1000) }, NOW);
    expect(process).toMatchObject({ hostname: 'worker-2', queues: [], busy: undefined, beatAgeSeconds: 0 });
  });
});

describe('sidekiqWarnings', () => {
  const alive: SidekiqProcess = { identity: 'h:1:a', hostname: 'h', queues: ['default'], quiet: false };

  it('says plainly when no process beats, counting the ones that stopped', () => {
    const [warning] = sidekiqWarnings({
      namespace: { mode: 'none' },
      prefix: '',
      processes: [],
      goneProcesses: 2,
      missing: ['default'],
    });
    expect(warning?.code).toBe('no_processes');
    expect(warning?.tone).toBe('bad');
    expect(warning?.message).toContain('2 registered processes stopped beating');
  });

  it('names the missing queues like Mastodon’s system check', () => {
    const warnings = sidekiqWarnings({
      namespace: { mode: 'none' },
      prefix: '',
      processes: [alive],
      goneProcesses: 0,
      missing: ['fasp'],
    });
    expect(warnings).toEqual([
      expect.objectContaining({ code: 'missing_queues', tone: 'warn', message: expect.stringContaining('fasp queue') }),
    ]);
  });

  it('warns about a namespace 4.4+ refuses, and explains a guessed one', () => {
    const ignored = sidekiqWarnings({
      namespace: { mode: 'ignored', namespace: 'ns' },
      prefix: '',
      processes: [alive],
      goneProcesses: 0,
      missing: [],
    });
    expect(ignored.map((w) => w.code)).toEqual(['namespace_ignored']);
    expect(ignored[0]?.message).toContain('Remove REDIS_NAMESPACE');
    const guessed = sidekiqWarnings({
      namespace: { mode: 'detect', namespace: 'ns' },
      prefix: 'ns:',
      processes: [alive],
      goneProcesses: 0,
      missing: [],
    });
    expect(guessed[0]).toMatchObject({ code: 'namespace_guessed', message: expect.stringContaining('under ns:') });
  });

  it('flags a quieted process', () => {
    const warnings = sidekiqWarnings({
      namespace: { mode: 'none' },
      prefix: '',
      processes: [{ ...alive, quiet: true }],
      goneProcesses: 0,
      missing: [],
    });
    expect(warnings.map((w) => w.code)).toEqual(['quiet_processes']);
  });

  it('is silent when all is well', () => {
    expect(
      sidekiqWarnings({
        namespace: { mode: 'applied', namespace: 'ns' },
        prefix: 'ns:',
        processes: [alive],
        goneProcesses: 1,
        missing: [],
      }),
    ).toEqual([]);
  });
});

describe('utcDay', () => {
  it('uses the UTC date, as Sidekiq names its daily counters', () => {
    expect(utcDay(Date.UTC(2026, 10, 26, 23, 59, 59, 999))).toBe('2026-11-26');
    expect(utcDay(Date.UTC(2026, 10, 27, 0, 0, 0))).toBe('2026-11-27');
  });
});
