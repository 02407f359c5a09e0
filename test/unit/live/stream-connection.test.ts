import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { StreamConnection, type LiveConnectionState } from '@/components/live/stream-connection';

/** The browser's EventSource, reduced to what StreamConnection uses; tests play the server. */
class FakeEventSource {
  static opened: FakeEventSource[] = [];
  closed = false;
  onerror: (() => void) | null = null;
  private readonly handlers = new Map<string, ((event: MessageEvent<string>) => void)[]>();
  constructor(readonly url: string) {
    FakeEventSource.opened.push(this);
  }
  addEventListener(name: string, handler: (event: MessageEvent<string>) => void) {
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), handler]);
  }
  close() {
    this.closed = true;
  }
  emit(name: string, data: unknown) {
    for (const handler of this.handlers.get(name) ?? [])
      handler({ data: JSON.stringify(data) } as MessageEvent<string>);
  }
  get topics(): string[] {
    const query = new URL(this.url, 'http://x').searchParams.get('topics') ?? '';
    return query === '' ? [] : query.split(',');
  }
}

const STREAM_ID = '5b0e7a4e-3f55-4c8e-9a7e-1f0a3c2b9d10';
let posts: { body: { stream: string; topics: string[]; fresh: string[] } }[];
let answer: () => Response;

function connection() {
  const states: LiveConnectionState[] = [];
  const messages: [string, unknown][] = [];
  const live = new StreamConnection('/api/live', {
    message: (topic, message) => messages.push([topic, message]),
    state: (state) => states.push(state),
  });
  return { live, states, messages };
}

const flush = () => vi.advanceTimersByTimeAsync(0);
const lastSource = () => FakeEventSource.opened.at(-1)!;

