import 'server-only';

import type { Readable } from 'node:stream';

import { getConfig } from '../config';
import { toErrorView } from '../errors';
import { text } from '../i18n/text';
import { processSingleton } from '../process/singleton';
import { dockerStreams } from './client';
import type { ContainerWatcher } from './container-watch';
import { dockerUnavailable } from './errors';
import { DockerLogDecoder, sinceAfter } from './log-decoder';
import type { LogFollowState, LogLine, LogsMessage } from './log-types';
import { inspectTarget, MAX_LINE_BYTES, statusCode, type InspectedTarget } from './logs';

/**
 * The live follow of one container's log, as a source for the live hub (lib/live/hub.ts): the Docker log
 * stream opens with start() and is destroyed by stop(). The hub runs it while a viewer watches; the live
 * registry keeps one per container name (lib/live/log-follows.ts). It follows a name, not an id, because
 * `docker compose up` recreates a container under the same name with a new id, and the follow continues
 * with the new one.
 *
 * When the container stops, Docker ends the stream. The follow then says so ("stopped") and reattaches
 * when the container runs again, as the watcher it was given reports (Docker events, no polling), from
 * just after the last line it delivered, so a restart loses and repeats nothing. A new follow starts
 * with the log's last lines rather than "since now", so that a viewer who rendered the page a moment
 * earlier misses nothing in between (the view drops the lines it already has).
 */

/** Lines a follow keeps for viewers who join later, and the tail it starts with. */
const RECENT_LINES = 200;
/** A container that writes more than this is shown with gaps ("N lines skipped") rather than flooding browsers. */
const MAX_LINES_PER_SECOND = 1000;
export const RETRY_DELAYS_MS = [250, 1_000, 2_000, 5_000];

function now(): string {
  return new Date().toISOString();
}

/** Open Docker log streams of all follows, for the tests and benchmarks ("one stream per container"). */
function streamCounter(): { open: number } {
  return processSingleton('docker.logStreams', () => ({ open: 0 }));
}

export function openLogStreamCount(): number {
  return streamCounter().open;
}

/** Follows one container's log. See the module comment for its lifecycle. */
export class ContainerLogSource {
  /** Docker log streams opened by this source, and how many are open now (0 or 1). */
  readonly stats = { attaches: 0, open: 0, lines: 0, dropped: 0 };
  private active = false;
  private generation = 0;
  private stream: Readable | undefined;
  private waiting: (() => void) | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private follow: LogFollowState = { state: 'connecting' };
  private readonly recent: LogLine[] = [];
  private cursor: string | undefined;
  private window = { startedMs: 0, count: 0 };
  private droppedSinceEmit = 0;
  private emit: (message: LogsMessage) => void = () => undefined;

  /**
   * `watchContainers` tells the follow when its container runs again; `onStopped` lets the one who keeps
   * the follow forget it when the last viewer has gone.
   */
  constructor(
    readonly name: string,
    private readonly watchContainers: ContainerWatcher,
    private readonly onStopped: () => void = () => undefined,
  ) {}

  start(emit: (message: LogsMessage) => void): void {
    this.emit = emit;
    this.active = true;
    this.attach();
  }

  stop(): void {
    this.active = false;
    this.generation += 1;
    clearTimeout(this.retryTimer);
    this.stopWaiting();
    this.stream?.destroy();
    this.stream = undefined;
    this.recent.length = 0;
    this.cursor = undefined;
    this.follow = { state: 'connecting' };
    this.onStopped();
  }

  snapshot(): LogsMessage {
    return { type: 'snapshot', container: this.name, follow: this.follow, lines: [...this.recent], at: now() };
  }

  private attach(): void {
    clearTimeout(this.retryTimer);
    this.stopWaiting();
    const generation = ++this.generation;
    void this.attachAsync(generation);
  }

