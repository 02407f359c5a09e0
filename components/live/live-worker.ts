import { StreamConnection, type LiveConnectionState } from './stream-connection';
import type { LiveTopicKey } from '@/lib/live/topic-keys';

/**
 * The browser's one event stream, shared by all its tabs (a SharedWorker). Each tab tells the worker
 * which topics it shows now (none while hidden); the stream carries their union, and each message goes
 * to the tabs that show its topic. Through an SSH tunnel the browser allows six connections to the
 * dashboard, so twelve tabs must not hold twelve streams.
 */
export type TabToWorker = { type: 'topics'; topics: LiveTopicKey[]; fresh: LiveTopicKey[] } | { type: 'close' };
export type WorkerToTab = { type: 'message'; topic: LiveTopicKey; message: unknown } | { type: 'state'; state: LiveConnectionState };

interface SharedWorkerScope {
  onconnect: ((event: MessageEvent) => void) | null;
}

const tabs = new Map<MessagePort, Set<LiveTopicKey>>();

const connection = new StreamConnection('/api/live', {
  message(topic, message) {
    for (const [port, topics] of tabs) if (topics.has(topic)) port.postMessage({ type: 'message', topic, message } satisfies WorkerToTab);
  },
  state(state) {
    for (const port of tabs.keys()) port.postMessage({ type: 'state', state } satisfies WorkerToTab);
  },
});

function carry(fresh: LiveTopicKey[]): void {
  const union = new Set<LiveTopicKey>();
  for (const topics of tabs.values()) for (const topic of topics) union.add(topic);
  connection.setTopics(union, fresh);
}

(self as unknown as SharedWorkerScope).onconnect = (event: MessageEvent) => {
  const port = event.ports[0];
  if (!port) return;
  tabs.set(port, new Set());
  port.onmessage = (message: MessageEvent<TabToWorker>) => {
    const request = message.data;
    if (request.type === 'close') {
      tabs.delete(port);
      carry([]);
      return;
    }
    // A topic another tab already holds gives no snapshot by itself; `fresh` asks the server for one.
    tabs.set(port, new Set(request.topics));
    carry(request.fresh);
  };
  port.start();
  port.postMessage({ type: 'state', state: connection.state } satisfies WorkerToTab);
};
