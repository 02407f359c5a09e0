import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { DockerEvent } from '@/lib/docker/events';
import { judgeDeaths, OOM_EVENT_GRACE_MS, type Death } from '@/lib/docker/restart-death';

const ID = 'c0ffee';

function event(Action: string, attributes: Record<string, string> = {}, id = ID): DockerEvent {
  return { Type: 'container', Action, Actor: { ID: id, Attributes: attributes } };
}

/** The events of `docker restart` on a container that then dies: kill, die of the stop, start, restart. */
function restartThenDie(exitCode: string): DockerEvent[] {
  return [
    event('kill', { signal: '15' }),
    event('die', { exitCode: '143' }),
    event('stop'),
    event('start'),
    event('restart'),
    event('die', { exitCode }),
  ];
}

describe('judgeDeaths: a death after the restart', () => {
  let deaths: Death[];
  beforeEach(() => {
    vi.useFakeTimers();
    deaths = [];
  });
  afterEach(() => vi.useRealTimers());

  it('reports an OOM kill whose "oom" event comes after its "die" as OOMKilled (the CI run of 2026-12-04)', () => {
    const judge = judgeDeaths(ID, (death) => deaths.push(death));
    for (const e of restartThenDie('137')) judge.onEvent(e);
    expect(deaths).toEqual([]);
    judge.onEvent(event('oom'));
    expect(deaths).toEqual([{ exitCode: 137, oom: true }]);
  });

  it('reports an OOM kill whose "oom" event comes first at once', () => {
    const judge = judgeDeaths(ID, (death) => deaths.push(death));
    const events = restartThenDie('137');
    events.splice(5, 0, event('oom'));
    for (const e of events) judge.onEvent(e);
    expect(deaths).toEqual([{ exitCode: 137, oom: true }]);
  });

  it('reports a SIGKILL without any "oom" event as not OOM-killed once the grace has passed', () => {
    const judge = judgeDeaths(ID, (death) => deaths.push(death));
    for (const e of restartThenDie('137')) judge.onEvent(e);
    vi.advanceTimersByTime(OOM_EVENT_GRACE_MS - 1);
    expect(deaths).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(deaths).toEqual([{ exitCode: 137, oom: false }]);
    judge.onEvent(event('oom'));
    expect(deaths).toHaveLength(1);
  });

  it('reports any other exit code at once, and only the first death', () => {
    const judge = judgeDeaths(ID, (death) => deaths.push(death));
    for (const e of restartThenDie('1')) judge.onEvent(e);
    judge.onEvent(event('start'));
    judge.onEvent(event('die', { exitCode: '2' }));
    expect(deaths).toEqual([{ exitCode: 1, oom: false }]);
  });

  it("ignores the restart's own stop and other containers' events", () => {
    const judge = judgeDeaths(ID, (death) => deaths.push(death));
    judge.onEvent(event('kill', { signal: '15' }));
    judge.onEvent(event('die', { exitCode: '143' }));
    judge.onEvent(event('start', {}, 'other'));
    judge.onEvent(event('die', { exitCode: '1' }, 'other'));
    judge.restarted();
    judge.onEvent(event('start'));
    vi.advanceTimersByTime(OOM_EVENT_GRACE_MS * 2);
    expect(deaths).toEqual([]);
  });

  it('waits for the API call to confirm the restart when Docker sends no "restart" event', () => {
    const judge = judgeDeaths(ID, (death) => deaths.push(death));
    judge.onEvent(event('kill', { signal: '15' }));
    judge.onEvent(event('start'));
    judge.onEvent(event('die', { exitCode: '3' }));
    expect(deaths).toEqual([]);
    judge.restarted();
    expect(deaths).toEqual([{ exitCode: 3, oom: false }]);
  });
});
