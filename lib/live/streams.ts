import 'server-only';

import { randomUUID } from 'node:crypto';

import { AppError } from '../errors';
import type { LiveEnvelope, LiveTopicKey } from './topic-keys';
import { text } from '../i18n/text';

/**
 * The browser's event streams and the topics each carries. A browser holds one stream (shared by its
 * tabs) and changes its topics with a short POST naming the stream's id, so a topic joins or leaves
 * without a second long-lived connection. Each topic of a stream is one subscription on the hub, so
 * the hub's reference counting still decides what runs: a topic no stream carries stops.
 */
export type TopicSubscribe = (key: LiveTopicKey, send: (message: unknown) => void) => () => void;

interface StreamEntry {
  owner: string;
  deliver: (envelope: LiveEnvelope) => void;
  /** Ends the HTTP response that carries the stream. */
  end: () => void;
  joined: Map<LiveTopicKey, () => void>;
}

export interface OpenStream {
  id: string;
  close(): void;
}

export class LiveStreams {
  private readonly streams = new Map<string, StreamEntry>();

  constructor(private readonly subscribe: TopicSubscribe) {}

  get size(): number {
    return this.streams.size;
  }

  /**
   * Registers a stream for `owner` (the session) and joins its first topics; each starts with its snapshot.
   * `end` ends its response, for `endAll`.
   */
  open(
    owner: string,
    deliver: (envelope: LiveEnvelope) => void,
    topics: readonly LiveTopicKey[],
    end: () => void = () => undefined,
  ): OpenStream {
    const id = randomUUID();
    const entry: StreamEntry = { owner, deliver, end, joined: new Map() };
    this.streams.set(id, entry);
    for (const topic of topics) this.join(entry, topic);
    return { id, close: () => this.close(id) };
  }

  topicsOf(id: string): LiveTopicKey[] {
    return [...(this.streams.get(id)?.joined.keys() ?? [])];
  }

  /**
   * Sets a stream's topics: leaves those not named, joins the new ones, and joins `fresh` ones again so
   * that they start over with their snapshot (a tab shown again must see the present, not a gap).
   * A stream of another session is reported as unknown, like one that has ended.
   */
  change(
    owner: string,
    change: { stream: string; topics: readonly LiveTopicKey[]; fresh?: readonly LiveTopicKey[] },
  ): LiveTopicKey[] {
    const entry = this.streams.get(change.stream);
    if (!entry || entry.owner !== owner) {
      throw new AppError('not_found', text('errors.streamEnded.title'), text('errors.streamEnded.detail'));
    }
    const wanted = new Set(change.topics);
    for (const [topic, leave] of entry.joined) {
      if (!wanted.has(topic)) {
        entry.joined.delete(topic);
        leave();
      }
    }
    const fresh = new Set(change.fresh ?? []);
    for (const topic of wanted) {
      const joined = entry.joined.get(topic);
      if (joined && !fresh.has(topic)) continue;
      if (joined) {
        entry.joined.delete(topic);
        joined();
      }
      this.join(entry, topic);
    }
    return [...entry.joined.keys()];
  }

  /** Ends a stream: every topic it carried is left. Idempotent. */
  close(id: string): void {
    const entry = this.streams.get(id);
    if (!entry) return;
    this.streams.delete(id);
    for (const leave of entry.joined.values()) leave();
    entry.joined.clear();
  }

  /**
   * Ends every stream's response, at shutdown: an event stream never finishes by itself, so the HTTP
   * server's graceful close would wait for it until Docker's stop timeout kills the process. Browsers
   * reconnect (the stream says `retry: 1000`) to whatever serves the port next.
   */
  endAll(): number {
    const ends = [...this.streams.values()].map((entry) => entry.end);
    for (const end of ends) end();
    return ends.length;
  }

  private join(entry: StreamEntry, topic: LiveTopicKey): void {
    // The hub hands a running topic's snapshot over synchronously, inside subscribe().
    const leave = this.subscribe(topic, (message) => entry.deliver({ topic, message }));
    entry.joined.set(topic, leave);
  }
}
