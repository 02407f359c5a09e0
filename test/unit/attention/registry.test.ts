import { english } from '../../support/rendered-texts';
import { describe, expect, it, vi } from 'vitest';

import { NOT_LOOKED, type Detector, type Found } from '@/lib/attention/detector';
import { newDetectorMemory, orderFindings, runDetectors } from '@/lib/attention/run';
import { DETECTORS } from '@/lib/attention/registry';
import type { AttentionFinding } from '@/lib/attention/types';
import { AppError } from '@/lib/errors';
import { text } from '@/lib/i18n/text';

function detector(
  id: string,
  detect: () => Promise<Found[] | typeof NOT_LOOKED>,
  overrides: Partial<Detector> = {},
): Detector {
  return {
    id,
    subject: text('attention.join.space', { head: 'the', tail: id }),
    severity: 'warning',
    reads: 'nothing',
    recheck: { kind: 'poll', everyMs: 60_000 },
    timeoutMs: 200,
    detect,
    ...overrides,
  };
}

const found = (key: string, severity?: Found['severity']): Found => ({
  key,
  title: key,
  evidence: `${key} seen`,
  ...(severity ? { severity } : {}),
});

describe('runDetectors', () => {
  it('lists the most severe first, then in the order of the registry', async () => {
    const report = english(
      await runDetectors([
        detector('a', async () => [found('a-info', 'info'), found('a-default')]),
        detector('b', async () => [found('b-critical', 'critical')]),
        detector('c', async () => [found('c-critical', 'critical'), found('c-warning', 'warning')]),
        detector('d', async () => []),
      ]),
    );
    expect(report.findings.map((f) => [f.key, f.severity, f.detector])).toEqual([
      ['b-critical', 'critical', 'b'],
      ['c-critical', 'critical', 'c'],
      ['a-default', 'warning', 'a'],
      ['c-warning', 'warning', 'c'],
      ['a-info', 'info', 'a'],
    ]);
    expect(report.clear).toEqual(['d']);
  });

  it('bounds a hanging detector by its timeout and reports it as a finding; the others still answer', async () => {
    const started = Date.now();
    const report = english(
      await runDetectors([
        detector('hangs', () => new Promise<Found[]>(() => undefined), { timeoutMs: 150 }),
        detector('works', async () => [found('real-problem', 'critical')]),
      ]),
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(report.findings.map((f) => f.key)).toEqual(['real-problem', 'hangs.unchecked']);
    const unchecked = report.findings[1]!;
    expect(unchecked.title).toBe('Cannot check the hangs');
    expect(unchecked.evidence).toMatch(/did not answer: No answer within 0\.2 s/);
    expect(report.clear).toEqual([]);
  });

  it('turns a detector that throws (synchronously or not) into its own finding, never "all clear"', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const report = english(
      await runDetectors([
        detector('redis', async () => {
          throw new AppError(
            'redis_unreachable',
            'Redis is not answering',
            'connect ECONNREFUSED 127.0.0.1:6379',
            'Start it.',
          );
        }),
        detector('bug', () => {
          throw new TypeError('oops');
        }),
        detector('fine', async () => []),
      ]),
    );
    expect(report.findings).toEqual([
      {
        key: 'redis.unchecked',
        detector: 'redis',
        severity: 'warning',
        title: 'Cannot check the redis',
        evidence: 'Redis is not answering: connect ECONNREFUSED 127.0.0.1:6379',
        detail: 'Start it.',
      },
      {
        key: 'bug.unchecked',
        detector: 'bug',
        severity: 'warning',
        title: 'Cannot check the bug',
        evidence: 'Unexpected error: The server logged the details.',
      },
    ]);
    expect(report.clear).toEqual(['fine']);
    error.mockRestore();
  });

  it('asks a polled detector again only after its interval or after a job it waits on ended', async () => {
    const memory = newDetectorMemory();
    let calls = 0;
    const jobs: { lastFinished?: string } = {};
    const media = detector(
      'media',
      async () => {
        calls += 1;
        return calls === 1 ? [found('media.broken', 'critical')] : [];
      },
      { recheck: { kind: 'poll', everyMs: 60_000, afterJobs: ['media.permissions_fixed'] } },
    );
    const options = (nowMs: number) => ({ nowMs, memory, lastFinishedJob: () => jobs.lastFinished });
    expect(english(await runDetectors([media], options(0))).findings).toHaveLength(1);
    expect(english(await runDetectors([media], options(30_000))).findings).toHaveLength(1);
    expect(calls).toBe(1);
    jobs.lastFinished = '2026-12-04T10:00:00.000Z';
    expect(english(await runDetectors([media], options(31_000))).findings).toHaveLength(0);
    expect(calls).toBe(2);
    english(await runDetectors([media], options(60_000)));
    expect(calls).toBe(2);
    english(await runDetectors([media], options(91_000)));
    expect(calls).toBe(3);
  });

  it('always re-runs event-driven detectors, and never remembers a check that could not look', async () => {
    const memory = newDetectorMemory();
    let containers = 0;
    let redisUp = false;
    const detectors = [
      detector(
        'containers',
        async () => {
          containers += 1;
          return [];
        },
        { recheck: { kind: 'docker-events', events: ['die'] } },
      ),
      detector('sidekiq', async () => {
        if (!redisUp) throw new AppError('redis_unreachable', 'Redis is not answering', 'refused');
        return [];
      }),
    ];
    expect(english(await runDetectors(detectors, { nowMs: 0, memory })).findings.map((f) => f.key)).toEqual([
      'sidekiq.unchecked',
    ]);
    redisUp = true;
    expect(english(await runDetectors(detectors, { nowMs: 1_000, memory })).findings).toEqual([]);
    expect(containers).toBe(2);
  });

  it('lists a detector that did not look (another detector says why) apart: no finding, not clear, not remembered', async () => {
    const memory = newDetectorMemory();
    let webRuns = true;
    let asked = 0;
    const media = detector('media', async () => {
      asked += 1;
      return webRuns ? [found('media.broken', 'critical')] : NOT_LOOKED;
    });
    expect(english(await runDetectors([media], { nowMs: 0, memory }))).toMatchObject({ clear: [] });
    webRuns = false;
    // Past its interval, so it looks again, and cannot.
    const report = english(await runDetectors([media], { nowMs: 60_000, memory }));
    expect(report).toEqual({
      checkedAt: new Date(60_000).toISOString(),
      findings: [],
      clear: [],
      notLooked: ['media'],
    });
    // Within its interval: not answered from memory, since it did not look.
    english(await runDetectors([media], { nowMs: 61_000, memory }));
    expect(asked).toBe(3);
    webRuns = true;
    expect(english(await runDetectors([media], { nowMs: 62_000, memory })).notLooked).toBeUndefined();
  });
});