  private async attachAsync(generation: number): Promise<void> {
    let inspected: InspectedTarget | undefined;
    try {
      inspected = await inspectTarget(this.name);
    } catch (error) {
      if (generation !== this.generation) return;
      this.setFollow({ state: 'unavailable', error: toErrorView(error), since: now() });
      this.waitForRunning(generation);
      return;
    }
    if (generation !== this.generation) return;
    if (!inspected || inspected.target.state !== 'running') this.failures = 0;
    if (!inspected) {
      this.setFollow({
        state: 'stopped',
        detail: text('logs.errors.gone', { name: this.name }),
        since: now(),
      });
      this.waitForRunning(generation);
      return;
    }
    if (inspected.target.state !== 'running') {
      this.setFollow({
        state: 'stopped',
        detail: text('logs.errors.notRunning', { name: this.name, state: inspected.target.state }),
        since: now(),
      });
      this.waitForRunning(generation);
      return;
    }
    const since = this.cursor === undefined ? undefined : sinceAfter(this.cursor);
    let stream: Readable;
    try {
      stream = (await dockerStreams()
        .getContainer(inspected.target.id)
        .logs({
          follow: true,
          stdout: true,
          stderr: true,
          timestamps: true,
          ...(since ? { since } : { tail: RECENT_LINES }),
        })) as unknown as Readable;
    } catch (error) {
      if (generation !== this.generation) return;
      // 404/409: it went away or stopped between the inspect and the attach; look again shortly.
      const code = statusCode(error);
      if (code === 404 || code === 409) return this.retryLater(generation);
      this.setFollow({
        state: 'unavailable',
        error: toErrorView(dockerUnavailable(error, getConfig().docker)),
        since: now(),
      });
      this.waitForRunning(generation);
      return;
    }
    if (generation !== this.generation) {
      stream.destroy();
      return;
    }
    this.stream = stream;
    this.stats.attaches += 1;
    this.stats.open += 1;
    streamCounter().open += 1;
    const decoder = new DockerLogDecoder(inspected.tty, { maxLineBytes: MAX_LINE_BYTES });
    let ended = false;
    const finish = () => {
      if (ended) return;
      ended = true;
      this.stats.open -= 1;
      streamCounter().open -= 1;
      if (this.stream === stream) this.stream = undefined;
      if (generation !== this.generation || !this.active) return;
      this.deliver(decoder.end());
      // Docker ends a follow when the container stops; anything else (the daemon went away) is found out by looking.
      this.retryLater(generation, this.failures === 0 ? 0 : undefined);
    };
    stream.on('data', (chunk: Buffer) => {
      if (generation === this.generation) this.deliver(decoder.push(chunk));
    });
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', finish);
    this.setFollow({ state: 'following', since: now() });
  }

  /** Looks again after a delay that grows while attaching keeps failing with the container running. */
  private retryLater(generation: number, delayMs?: number): void {
    const delay = delayMs ?? RETRY_DELAYS_MS[Math.min(this.failures, RETRY_DELAYS_MS.length - 1)] ?? 5_000;
    this.failures += 1;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (this.active && generation === this.generation) this.attach();
    }, delay);
    this.retryTimer.unref();
  }

  /** Waits on the containers' watcher (Docker events) until a container of this name runs, then attaches. */
  private waitForRunning(generation: number): void {
    this.stopWaiting();
    // The watcher may answer with the current views inside the call, before its unsubscribe exists.
    const watch: { done: boolean; unsubscribe?: () => void } = { done: false };
    const stop = () => {
      watch.done = true;
      if (watch.unsubscribe) watch.unsubscribe();
      else queueMicrotask(() => watch.unsubscribe?.());
    };
    this.waiting = stop;
    watch.unsubscribe = this.watchContainers((views) => {
      if (watch.done || generation !== this.generation || !this.active) return;
      if (!views.some((view) => view.name === this.name && view.state === 'running')) return;
      this.stopWaiting();
      // At once after a normal stop; with the growing delay when attaching has been failing (no hot loop).
      this.retryLater(generation, this.failures === 0 ? 0 : undefined);
    });
    if (watch.done) watch.unsubscribe();
  }

  private stopWaiting(): void {
    const stop = this.waiting;
    this.waiting = undefined;
    stop?.();
  }

  private setFollow(follow: LogFollowState): void {
    const previous = this.follow;
    this.follow = follow;
    // One message per change: a daemon that stays down is not reported again on every retry.
    if (
      previous.state === follow.state &&
      previous.state === 'unavailable' &&
      follow.state === 'unavailable' &&
      previous.error.code === follow.error.code
    ) {
      this.follow = previous;
      return;
    }
    this.emit({ type: 'follow', container: this.name, follow, at: now() });
  }

  private deliver(lines: LogLine[]): void {
    if (lines.length === 0) return;
    this.failures = 0;
    const nowMs = Date.now();
    if (nowMs - this.window.startedMs >= 1000) this.window = { startedMs: nowMs, count: 0 };
    const accepted: LogLine[] = [];
    for (const line of lines) {
      if (this.cursor === undefined || line.ts > this.cursor) this.cursor = line.ts;
      if (this.window.count >= MAX_LINES_PER_SECOND) {
        this.droppedSinceEmit += 1;
        this.stats.dropped += 1;
        continue;
      }
      this.window.count += 1;
      accepted.push(line);
    }
    if (accepted.length === 0) return;
    this.stats.lines += accepted.length;
    this.recent.push(...accepted);
    if (this.recent.length > RECENT_LINES) this.recent.splice(0, this.recent.length - RECENT_LINES);
    const dropped = this.droppedSinceEmit;
    this.droppedSinceEmit = 0;
    this.emit({ type: 'lines', container: this.name, lines: accepted, ...(dropped > 0 ? { dropped } : {}), at: now() });
  }
}
