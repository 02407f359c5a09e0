'use client';

import type { LiveTopicKey } from '@/lib/live/topic-keys';
import { StreamConnection, type LiveConnectionState } from './stream-connection';
import type { TabToWorker, WorkerToTab } from './tab-registry';

/**
 * A tab's side of the live stream: which topics its components listen to, and the transport that
 * carries them: the browser's shared worker, or, where SharedWorker is missing or fails to start
 * (Chrome on Android), a stream of the tab's own. A hidden tab carries no topic; shown again, it asks
 * for every topic afresh, so what it shows starts from a snapshot of the present.
 */
interface Transport {
  setTopics(topics: LiveTopicKey[], fresh: LiveTopicKey[]): void;
  close(): void;
}

type MessageListener = (message: unknown) => void;
type StateListener = (state: LiveConnectionState) => void;

class TabLive {
  private readonly listeners = new Map<LiveTopicKey, Set<MessageListener>>();
  private readonly stateListeners = new Set<StateListener>();
  private readonly fresh = new Set<LiveTopicKey>();
  private transport: Transport;
  private flushQueued = false;
  state: LiveConnectionState = 'connecting';

  constructor() {
    this.transport = this.sharedTransport() ?? this.ownTransport();
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.refreshAll();
      this.queueFlush();
    });
    window.addEventListener('pagehide', () => this.transport.close());
    window.addEventListener('pageshow', (event) => {
      if (event.persisted) {
        this.refreshAll();
        this.queueFlush();
      }
    });
  }

  subscribe(topic: LiveTopicKey, listener: MessageListener): () => void {
    let set = this.listeners.get(topic);
    if (!set) {
      set = new Set();
      this.listeners.set(topic, set);
    }
    set.add(listener);
    // A second listener in this tab would otherwise start without the topic's current state.
    this.fresh.add(topic);
    this.queueFlush();
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(topic) === set) this.listeners.delete(topic);
      this.queueFlush();
    };
  }

  onState(listener: StateListener): () => void {
    this.stateListeners.add(listener);
    listener(this.state);
    return () => this.stateListeners.delete(listener);
  }

  private refreshAll(): void {
    for (const topic of this.listeners.keys()) this.fresh.add(topic);
  }

  /** Coalesces the joins and leaves of one render into one change. */
  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      this.flushQueued = false;
      if (document.visibilityState === 'hidden') {
        this.transport.setTopics([], []);
        return;
      }
      const topics = [...this.listeners.keys()];
      const fresh = [...this.fresh].filter((topic) => this.listeners.has(topic));
      this.fresh.clear();
      this.transport.setTopics(topics, fresh);
    });
  }

  private deliver(topic: LiveTopicKey, message: unknown): void {
    for (const listener of this.listeners.get(topic) ?? []) listener(message);
  }

  private setState(state: LiveConnectionState): void {
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }

  private sharedTransport(): Transport | undefined {
    if (typeof SharedWorker === 'undefined') return undefined;
    let worker: SharedWorker;
    try {
      worker = new SharedWorker(new URL('./live-worker.ts', import.meta.url), { name: 'mastodash-live' });
    } catch {
      return undefined;
    }
    const port = worker.port;
    const post = (request: TabToWorker) => port.postMessage(request);
    port.onmessage = (event: MessageEvent<WorkerToTab>) => {
      const reply = event.data;
      if (reply.type === 'state') this.setState(reply.state);
      else this.deliver(reply.topic, reply.message);
    };
    // A worker that cannot start (blocked, failed to load) leaves this tab on a stream of its own.
    worker.onerror = () => {
      port.close();
      this.transport = this.ownTransport();
      this.refreshAll();
      this.queueFlush();
    };
    port.start();
    // Held until this tab is gone, so that the worker learns of a tab that crashed without saying goodbye.
    const lock = `mastodash-live-tab-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    void navigator.locks?.request(lock, () => {
      post({ type: 'watch', lock });
      return new Promise<never>(() => undefined);
    });
    return {
      setTopics: (topics, fresh) => post({ type: 'topics', topics, fresh }),
      close: () => post({ type: 'close' }),
    };
  }

  private ownTransport(): Transport {
    const connection = new StreamConnection('/api/live', {
      message: (topic, message) => this.deliver(topic, message),
      state: (state) => this.setState(state),
    });
    return {
      setTopics: (topics, fresh) => connection.setTopics(topics, fresh),
      close: () => connection.close(),
    };
  }
}

let tab: TabLive | undefined;

export function tabLive(): TabLive {
  tab ??= new TabLive();
  return tab;
}
