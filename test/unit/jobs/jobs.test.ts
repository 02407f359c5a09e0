import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  addJobStep,
  createJob,
  finishJob,
  getJob,
  listRecentJobs,
  markInterruptedJobs,
  onJobChange,
  type JobsMessage,
} from '@/lib/jobs';
import { text } from '@/lib/i18n/text';
import { openStore, setStoreForTesting, type Store } from '@/lib/store';

import { english, german } from '../../support/rendered-texts';

let dir: string;
let db: Store;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'mastodash-jobs-'));
  db = openStore(dir);
  setStoreForTesting(db, 'boot-a');
});

afterEach(() => {
  setStoreForTesting(undefined);
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('jobs', () => {
  it('records steps and the outcome, readable after the fact (a reload)', () => {
    const job = createJob('container.restarted', 'mastodon-web-1', 7);
    addJobStep(job.id, { step: 'mastodon-web-1: stopping' });
    addJobStep(job.id, { step: 'mastodon-web-1: healthy' });
    finishJob(job.id, { status: 'succeeded', result: { health: 'healthy' } });
    const stored = getJob(job.id);
    expect(stored).toMatchObject({
      status: 'succeeded',
      auditId: 7,
      target: 'mastodon-web-1',
      result: { health: 'healthy' },
    });
    expect(stored?.steps.map((s) => s.step)).toEqual(['mastodon-web-1: stopping', 'mastodon-web-1: healthy']);
    expect(stored?.finishedAt).toBeDefined();
  });

  it('counting progress updates one line instead of adding a line per file', () => {
    const job = createJob('media.permissions_fixed', '/opt/mastodon/public/system', 1);
    for (let done = 0; done <= 500; done += 100) addJobStep(job.id, { step: 'chown', done, total: 500 });
    expect(getJob(job.id)?.steps).toEqual([expect.objectContaining({ step: 'chown', done: 500, total: 500 })]);
  });

  it('counting progress under a Text step updates one line too (the stored step came back from JSON)', () => {
    const job = createJob('media.cleanup', 'mastodon-web-1', 1);
    for (let done = 0; done <= 100; done += 50) {
      // A new Text object each time, as a progress reporter may build it.
      const step = text('media.cleanup.steps.dryRun', { command: 'tootctl media remove --days=7 --dry-run' });
      addJobStep(job.id, { step, done, total: 100 });
    }
    const steps = getJob(job.id)?.steps ?? [];
    expect(steps).toHaveLength(1);
    expect(english(steps[0]!.step)).toBe('Dry run: tootctl media remove --days=7 --dry-run');
    expect(steps[0]).toMatchObject({ done: 100, total: 100 });
  });

  it('a finished job is final', () => {
    const job = createJob('container.restarted', 'x', 1);
    finishJob(job.id, {
      status: 'failed',
      error: { code: 'timeout', title: 'Restart did not finish', detail: 'Waited 90 s' },
    });
    finishJob(job.id, { status: 'succeeded' });
    expect(getJob(job.id)).toMatchObject({ status: 'failed', error: { code: 'timeout' } });
  });

  it('jobs of an earlier run that never finished are interrupted at start, never resumed', () => {
    const old = createJob('container.restarted', 'x', 1);
    setStoreForTesting(db, 'boot-b');
    const current = createJob('container.restarted', 'y', 2);
    expect(markInterruptedJobs()).toBe(1);
    const interrupted = getJob(old.id);
    expect(interrupted?.status).toBe('interrupted');
    expect(english(interrupted?.error)).toMatchObject({
      title: 'Interrupted',
      detail:
        'The dashboard stopped while this ran (crash, kill or restart). Check the result before running it again.',
    });
    expect(german(interrupted?.error)?.title).toBe('Unterbrochen');
    expect(getJob(current.id)?.status).toBe('running');
  });

  it('lists running and recently finished jobs, newest first', () => {
    const a = createJob('container.restarted', 'a', 1);
    const b = createJob('container.restarted', 'b', 2);
    db.prepare('UPDATE jobs SET started_at = started_at + 1 WHERE id = ?').run(b.id);
    finishJob(a.id, { status: 'succeeded' });
    expect(listRecentJobs().map((job) => job.id)).toEqual([b.id, a.id]);
    db.prepare('UPDATE jobs SET finished_at = 1 WHERE id = ?').run(a.id);
    expect(listRecentJobs().map((job) => job.id)).toEqual([b.id]);
  });

  it('pushes every change to live listeners', () => {
    const seen: JobsMessage[] = [];
    const leave = onJobChange((message) => seen.push(message));
    try {
      const job = createJob('container.restarted', 'z', 3);
      addJobStep(job.id, { step: 'z: stopping' });
      finishJob(job.id, { status: 'succeeded' });
      expect(seen.map((m) => m.job.status)).toEqual(['running', 'running', 'succeeded']);
      expect(seen[1]?.job.steps).toHaveLength(1);
    } finally {
      leave();
    }
  });

  it('refuses malformed job ids without touching the store', () => {
    expect(getJob("x' OR 1=1 --")).toBeUndefined();
    expect(getJob('')).toBeUndefined();
  });
});
