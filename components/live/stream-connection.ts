import {
  LIVE_TOPIC_KINDS,
  type ChangeStreamTopics,
  type LiveEnvelope,
  type LiveStreamHello,
  type LiveTopicKey,
} from '@/lib/live/topic-keys';

/**
 * One event stream to /api/live and the topics it should carry. Used by the shared worker (one per
 * browser) and, where SharedWorker is missing, by each tab itself. Topics change with a short POST
 * naming the stream's id, never with a second stream. When the stream fails it is closed and opened
 * again with the topics wanted then (every topic then starts over with its snapshot).
 */
/**
 * 'signed-out': the server refused the stream for want of a session; it keeps trying, as a login in
 * another tab fixes it.
 */
export type LiveConnectionState = 'connecting' | 'live' | 'reconnecting' | 'signed-out';

export interface StreamCallbacks {
  message(topic: LiveTopicKey, message: unknown): void;
  state(state: LiveConnectionState): void;
}

const RETRY_DELAYS_MS = [1_000, 2_000, 5_000];
/** A stream without topics stays open this long, so that moving between pages does not reopen it. */
const IDLE_CLOSE_MS = 3_000;

export class StreamConnection {
  private source: EventSource | undefined;
  private id: string | undefined;
  private joined = new Set<LiveTopicKey>();
  private wanted = new Set<LiveTopicKey>();
  private pendingFresh = new Set<LiveTopicKey>();
  private syncing = false;
  private syncAgain = false;
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  state: LiveConnectionState = 'connecting';

  constructor(
    private readonly url: string,
    private readonly callbacks: StreamCallbacks,
  ) {}

  /** The topics to carry from now on; `fresh` ones start over with their snapshot even if already carried. */
  setTopics(topics: Iterable<LiveTopicKey>, fresh: Iterable<LiveTopicKey> = []): void {
    this.wanted = new Set(topics);
    for (const topic of fresh) if (this.wanted.has(topic)) this.pendingFresh.add(topic);
    clearTimeout(this.idleTimer);
    if (this.wanted.size === 0) {
      this.idleTimer = setTimeout(() => this.close(), IDLE_CLOSE_MS);
    } else if (!this.source && this.retryTimer === undefined) {
      this.open();
      return;
    }
    if (this.id !== undefined) void this.sync();
  }

  close(): void {
    clearTimeout(this.retryTimer);
    clearTimeout(this.idleTimer);
    this.retryTimer = undefined;
    this.source?.close();
    this.source = undefined;
    this.id = undefined;
    this.joined.clear();
  }

  private setState(state: LiveConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.callbacks.state(state);
  }

  private open(): void {
    this.pendingFresh.clear();
    const query = [...this.wanted].map((topic) => encodeURIComponent(topic)).join(',');
    const source = new EventSource(`${this.url}?topics=${query}`);
    this.source = source;
    source.addEventListener('stream', (event: MessageEvent<string>) => {
      const hello = JSON.parse(event.data) as LiveStreamHello;
      this.id = hello.id;
      this.joined = new Set(hello.topics);
      this.failures = 0;
      this.setState('live');
      const differs =
        this.joined.size !== this.wanted.size || [...this.wanted].some((topic) => !this.joined.has(topic));
      if (differs || this.pendingFresh.size > 0) void this.sync();
    });
    for (const kind of LIVE_TOPIC_KINDS) {
      source.addEventListener(kind, (event: MessageEvent<string>) => {
        const envelope = JSON.parse(event.data) as LiveEnvelope;
        this.callbacks.message(envelope.topic, envelope.message);
      });
    }
    // EventSource would retry by itself with the URL's first topics (and not at all after an error status):
    // closing and reopening keeps the topics current and treats both cases alike.
    source.onerror = () => {
      const opened = this.id !== undefined;
      this.fail();
      // EventSource hides the status of a refused stream; an empty change tells a 401 from a broken stream.
      if (!opened) void this.checkSession();
    };
  }

  private async checkSession(): Promise<void> {
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
        credentials: 'same-origin',
      });
      if (response.status === 401 && this.state === 'reconnecting') this.setState('signed-out');
    } catch {
      // The server is unreachable: 'reconnecting' says so.
    }
  }

  private fail(state: LiveConnectionState = 'reconnecting'): void {
    this.close();
    this.setState(state);
    const delay = RETRY_DELAYS_MS[Math.min(this.failures, RETRY_DELAYS_MS.length - 1)] ?? 5_000;
    this.failures += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.wanted.size > 0) this.open();
    }, delay);
  }

  private async sync(): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    this.syncing = true;
    try {
      do {
        this.syncAgain = false;
        const stream = this.id;
        if (stream === undefined) return;
        const change: ChangeStreamTopics = { stream, topics: [...this.wanted], fresh: [...this.pendingFresh] };
        this.pendingFresh.clear();
        const response = await fetch(this.url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(change),
          credentials: 'same-origin',
        });
        if (stream !== this.id) return;
        if (!response.ok) {
          // 404: the server no longer knows the stream (it restarted); 401: the session ended. Start over.
          this.fail(response.status === 401 ? 'signed-out' : 'reconnecting');
          return;
        }
        this.joined = new Set(((await response.json()) as { topics: LiveTopicKey[] }).topics);
      } while (this.syncAgain);
    } catch {
      this.fail();
    } finally {
      this.syncing = false;
    }
  }
}
