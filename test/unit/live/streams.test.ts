import { afterEach, describe, expect, it, vi } from 'vitest';

import { AppError } from '@/lib/errors';
import { LiveTopic, type LiveSource } from '@/lib/live/hub';
import { subscribeTopic } from '@/lib/live/stream-topics';
import { LiveStreams } from '@/lib/live/streams';
import type { LiveEnvelope, LiveTopicKey } from '@/lib/live/topic-keys';
import { changeStreamTopicsSchema, openStreamQuerySchema } from '@/lib/live/request-schemas';

class CountingSource implements LiveSource<string> {
  starts = 0;
  stops = 0;
  emit: (message: string) => void = () => undefined;
  constructor(private readonly name: string) {}
  start(emit: (message: string) => void) {
    this.starts += 1;
    this.emit = emit;
    emit(`${this.name} snapshot ${this.starts}`);
  }
  stop() {
    this.stops += 1;
  }
  snapshot() {
    return `${this.name} snapshot ${this.starts}`;
  }
}

const GRACE_MS = 1_000;

function hub() {
  const sources = { containers: new CountingSource('containers'), jobs: new CountingSource('jobs') };
  const topics = {
    containers: new LiveTopic(sources.containers, GRACE_MS),
    jobs: new LiveTopic(sources.jobs, GRACE_MS),
  };
  const streams = new LiveStreams((key, send) => {
    if (key !== 'containers' && key !== 'jobs') throw new Error(`unexpected topic ${key}`);
    return topics[key].subscribe(send);
  });
  return { sources, topics, streams };
}

function collector() {
  const received: LiveEnvelope[] = [];
  return {
    received,
    deliver: (envelope: LiveEnvelope) => received.push(envelope),
    of: (topic: LiveTopicKey) => received.filter((e) => e.topic === topic).map((e) => e.message),
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('LiveStreams', () => {
  it('joins the first topics on open, each starting with its snapshot, and carries their messages by topic', () => {
    const { sources, streams } = hub();
    const tab = collector();
    streams.open('session-a', tab.deliver, ['containers']);
    sources.containers.emit('web restarted');
    expect(tab.received).toEqual([
      { topic: 'containers', message: 'containers snapshot 1' },
      { topic: 'containers', message: 'web restarted' },
    ]);
  });

  it('joins and leaves topics on one stream without a second one; a joined topic starts with its snapshot', () => {
    const { sources, topics, streams } = hub();
    const tab = collector();
    const stream = streams.open('session-a', tab.deliver, ['containers']);
    expect(streams.change('session-a', { stream: stream.id, topics: ['containers', 'jobs'] })).toEqual([
      'containers',
      'jobs',
    ]);
    expect(tab.of('jobs')).toEqual(['jobs snapshot 1']);
    expect(topics.jobs.listenerCount).toBe(1);

    expect(streams.change('session-a', { stream: stream.id, topics: ['jobs'] })).toEqual(['jobs']);
    expect(topics.containers.listenerCount).toBe(0);
    sources.containers.emit('after leaving');
    expect(tab.of('containers')).not.toContain('after leaving');
    expect(streams.size).toBe(1);
  });

  it('keeps the hub reference-counted: a topic runs while a stream carries it, stops after the grace', () => {
    vi.useFakeTimers();
    const { sources, topics, streams } = hub();
    const a = streams.open('session-a', collector().deliver, ['containers']);
    const b = streams.open('session-a', collector().deliver, ['containers', 'jobs']);
    expect(sources.containers.starts).toBe(1);
    expect(topics.containers.listenerCount).toBe(2);

    streams.change('session-a', { stream: a.id, topics: [] });
    vi.advanceTimersByTime(GRACE_MS * 2);
    expect(sources.containers.stops).toBe(0);

    b.close();
    expect(topics.containers.listenerCount).toBe(0);
    expect(topics.jobs.listenerCount).toBe(0);
    vi.advanceTimersByTime(GRACE_MS * 2);
    expect(sources.containers.stops).toBe(1);
    expect(sources.jobs.stops).toBe(1);
    expect(streams.size).toBe(1);
    a.close();
    expect(streams.size).toBe(0);
  });

  it('joins a fresh topic again so that it starts over with the present snapshot, without touching the others', () => {
    const { topics, streams } = hub();
    const tab = collector();
    const stream = streams.open('session-a', tab.deliver, ['containers', 'jobs']);
    streams.change('session-a', { stream: stream.id, topics: ['containers', 'jobs'], fresh: ['containers'] });
    expect(tab.of('containers')).toEqual(['containers snapshot 1', 'containers snapshot 1']);
    expect(tab.of('jobs')).toEqual(['jobs snapshot 1']);
    expect(topics.containers.listenerCount).toBe(1);
  });

  it('refuses to change a stream of another session, or one that ended, as unknown', () => {
    const { topics, streams } = hub();
    const stream = streams.open('session-a', collector().deliver, ['containers']);
    const attempt = (owner: string, id: string) => () => streams.change(owner, { stream: id, topics: ['jobs'] });
    expect(attempt('session-b', stream.id)).toThrow(AppError);
    expect(attempt('session-b', stream.id)).toThrow(/No such event stream/);
    expect(topics.jobs.listenerCount).toBe(0);
    stream.close();
    expect(attempt('session-a', stream.id)).toThrow(/No such event stream/);
  });
});

describe('the topics a stream may name', () => {
  it('accepts the four kinds, logs with a container, and drops duplicates', () => {
    expect(openStreamQuerySchema.parse('containers,jobs,metrics,logs%3Amdtest-web-1,jobs')).toEqual([
      'containers',
      'jobs',
      'metrics',
      'logs:mdtest-web-1',
    ]);
    expect(openStreamQuerySchema.parse('')).toEqual([]);
  });

  it.each([
    ['secrets'],
    ['containers,env'],
    ['logs:'],
    ['logs'],
    ['%E0%A4%A'],
    [Array.from({ length: 40 }, (_, i) => `logs:c${i}`).join(',')],
  ])('refuses %s', (query) => {
    expect(openStreamQuerySchema.safeParse(query).success).toBe(false);
  });

  it('a change names a stream id and known topics only, and nothing else', () => {
    const stream = '5b0e7a4e-3f55-4c8e-9a7e-1f0a3c2b9d10';
    expect(changeStreamTopicsSchema.parse({ stream, topics: ['jobs'] })).toEqual({
      stream,
      topics: ['jobs'],
      fresh: [],
    });
    expect(changeStreamTopicsSchema.safeParse({ stream, topics: ['docker'] }).success).toBe(false);
    expect(changeStreamTopicsSchema.safeParse({ stream: 'not-an-id', topics: [] }).success).toBe(false);
    expect(changeStreamTopicsSchema.safeParse({ stream, topics: [], owner: 'x' }).success).toBe(false);
  });

  it('the logs topic validates its container: a bad name gets one "refused" message, nothing is followed', () => {
    const sent: unknown[] = [];
    const leave = subscribeTopic('logs:../etc/passwd', (message) => sent.push(message));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ type: 'follow', follow: { state: 'refused', error: { code: 'invalid_input' } } });
    leave();
  });
});