beforeEach(() => {
  vi.useFakeTimers();
  FakeEventSource.opened = [];
  posts = [];
  answer = () => Response.json({ topics: posts.at(-1)?.body.topics ?? [] });
  vi.stubGlobal('EventSource', FakeEventSource);
  vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
    posts.push({ body: JSON.parse(String(init.body)) as { stream: string; topics: string[]; fresh: string[] } });
    return answer();
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('StreamConnection', () => {
  it('opens one stream with its first topics and hands on its named events', async () => {
    const { live, states, messages } = connection();
    live.setTopics(['containers', 'jobs']);
    expect(FakeEventSource.opened).toHaveLength(1);
    expect(lastSource().topics).toEqual(['containers', 'jobs']);
    lastSource().emit('stream', { id: STREAM_ID, topics: ['containers', 'jobs'] });
    lastSource().emit('containers', { topic: 'containers', message: { type: 'snapshot' } });
    await flush();
    expect(states).toEqual(['live']);
    expect(messages).toEqual([['containers', { type: 'snapshot' }]]);
    expect(posts).toEqual([]);
  });

  it('changes topics with a POST naming the stream, never with a second stream', async () => {
    const { live } = connection();
    live.setTopics(['containers']);
    lastSource().emit('stream', { id: STREAM_ID, topics: ['containers'] });
    live.setTopics(['containers', 'logs:mdtest-web-1'], ['containers']);
    await flush();
    expect(posts.map((post) => post.body)).toEqual([
      { stream: STREAM_ID, topics: ['containers', 'logs:mdtest-web-1'], fresh: ['containers'] },
    ]);
    expect(FakeEventSource.opened).toHaveLength(1);
  });

  it('catches up on changes made while the stream was opening', async () => {
    const { live } = connection();
    live.setTopics(['containers']);
    live.setTopics(['containers', 'jobs']);
    expect(FakeEventSource.opened).toHaveLength(1);
    lastSource().emit('stream', { id: STREAM_ID, topics: ['containers'] });
    await flush();
    expect(posts.map((post) => post.body.topics)).toEqual([['containers', 'jobs']]);
  });

  it('when the stream fails, says so and opens a new one with the topics wanted by then', async () => {
    const { live, states } = connection();
    live.setTopics(['containers']);
    const first = lastSource();
    first.emit('stream', { id: STREAM_ID, topics: ['containers'] });
    first.onerror?.();
    expect(first.closed).toBe(true);
    expect(states.at(-1)).toBe('reconnecting');
    live.setTopics(['containers', 'metrics']);
    expect(FakeEventSource.opened).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(FakeEventSource.opened).toHaveLength(2);
    expect(lastSource().topics).toEqual(['containers', 'metrics']);
    lastSource().emit('stream', { id: STREAM_ID, topics: ['containers', 'metrics'] });
    expect(states.at(-1)).toBe('live');
  });

  it('backs off while the server keeps failing: 1 s, 2 s, then every 5 s', async () => {
    const { live } = connection();
    live.setTopics(['jobs']);
    for (const delay of [1_000, 2_000, 5_000, 5_000]) {
      lastSource().onerror?.();
      const count = FakeEventSource.opened.length;
      await vi.advanceTimersByTimeAsync(delay - 1);
      expect(FakeEventSource.opened).toHaveLength(count);
      await vi.advanceTimersByTimeAsync(1);
      expect(FakeEventSource.opened).toHaveLength(count + 1);
    }
  });

  it('starts over when the server no longer knows the stream (404 after a restart)', async () => {
    const { live } = connection();
    live.setTopics(['containers']);
    lastSource().emit('stream', { id: STREAM_ID, topics: ['containers'] });
    answer = () => Response.json({ error: { code: 'not_found' } }, { status: 404 });
    live.setTopics(['containers', 'jobs']);
    await flush();
    expect(FakeEventSource.opened[0]!.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(lastSource().topics).toEqual(['containers', 'jobs']);
  });

  it('with no topics left it leaves them at once and closes the stream after 3 s; a topic within that keeps it', async () => {
    const { live } = connection();
    live.setTopics(['containers']);
    lastSource().emit('stream', { id: STREAM_ID, topics: ['containers'] });
    live.setTopics([]);
    await flush();
    expect(posts.at(-1)?.body.topics).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_000);
    live.setTopics(['jobs']);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(lastSource().closed).toBe(false);
    expect(FakeEventSource.opened).toHaveLength(1);

    live.setTopics([]);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(lastSource().closed).toBe(true);
    live.setTopics(['containers']);
    expect(FakeEventSource.opened).toHaveLength(2);
  });
  it('says "signed-out" when the server refuses the stream for want of a session, and is live again after a login', async () => {
    const { live, states } = connection();
    answer = () => Response.json({ error: { code: 'unauthorized' } }, { status: 401 });
    live.setTopics(['containers']);
    lastSource().onerror?.();
    await flush();
    expect(posts.map((post) => post.body)).toEqual([{}]);
    expect(states.at(-1)).toBe('signed-out');
    await vi.advanceTimersByTimeAsync(1_000);
    lastSource().emit('stream', { id: STREAM_ID, topics: ['containers'] });
    expect(states.at(-1)).toBe('live');
  });

  it('a stream that was open and broke is "reconnecting", without asking about the session', async () => {
    const { live, states } = connection();
    live.setTopics(['containers']);
    lastSource().emit('stream', { id: STREAM_ID, topics: ['containers'] });
    lastSource().onerror?.();
    await flush();
    expect(posts).toEqual([]);
    expect(states.at(-1)).toBe('reconnecting');
  });

  it('a topic change answered 401 says "signed-out"', async () => {
    const { live, states } = connection();
    live.setTopics(['containers']);
    lastSource().emit('stream', { id: STREAM_ID, topics: ['containers'] });
    answer = () => Response.json({ error: { code: 'unauthorized' } }, { status: 401 });
    live.setTopics(['jobs']);
    await flush();
    expect(states.at(-1)).toBe('signed-out');
  });
});
