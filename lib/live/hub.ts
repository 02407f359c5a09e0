import 'server-only';

/**
 * The live hub: one source per topic, shared by every browser. A source runs only while at least one
 * listener is subscribed, and stops a short grace period after the last one leaves, so that a page
 * reload does not tear down and rebuild the Docker subscription.
 */
export interface LiveSource<Message> {
  start(emit: (message: Message) => void): void;
  stop(): void;
  /** The current state as one message, sent to each new listener; undefined until the first sync. */
  snapshot(): Message | undefined;
}

export type Listener<Message> = (message: Message) => void;

const STOP_GRACE_MS = 5_000;

export class LiveTopic<Message> {
  private readonly listeners = new Set<Listener<Message>>();
  private running = false;
  private stopTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly source: LiveSource<Message>,
    private readonly stopGraceMs = STOP_GRACE_MS,
  ) {}

  get listenerCount(): number {
    return this.listeners.size;
  }

  get isRunning(): boolean {
    return this.running;
  }

  subscribe(listener: Listener<Message>): () => void {
    this.listeners.add(listener);
    clearTimeout(this.stopTimer);
    this.stopTimer = undefined;
    if (!this.running) {
      this.running = true;
      this.source.start((message) => this.broadcast(message));
    } else {
      const snapshot = this.source.snapshot();
      if (snapshot !== undefined) listener(snapshot);
    }
    return () => this.unsubscribe(listener);
  }

  /**
   * Holds the topic until a message that `match` accepts arrives (a running topic's snapshot counts), then
   * lets go, so the topic stays for its grace period. Undefined when none came within `timeoutMs`.
   */
  nextMatching(match: (message: Message) => boolean, timeoutMs: number): Promise<Message | undefined> {
    return new Promise((resolve) => {
      // A running topic hands its snapshot over inside subscribe(), before `leave` is known.
      const wait: { done: boolean; leave?: () => void } = { done: false };
      const finish = (message: Message | undefined) => {
        if (wait.done) return;
        wait.done = true;
        clearTimeout(timer);
        wait.leave?.();
        resolve(message);
      };
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      wait.leave = this.subscribe((message) => {
        if (match(message)) finish(message);
      });
      if (wait.done) wait.leave();
    });
  }

  private unsubscribe(listener: Listener<Message>): void {
    if (!this.listeners.delete(listener) || this.listeners.size > 0 || !this.running) return;
    clearTimeout(this.stopTimer);
    this.stopTimer = setTimeout(() => {
      this.stopTimer = undefined;
      if (this.listeners.size === 0 && this.running) {
        this.running = false;
        this.source.stop();
      }
    }, this.stopGraceMs);
    this.stopTimer.unref();
  }

  private broadcast(message: Message): void {
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch {
        // One broken listener (a closed stream) must not starve the others.
      }
    }
  }
}
