import { describe, expect, it } from 'vitest';
import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText, text } from '@/lib/i18n/text';

import { newWatchState, observe, announcedProblems, type WatchTiming } from '@/lib/alerts/watch-decisions';
import type { AttentionFinding } from '@/lib/attention/types';

const SECOND = 1_000;
const HOUR = 3_600 * SECOND;
const timing: WatchTiming = { afterMs: 120 * SECOND, repeatMs: 24 * HOUR };
const T0 = Date.parse('2026-12-04T10:00:00Z');

const webStopped: AttentionFinding = {
  key: 'container.stopped:mdtest-web-1',
  detector: 'containers',
  severity: 'critical',
  title: 'web is stopped',
  evidence: 'docker inspect: exited (0) at 10:00:00',
  fix: { kind: 'restart', container: 'mdtest-web-1', service: 'web' },
};

const signUps: AttentionFinding = {
  key: 'moderation.pending-sign-ups',
  detector: 'moderation',
  severity: 'info',
  title: '3 sign-ups wait for approval',
  evidence: 'Postgres: users.approved = false',
};

const diskFull: AttentionFinding = {
  key: 'disk.nearly-full',
  detector: 'disk',
  severity: 'warning',
  title: "The host's disk is 93 % full",
  evidence: 'Telegraf disk / at 10:00',
};

/** Feeds one check of the containers detector (and any others named) at `atMs`. */
function check(
  state: ReturnType<typeof newWatchState>,
  atMs: number,
  findings: AttentionFinding[],
  detectors = ['containers'],
) {
  return observe(state, { nowMs: atMs, detectors, findings }, timing).map((message) =>
    message.kind === 'test' ? 'test' : `${message.kind}:${message.problem.id}`,
  );
}