describe('orderFindings', () => {
  it('keeps the order of one detector within a severity', () => {
    const f = (key: string, detector: string, severity: AttentionFinding['severity']): AttentionFinding => ({
      key,
      detector,
      severity,
      title: key,
      evidence: '',
    });
    expect(
      orderFindings([f('x2', 'x', 'info'), f('y', 'y', 'info'), f('x1', 'x', 'critical')], ['y', 'x']).map(
        (finding) => finding.key,
      ),
    ).toEqual(['x1', 'y', 'x2']);
  });
});

describe('the registry', () => {
  it('gives every detector a unique id, what it reads, how it is re-checked and a bounded timeout', () => {
    expect(new Set(DETECTORS.map((d) => d.id)).size).toBe(DETECTORS.length);
    for (const d of DETECTORS) {
      expect(d.reads.length).toBeGreaterThan(10);
      expect(d.timeoutMs).toBeGreaterThan(0);
      expect(d.timeoutMs).toBeLessThanOrEqual(30_000);
      if (d.recheck.kind === 'poll') expect(d.recheck.everyMs).toBeGreaterThanOrEqual(30_000);
      else expect(d.recheck.events.length).toBeGreaterThan(0);
    }
    expect(DETECTORS.map((d) => d.id)).toEqual([
      'containers',
      'media',
      'mastodon',
      'migrations',
      'sidekiq',
      'disk',
      'memory',
      'config',
      'backups',
      'backup-disk',
      'moderation',
    ]);
  });
});
