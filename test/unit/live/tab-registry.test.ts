import { describe, expect, it } from 'vitest';

import { TabRegistry, type TabPort, type WorkerToTab } from '@/components/live/tab-registry';
import type { LiveTopicKey } from '@/lib/live/topic-keys';

class FakePort implements TabPort {
  received: WorkerToTab[] = [];
  postMessage(message: WorkerToTab) {
    this.received.push(message);
  }
  messages() {
    return this.received.filter((message) => message.type === 'message');
  }
}

function registry() {
  const carried: { topics: LiveTopicKey[]; fresh: LiveTopicKey[] }[] = [];
  const tabs = new TabRegistry<FakePort>((topics, fresh) => carried.push({ topics: [...topics].sort(), fresh }));
  return { tabs, carried, last: () => carried.at(-1) };
}

describe('the shared worker’s tabs', () => {
  it('carries the union of what the tabs show, and a hidden tab (no topics) takes its topics out of it', () => {
    const { tabs, last } = registry();
    const home = new FakePort();
    const logs = new FakePort();
    tabs.show(home, ['containers', 'jobs'], ['containers', 'jobs']);
    tabs.show(logs, ['logs:mdtest-web-1', 'jobs'], ['logs:mdtest-web-1', 'jobs']);
    expect(last()).toEqual({
      topics: ['containers', 'jobs', 'logs:mdtest-web-1'],
      fresh: ['logs:mdtest-web-1', 'jobs'],
    });
    tabs.show(home, [], []);
    expect(last()).toEqual({ topics: ['jobs', 'logs:mdtest-web-1'], fresh: [] });
  });

  it('hands each message only to the tabs that show its topic, and the stream’s state to all', () => {
    const { tabs } = registry();
    const home = new FakePort();
    const logs = new FakePort();
    tabs.show(home, ['containers'], []);
    tabs.show(logs, ['logs:mdtest-web-1'], []);
    tabs.deliver('containers', { type: 'snapshot' });
    expect(home.messages()).toEqual([{ type: 'message', topic: 'containers', message: { type: 'snapshot' } }]);
    expect(logs.messages()).toEqual([]);
    tabs.broadcast('reconnecting');
    expect(home.received.at(-1)).toEqual({ type: 'state', state: 'reconnecting' });
    expect(logs.received.at(-1)).toEqual({ type: 'state', state: 'reconnecting' });
  });

  it('a tab that is gone (closed, or its lock granted after a crash) leaves its topics; no tab, no topic', () => {
    const { tabs, last, carried } = registry();
    const crashed = new FakePort();
    tabs.show(crashed, ['metrics'], ['metrics']);
    tabs.remove(crashed);
    expect(last()).toEqual({ topics: [], fresh: [] });
    expect(tabs.size).toBe(0);
    const changes = carried.length;
    tabs.remove(crashed);
    expect(carried).toHaveLength(changes);
    tabs.deliver('metrics', { type: 'sample' });
    expect(crashed.messages()).toEqual([]);
  });
});
