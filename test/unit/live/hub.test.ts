import { afterEach, describe, expect, it, vi } from 'vitest';

import { LiveTopic, type LiveSource } from '@/lib/live/hub';

class CountingSource implements LiveSource<string> {
  starts = 0;
  stops = 0;
  emit: (message: string) => void = () => undefined;
  state: string | undefined;
  start(emit: (message: string) => void) {
    this.starts += 1;
    this.emit = emit;
  }
  stop() {
    this.stops += 1;
  }
  snapshot() {
    return this.state;
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe('LiveTopic', () => {
  it('starts its source with the first listener only, and shares it', () => {
    const source = new CountingSource();
    const topic = new LiveTopic(source, 1000);
    const a: string[] = [];
    const b: string[] = [];
    topic.subscribe((m) => a.push(m));
    source.state = 'snap';
    topic.subscribe((m) => b.push(m));
    source.emit('change');
    expect(source.starts).toBe(1);
    expect(a).toEqual(['change']);
    expect(b).toEqual(['snap', 'change']);
  });

  it('stops the source after the grace period once the last listener leaves, not before', () => {
    vi.useFakeTimers();
    const source = new CountingSource();
    const topic = new LiveTopic(source, 1000);
    const leaveA = topic.subscribe(() => undefined);
    const leaveB = topic.subscribe(() => undefined);
    leaveA();
    vi.advanceTimersByTime(5000);
    expect(source.stops).toBe(0);
    leaveB();
    vi.advanceTimersByTime(999);
    expect(source.stops).toBe(0);
    vi.advanceTimersByTime(1);
    expect(source.stops).toBe(1);
    expect(topic.isRunning).toBe(false);
  });

  it('a listener arriving within the grace period keeps the source running (a page reload)', () => {
    vi.useFakeTimers();
    const source = new CountingSource();
    const topic = new LiveTopic(source, 1000);
    topic.subscribe(() => undefined)();
    vi.advanceTimersByTime(500);
    topic.subscribe(() => undefined);
    vi.advanceTimersByTime(5000);
    expect(source.starts).toBe(1);
    expect(source.stops).toBe(0);
  });

  it('one throwing listener does not starve the others', () => {
    const source = new CountingSource();
    const topic = new LiveTopic(source, 1000);
    const seen: string[] = [];
    topic.subscribe(() => {
      throw new Error('closed stream');
    });
    topic.subscribe((m) => seen.push(m));
    source.emit('x');
    expect(seen).toEqual(['x']);
  });

  it("nextMatching holds the topic until a matching message, takes a running topic's snapshot, then lets go", async () => {
    vi.useFakeTimers();
    const source = new CountingSource();
    const topic = new LiveTopic(source, 1000);
    const first = topic.nextMatching((message) => message.startsWith('sync'), 5000);
    expect(source.starts).toBe(1);
    source.emit('noise');
    source.emit('sync 1');
    await expect(first).resolves.toBe('sync 1');
    expect(topic.listenerCount).toBe(0);
    expect(topic.isRunning).toBe(true);

    source.state = 'sync 2';
    await expect(topic.nextMatching((message) => message.startsWith('sync'), 5000)).resolves.toBe('sync 2');
    expect(topic.listenerCount).toBe(0);

    source.state = undefined;
    const late = topic.nextMatching(() => true, 5000);
    vi.advanceTimersByTime(5000);
    await expect(late).resolves.toBeUndefined();
    expect(topic.listenerCount).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(source.stops).toBe(1);
  });
});