describe('observe (the watcher timing)', () => {
  it('sends nothing for a blip shorter than ALERT_AFTER_SECONDS, and nothing when it ends', () => {
    const state = newWatchState();
    expect(check(state, T0, [webStopped])).toEqual([]);
    expect(check(state, T0 + 60 * SECOND, [webStopped])).toEqual([]);
    expect(check(state, T0 + 119 * SECOND, [])).toEqual([]);
    expect(check(state, T0 + 300 * SECOND, [])).toEqual([]);
    expect(state.problems.size).toBe(0);
  });

  it('sends one "opened" once the problem has held, then nothing more while it holds', () => {
    const state = newWatchState();
    expect(check(state, T0, [webStopped])).toEqual([]);
    const opened = observe(
      state,
      { nowMs: T0 + 120 * SECOND, detectors: ['containers'], findings: [webStopped] },
      timing,
    );
    expect(opened).toEqual([
      {
        kind: 'opened',
        at: new Date(T0 + 120 * SECOND),
        problem: {
          id: 'container.stopped:mdtest-web-1',
          severity: 'critical',
          title: 'web is stopped',
          evidence: 'docker inspect: exited (0) at 10:00:00',
          fix: text('alertMessages.fix.restart', { service: 'web', container: 'mdtest-web-1' }),
          since: new Date(T0),
        },
      },
    ]);
    const fix = opened[0]?.kind === 'opened' ? opened[0].problem.fix : undefined;
    expect(inEnglish(fix!)).toBe('Restart web (mdtest-web-1) on the Containers page.');
    expect(renderText(translatorFor('de'), fix!)).toBe('Starte web (mdtest-web-1) auf der Seite „Container“ neu.');
    for (let minute = 3; minute < 60; minute++)
      expect(check(state, T0 + minute * 60 * SECOND, [webStopped])).toEqual([]);
    expect(announcedProblems(state).map((problem) => problem.id)).toEqual(['container.stopped:mdtest-web-1']);
  });

  it('sends one "recovered" when an announced problem ends, with when it ended', () => {
    const state = newWatchState();
    check(state, T0, [webStopped]);
    check(state, T0 + 150 * SECOND, [webStopped]);
    const ended = observe(state, { nowMs: T0 + 600 * SECOND, detectors: ['containers'], findings: [] }, timing);
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({
      kind: 'recovered',
      endedAt: new Date(T0 + 600 * SECOND),
      problem: { id: webStopped.key, since: new Date(T0) },
    });
    expect(check(state, T0 + 660 * SECOND, [])).toEqual([]);
    expect(announcedProblems(state)).toEqual([]);
  });

  it('reminds at most once every ALERT_REPEAT_HOURS while the problem stays', () => {
    const state = newWatchState();
    check(state, T0, [webStopped]);
    expect(check(state, T0 + 120 * SECOND, [webStopped])).toEqual(['opened:container.stopped:mdtest-web-1']);
    const sent: string[] = [];
    // One check a minute for 50 hours: reminders 24 h and 48 h after the opening, none in between.
    for (let minute = 3; minute <= 50 * 60; minute++) {
      for (const message of check(state, T0 + minute * 60 * SECOND, [webStopped])) sent.push(`${minute}:${message}`);
    }
    expect(sent).toEqual([
      `${2 + 24 * 60}:reminder:container.stopped:mdtest-web-1`,
      `${2 + 48 * 60}:reminder:container.stopped:mdtest-web-1`,
    ]);
  });

  it('sends no reminder with ALERT_REPEAT_HOURS=0', () => {
    const state = newWatchState();
    const noRepeat = { ...timing, repeatMs: 0 };
    observe(state, { nowMs: T0, detectors: ['containers'], findings: [webStopped] }, noRepeat);
    const later = [T0 + 120 * SECOND, T0 + 30 * HOUR, T0 + 90 * HOUR].flatMap((nowMs) =>
      observe(state, { nowMs, detectors: ['containers'], findings: [webStopped] }, noRepeat),
    );
    expect(later.map((message) => message.kind)).toEqual(['opened']);
  });

  it('does not recover the problems of a detector that could not look; its own "Cannot check" alerts instead', () => {
    const state = newWatchState();
    check(state, T0, [webStopped]);
    expect(check(state, T0 + 120 * SECOND, [webStopped])).toEqual(['opened:container.stopped:mdtest-web-1']);
    const cannotCheck: AttentionFinding = {
      key: 'containers.unchecked',
      detector: 'containers',
      severity: 'warning',
      title: 'Cannot check the containers',
      evidence: 'Docker is unreachable: connect ENOENT /var/run/docker.sock',
    };
    expect(check(state, T0 + 180 * SECOND, [cannotCheck])).toEqual([]);
    expect(check(state, T0 + 300 * SECOND, [cannotCheck])).toEqual(['opened:containers.unchecked']);
    expect(announcedProblems(state).map((problem) => problem.id)).toEqual([
      'container.stopped:mdtest-web-1',
      'containers.unchecked',
    ]);
    // Docker answers again and web still is stopped: the unchecked problem recovers, web's does not.
    expect(check(state, T0 + 360 * SECOND, [webStopped])).toEqual(['recovered:containers.unchecked']);
  });

  it('keeps the problems of detectors that did not run in this check (an event re-runs only some)', () => {
    const state = newWatchState();
    check(state, T0, [webStopped, diskFull], ['containers', 'disk']);
    expect(check(state, T0 + 120 * SECOND, [webStopped, diskFull], ['containers', 'disk'])).toEqual([
      'opened:container.stopped:mdtest-web-1',
      'opened:disk.nearly-full',
    ]);
    expect(check(state, T0 + 130 * SECOND, [], ['containers'])).toEqual(['recovered:container.stopped:mdtest-web-1']);
    expect(announcedProblems(state).map((problem) => problem.id)).toEqual(['disk.nearly-full']);
  });

  it('alerts on critical and warning findings, never on info ones', () => {
    const state = newWatchState();
    const detectors = ['moderation', 'disk'];
    check(state, T0, [signUps, diskFull], detectors);
    expect(check(state, T0 + 10 * HOUR, [signUps, diskFull], detectors)).toEqual(['opened:disk.nearly-full']);
    expect(check(state, T0 + 11 * HOUR, [], detectors)).toEqual(['recovered:disk.nearly-full']);
  });
});
