import type { LiveTopicKey } from '@/lib/live/topic-keys';
import type { LiveConnectionState } from './stream-connection';

/** The messages between a tab and the shared worker (components/live/live-worker.ts). */
export type TabToWorker =
  | { type: 'topics'; topics: LiveTopicKey[]; fresh: LiveTopicKey[] }
  /** A Web Lock the tab holds while it lives: when the worker is granted it, the tab is gone (closed or crashed). */
  | { type: 'watch'; lock: string }
  | { type: 'close' };
export type WorkerToTab =
  { type: 'message'; topic: LiveTopicKey; message: unknown } | { type: 'state'; state: LiveConnectionState };

export interface TabPort {
  postMessage(message: WorkerToTab): void;
}

/**
 * The shared worker's tabs and the topics each shows now (none while hidden). The stream carries their
 * union; each message goes to the tabs that show its topic. `carry` is told the union after every change.
 */
export class TabRegistry<Port extends TabPort> {
  private readonly tabs = new Map<Port, Set<LiveTopicKey>>();

  constructor(private readonly carry: (topics: Set<LiveTopicKey>, fresh: LiveTopicKey[]) => void) {}

  get size(): number {
    return this.tabs.size;
  }

  /** A tab's topics from now on; `fresh` ones start over with their snapshot (another tab may already hold them). */
  show(port: Port, topics: readonly LiveTopicKey[], fresh: readonly LiveTopicKey[]): void {
    this.tabs.set(port, new Set(topics));
    this.sync([...fresh]);
  }

  /** A tab that closed, or whose lock the worker was granted (it crashed): its topics leave with it. */
  remove(port: Port): void {
    if (this.tabs.delete(port)) this.sync([]);
  }

  deliver(topic: LiveTopicKey, message: unknown): void {
    for (const [port, topics] of this.tabs)
      if (topics.has(topic)) port.postMessage({ type: 'message', topic, message });
  }

  broadcast(state: LiveConnectionState): void {
    for (const port of this.tabs.keys()) port.postMessage({ type: 'state', state });
  }

  private sync(fresh: LiveTopicKey[]): void {
    const union = new Set<LiveTopicKey>();
    for (const topics of this.tabs.values()) for (const topic of topics) union.add(topic);
    this.carry(union, fresh);
  }
}
